// The documents of "Open as One Document" (pure: no `vscode` import): one YAML stream per query, read in
// ⌈N/5000⌉ + 1 requests; saving sends only the changed blocks, as ONE batch of the saver (2 requests), and reports
// an outcome per block. Nothing is sent while any block is invalid. A block without `id` becomes a new note in the
// same save (one `multi` of addNote + one read); the report names each new id with its block, so the glue can
// write the `id:` lines back into the document. Notes a document added are remembered: a block that is such a
// note again without its `id:` (the line was undone or deleted) is refused rather than added twice.
import { formatMessage, MessageError, msg, type Message } from '../messages';
import type { AnkiApi, NoteId } from '../anki/api';
import type { CreateOutcome } from '../core/fsEngine';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import type { DocumentProblem, NewNoteDraft, NoteSnapshot } from '../notes/model';
import { readScope } from '../replace/run';
import { parseStream, renderStream, splitStream, type BlockResult, type StreamBlock } from './codec';

export interface StreamDoc {
  query: string;
  /** The notes as last read or saved: the conflict base of each block. */
  bases: Map<NoteId, NoteSnapshot>;
  text: string;
  mtime: number;
  /** Notes this document added, by what they were added as (note type + first field). */
  created: Map<NoteId, string>;
}

export type BlockOutcome =
  | { kind: 'saved'; block: StreamBlock; id: NoteId }
  | { kind: 'created'; block: StreamBlock; id: NoteId }
  | { kind: 'failed'; block: StreamBlock; id?: NoteId; message: string; msg: Message }
  /** `saveOnly`: a problem only a save finds (the editing help's checks of the block show the others as you type). */
  | { kind: 'invalid'; block: StreamBlock; problems: DocumentProblem[]; saveOnly?: boolean };

export interface WriteReport {
  /** Nothing was sent: some blocks are invalid (their problems are in `outcomes`). */
  refused: boolean;
  outcomes: BlockOutcome[];
  /** Notes of the document whose block was removed: left untouched in Anki. */
  removed: NoteId[];
  /** Blocks that became new notes, with their new ids (their `id:` lines are to be written back). */
  created: Array<{ id: NoteId; block: StreamBlock }>;
}

export interface StreamEngineOptions {
  client: () => AnkiApi;
  saveMany: (reqs: SaveRequest[]) => Promise<SaveOutcome[]>;
  /** Adds notes in one batch (`FsEngine.createNotes`). */
  createMany: (drafts: NewNoteDraft[]) => Promise<CreateOutcome[]>;
  fieldNamesFor: (noteType: string) => Promise<readonly string[] | undefined>;
  now?: () => number;
}

export class TooManyNotesError extends Error {
  constructor(readonly count: number, readonly limit: number) {
    super(`${count} notes match; one document holds at most ${limit}`);
  }
}

export class StreamEngine {
  private readonly docs = new Map<string, StreamDoc>();
  private readonly opts: StreamEngineOptions;
  private lastMtime = 0;

  constructor(opts: StreamEngineOptions) {
    this.opts = opts;
  }

  private mtime(): number {
    const now = (this.opts.now ?? Date.now)();
    this.lastMtime = Math.max(now, this.lastMtime + 1);
    return this.lastMtime;
  }

  get(query: string): StreamDoc | undefined {
    return this.docs.get(query);
  }

  /** Reads the query's notes (⌈N/5000⌉ + 1 requests) and (re)builds its document. */
  async load(query: string, limit: number): Promise<StreamDoc> {
    const scope = await readScope(this.opts.client(), query, limit);
    if (scope.ids.length > limit) throw new TooManyNotesError(scope.ids.length, limit);
    const doc: StreamDoc = { query, bases: new Map(scope.notes.map((n) => [n.id, n])), text: renderStream(scope.notes), mtime: this.mtime(), created: new Map() };
    this.docs.set(query, doc);
    return doc;
  }

  forget(query: string): void {
    this.docs.delete(query);
  }

