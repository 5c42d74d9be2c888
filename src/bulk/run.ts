// Runs the bulk actions through the file-system engine's one path for changes (pure: no `vscode` import):
// tags as ONE save batch (`FsEngine.saveNotes`: conflict check + one `multi`, journaled, so Undo Last Save
// undoes it), moves through `FsEngine.moveNotes` (the one move rule, journaled), deletions through
// `FsEngine.deleteNotes` (journaled: undo adds the notes again with new ids).
//
// Requests: reading a selection is 1 (`multi[notesInfo, getDecks(known cards)]`; +1 `getDecks` when the cards
// are not known, i.e. from ids alone); a tag action then costs 2 (the saver's conflict check and ONE `multi`
// with every note's `updateNoteTags` and the verification); Move to Deck 3 (`notesInfo`, `getDecks`, ONE
// `changeDeck`); Delete Notes 2–3 (the journal's read of what is deleted, ONE `deleteNotes`).
import type { CardId, NoteId } from '../anki/api';
import type { MoveReport } from '../core/fsEngine';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import type { NoteSnapshot } from '../notes/model';
import { planAddTags, planRemoveTags, type DeleteResult, type Failure, type MoveResult, type TagPlan, type TagResult } from './plan';

/** What the bulk actions need of the engine (src/core/fsEngine.ts `FsEngine` is one). */
export interface BulkEngine {
  readonly store: { fetchMany(ids: readonly NoteId[], knownCards: readonly CardId[]): Promise<Map<NoteId, NoteSnapshot | undefined>> };
  saveNotes(reqs: readonly SaveRequest[]): Promise<SaveOutcome[]>;
  moveNotes(ids: readonly NoteId[], deck: string, opts?: { from?: (id: NoteId) => string | undefined }): Promise<MoveReport>;
  deleteNotes(ids: readonly NoteId[]): Promise<NoteId[]>;
}

/** Why a note is left out without being sent (e.g. its document has unsaved changes); undefined: go ahead. */
export type SkipReason = (id: NoteId) => string | undefined;

export const MISSING_REASON = (id: NoteId): string => `Note ${id} does not exist in Anki (deleted?).`;

/** The selected notes as Anki has them now, in the selection's order; ids Anki does not know are `missing`. */
export async function readSelection(
  engine: BulkEngine,
  ids: readonly NoteId[],
  knownCards: readonly CardId[] = [],
): Promise<{ notes: NoteSnapshot[]; missing: NoteId[] }> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { notes: [], missing: [] };
  const got = await engine.store.fetchMany(unique, knownCards);
  const notes: NoteSnapshot[] = [];
  const missing: NoteId[] = [];
  for (const id of unique) {
    const n = got.get(id);
    if (n) notes.push(n);
    else missing.push(id);
  }
  return { notes, missing };
}

export type TagAction = 'add' | 'remove';

export function planTags(action: TagAction, notes: readonly NoteSnapshot[], tags: readonly string[]): TagPlan {
  return action === 'add' ? planAddTags(notes, tags) : planRemoveTags(notes, tags);
}

/** The save requests of a tag plan, each based on the version it was planned from (the conflict check compares it). */
export function tagSaveRequests(plan: TagPlan, label: string): SaveRequest[] {
  return plan.edits.map((e) => ({ noteId: e.note.id, edited: e.edited, base: baseOf(e.note), meta: { label } }));
}

/** The journal's label of a tag action ("add tags vocab, n3"). */
export function tagLabel(action: TagAction, tags: readonly string[]): string {
  return `${action === 'add' ? 'add' : 'remove'} tag${tags.length === 1 ? '' : 's'} ${tags.join(', ')}`;
}

/**
 * Applies a tag plan as ONE save batch (2 requests). Notes `skip` names are left out and reported failed, as
 * are the `missing` ones the read did not find.
 */
export async function applyTags(
  engine: BulkEngine,
  action: TagAction,
  tags: readonly string[],
  selection: { notes: readonly NoteSnapshot[]; missing: readonly NoteId[] },
  skip: SkipReason = () => undefined,
): Promise<TagResult> {
  const failed: Failure[] = selection.missing.map((id) => ({ id, reason: MISSING_REASON(id) }));
  const go: NoteSnapshot[] = [];
  for (const n of selection.notes) {
    const why = skip(n.id);
    if (why !== undefined) failed.push({ id: n.id, reason: why });
    else go.push(n);
  }
  const plan = planTags(action, go, tags);
  const reqs = tagSaveRequests(plan, tagLabel(action, tags));
  const outcomes = reqs.length > 0 ? await engine.saveNotes(reqs) : [];
  let saved = 0;
  let unchanged = plan.unchanged.length;
  outcomes.forEach((o, i) => {
    const id = reqs[i]?.noteId ?? 0;
    if (o.kind === 'saved') {
      if (o.unchanged) unchanged++;
      else saved++;
    } else failed.push({ id, reason: o.message });
  });
  return { notes: selection.notes.length + selection.missing.length, saved, unchanged, failed: orderFailures(failed, selection) };
}

function orderFailures(failed: Failure[], selection: { notes: readonly NoteSnapshot[]; missing: readonly NoteId[] }): Failure[] {
  const order = new Map<NoteId, number>();
  [...selection.notes.map((n) => n.id), ...selection.missing].forEach((id, i) => order.set(id, i));
  return failed.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * Moves the notes to `deck` through `FsEngine.moveNotes` (the one move rule: each note's cards in the deck it
 * is moved from — `from`, e.g. the deck it is listed under in the Decks view, else its own deck — move).
 */
export async function moveSelection(
  engine: BulkEngine,
  ids: readonly NoteId[],
  deck: string,
  from?: ReadonlyMap<NoteId, string>,
): Promise<MoveResult> {
  const unique = [...new Set(ids)];
  const report = await engine.moveNotes(unique, deck, from && from.size > 0 ? { from: (id) => from.get(id) } : {});
  return {
    notes: unique.length,
    moved: report.moved.length,
    unchanged: report.alreadyThere.length,
    cardsLeftBehind: report.leftBehind,
    failed: report.missing.map((id) => ({ id, reason: MISSING_REASON(id) })),
  };
}

/** Deletes the notes (and their cards) through `FsEngine.deleteNotes`; notes that no longer exist are reported. */
export async function deleteSelection(engine: BulkEngine, ids: readonly NoteId[]): Promise<DeleteResult & { deletedIds: NoteId[] }> {
  const unique = [...new Set(ids)];
  const deleted = await engine.deleteNotes(unique);
  const done = new Set(deleted);
  return {
    notes: unique.length,
    deleted: deleted.length,
    failed: unique.filter((id) => !done.has(id)).map((id) => ({ id, reason: MISSING_REASON(id) })),
    deletedIds: deleted,
  };
}
