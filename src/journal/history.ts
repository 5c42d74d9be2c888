// Save history on top of the journal (pure: no `vscode`): the saver's journal hook, undo/redo planning,
// crash checks and a note's versions.
import { formatMessage, type Message } from '../messages';
import { actions, parseOutcome } from '../anki/actions';
import type { AnkiApi, NoteId } from '../anki/api';
import type { EditedNote, NewNoteDraft, NoteSnapshot } from '../notes/model';
import type { EngineJournal } from '../core/fsEngine';
import type { BatchMeta, NoteChange, SaveOutcome, SaveRequest } from '../core/saver';
import { contentHash, describeDifferences } from '../core/snapshot';
import type { BatchKind, BatchRecord, JournalChange, JournalKey, NoteOutcome, NoteState, OutcomeRecord } from './format';
import { newBatchId, type BatchEntry, type Journal } from './journal';

export function stateOf(n: NoteSnapshot): NoteState {
  const s: NoteState = { noteType: n.noteType, deck: n.deck, tags: [...n.tags], fields: n.fields.map(([k, v]): [string, string] => [k, v]) };
  if (n.mod !== undefined) s.mod = n.mod;
  if (n.cards.length > 0) s.cards = [...n.cards];
  return s;
}

export function changeOf(c: NoteChange): JournalChange {
  const j: JournalChange = {};
  if (c.fields && Object.keys(c.fields).length > 0) j.fields = { ...c.fields };
  if (c.tags) j.tags = [...c.tags];
  if (c.deck !== undefined) j.deck = c.deck;
  return j;
}

/** `before` with `change` applied: the state the batch meant to write. */
export function intendedState(before: NoteState, change: JournalChange): NoteState {
  const fields = before.fields.map(([k, v]): [string, string] => [k, change.fields?.[k] ?? v]);
  const s: NoteState = { noteType: before.noteType, deck: change.deck ?? before.deck, tags: change.tags ? [...change.tags] : [...before.tags], fields };
  if (before.cards) s.cards = before.cards;
  return s;
}

export function snapshotOf(id: NoteId, s: NoteState): NoteSnapshot {
  const n: NoteSnapshot = { id, deck: s.deck, noteType: s.noteType, tags: [...s.tags], fields: s.fields.map(([k, v]): [string, string] => [k, v]), cards: [...(s.cards ?? [])] };
  if (s.mod !== undefined) n.mod = s.mod;
  return n;
}

function editedOf(id: NoteId, s: NoteState): EditedNote {
  return { id, deck: s.deck, noteType: s.noteType, tags: [...s.tags], fields: s.fields.map(([k, v]): [string, string] => [k, v]) };
}

/** What the journal records of a saver outcome. */
export function noteOutcomeOf(id: NoteId, before: NoteState | undefined, change: JournalChange | undefined, o: SaveOutcome): NoteOutcome {
  const r: NoteOutcome = { id, kind: o.kind };
  if (o.kind === 'saved') {
    r.hash = contentHash(o.note);
    if (o.note.mod !== undefined) r.mod = o.note.mod;
    if (o.unchanged) r.unchanged = true;
    if (before && change && contentHash(intendedState(before, change)) !== r.hash) r.after = stateOf(o.note);
  } else {
    r.message = o.message;
  }
  return r;
}

export interface HistoryOptions {
  journal: Journal;
  /** AnkiConnect's URL now (the journal key's first half). */
  url: () => string;
  now?: () => number;
  log?: { warn(m: string): void; debug?(m: string): void };
  /** Asks Anki for its open profile (one request; only when no save has reported it for this URL yet). */
  resolveProfile?: () => Promise<string | undefined>;
}

/**
 * The saver's journal hook and the history's queries. Remembers the Anki profile each URL last reported
 * (read with every conflict check), so undo knows the current key without a request of its own.
 */
export class SaveHistory implements EngineJournal {
  readonly journal: Journal;
  private readonly opts: HistoryOptions;
  private readonly now: () => number;
  private readonly profiles = new Map<string, string | undefined>();
  private readonly changeListeners = new Set<() => void>();
  /** Batches recorded whose outcome is still to come (their notes, to word the outcome). */
  private readonly inFlight = new Map<string, BatchRecord['notes']>();