  async write(query: string, text: string): Promise<WriteReport> {
    const doc = this.docs.get(query);
    if (!doc) throw new MessageError(msg('streamNotLoaded', query));
    // Field names of the note types that new-note blocks name (usually none).
    const names = new Map<string, readonly string[] | undefined>();
    const wanted = [...text.matchAll(/^noteType:[ \t]*(.+?)[ \t]*$/gm)].map((m) => m[1] as string);
    const known = new Set([...doc.bases.values()].map((n) => n.noteType));
    for (const t of new Set(wanted)) if (!known.has(t)) names.set(t, await this.opts.fieldNamesFor(t));
    const parsed = parseStream(text, {
      bases: doc.bases,
      query,
      fieldNamesFor: (t) => (names.has(t) ? names.get(t) : [...doc.bases.values()].find((n) => n.noteType === t)?.fields.map((f) => f[0])),
    });
    const refusals: BlockOutcome[] = [];
    const present = new Set(parsed.blocks.flatMap((b) => (b.kind !== 'new' && b.id !== undefined ? [b.id] : [])));
    for (const b of parsed.blocks) {
      if (b.kind === 'invalid') refusals.push({ kind: 'invalid', block: b.block, problems: b.problems });
      else if (b.kind === 'new') {
        const key = createdKey(b.draft.noteType, b.draft.fields);
        const again = [...doc.created].find(([id, k]) => k === key && !present.has(id))?.[0];
        if (again !== undefined) {
          refusals.push({
            kind: 'invalid',
            block: b.block,
            saveOnly: true,
            problems: [
              {
                code: 'missingKey',
                message: formatMessage(msg('streamBlockAddedEarlier', again)),
                msg: msg('streamBlockAddedEarlier', again),
                line: b.block.lineOffset + 1,
                column: 1,
              },
            ],
          });
        }
      }
    }
    if (refusals.length > 0) return { refused: true, removed: parsed.removed, outcomes: refusals, created: [] };
    const outcomes: BlockOutcome[] = [];
    const edited = parsed.blocks.filter((b): b is Extract<BlockResult, { kind: 'edited' }> => b.kind === 'edited');
    if (edited.length > 0) {
      const reqs: SaveRequest[] = edited.map((b) => ({ noteId: b.id, edited: b.note, base: baseOf(b.base), meta: { label: 'one document for a search' } }));
      const results = await this.opts.saveMany(reqs);
      edited.forEach((b, i) => {
        const o = results[i];
        if (o?.kind === 'saved') {
          doc.bases.set(b.id, o.note);
          outcomes.push({ kind: 'saved', block: b.block, id: b.id });
        } else {
          outcomes.push({ kind: 'failed', block: b.block, id: b.id, message: o?.message ?? 'no outcome', msg: o?.msg ?? msg('noOutcome') });
        }
      });
    }
    const fresh = parsed.blocks.filter((b): b is Extract<BlockResult, { kind: 'new' }> => b.kind === 'new');
    const created: Array<{ id: NoteId; block: StreamBlock }> = [];
    if (fresh.length > 0) {
      const results = await this.opts.createMany(fresh.map((b) => b.draft));
      fresh.forEach((b, i) => {
        const o = results[i];
        if (o?.kind === 'created') {
          // From now on the note is one of the document's notes: its block is checked against this base.
          doc.bases.set(o.id, o.note);
          doc.created.set(o.id, createdKey(b.draft.noteType, b.draft.fields));
          created.push({ id: o.id, block: b.block });
          outcomes.push({ kind: 'created', block: b.block, id: o.id });
        } else {
          const m = o?.kind === 'failed' ? o.msg : msg('noResult');
          outcomes.push({ kind: 'failed', block: b.block, message: formatMessage(m), msg: m });
        }
      });
    }
    const failed = outcomes.some((o) => o.kind === 'failed');
    if (!failed) {
      doc.text = text;
      doc.mtime = this.mtime();
    }
    return { refused: false, outcomes, removed: parsed.removed, created };
  }
}

/** What a note was added as: its note type and first field (Anki's duplicate rule looks at the same). */
function createdKey(noteType: string, fields: ReadonlyArray<readonly [string, string]>): string {
  return `${noteType}\u0000${(fields[0]?.[1] ?? '').normalize('NFC')}`;
}

/** An `id:` line to insert before a 0-based line of a stream. */
export interface IdInsertion {
  id: NoteId;
  line: number;
  text: string;
}

/**
 * Where the `id:` lines of notes added from blocks go in the document as it is now (`current`: the user may have
 * typed since the save): each added block is found by its text as saved — the block at the same position if it
 * is still that text, else the one block with that text — and gets its `id:` line before its first key, where a
 * rendered note has it. Blocks no longer found (edited meanwhile) are `unplaced`.
 */
export function idInsertions(current: string, added: ReadonlyArray<{ id: NoteId; block: StreamBlock }>): { insertions: IdInsertion[]; unplaced: NoteId[] } {
  const blocks = splitStream(current);
  const used = new Set<number>();
  const insertions: IdInsertion[] = [];
  const unplaced: NoteId[] = [];
  for (const { id, block } of added) {
    const same = (b: StreamBlock | undefined): boolean => b !== undefined && !used.has(b.index) && b.text === block.text;
    const at = blocks[block.index];
    const matches = blocks.filter(same);
    const target = same(at) ? at : matches.length === 1 ? matches[0] : undefined;
    if (!target) {
      unplaced.push(id);
      continue;
    }
    used.add(target.index);
    const k = target.text.split('\n').findIndex((l) => /^[^\s#]/.test(l));
    insertions.push({ id, line: target.lineOffset + Math.max(0, k), text: `id: ${id}\n` });
  }
  return { insertions: insertions.sort((a, b) => a.line - b.line), unplaced };
}

/** `text` with the insertions made. */
export function applyInsertions(text: string, insertions: readonly IdInsertion[]): string {
  const lines = text.split('\n');
  for (const x of [...insertions].sort((a, b) => b.line - a.line)) lines.splice(x.line, 0, x.text.replace(/\n$/, ''));
  return lines.join('\n');
}
