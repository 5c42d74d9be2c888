// Renaming a deck (with its sub-decks) through AnkiConnect, which has no rename action (pure: no `vscode`).
//
// The plan: every old deck D (the deck and each `D::…` below it) maps to its new name; the new decks are
// created, given the old decks' options presets (`getDeckConfig` → `setDeckConfigId`), every card of each old
// deck is moved to its new deck (`changeDeck`), and an old deck is deleted only when a read made just before
// shows it (with everything below it) holds no card at all — so a rename can never delete a card: a card added
// to an old deck meanwhile keeps that deck, and the report names it.
//
// Requests: 1 `deckNames` (skipped when the caller passes a fresh list), 1 read `multi` (every old deck's preset
// and own cards, and the notes concerned), 1 write `multi` (createDeck / setDeckConfigId / changeDeck), 1 check
// `multi` (each old deck's cards, sub-decks included), 1 `deleteDecks` (only when something is empty) = 5.
import type { AnkiApi, CardId, NoteId } from '../anki/api';
import { actions, parseOutcome, type TypedAction } from '../anki/actions';
import { deckQuery } from '../anki/query';
import { DECK_SEPARATOR, deckKey, normalizeDeckName } from '../notes/deckName';
import { checkNewDeckName, type DeckNameProblem } from './deckTree';

export interface DeckMapping {
  /** The old deck, spelled as in Anki. */
  from: string;
  /** Its new name (normalised). */
  to: string;
}

export type DeckRenameProblem =
  | { code: 'noSuchDeck'; deck: string }
  | { code: 'invalidName'; name: string; reason: DeckNameProblem }
  | { code: 'sameName'; deck: string }
  /** Only the case differs: AnkiConnect finds decks ignoring case, so `createDeck` would answer the old deck. */
  | { code: 'caseOnly'; from: string; to: string }
  /** The new name is inside the deck itself (deleting the old deck would take the new one with it). */
  | { code: 'intoItself'; from: string; to: string }
  | { code: 'targetExists'; deck: string }
  /** Anki keeps a deck named Default (deleting it only empties it). */
  | { code: 'defaultDeck' }
  /** A filtered deck has no cards of its own to move (they belong to their home decks). */
  | { code: 'filtered'; deck: string };

export type RenamePlan = { ok: true; from: string; to: string; mappings: DeckMapping[] } | { ok: false; problem: DeckRenameProblem };

function isBelow(name: string, parent: string): boolean {
  return deckKey(name).startsWith(deckKey(parent) + DECK_SEPARATOR);
}

/** The decks a rename of `from` to `to` concerns, parents first; or why it cannot be done. No request. */
export function planDeckRename(deckNames: readonly string[], from: string, to: string): RenamePlan {
  const real = deckNames.find((d) => deckKey(d) === deckKey(from));
  if (real === undefined) return { ok: false, problem: { code: 'noSuchDeck', deck: from } };
  if (deckKey(real) === 'default') return { ok: false, problem: { code: 'defaultDeck' } };
  const reason = checkNewDeckName(to, undefined);
  if (reason !== undefined) return { ok: false, problem: { code: 'invalidName', name: to, reason } };
  const target = normalizeDeckName(to);
  if (target === real) return { ok: false, problem: { code: 'sameName', deck: real } };
  if (deckKey(target) === deckKey(real)) return { ok: false, problem: { code: 'caseOnly', from: real, to: target } };
  if (isBelow(target, real)) return { ok: false, problem: { code: 'intoItself', from: real, to: target } };
  const sources = deckNames.filter((d) => deckKey(d) === deckKey(real) || isBelow(d, real));
  sources.sort((a, b) => a.split(DECK_SEPARATOR).length - b.split(DECK_SEPARATOR).length);
  const mappings = sources.map((d) => ({ from: d, to: target + d.slice(real.length) }));
  const existing = new Set(deckNames.map(deckKey));
  const clash = mappings.find((m) => existing.has(deckKey(m.to)));
  if (clash) return { ok: false, problem: { code: 'targetExists', deck: deckNames.find((d) => deckKey(d) === deckKey(clash.to)) ?? clash.to } };
  return { ok: true, from: real, to: target, mappings };
}

/** One old deck's state before the move. */
export interface SourceState {
  mapping: DeckMapping;
  /** Options preset id; undefined when it could not be read. */
  configId: number | undefined;
  /** Cards in the deck itself (not its sub-decks), home cards in filtered decks included. */
  cards: CardId[];
}

/** Which old decks to delete after the check: the topmost of those whose whole subtree was read empty. */
export function decideDeletes(
  mappings: readonly DeckMapping[],
  subtreeCards: ReadonlyMap<string, number>,
): { deleteTop: string[]; deleted: string[]; kept: Array<{ deck: string; cards: number }> } {
  const empty = (d: string): boolean => subtreeCards.get(d) === 0;
  const deleted = mappings.filter((m) => empty(m.from)).map((m) => m.from);
  const deleteTop = deleted.filter((d) => !deleted.some((p) => p !== d && isBelow(d, p)));
  const kept = mappings.filter((m) => !empty(m.from)).map((m) => ({ deck: m.from, cards: subtreeCards.get(m.from) ?? -1 }));
  return { deleteTop, deleted, kept };
}

export interface DeckRenameReport {
  from: string;
  to: string;
  /** Every old deck → new deck, with the cards moved and the options preset given to the new deck. */
  decks: Array<{ from: string; to: string; cards: number; configId?: number }>;
  movedCards: number;
  /** Notes with a card in a renamed deck (their documents show a new `deck:`). */
  notes: NoteId[];
  /** Old decks deleted (empty at the check). */
  deleted: string[];
  /** Old decks kept because the check found cards in them (cards: -1 when the check itself failed). */
  kept: Array<{ deck: string; cards: number }>;
  /** Steps that failed (the cards concerned stay where they were, the old deck is kept). */
  failures: Array<{ step: string; deck: string; error: string }>;
  requests: number;
}

