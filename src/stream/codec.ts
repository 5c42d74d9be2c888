// One document for a whole search: a YAML stream with one `---` block per note, each block exactly the
// single-note document (`renderNote` / `parseNoteDocument`, not a fork of them). Pure: no `vscode` import.
//
// Reading back: blocks are split on the document markers (`---` alone on a line at column 0, which no rendered
// note contains: block scalars are indented and other scalars stay on one line). Per block:
// - text identical to the note's rendering, or parsed to no change: unchanged (nothing is sent);
// - an `id` of a note of this document: parsed against that note (its problems at their lines in the stream);
// - no `id`: a new note (parsed as a "New Note" document);
// - an `id` that belongs to no note of the document, or a second block with the same id: an error.
// A note whose block was removed is left untouched in Anki.
import { formatMessage, msg, type Message } from '../messages';
import type { NoteId } from '../anki/api';
import { parseNewNoteDocument, parseNoteDocument, renderNote } from '../notes/document';
import type { DocumentProblem, EditedNote, NewNoteDraft, NoteSnapshot } from '../notes/model';
import { planSave } from '../notes/planner';

export const DOCUMENT_MARKER = '---';

export interface StreamBlock {
  /** 0-based position among the blocks. */
  index: number;
  /** Lines of the stream before the block's first line (add to a block's 1-based line for the stream's). */
  lineOffset: number;
  /** 0-based line of the block's `---` marker (-1 for text before the first marker). */
  markerLine: number;
  text: string;
}

export type BlockResult =
  | { kind: 'unchanged'; block: StreamBlock; id: NoteId }
  | { kind: 'edited'; block: StreamBlock; id: NoteId; base: NoteSnapshot; note: EditedNote }
  | { kind: 'new'; block: StreamBlock; draft: NewNoteDraft }
  | { kind: 'invalid'; block: StreamBlock; id?: NoteId; problems: DocumentProblem[] };

export interface ParsedStream {
  blocks: BlockResult[];
  /** Notes of the document with no block any more (left untouched in Anki). */
  removed: NoteId[];
}

export function renderStream(notes: readonly NoteSnapshot[], render: (n: NoteSnapshot) => string = renderNote): string {
  let out = '';
  for (const n of notes) {
    const doc = render(n);
    out += `${DOCUMENT_MARKER}\n${doc}${doc.endsWith('\n') ? '' : '\n'}`;
  }
  return out;
}

const MARKER_LINE = /^---[ \t]*(?:#.*)?$/;

/** The blocks of a stream. Blank or comment-only text before the first marker is not a block. */
export function splitStream(text: string): StreamBlock[] {
  const lines = text.split('\n');
  const blocks: StreamBlock[] = [];
  let start = 0;
  let marker = -1;
  const flush = (end: number): void => {
    const body = lines.slice(start, end);
    const joined = body.join('\n') + (end < lines.length ? '\n' : '');
    if (marker < 0 && body.every((l) => /^\s*(#.*)?$/.test(l))) return;
    blocks.push({ index: blocks.length, lineOffset: start, markerLine: marker, text: joined });
  };
  for (let i = 0; i < lines.length; i++) {
    if (!MARKER_LINE.test(lines[i] as string)) continue;
    flush(i);
    start = i + 1;
    marker = i;
  }
  flush(lines.length);
  return blocks;
}

const ID_LINE = /^id:[ \t]*(\S*)[ \t]*(?:#.*)?$/m;

function shift(problems: readonly DocumentProblem[], offset: number): DocumentProblem[] {
  return problems.map((p) => {
    const q: DocumentProblem = { ...p, line: p.line + offset };
    if (p.endLine !== undefined) q.endLine = p.endLine + offset;
    return q;
  });
}

export interface StreamContext {
  /** The notes of the document, as served (its conflict bases). */
  bases: ReadonlyMap<NoteId, NoteSnapshot>;
  /** The query the document shows (for messages). */
  query: string;
  /** Field names of a note type (for new-note blocks), or undefined when there is no such note type. */
  fieldNamesFor: (noteType: string) => readonly string[] | undefined;
  render?: (n: NoteSnapshot) => string;
}

export function parseStream(text: string, ctx: StreamContext): ParsedStream {
  const render = ctx.render ?? renderNote;
  const seen = new Set<NoteId>();
  const blocks: BlockResult[] = [];
  for (const block of splitStream(text)) {
    const m = ID_LINE.exec(block.text);
    const problem = (said: Message, code: DocumentProblem['code'] = 'idChanged'): DocumentProblem => {
      const line = m ? block.text.slice(0, m.index).split('\n').length : 1;
      return { code, message: formatMessage(said), msg: said, line: block.lineOffset + line, column: 1 };
    };
    if (!m) {
      const r = parseNewNoteDocument(block.text, ctx.fieldNamesFor);
      blocks.push(r.ok ? { kind: 'new', block, draft: r.note } : { kind: 'invalid', block, problems: shift(r.problems, block.lineOffset) });
      continue;
    }
    const id = Number(m[1]);
    const base = Number.isSafeInteger(id) ? ctx.bases.get(id) : undefined;
    if (!base) {
      blocks.push({
        kind: 'invalid',
        block,
        problems: [
          problem(msg('streamForeignNote', m[1] ?? '', ctx.query)),
        ],
      });
      continue;
    }
    if (seen.has(id)) {
      blocks.push({ kind: 'invalid', block, id, problems: [problem(msg('streamDuplicateNote', id))] });
      continue;
    }
    seen.add(id);
    if (block.text === render(base)) {
      blocks.push({ kind: 'unchanged', block, id });
      continue;
    }
    const r = parseNoteDocument(block.text, base);
    if (!r.ok) {
      blocks.push({ kind: 'invalid', block, id, problems: shift(r.problems, block.lineOffset) });
      continue;
    }
    blocks.push(planSave(base, r.note).isEmpty ? { kind: 'unchanged', block, id } : { kind: 'edited', block, id, base, note: r.note });
  }
  const removed = [...ctx.bases.keys()].filter((id) => !seen.has(id));
  return { blocks, removed };
}
