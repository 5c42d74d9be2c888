// Text edits that turn a note's document into its replaced version, one per changed line of each field (and of
// the tags), for VS Code's refactor preview (pure: no `vscode` import).
import type { NoteSnapshot } from '../notes/model';
import type { NoteReplacement } from './plan';

export type EditPart = { kind: 'field'; name: string; count: number } | { kind: 'tags'; count: number } | { kind: 'note'; count: number };

export interface TextEditSpec {
  /** Offsets in the document before any edit, [start, end). */
  start: number;
  end: number;
  newText: string;
  part: EditPart;
}

export interface DocumentEdits {
  before: string;
  after: string;
  edits: TextEditSpec[];
}

export function snapshotOf(c: NoteReplacement): NoteSnapshot {
  return { ...c.note, tags: c.edited.tags, fields: c.edited.fields };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based line and UTF-16 column of an offset. */
export function positionAt(starts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (starts[lo] as number) };
}

export { lineStarts };

/** Minimal edits from `a` to `b`: per changed line when the line count is kept, else one block. */
export function diffText(a: string, b: string): Array<{ start: number; end: number; newText: string }> {
  if (a === b) return [];
  const al = a.split('\n');
  const bl = b.split('\n');
  let p = 0;
  while (p < al.length && p < bl.length && al[p] === bl[p]) p++;
  let s = 0;
  while (s < al.length - p && s < bl.length - p && al[al.length - 1 - s] === bl[bl.length - 1 - s]) s++;
  const as = lineStarts(a);
  const bs = lineStarts(b);
  const out: Array<{ start: number; end: number; newText: string }> = [];
  const trimmed = (aStart: number, aEnd: number, bStart: number, bEnd: number): void => {
    let i = 0;
    while (aStart + i < aEnd && bStart + i < bEnd && a[aStart + i] === b[bStart + i]) i++;
    let j = 0;
    while (aEnd - j > aStart + i && bEnd - j > bStart + i && a[aEnd - 1 - j] === b[bEnd - 1 - j]) j++;
    // Never cut a surrogate pair in two.
    const low = (c: string | undefined) => c !== undefined && c >= '\udc00' && c <= '\udfff';
    if (i > 0 && low(a[aStart + i])) i--;
    if (j > 0 && low(a[aEnd - j])) j--;
    out.push({ start: aStart + i, end: aEnd - j, newText: b.slice(bStart + i, bEnd - j) });
  };
  const aMid = al.length - s - p;
  const bMid = bl.length - s - p;
  if (aMid === bMid) {
    for (let k = p; k < p + aMid; k++) {
      if (al[k] === bl[k]) continue;
      const aStart = as[k] as number;
      const bStart = bs[k] as number;
      trimmed(aStart, aStart + (al[k] as string).length, bStart, bStart + (bl[k] as string).length);
    }
  } else {
    // Lines added or removed: one edit of the changed region, found by the common prefix and suffix of the texts
    // (a region of whole lines would miss the line break before lines removed at the end: "\n" → "").
    trimmed(0, a.length, 0, b.length);
  }
  return out;
}

export function applyEdits(text: string, edits: ReadonlyArray<{ start: number; end: number; newText: string }>): string {
  const sorted = [...edits].sort((x, y) => x.start - y.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

/**
 * The edits of one note's document. Each field (and the tags) is diffed on its own so every edit belongs to one
 * part; if the parts do not combine into exactly the replaced document (they always should), one edit of the
 * whole changed region is returned instead.
 */
export function documentEdits(c: NoteReplacement, render: (n: NoteSnapshot) => string): DocumentEdits {
  const before = render(c.note);
  const after = render(snapshotOf(c));
  const only = c.fields.length + (c.tags ? 1 : 0) === 1;
  if (only) {
    // One part changed (the common case): the document diff is that part's (no extra rendering).
    const f = c.fields[0];
    const part: EditPart = f ? { kind: 'field', name: f.name, count: f.matches.length } : { kind: 'tags', count: c.count };
    return { before, after, edits: diffText(before, after).map((e) => ({ ...e, part })) };
  }
  const edits: TextEditSpec[] = [];
  for (const f of c.fields) {
    const only: NoteSnapshot = { ...c.note, fields: c.note.fields.map(([n, v]): [string, string] => [n, n === f.name ? f.after : v]) };
    for (const e of diffText(before, render(only))) edits.push({ ...e, part: { kind: 'field', name: f.name, count: f.matches.length } });
  }
  if (c.tags) {
    const count = c.tags.edits.reduce((k, e) => k + e.matches, 0);
    for (const e of diffText(before, render({ ...c.note, tags: c.tags.after }))) edits.push({ ...e, part: { kind: 'tags', count } });
  }
  const sorted = edits.sort((x, y) => x.start - y.start);
  const overlapping = sorted.some((e, i) => i > 0 && e.start < (sorted[i - 1] as TextEditSpec).end);
  if (overlapping || applyEdits(before, sorted) !== after) {
    return { before, after, edits: diffText(before, after).map((e) => ({ ...e, part: { kind: 'note', count: c.count } })) };
  }
  return { before, after, edits: sorted };
}
