// Where the cursor is in a note document, for completion and hover (pure). Line-level YAML positions
// (`deck:`, `noteType:`, a `tags: [...]` item, a field name under `fields:`) and, inside a field value, the
// text being typed after `src="` or `[sound:`.
import { mediaRefs } from './lint';
import { readStructure, rangeIn, type Range } from './structure';

export type SpotKind = 'deck' | 'noteType' | 'tag' | 'fieldName' | 'media';

export interface CompletionSpot {
  kind: SpotKind;
  /** Range the completion replaces (document offsets). */
  start: number;
  end: number;
  prefix: string;
  /** fieldName: the names already present. */
  present?: string[];
}

function lineBounds(text: string, offset: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  return { start, end: nl < 0 ? text.length : nl };
}

/** The key of the top-level mapping entry the line at `lineStart` belongs to. */
function topKeyAbove(text: string, lineStart: number): string | undefined {
  let at = lineStart;
  while (at > 0) {
    const prevStart = text.lastIndexOf('\n', at - 2) + 1;
    const line = text.slice(prevStart, at - 1);
    const m = /^([A-Za-z]+):/.exec(line);
    if (m) return m[1];
    at = prevStart;
  }
  return undefined;
}

export function completionSpot(text: string, offset: number): CompletionSpot | undefined {
  const line = lineBounds(text, offset);
  const before = text.slice(line.start, offset);
  const rest = text.slice(offset, line.end);
  let m = /^(deck|noteType):([ \t]*)(.*)$/.exec(before);
  if (m) {
    const valueStart = line.start + (m[1] ?? '').length + 1 + (m[2] ?? '').length;
    return { kind: m[1] === 'deck' ? 'deck' : 'noteType', start: valueStart, end: line.end - (rest.length - rest.trimEnd().length), prefix: m[3] ?? '' };
  }
  m = /^tags:[ \t]*\[(?:[^\]]*,)?([ \t]*)([^,\]]*)$/.exec(before);
  if (m) {
    const prefix = m[2] ?? '';
    const tail = /^[^,\]]*/.exec(rest)?.[0] ?? '';
    return { kind: 'tag', start: offset - prefix.length, end: offset + tail.trimEnd().length, prefix };
  }
  // A field value: media name after src=" or [sound:
  m = /(?:\bsrc=\\?["']?|\[sound:)([^"'\\\]\s>]*)$/.exec(before);
  if (m && topKeyAbove(text, line.start) === 'fields') {
    const prefix = m[1] ?? '';
    const tail = /^[^"'\\\]\s>]*/.exec(rest)?.[0] ?? '';
    return { kind: 'media', start: offset - prefix.length, end: offset + tail.length, prefix };
  }
  m = /^([ \t]+)([^:#"'\s][^:]*|)$/.exec(before);
  if (m && !rest.includes(':') && topKeyAbove(text, line.start) === 'fields') {
    const present = readStructure(text).fields?.entries.map((f) => f.name) ?? [];
    const prefix = m[2] ?? '';
    return { kind: 'fieldName', start: offset - prefix.length, end: line.end, prefix, present };
  }
  return undefined;
}

export type HoverSpot =
  | { kind: 'tag'; tag: string; range: Range }
  | { kind: 'deck'; deck: string; range: Range }
  | { kind: 'media'; name: string; range: Range; media: 'image' | 'sound' | 'other' };

/** What is under the cursor: a tag, the deck, or a media reference inside a field. */
export function hoverSpot(text: string, offset: number): HoverSpot | undefined {
  const st = readStructure(text);
  const inside = (r: Range): boolean => offset >= r[0] && offset <= r[1];
  if (st.deck && inside(st.deck.range) && st.deck.text !== '') return { kind: 'deck', deck: st.deck.text, range: st.deck.range };
  for (const t of st.tags?.items ?? []) if (inside(t.range) && t.text !== '') return { kind: 'tag', tag: t.text, range: t.range };
  for (const f of st.fields?.entries ?? []) {
    const v = f.value;
    if (!v || !inside(v.range) || !v.offsets) continue;
    for (const ref of mediaRefs(v.text)) {
      const r = rangeIn(v, ref.start, ref.end);
      if (inside(r)) return { kind: 'media', name: ref.name, range: r, media: ref.kind };
    }
  }
  return undefined;
}
