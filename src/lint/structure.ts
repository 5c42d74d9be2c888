// Where things are in a note document (pure): the ranges of `deck`, `noteType`, the tags and every field's name
// and value, and for each value a map from positions in the value's text to offsets in the document, so a
// problem found in a field's HTML is underlined exactly. Validity is the document parser's business
// (src/notes/document.ts); this only locates, and gives up quietly on anything it cannot map.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode } from 'yaml';

export type Range = readonly [number, number];

export interface ScalarAt {
  /** The text as the parser reads it (plain scalars: the source text). */
  text: string;
  range: Range;
  /** Document offset of each position 0..text.length in `text`; undefined when it cannot be mapped exactly. */
  offsets: number[] | undefined;
}

export interface FieldAt {
  name: string;
  keyRange: Range;
  /** Undefined when the value is not a scalar. */
  value: ScalarAt | undefined;
  /** Where the value sits (or would sit after `Name:`). */
  valueRange: Range;
}

export interface NoteStructure {
  id?: ScalarAt;
  deck?: ScalarAt;
  noteType?: ScalarAt;
  tags?: { items: ScalarAt[]; range: Range; flow: boolean };
  fields?: { entries: FieldAt[]; range: Range; keyRange: Range };
  /** Top-level keys present (by text), with their key ranges. */
  keys: Map<string, Range>;
}

function rangeOf(node: unknown, fallback: Range): Range {
  const r = node && typeof node === 'object' && 'range' in node ? (node as { range?: unknown }).range : undefined;
  return Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number' ? [r[0], r[1]] : fallback;
}

function scalarText(node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  const src = node.srcToken;
  return src && 'source' in src && typeof src.source === 'string' ? src.source : '';
}

/** Offsets for each position of `value` in `source` (the scalar's source text starting at `base`). */
function mapScalar(node: Scalar, value: string, text: string, range: Range): number[] | undefined {
  const [start, end] = range;
  const src = text.slice(start, end);
  const out: number[] = [];
  let built = '';
  const push = (s: string, at: number): void => {
    for (let i = 0; i < s.length; i++) out.push(at);
    built += s;
  };
  switch (node.type) {
    case Scalar.PLAIN:
    case undefined: {
      if (src !== value) return undefined; // folded over lines, or re-typed
      for (let i = 0; i <= value.length; i++) out.push(start + i);
      return out;
    }
    case Scalar.QUOTE_SINGLE: {
      if (src.includes('\n')) return undefined;
      for (let i = 1; i < src.length - 1; i++) {
        if (src[i] === "'" && src[i + 1] === "'") {
          push("'", start + i);
          i++;
        } else push(src[i] ?? '', start + i);
      }
      out.push(start + src.length - 1);
      return built === value ? out : undefined;
    }
    case Scalar.QUOTE_DOUBLE: {
      if (src.includes('\n')) return undefined;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v', ' ': ' ', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', '\t': '\t' };
      for (let i = 1; i < src.length - 1; i++) {
        const ch = src[i] ?? '';
        if (ch !== '\\') {
          push(ch, start + i);
          continue;
        }
        const e = src[i + 1] ?? '';
        const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (hex > 0) {
          push(String.fromCodePoint(parseInt(src.slice(i + 2, i + 2 + hex), 16)), start + i);
          i += 1 + hex;
        } else if (e in simple) {
          push(simple[e] ?? '', start + i);
          i++;
        } else return undefined;
      }
      out.push(start + src.length - 1);
      return built === value ? out : undefined;
    }
    case Scalar.BLOCK_LITERAL: {
      // Header line (`|-`, `|2+` …), then lines indented by the block's indentation.
      const nl = src.indexOf('\n');
      if (nl < 0) return value === '' ? [end] : undefined;
      const header = src.slice(0, nl);
      const lines = src.slice(nl + 1).split('\n');
      const explicit = /[1-9]/.exec(header);
      let indent = explicit ? Number(explicit[0]) : -1;
      if (indent < 0) {
        const first = lines.find((l) => l.trim() !== '');
        indent = first ? first.length - first.trimStart().length : 0;
      }
      // The explicit indicator is relative to the parent's indentation: find it from the key's line.
      if (explicit) {
        const lineStart = text.lastIndexOf('\n', start) + 1;
        const keyLine = text.slice(lineStart, start);
        indent += keyLine.length - keyLine.trimStart().length;
      }
      let at = start + nl + 1;
      for (const line of lines) {
        const content = line.length >= indent ? line.slice(indent) : '';
        const cAt = at + Math.min(indent, line.length);
        for (let i = 0; i < content.length; i++) push(content[i] ?? '', cAt + i);
        push('\n', at + line.length);
        at += line.length + 1;
      }
      // Chomping: compare the prefix; the value is `built` minus trailing newlines as chomped.
      if (!built.startsWith(value)) return undefined;
      out.length = value.length;
      out.push(value.length > 0 ? (out[value.length - 1] ?? start) + 1 : start + nl + 1);
      return out;
    }
    default:
      return undefined;
  }
}

