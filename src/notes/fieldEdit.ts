// Inserting text into a field value of a note document at a cursor position, whatever YAML style the value is
// written in (pure: no `vscode`). Used by media drop and Insert Media: the text inserted is HTML (`<img src="…">`)
// or `[sound:…]`, which may need quoting in YAML (a plain scalar cannot start with `[`; a double-quoted one needs
// `"` escaped). Raw text insertion could therefore change or break the document; instead the field's value is
// decoded, the text is inserted at the cursor's place in the decoded value, and the whole `name: value` pair is
// rewritten in the canonical style of `renderNote`, at the pair's own indentation.
import { isMap, isScalar, parseDocument, type Pair } from 'yaml';
import { renderNote } from './document';

/** A text edit on the document: replace [start, end) with `text` (UTF-16 offsets). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export type FieldInsertResult =
  | { ok: true; edit: TextEdit; field: string; value: string; /** offset just after the inserted text */ cursor: number }
  | { ok: false; reason: 'notInField' | 'invalidDocument' };

// A private-use character sequence no field value contains in practice; checked for uniqueness below.
const MARKER = '\uE000\uE001AnkiFilesCursor\uE001\uE000';

/**
 * The canonical `name: value` text (first line unindented, following lines at indent 2), ending with the line
 * break that ends the pair (for a `|+` block, the value's own last line break).
 */
export function renderFieldPair(name: string, value: string): string {
  const doc = renderNote({ id: 0, deck: '', noteType: '', tags: [], fields: [[name, value]], cards: [] });
  const at = doc.indexOf('\nfields:\n');
  return doc.slice(at + '\nfields:\n'.length).replace(/^ {2}/, '');
}

/** The pairs under `fields:`, or undefined when the text does not parse as a note document shape. */
function fieldPairs(text: string): Array<Pair<unknown, unknown>> | undefined {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const fields = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'fields')?.value;
  return isMap(fields) ? (fields.items as Array<Pair<unknown, unknown>>) : undefined;
}

/** Every field value of a document, or undefined when it does not parse as a note document shape. */
function fieldValues(text: string): Map<string, string> | undefined {
  const pairs = fieldPairs(text);
  if (!pairs) return undefined;
  const out = new Map<string, string>();
  for (const p of pairs) {
    if (!isScalar(p.key) || typeof p.key.value !== 'string') return undefined;
    const v = p.value;
    out.set(p.key.value, v === null ? '' : isScalar(v) ? (v.value === null ? '' : String(v.value)) : '\u0000not a scalar');
  }
  return out;
}

/**
 * Where `offset` falls inside the value of a field under `fields:`, inserts `insertion` there (in place of the
 * value's text up to `selectionEnd`, when that is given: a selection inside the one value). Fails when the
 * document does not parse or the offset (or selection) is not inside a field value (a key, `tags:`, a comment…).
 */
export function insertIntoField(text: string, offset: number, insertion: string, selectionEnd = offset): FieldInsertResult {
  if (offset < 0 || selectionEnd < offset || selectionEnd > text.length || text.includes(MARKER)) return { ok: false, reason: 'invalidDocument' };
  const pairs = fieldPairs(text);
  if (!pairs) return { ok: false, reason: 'invalidDocument' };
  // With a selection, a second marker at its end: the text between the two markers is what the insertion replaces.
  const selecting = selectionEnd > offset;
  const markedPairs = fieldPairs(
    text.slice(0, offset) + MARKER + (selecting ? text.slice(offset, selectionEnd) + MARKER : '') + text.slice(selectionEnd),
  );
  for (const [i, { key, value }] of pairs.entries()) {
    if (!isScalar(key) || typeof key.value !== 'string' || !key.range) continue;
    const name = key.value;
    const start = key.range[0];
    let before: string;
    let after: string;
    let end: number; // end of the pair's value in the original text
    const empty = value === null || (isScalar(value) && (value.value === null || value.value === ''));
    if (empty && !(isScalar(value) && value.type !== 'PLAIN')) {
      // `Front:` with nothing after the colon: the cursor must be on the pair's line, after the key.
      const lineEnd = text.indexOf('\n', key.range[1]);
      const eol = lineEnd === -1 ? text.length : lineEnd;
      const rest = text.slice(key.range[1], eol);
      if (selecting || offset < key.range[1] || offset > eol || !/^:[ \t]*$/.test(rest)) continue;
      before = '';
      after = '';
      end = eol;
    } else {
      if (!isScalar(value) || typeof value.value !== 'string' || !value.range) continue;
      const [vStart, vEnd] = value.range;
      if (offset < vStart || offset > vEnd) continue;
      if (selectionEnd > vEnd) return { ok: false, reason: 'notInField' };
      // The same pair parsed with the marker at the cursor: the marker must sit inside the value's text (same
      // style, the value without the marker unchanged), not on a quote, the block header or a comment.
      const m = markedPairs?.[i]?.value;
      if (!isScalar(m) || m.type !== value.type || typeof m.value !== 'string') return { ok: false, reason: 'notInField' };
      const parts = m.value.split(MARKER);
      if (parts.length !== (selecting ? 3 : 2) || parts.join('') !== value.value) return { ok: false, reason: 'notInField' };
      before = parts[0] ?? '';
      after = parts[parts.length - 1] ?? '';
      end = vEnd;
    }
    const newValue = before + insertion + after;
    const column = columnOf(text, start);
    // The replaced source ends with a line break exactly when the old value was a block scalar.
    const withBreak = text.charAt(end - 1) === '\n';
    const fit = (pair: string): string => (withBreak ? pair : pair.replace(/\n$/, ''));
    const pairText = fit(reindent(renderFieldPair(name, newValue), column));
    const out = text.slice(0, start) + pairText + text.slice(end);
    // Self-check: every field reads back as before, this one with the insertion; otherwise refuse.
    const was = fieldValues(text);
    const now = fieldValues(out);
    if (!was || !now || now.get(name) !== newValue || [...was].some(([k, v]) => k !== name && now.get(k) !== v) || now.size !== was.size) {
      return { ok: false, reason: 'invalidDocument' };
    }
    // Where the cursor lands: render with the marker after the insertion; when the style is the same, the
    // marker's place is the answer, else the end of the value.
    const markedPair = fit(reindent(renderFieldPair(name, before + insertion + MARKER + after), column));
    const at = markedPair.indexOf(MARKER);
    const cursor = start + (at !== -1 && markedPair.replace(MARKER, '') === pairText ? at : pairText.replace(/\n+$/, '').length);
    return { ok: true, edit: { start, end, text: pairText }, field: name, value: newValue, cursor };
  }
  return { ok: false, reason: 'notInField' };
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Shifts every line after the first from the canonical indent (2) to the pair's own column. */
function reindent(pairText: string, column: number): string {
  const delta = column - 2;
  if (delta === 0) return pairText;
  return pairText
    .split('\n')
    .map((line, i) => {
      if (i === 0 || line === '') return line;
      return delta > 0 ? ' '.repeat(delta) + line : line.slice(Math.min(-delta, line.length - line.trimStart().length));
    })
    .join('\n');
}
