// Find and replace over an Anki query: read the scope, plan, validate, save as ONE batch (pure: no `vscode`).
//
// Requests: reading N notes costs ⌈N/5000⌉ + 1 (`multi[findNotes, findCards]`, then per 5,000 notes one `multi`
// of `notesInfo` chunks, the first also carrying `getDecks` of the matched cards); +1 `getDecks` only for notes
// whose first card the query did not match; +1 `modelTemplates` only when a replacement would remove every
// cloze deletion of a note (to learn whether its note type is a Cloze type). Saving is the saver's batch:
// 2 requests (conflict check, one `multi` with every change and the verification).
import type { Message } from '../messages';
import type { AnkiApi, CardId, NoteId, NoteInfo } from '../anki/api';
import { actions, parseOutcome, parseOutcomes, type TypedAction } from '../anki/actions';
import { AnkiConnectError } from '../anki/errors';
import type { NoteSnapshot } from '../notes/model';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import { chunkIds } from '../core/noteStore';
import { deckByCard, snapshotFromInfo } from '../core/snapshot';
import { compileMatcher, type FindProblem, type ReplaceOptions } from './engine';
import { clozeCandidates, fieldNamesIn, planReplace, validatePlan, type NoteProblem, type ReplacePlan, type ReplaceScope } from './plan';

/** Notes per read request (the client's notesInfo chunk size). */
export const READ_CHUNK = 5000;

export interface ReplaceRequest extends ReplaceOptions {
  query: string;
  /** Field names, `'tags'`, or all fields when absent. */
  fields?: readonly string[] | 'tags';
}

export type PrepareProblem =
  | FindProblem
  | { code: 'invalidQuery'; detail: string }
  | { code: 'noNotes'; query: string }
  | { code: 'noFields' }
  | { code: 'unknownFields'; fields: string[]; known: string[] }
  | { code: 'tooManyNotes'; count: number; limit: number }
  | { code: 'invalidNotes'; problems: NoteProblem[]; notes: ReadonlyMap<NoteId, NoteSnapshot> };

export type Prepared = { ok: true; plan: ReplacePlan; notes: NoteSnapshot[] } | { ok: false; problem: PrepareProblem };

export function scopeOf(fields: ReplaceRequest['fields']): ReplaceScope {
  if (fields === 'tags') return { kind: 'tags' };
  if (fields === undefined) return { kind: 'allFields' };
  return { kind: 'fields', names: [...fields] };
}

/**
 * The notes matching `query`, as snapshots (deck = deck of the first card, like every other read), in
 * ⌈N/5000⌉ + 1 requests. Throws `AnkiConnectError` for an invalid query.
 */
export async function readScope(client: AnkiApi, query: string, limit = Infinity): Promise<{ ids: NoteId[]; notes: NoteSnapshot[] }> {
  const first = [actions.findNotes(query), actions.findCards(query)] as const;
  const [notesOut, cardsOut] = parseOutcomes(first, await client.multi([...first]));
  if (!notesOut.ok) throw notesOut.cause;
  if (!cardsOut.ok) throw cardsOut.cause;
  const ids = [...notesOut.value].sort((a, b) => a - b);
  if (ids.length === 0 || ids.length > limit) return { ids, notes: [] };
  const infos: Array<NoteInfo | undefined> = [];
  let decks = new Map<CardId, string>();
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const entries: TypedAction<unknown>[] = chunkIds(ids.slice(i, i + READ_CHUNK)).map((c) => actions.notesInfo(c));
    const getDecks = i === 0 ? actions.getDecks(cardsOut.value) : undefined;
    if (getDecks) entries.push(getDecks);
    const out = await client.multi(entries);
    const n = getDecks ? entries.length - 1 : entries.length;
    for (let k = 0; k < n; k++) {
      const o = parseOutcome(entries[k] as TypedAction<Array<NoteInfo | undefined>>, out[k] ?? { ok: false, error: 'missing result' });
      if (!o.ok) throw o.cause;
      infos.push(...o.value);
    }
    if (getDecks) {
      const o = parseOutcome(getDecks, out[n] ?? { ok: false, error: 'missing result' });
      if (!o.ok) throw o.cause;
      decks = deckByCard(o.value);
    }
  }
  // Notes whose first card the query did not match (e.g. `deck:X` and a first card elsewhere): one more getDecks.
  const missing = infos.flatMap((n) => (n && n.cards[0] !== undefined && !decks.has(n.cards[0]) ? [n.cards[0]] : []));
  if (missing.length > 0) for (const [c, d] of deckByCard(await client.getDecks(missing))) decks.set(c, d);
  const notes: NoteSnapshot[] = [];
  for (const info of infos) {
    if (!info) continue; // deleted between the two requests
    const c = info.cards[0];
    notes.push(snapshotFromInfo(info, (c !== undefined ? decks.get(c) : undefined) ?? 'Default'));
  }
  return { ids, notes };
}