  constructor(opts: HistoryOptions) {
    this.journal = opts.journal;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Called after every record appended (views of the history refresh). */
  onDidChange(f: () => void): { dispose(): void } {
    this.changeListeners.add(f);
    return { dispose: () => this.changeListeners.delete(f) };
  }

  private changed(): void {
    for (const f of this.changeListeners) f();
  }

  /** The profile last seen at `url` (`null`: never seen, ask Anki). */
  knownProfile(url: string): string | undefined | null {
    return this.profiles.has(url) ? this.profiles.get(url) : null;
  }

  /** Forget the profiles seen (Anki went away: it may come back with another profile open). */
  forgetProfiles(): void {
    this.profiles.clear();
  }

  setProfile(url: string, profile: string | undefined): void {
    this.profiles.set(url, profile);
  }

  /** The journal key of the collection at `url` now: the profile the last save saw, else asked once. */
  async keyFor(url: string): Promise<JournalKey> {
    if (!this.profiles.has(url) && this.opts.resolveProfile) {
      try {
        this.profiles.set(url, await this.opts.resolveProfile());
      } catch (e) {
        this.opts.log?.warn(`Could not read Anki's profile name: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    }
    return keyOf(url, this.profiles.get(url));
  }

  // ------------------------------------------------------------------ SaverJournal

  async record(batch: { meta: BatchMeta; profile: string | undefined; notes: Array<{ before: NoteSnapshot; change: NoteChange }> }): Promise<string> {
    const url = this.opts.url();
    this.profiles.set(url, batch.profile);
    const id = newBatchId(this.now());
    const rec: Omit<BatchRecord, 'v' | 't'> = {
      id,
      at: this.now(),
      key: keyOf(url, batch.profile),
      kind: batch.meta.kind ?? 'save',
      pid: process.pid,
      notes: batch.notes.map((n) => ({ id: n.before.id, before: stateOf(n.before), change: changeOf(n.change) })),
    };
    if (batch.meta.label !== undefined) rec.label = batch.meta.label;
    if (batch.meta.of !== undefined) rec.of = batch.meta.of;
    await this.journal.appendBatch(rec);
    this.inFlight.set(id, rec.notes);
    this.changed();
    return id;
  }

  async outcome(batchId: string, outcomes: Array<{ id: NoteId; outcome: SaveOutcome }>): Promise<void> {
    const notes = this.inFlight.get(batchId) ?? (await this.journal.readBatch(batchId))?.notes;
    this.inFlight.delete(batchId);
    const byId = new Map(notes?.map((n) => [n.id, n]) ?? []);
    await this.journal.appendOutcome({
      id: batchId,
      at: this.now(),
      notes: outcomes.map(({ id, outcome }) => noteOutcomeOf(id, byId.get(id)?.before, byId.get(id)?.change, outcome)),
    });
    this.changed();
  }

  // ------------------------------------------------------------------ notes created and deleted

  /** Records a note about to be added (before the addNote request). */
  async recordCreate(note: NewNoteDraft): Promise<string> {
    const url = this.opts.url();
    const key = await this.keyFor(url);
    const id = newBatchId(this.now());
    const created: NoteState = { noteType: note.noteType, deck: note.deck, tags: [...note.tags], fields: note.fields.map(([k, v]): [string, string] => [k, v]) };
    await this.journal.appendBatch({ id, at: this.now(), key, kind: 'create', pid: process.pid, notes: [{ id: 0, created }] });
    return id;
  }

  /** `recordNoteId`: the id the batch record gave the note (0 for a new note, the old id for a re-added one). */
  async createOutcome(batchId: string, result: { newId: NoteId; note?: NoteSnapshot } | { error: string }, recordNoteId: NoteId = 0): Promise<void> {
    const n: NoteOutcome =
      'newId' in result
        ? { id: recordNoteId, kind: 'saved', newId: result.newId, ...(result.note ? { hash: contentHash(result.note) } : {}) }
        : { id: recordNoteId, kind: 'actionFailed', message: result.error };
    await this.journal.appendOutcome({ id: batchId, at: this.now(), notes: [n] });
    this.changed();
  }

  /** Records notes about to be deleted, with their whole content (before the deleteNotes request). */
  async recordDelete(notes: NoteSnapshot[], meta: { of?: string; kind?: 'undo' | 'redo' } = {}): Promise<string> {
    const key = await this.keyFor(this.opts.url());
    const id = newBatchId(this.now());
    const rec: Omit<BatchRecord, 'v' | 't'> = {
      id,
      at: this.now(),
      key,
      kind: meta.kind ?? 'delete',
      pid: process.pid,
      notes: notes.map((n) => ({ id: n.id, before: stateOf(n) })),
    };
    if (meta.of !== undefined) rec.of = meta.of;
    await this.journal.appendBatch(rec);
    return id;
  }

  async deleteOutcome(batchId: string, ids: NoteId[], error?: string): Promise<void> {
    await this.journal.appendOutcome({
      id: batchId,
      at: this.now(),
      notes: ids.map((id) => (error === undefined ? { id, kind: 'saved' } : { id, kind: 'actionFailed', message: error })),
    });
    this.changed();
  }

  async recordChanges(notes: Array<{ before: NoteSnapshot; change: NoteChange }>, label?: string): Promise<string> {
    const key = await this.keyFor(this.opts.url());
    const id = newBatchId(this.now());
    const rec: Omit<BatchRecord, 'v' | 't'> = {
      id,
      at: this.now(),
      key,
      kind: 'save',
      pid: process.pid,
      notes: notes.map((n) => ({ id: n.before.id, before: stateOf(n.before), change: changeOf(n.change) })),
    };
    if (label !== undefined) rec.label = label;
    await this.journal.appendBatch(rec);
    this.changed();
    return id;
  }

  changesOutcome(batchId: string, ids: NoteId[], error?: string): Promise<void> {
    return this.deleteOutcome(batchId, ids, error);
  }

  /** Records notes about to be added again (undo of a deletion), under their old ids. */
  async recordReAdd(notes: ReadonlyArray<{ id: NoteId; state: NoteState }>, meta: { kind: 'undo' | 'redo'; of: string }): Promise<string> {
    const key = await this.keyFor(this.opts.url());
    const id = newBatchId(this.now());
    await this.journal.appendBatch({
      id,
      at: this.now(),
      key,
      kind: meta.kind,
      of: meta.of,
      pid: process.pid,
      notes: notes.map((n) => ({ id: n.id, created: n.state })),
    });
    return id;
  }

  async appendOutcomes(batchId: string, notes: NoteOutcome[]): Promise<void> {
    await this.journal.appendOutcome({ id: batchId, at: this.now(), notes });
    this.changed();
  }
}

export function keyOf(url: string, profile: string | undefined): JournalKey {
  return profile === undefined ? { url } : { url, profile };
}

// ------------------------------------------------------------------ undo / redo

/** Kinds an Undo Last Save can undo. */
const UNDOABLE: readonly BatchKind[] = ['save', 'redo', 'create', 'delete'];

/**
 * The batch Undo Last Save undoes: the newest save/redo/create/delete batch that was not undone yet.
 * `entries` newest first (Journal.list(key)).
 */
export function undoTarget(entries: readonly BatchEntry[]): BatchEntry | undefined {
  const undone = new Set(entries.filter((e) => e.kind === 'undo' && e.of !== undefined).map((e) => e.of));
  return entries.find((e) => UNDOABLE.includes(e.kind) && !undone.has(e.id) && e.outcome?.notes.some((n) => n.kind === 'saved') !== false);
}

/** Batches Undo Save… offers (newest first): every undoable batch not undone yet. */
export function undoCandidates(entries: readonly BatchEntry[]): BatchEntry[] {
  const undone = new Set(entries.filter((e) => e.kind === 'undo' && e.of !== undefined).map((e) => e.of));
  return entries.filter((e) => UNDOABLE.includes(e.kind) && !undone.has(e.id) && e.outcome?.notes.some((n) => n.kind === 'saved') !== false);
}

/**
 * The undo batch Redo redoes: the newest undo not redone yet, unless a new save came after it (a new change
 * ends the redo chain, as in an editor).
 */
export function redoTarget(entries: readonly BatchEntry[]): BatchEntry | undefined {
  const redone = new Set(entries.filter((e) => e.kind === 'redo' && e.of !== undefined).map((e) => e.of));
  for (const e of entries) {
    if (e.kind === 'save' || e.kind === 'create' || e.kind === 'delete') return undefined;
    if (e.kind === 'undo' && !redone.has(e.id)) return e;
  }
  return undefined;
}

export type SkipReason = 'changedSince' | 'notSaved' | 'deleted' | 'failed';

export interface UndoPlan {
  /** One request per note to restore, based on the version the batch wrote. */
  requests: SaveRequest[];
  /** Notes left alone before anything is sent. */
  skipped: Array<{ id: NoteId; reason: SkipReason; detail?: string }>;
  /** Notes the batch created (undo deletes them after a confirmation), with the content they were added with. */
  toDelete: Array<{ id: NoteId; state: NoteState }>;
  /** Notes the batch deleted (undo re-adds them, with a new id). */
  toReAdd: Array<{ id: NoteId; state: NoteState }>;
}

/**
 * Restores every note of `rec` to its state before the batch (kind `undo`), or — for an undo batch — to the
 * state the undo replaced (kind `redo`). A note is based on the version the batch wrote (its verified hash,
 * or, without an outcome — a crash — the intended content), so the saver's conflict check skips any note
 * changed since, in Anki or by a later save.
 */
export function planUndo(rec: BatchRecord, outcome: OutcomeRecord | undefined, meta: BatchMeta): UndoPlan {
  const plan: UndoPlan = { requests: [], skipped: [], toDelete: [], toReAdd: [] };
  const outs = new Map(outcome?.notes.map((n) => [n.id, n]) ?? []);
  for (const n of rec.notes) {
    const o = outs.get(n.id);
    if (n.created) {
      // Added by the batch: undo deletes it.
      if (o?.kind === 'saved' && o.newId !== undefined) plan.toDelete.push({ id: o.newId, state: n.created });
      else plan.skipped.push({ id: n.id, reason: 'notSaved' });
      continue;
    }
    if (!n.before) continue;
    if (!n.change) {
      // Deleted by the batch: undo adds it again (with a new id).
      if (!o || o.kind === 'saved') plan.toReAdd.push({ id: n.id, state: n.before });
      else plan.skipped.push({ id: n.id, reason: 'notSaved' });
      continue;
    }
    if (o && o.kind !== 'saved' && o.kind !== 'unavailable') {
      plan.skipped.push({ id: n.id, reason: 'notSaved', ...(o.message !== undefined ? { detail: o.message } : {}) });
      continue;
    }
    const after = o?.after ?? intendedState(n.before, n.change);
    const hash = o?.hash ?? contentHash(after);
    const snapshot = snapshotOf(n.id, after);
    if (n.before.cards && snapshot.cards.length === 0) snapshot.cards = [...n.before.cards];
    plan.requests.push({ noteId: n.id, base: { snapshot, hash }, edited: editedOf(n.id, n.before), meta });
  }
  return plan;
}

/** Why an undo request was not applied, from the saver's outcome (undefined: restored). */
export function skipOf(o: SaveOutcome): { reason: SkipReason; detail: string } | undefined {
  switch (o.kind) {
    case 'saved':
      return undefined;
    case 'conflict':
      return { reason: 'changedSince', detail: o.differences.map((d) => formatMessage(d)).join(', ') };
    case 'deleted':
      return { reason: 'deleted', detail: o.message };
    default:
      return { reason: 'failed', detail: o.message };
  }
}

// ------------------------------------------------------------------ summaries

export interface BatchSummary {
  notes: number;
  fields: number;
  tags: number;
  deck: number;
  created: number;
  deleted: number;
}

/** What a batch changed, counted per kind of change (the glue words it). */
export function summarize(rec: BatchRecord): BatchSummary {
  const s: BatchSummary = { notes: rec.notes.length, fields: 0, tags: 0, deck: 0, created: 0, deleted: 0 };
  for (const n of rec.notes) {
    if (n.created) s.created++;
    else if (!n.change) s.deleted++;
    else {
      if (n.change.fields && Object.keys(n.change.fields).length > 0) s.fields++;
      if (n.change.tags) s.tags++;
      if (n.change.deck !== undefined) s.deck++;
    }
  }
  return s;
}

// ------------------------------------------------------------------ crash check

export interface CrashCheck {
  /** Anki has the content the batch meant to write. */
  applied: NoteId[];
  /** Anki still has the content from before the batch. */
  notApplied: NoteId[];
  /** Neither (changed since, or partly applied). */
  other: NoteId[];
  /** The note no longer exists. */
  missing: NoteId[];
}

/** Compares what Anki has now (`current`, by note id; undefined = gone) with an interrupted batch. */
export function checkInterrupted(rec: BatchRecord, current: (id: NoteId) => NoteSnapshot | undefined): CrashCheck {
  const r: CrashCheck = { applied: [], notApplied: [], other: [], missing: [] };
  for (const n of rec.notes) {
    const cur = current(n.id);
    if (!cur) {
      r.missing.push(n.id);
      continue;
    }
    if (!n.before || !n.change) {
      r.other.push(n.id);
      continue;
    }
    const h = contentHash(cur);
    if (h === contentHash(intendedState(n.before, n.change))) r.applied.push(n.id);
    else if (h === contentHash(n.before)) r.notApplied.push(n.id);
    else r.other.push(n.id);
  }
  return r;
}

// ------------------------------------------------------------------ a note's history

export interface NoteVersion {
  /** When Anki Files saw this version (the batch time). */
  at: number;
  batchId: string;
  kind: BatchKind;
  label?: string;
  /** `before`: the version Anki had before the batch; `after`: what the batch wrote. */
  side: 'before' | 'after';
  state: NoteState;
  /** What changed relative to the previous (older) version, e.g. ["fields Back", "tags"]. */
  changes: Message[];
}

/**
 * The versions of a note that Anki Files saved or saw, newest first: per batch that touched it, what it
 * wrote; before the oldest (and wherever the note was changed elsewhere in between) the version it replaced.
 * Consecutive identical versions appear once. `records` oldest first, with their outcomes.
 */
export function noteVersions(noteId: NoteId, records: ReadonlyArray<{ rec: BatchRecord; outcome: OutcomeRecord | undefined }>): NoteVersion[] {
  const chrono: NoteVersion[] = [];
  let lastHash: string | undefined;
  const push = (v: Omit<NoteVersion, 'changes'>) => {
    const h = contentHash(v.state);
    if (h === lastHash) return;
    const prev = chrono[chrono.length - 1];
    chrono.push({ ...v, changes: prev ? describeDifferences(prev.state, v.state) : [] });
    lastHash = h;
  };
  for (const { rec, outcome } of records) {
    const n = rec.notes.find((x) => x.id === noteId);
    if (!n || !n.before || !n.change) continue;
    const o = outcome?.notes.find((x) => x.id === noteId);
    const base: Omit<NoteVersion, 'side' | 'state' | 'changes'> = { at: rec.at, batchId: rec.id, kind: rec.kind };
    if (rec.label !== undefined) base.label = rec.label;
    push({ ...base, side: 'before', state: n.before });
    if (o?.kind === 'saved') push({ ...base, side: 'after', state: o.after ?? intendedState(n.before, n.change) });
  }
  return chrono.reverse();
}

/** Reads Anki's open profile (one request); undefined when the add-on has no getActiveProfile. */
export async function readProfile(client: AnkiApi): Promise<string | undefined> {
  const entry = actions.getActiveProfile();
  const [out] = await client.multi([entry]);
  const r = out ? parseOutcome(entry, out) : undefined;
  return r?.ok ? r.value : undefined;
}
