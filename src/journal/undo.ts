// Undo / redo of journaled batches (pure: no `vscode`). The glue asks for confirmations and words results.
import { MessageError, msg } from '../messages';
import type { AnkiApi, NoteId } from '../anki/api';
import type { SaveOutcome, SaveRequest } from '../core/saver';
import { sameTags } from '../core/snapshot';
import type { JournalKey, NoteOutcome, NoteState } from './format';
import { planUndo, redoTarget, skipOf, undoCandidates, undoTarget, type SaveHistory, type SkipReason } from './history';
import type { BatchEntry } from './journal';

export interface UndoEngine {
  /** One batch through the saver (conflict check + one multi); open documents follow. */
  saveNotes(reqs: readonly SaveRequest[]): Promise<SaveOutcome[]>;
  deleteNotes(ids: readonly NoteId[], meta?: { of?: string; kind?: 'undo' | 'redo' }): Promise<NoteId[]>;
}

export interface UndoDeps {
  history: SaveHistory;
  engine: UndoEngine;
  client: () => AnkiApi;
  url: () => string;
  /** Asked before notes the batch created are deleted (modal in VS Code). False: nothing is deleted. */
  confirmDelete: (count: number) => Promise<boolean>;
  log?: { info(m: string): void; warn(m: string): void };
}

export interface SkippedNote {
  id: NoteId;
  reason: SkipReason | 'notConfirmed';
  /** What changed since, or the error (English, for logs and scripts). */
  detail?: string;
  /** The note's first field (for messages). */
  name?: string;
}

export interface UndoResult {
  /** Notes brought back to the state before the batch (restored, deleted again, or re-added). */
  restored: number;
  skipped: SkippedNote[];
  /** The batch undone/redone (undefined: there was nothing to undo/redo). */
  batch?: string;
  /** Notes of the batch that were deleted (undo of an added note). */
  deleted?: NoteId[];
  /** Notes re-added with a new id (undo of a deletion): Anki's review history cannot come back. */
  reAdded?: Array<{ oldId: NoteId; newId: NoteId }>;
}

function firstField(s: NoteState | undefined): string | undefined {
  return s?.fields[0]?.[1];
}

export class Undoer {
  constructor(private readonly deps: UndoDeps) {}

  /** The key (URL + profile) of the collection now: the profile the last save saw, else one request. */
  currentKey(): Promise<JournalKey> {
    return this.deps.history.keyFor(this.deps.url());
  }

  private async entries(): Promise<BatchEntry[]> {
    await this.deps.history.journal.open();
    return this.deps.history.journal.list(await this.currentKey());
  }

  async lastUndoable(): Promise<BatchEntry | undefined> {
    return undoTarget(await this.entries());
  }

  async candidates(): Promise<BatchEntry[]> {
    return undoCandidates(await this.entries());
  }

  async lastRedoable(): Promise<BatchEntry | undefined> {
    return redoTarget(await this.entries());
  }

  /** Undoes `batchId` (default: the last save not undone yet). */
  async undo(batchId?: string): Promise<UndoResult> {
    const target = batchId !== undefined ? this.deps.history.journal.get(batchId) : await this.lastUndoable();
    if (!target) return { restored: 0, skipped: [] };
    return this.revert(target, 'undo');
  }

  /** Redoes the last undo (unless a new save came after it). */
  async redo(): Promise<UndoResult> {
    const target = await this.lastRedoable();
    if (!target) return { restored: 0, skipped: [] };
    return this.revert(target, 'redo');
  }

  private async revert(target: BatchEntry, kind: 'undo' | 'redo'): Promise<UndoResult> {
    const rec = await this.deps.history.journal.readBatch(target.id);
    if (!rec) throw new MessageError(msg('journalRecordUnreadable', target.id));
    const meta = { kind, of: target.id, ...(rec.label !== undefined ? { label: rec.label } : {}) };
    const plan = planUndo(rec, target.outcome, meta);
    const names = new Map(rec.notes.map((n) => [n.id, firstField(n.before ?? n.created)]));
    const result: UndoResult = { restored: 0, skipped: [], batch: target.id };
    const skip = (s: SkippedNote) => {
      const name = s.name ?? names.get(s.id);
      result.skipped.push(name !== undefined ? { ...s, name } : s);
    };
    for (const s of plan.skipped) skip(s.detail !== undefined ? { id: s.id, reason: s.reason, detail: s.detail } : { id: s.id, reason: s.reason });

    // Field, tag and deck changes: one batch through the saver (its conflict check skips notes changed since).
    if (plan.requests.length > 0) {
      const outcomes = await this.deps.engine.saveNotes(plan.requests);
      outcomes.forEach((o, i) => {
        const id = plan.requests[i]?.noteId as NoteId;
        const s = skipOf(o);
        if (s) skip({ id, reason: s.reason, detail: s.detail });
        else result.restored++;
      });
    }

    // Notes the batch added: delete them (after a confirmation), unless they were edited since.
    if (plan.toDelete.length > 0) {
      const infos = await this.deps.client().notesInfo(plan.toDelete.map((d) => d.id));
      const deletable: NoteId[] = [];
      plan.toDelete.forEach((d, i) => {
        const info = infos[i];
        if (!info) return skip({ id: d.id, reason: 'deleted', detail: 'the note no longer exists', ...(firstField(d.state) !== undefined ? { name: firstField(d.state) as string } : {}) });
        const same =
          info.modelName === d.state.noteType &&
          sameTags(info.tags, d.state.tags) &&
          d.state.fields.every(([k, v]) => info.fields[k]?.value === v);
        if (!same) return skip({ id: d.id, reason: 'changedSince', detail: 'edited since it was added', ...(firstField(d.state) !== undefined ? { name: firstField(d.state) as string } : {}) });
        deletable.push(d.id);
      });
      if (deletable.length > 0) {
        if (await this.deps.confirmDelete(deletable.length)) {
          const gone = await this.deps.engine.deleteNotes(deletable, { kind, of: target.id });
          result.deleted = gone;
          result.restored += gone.length;
        } else {
          for (const id of deletable) skip({ id, reason: 'notConfirmed' });
        }
      }
    }

    // Notes the batch deleted: add them again (Anki gives them new ids; their review history is gone).
    if (plan.toReAdd.length > 0) {
      const journalId = await this.deps.history.recordReAdd(plan.toReAdd, { kind, of: target.id });
      const outs: NoteOutcome[] = [];
      result.reAdded = [];
      for (const n of plan.toReAdd) {
        try {
          const newId = await this.deps.client().addNote({
            deckName: n.state.deck,
            modelName: n.state.noteType,
            fields: Object.fromEntries(n.state.fields),
            tags: n.state.tags,
            options: { allowDuplicate: true },
          });
          outs.push({ id: n.id, kind: 'saved', newId });
          result.reAdded.push({ oldId: n.id, newId });
          result.restored++;
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          outs.push({ id: n.id, kind: 'actionFailed', message });
          skip({ id: n.id, reason: 'failed', detail: message });
        }
      }
      await this.deps.history.appendOutcomes(journalId, outs);
    }
    this.deps.log?.info(
      `${kind === 'undo' ? 'Undo' : 'Redo'} of batch ${target.id}: ${result.restored} note(s) restored, ${result.skipped.length} skipped${result.skipped.length > 0 ? ` (${result.skipped.map((s) => `${s.id}: ${s.reason}${s.detail ? ` — ${s.detail}` : ''}`).join('; ')})` : ''}.`,
    );
    return result;
  }
}