/** Which of these note types are Cloze types (their templates use `{{cloze:…}}`): one request. */
export async function clozeNoteTypes(client: AnkiApi, noteTypes: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (noteTypes.length === 0) return out;
  const entries = noteTypes.map((t) => actions.modelTemplates(t));
  const results = await client.multi(entries);
  entries.forEach((e, i) => {
    const o = parseOutcome(e, results[i] ?? { ok: false, error: 'missing result' });
    // A note type we cannot read is treated as Cloze: refusing is safe, sending is not.
    if (!o.ok || Object.values(o.value).some((t) => /\{\{\s*cloze:/i.test(t.Front) || /\{\{\s*cloze:/i.test(t.Back))) out.add(noteTypes[i] as string);
  });
  return out;
}

/** Compiles, reads the scope, plans and validates. Nothing is written. */
export async function prepareReplace(
  client: AnkiApi,
  req: ReplaceRequest,
  opts: { maxNotes?: number; scope?: Awaited<ReturnType<typeof readScope>> } = {},
): Promise<Prepared> {
  const compiled = compileMatcher(req);
  if (!compiled.ok) return { ok: false, problem: compiled.problem };
  if (Array.isArray(req.fields) && req.fields.length === 0) return { ok: false, problem: { code: 'noFields' } };
  let scope: Awaited<ReturnType<typeof readScope>>;
  try {
    scope = opts.scope ?? (await readScope(client, req.query, opts.maxNotes));
  } catch (e) {
    if (e instanceof AnkiConnectError && /invalid search/i.test(e.serverMessage) && !e.isApiKey) {
      return { ok: false, problem: { code: 'invalidQuery', detail: e.serverMessage } };
    }
    throw e;
  }
  if (scope.ids.length === 0) return { ok: false, problem: { code: 'noNotes', query: req.query } };
  if (opts.maxNotes !== undefined && scope.ids.length > opts.maxNotes) {
    return { ok: false, problem: { code: 'tooManyNotes', count: scope.ids.length, limit: opts.maxNotes } };
  }
  const notes = scope.notes;
  const fieldScope = scopeOf(req.fields);
  if (fieldScope.kind === 'fields') {
    const known = fieldNamesIn(notes);
    const unknown = fieldScope.names.filter((f) => !known.includes(f));
    if (unknown.length === fieldScope.names.length) return { ok: false, problem: { code: 'unknownFields', fields: unknown, known } };
  }
  const plan = planReplace(notes, compiled.matcher, fieldScope);
  const candidates = clozeCandidates(plan);
  const clozeTypes = candidates.length > 0 ? await clozeNoteTypes(client, candidates) : new Set<string>();
  const problems = validatePlan(plan, clozeTypes);
  if (problems.length > 0) {
    return { ok: false, problem: { code: 'invalidNotes', problems, notes: new Map(notes.map((n) => [n.id, n])) } };
  }
  return { ok: true, plan, notes };
}

export interface ReplaceResult {
  /** Notes that had replacements. */
  notes: number;
  replacements: number;
  /** Notes saved. */
  saved: number;
  failed: Array<{ id: NoteId; reason: string; msg?: Message }>;
}

/** Save requests for (some of) the plan's changes, each based on the snapshot it was planned from. */
export function saveRequestsOf(plan: ReplacePlan, only?: ReadonlySet<NoteId>): SaveRequest[] {
  return plan.changes
    .filter((c) => !only || only.has(c.note.id))
    .map((c) => ({ noteId: c.note.id, edited: c.edited, base: baseOf(c.note), meta: { label: 'find and replace' } }));
}

/** Folds the saver's outcomes into the command's result. */
export function resultOf(plan: ReplacePlan, reqs: readonly SaveRequest[], outcomes: readonly SaveOutcome[]): ReplaceResult {
  const failed: ReplaceResult['failed'] = [];
  let saved = 0;
  outcomes.forEach((o, i) => {
    const id = reqs[i]?.noteId ?? 0;
    if (o.kind === 'saved') saved++;
    else failed.push({ id, reason: o.message, msg: o.msg });
  });
  return { notes: plan.changes.length, replacements: plan.replacements, saved, failed };
}