function scalarAt(node: unknown, text: string, fallback: Range): ScalarAt | undefined {
  if (node === null || node === undefined) return { text: '', range: fallback, offsets: [fallback[1]] };
  if (!isScalar(node)) return undefined;
  const range = rangeOf(node, fallback);
  const value = scalarText(node);
  const r: Range = [range[0], range[1]];
  return { text: value, range: r, offsets: mapScalar(node, value, text, r) };
}

/** The document offset of position `i` of a scalar's text, or the scalar's start when unmapped. */
export function offsetIn(s: ScalarAt, i: number): number {
  return s.offsets?.[Math.max(0, Math.min(i, s.offsets.length - 1))] ?? s.range[0];
}

/** A range inside a scalar's text as document offsets (the whole scalar when it cannot be mapped). */
export function rangeIn(s: ScalarAt, start: number, end: number): Range {
  if (!s.offsets) return s.range;
  const a = offsetIn(s, start);
  const b = end > start ? offsetIn(s, end - 1) + 1 : a;
  return [a, Math.max(a, b)];
}

/** Locates the parts of a note document (never throws; missing parts are absent). */
export function readStructure(text: string): NoteStructure {
  const out: NoteStructure = { keys: new Map() };
  let doc;
  try {
    doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: false, prettyErrors: false });
  } catch {
    return out;
  }
  const contents: unknown = doc.contents;
  if (!isMap(contents)) return out;
  const all: Range = [0, text.length];
  for (const pair of contents.items) {
    if (!isScalar(pair.key)) continue;
    const key = scalarText(pair.key);
    if (out.keys.has(key)) continue;
    const kRange = rangeOf(pair.key, all);
    out.keys.set(key, kRange);
    const vFallback: Range = [kRange[1] + 1, kRange[1] + 1];
    const value: unknown = pair.value;
    if (key === 'id' || key === 'deck' || key === 'noteType') {
      const s = scalarAt(value, text, vFallback);
      if (s) out[key] = s;
    } else if (key === 'tags') {
      if (isSeq(value)) {
        const items: ScalarAt[] = [];
        for (const item of value.items) {
          const s = scalarAt(item, text, rangeOf(value, vFallback));
          if (s) items.push(s);
        }
        out.tags = { items, range: rangeOf(value, vFallback), flow: value.flow === true };
      } else {
        out.tags = { items: [], range: rangeOf(value, vFallback), flow: true };
      }
    } else if (key === 'fields') {
      const fRange = rangeOf(value, vFallback);
      const entries: FieldAt[] = [];
      if (isMap(value)) {
        for (const fp of value.items) {
          if (!isScalar(fp.key)) continue;
          const name = scalarText(fp.key);
          const fk = rangeOf(fp.key, fRange);
          const fallback: Range = [fk[1] + 1, fk[1] + 1];
          const v = scalarAt(fp.value as YamlNode | null, text, fallback);
          entries.push({ name, keyRange: fk, value: v, valueRange: v ? v.range : rangeOf(fp.value, fallback) });
        }
      }
      out.fields = { entries, range: fRange, keyRange: kRange };
    }
  }
  return out;
}