export type DeckRenameResult = { ok: true; report: DeckRenameReport } | { ok: false; problem: DeckRenameProblem; requests: number };

/** Test hook: runs between the steps (e.g. to add a card to an old deck after the move). */
export interface RenameHooks {
  afterMove?: () => Promise<void> | void;
}

async function run(client: AnkiApi, entries: TypedAction<unknown>[]) {
  const out = await client.multi(entries);
  return entries.map((e, i) => parseOutcome(e, out[i] ?? { ok: false, error: 'missing multi entry' }));
}

/** Runs the rename (see the header for the requests). Throws only for a transport/protocol failure. */
export async function runDeckRename(client: AnkiApi, from: string, to: string, opts: { deckNames?: readonly string[]; hooks?: RenameHooks } = {}): Promise<DeckRenameResult> {
  let requests = 0;
  const names = opts.deckNames ?? (requests++, await client.deckNames());
  const plan = planDeckRename(names, from, to);
  if (!plan.ok) return { ok: false, problem: plan.problem, requests };
  const { mappings } = plan;

  // 1. read: presets, own cards of each old deck, the notes concerned
  const readEntries: TypedAction<unknown>[] = [];
  for (const m of mappings) readEntries.push(actions.getDeckConfig(m.from), actions.findCards(deckQuery(m.from, { includeSubdecks: false })));
  readEntries.push(actions.findNotes(deckQuery(plan.from, { includeSubdecks: true })));
  const read = await run(client, readEntries);
  requests++;
  const failures: DeckRenameReport['failures'] = [];
  const sources: SourceState[] = [];
  for (const [i, m] of mappings.entries()) {
    const conf = read[2 * i];
    const cards = read[2 * i + 1];
    if (!cards || !cards.ok) throw cards?.cause ?? new Error('missing findCards result');
    let configId: number | undefined;
    if (conf?.ok && conf.value !== false && typeof conf.value === 'object' && conf.value !== null) {
      const c = conf.value as { id: number; dyn?: boolean | number };
      if (c.dyn) return { ok: false, problem: { code: 'filtered', deck: m.from }, requests };
      configId = c.id;
    } else {
      failures.push({ step: 'getDeckConfig', deck: m.from, error: conf && !conf.ok ? conf.error : 'no options preset found' });
    }
    sources.push({ mapping: m, configId, cards: cards.value as CardId[] });
  }
  const notesOut = read[read.length - 1];
  const notes = notesOut?.ok ? [...(notesOut.value as NoteId[])] : [];

  // 2. write: create the new decks (parents first), give them the presets, move the cards
  const writes: Array<{ entry: TypedAction<unknown>; step: string; deck: string }> = [];
  for (const s of sources) writes.push({ entry: actions.createDeck(s.mapping.to), step: 'createDeck', deck: s.mapping.to });
  const byConf = new Map<number, string[]>();
  for (const s of sources) if (s.configId !== undefined) byConf.set(s.configId, [...(byConf.get(s.configId) ?? []), s.mapping.to]);
  for (const [conf, decks] of byConf) writes.push({ entry: actions.setDeckConfigId(decks, conf), step: 'setDeckConfigId', deck: decks.join(', ') });
  for (const s of sources) if (s.cards.length > 0) writes.push({ entry: actions.changeDeck(s.cards, s.mapping.to), step: 'changeDeck', deck: s.mapping.from });
  const written = await run(client, writes.map((w) => w.entry));
  requests++;
  const movedFrom = new Set<string>();
  written.forEach((o, i) => {
    const w = writes[i];
    if (!w) return;
    if (!o.ok) failures.push({ step: w.step, deck: w.deck, error: o.error });
    else if (o.value === false) failures.push({ step: w.step, deck: w.deck, error: 'Anki answered false (a deck name did not match exactly)' });
    else if (w.step === 'changeDeck') movedFrom.add(w.deck);
  });
  await opts.hooks?.afterMove?.();

  // 3. check: what is left in each old deck (sub-decks included) just before deleting
  const checks = mappings.map((m) => actions.findCards(deckQuery(m.from, { includeSubdecks: true })));
  const checked = await run(client, checks);
  requests++;
  const subtree = new Map<string, number>();
  checked.forEach((o, i) => {
    const m = mappings[i];
    if (m && o.ok) subtree.set(m.from, (o.value as CardId[]).length);
  });
  const decision = decideDeletes(mappings, subtree);

  // 4. delete the empty ones (a parent takes its sub-decks with it)
  let deleted: string[] = [];
  if (decision.deleteTop.length > 0) {
    const [del] = await run(client, [actions.deleteDecks(decision.deleteTop)]);
    requests++;
    if (del?.ok) deleted = decision.deleted;
    else failures.push({ step: 'deleteDecks', deck: decision.deleteTop.join(', '), error: del?.error ?? 'missing result' });
  }
  const decks = sources.map((s) => ({
    from: s.mapping.from,
    to: s.mapping.to,
    cards: movedFrom.has(s.mapping.from) ? s.cards.length : 0,
    ...(s.configId !== undefined ? { configId: s.configId } : {}),
  }));
  return {
    ok: true,
    report: {
      from: plan.from,
      to: plan.to,
      decks,
      movedCards: decks.reduce((n, d) => n + d.cards, 0),
      notes,
      deleted,
      kept: decision.kept,
      failures,
      requests,
    },
  };
}
