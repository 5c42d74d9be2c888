// The documents of "Open as One Document" (pure: no `vscode` import): one YAML stream per query, read in
// ⌈N/5000⌉ + 1 requests; saving sends only the changed blocks, as ONE batch of the saver (2 requests), and reports
// an outcome per block. Nothing is sent while any block is invalid.
import { formatMessage, MessageError, msg, type Message } from '../messages';
import type { AnkiApi, NoteId } from '../anki/api';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import type { DocumentProblem, NoteSnapshot } from '../notes/model';
import { readScope } from '../replace/run';
import { parseStream, renderStream, type BlockResult, type StreamBlock } from './codec';

export interface StreamDoc {
  query: string;
  /** The notes as last read or saved: the conflict base of each block. */
  bases: Map<NoteId, NoteSnapshot>;
  text: string;
  mtime: number;
}

export type BlockOutcome =
  | { kind: 'saved'; block: StreamBlock; id: NoteId }
  | { kind: 'failed'; block: StreamBlock; id?: NoteId; message: string; msg: Message }
  | { kind: 'invalid'; block: StreamBlock; problems: DocumentProblem[] };

export interface WriteReport {
  /** Nothing was sent: some blocks are invalid (their problems are in `outcomes`). */
  refused: boolean;
  outcomes: BlockOutcome[];
  /** Notes of the document whose block was removed: left untouched in Anki. */
  removed: NoteId[];
}

export interface StreamEngineOptions {
  client: () => AnkiApi;
  saveMany: (reqs: SaveRequest[]) => Promise<SaveOutcome[]>;
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
    const doc: StreamDoc = { query, bases: new Map(scope.notes.map((n) => [n.id, n])), text: renderStream(scope.notes), mtime: this.mtime() };
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
    for (const b of parsed.blocks) {
      if (b.kind === 'invalid') refusals.push({ kind: 'invalid', block: b.block, problems: b.problems });
      else if (b.kind === 'new') {
        refusals.push({
          kind: 'invalid',
          block: b.block,
          problems: [
            {
              code: 'missingKey',
              message: formatMessage(msg('streamNoId')),
              msg: msg('streamNoId'),
              line: b.block.lineOffset + 1,
              column: 1,
            },
          ],
        });
      }
    }
    if (refusals.length > 0) return { refused: true, removed: parsed.removed, outcomes: refusals };
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
    // New-note blocks are not added from a search document (yet): the served text would have to gain their ids
    // safely. Refused with a pointer to "Anki: New Note" (checked before anything is sent, see below).
    const failed = outcomes.some((o) => o.kind === 'failed');
    if (!failed) {
      doc.text = text;
      doc.mtime = this.mtime();
    }
    return { refused: false, outcomes, removed: parsed.removed };
  }
}
