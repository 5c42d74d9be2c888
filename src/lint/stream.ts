// The editing help's checks on a stream document ("Open as One Document"): each `---` block is a single-note
// document, checked, completed and hovered exactly as one (pure). Offsets are the stream's; each block's own
// problems, fixes and spots are shifted by the block's start.
import type { NoteId } from '../anki/api';
import type { NoteSnapshot } from '../notes/model';
import { splitStream, type StreamBlock } from '../stream/codec';
import { lintNoteDocument, type LintContext, type LintProblem } from './lint';

export interface BlockSpan {
  block: StreamBlock;
  /** Offsets of the block's text in the stream. */
  start: number;
  end: number;
  /** The block's `id:` as written (undefined: a new note). */
  rawId?: string;
  /** Offsets of its `id:` line in the stream. */
  idRange?: [number, number];
}

const ID_LINE = /^id:[ \t]*(\S*)[ \t]*(?:#.*)?$/m;

/** The blocks of a stream with their offsets. */
export function blockSpans(text: string): BlockSpan[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return splitStream(text).map((block) => {
    const start = starts[block.lineOffset] ?? text.length;
    const span: BlockSpan = { block, start, end: start + block.text.length };
    const m = ID_LINE.exec(block.text);
    if (m) {
      span.rawId = m[1] ?? '';
      span.idRange = [start + m.index, start + m.index + m[0].length];
    }
    return span;
  });
}

/** The block an offset is in (none on a `---` line). */
export function spanAt(spans: readonly BlockSpan[], offset: number): BlockSpan | undefined {
  let found: BlockSpan | undefined;
  for (const s of spans) {
    if (s.start > offset) break;
    found = s;
  }
  return found && offset <= found.end ? found : undefined;
}

/** The note a block is about: its base in the document, a new note, or a problem with its `id:`. */
export type BlockRole = { kind: 'existing'; id: NoteId; loaded: NoteSnapshot } | { kind: 'new' } | { kind: 'foreign'; message: string } | { kind: 'again'; id: NoteId };

export function blockRoles(spans: readonly BlockSpan[], bases: ReadonlyMap<NoteId, NoteSnapshot>, query: string): BlockRole[] {
  const seen = new Set<NoteId>();
  return spans.map((s): BlockRole => {
    if (s.rawId === undefined) return { kind: 'new' };
    const id = Number(s.rawId);
    const loaded = Number.isSafeInteger(id) ? bases.get(id) : undefined;
    if (!loaded) {
      // The stream codec's own message (what a save says).
      return { kind: 'foreign', message: `Note ${s.rawId} is not one of the notes of this document (${query}): remove this block, or remove its "id:" line to add it as a new note.` };
    }
    if (seen.has(id)) return { kind: 'again', id };
    seen.add(id);
    return { kind: 'existing', id, loaded };
  });
}

/** The lint context of a block (undefined: only its `id:` problem is reported). */
export function blockContext(role: BlockRole, shared: Omit<LintContext, 'mode'>): LintContext | undefined {
  if (role.kind === 'existing') return { ...shared, mode: 'existing', loaded: role.loaded };
  if (role.kind === 'new') return { ...shared, mode: 'new' };
  return undefined;
}

/** A block's problem as a problem of the stream. */
export function shiftProblem(p: LintProblem, by: number): LintProblem {
  return { ...p, start: p.start + by, end: p.end + by, fixes: p.fixes.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by })) })) };
}

/**
 * Every block checked as a single-note document; `contextOf` gives each block's context (with the duplicate
 * answer for its first field, when there is one).
 */
export function lintStream(text: string, bases: ReadonlyMap<NoteId, NoteSnapshot>, query: string, contextOf: (span: BlockSpan, role: BlockRole) => LintContext | undefined): LintProblem[] {
  const spans = blockSpans(text);
  const roles = blockRoles(spans, bases, query);
  const out: LintProblem[] = [];
  spans.forEach((s, i) => {
    const role = roles[i] as BlockRole;
    if (role.kind === 'foreign' || role.kind === 'again') {
      const [start, end] = s.idRange ?? [s.start, s.start];
      const message = role.kind === 'foreign' ? role.message : `Note ${role.id} already has a block above: each note can appear once. Remove one of them.`;
      out.push({ code: 'idChanged', severity: 'error', start, end, message, args: [], fixes: [] });
      return;
    }
    const ctx = contextOf(s, role);
    if (!ctx) return;
    for (const p of lintNoteDocument(s.block.text, ctx)) out.push(shiftProblem(p, s.start));
  });
  return out;
}
