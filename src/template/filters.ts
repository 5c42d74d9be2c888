// Template filters as Anki applies them (after rslib/src/template_filters.rs). Pure: no `vscode`.
import { clozeFilter, clozeOnlyFilter } from './cloze';
import { stripHtml } from './text';

export interface FilterContext {
  /** 0-based card (template or cloze) ordinal. */
  cardOrd: number;
  /** Rendering the question side (Anki: no FrontSide yet). */
  question: boolean;
}

// `base[reading]`, optionally preceded by a space (which is consumed), as Anki's ruby filters match it.
const FURIGANA = / ?([^ >]+?)\[(.+?)\]/g;

function ruby(text: string, f: (base: string, reading: string) => string): string {
  return text.replace(/&nbsp;/g, ' ').replace(FURIGANA, (whole: string, base: string, reading: string) =>
    reading.startsWith('sound:') ? whole : f(base, reading),
  );
}

export const kanaFilter = (text: string): string => ruby(text, (_b, r) => r);
export const kanjiFilter = (text: string): string => ruby(text, (b) => b);
export const furiganaFilter = (text: string): string => ruby(text, (b, r) => `<ruby><rb>${b}</rb><rt>${r}</rt></ruby>`);

/** 64-bit FNV-1a of the text and field name, as 16 hex digits (Anki uses BLAKE3 for this DOM id). */
function hintId(text: string, fieldName: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text + fieldName)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export function hintFilter(text: string, fieldName: string): string {
  if (text.trim() === '') return text;
  const id = hintId(text, fieldName);
  return `
<a class=hint href="#"
onclick="this.style.display='none';
document.getElementById('hint${id}').style.display='block';
return false;" draggable=false>
${fieldName}</a>
<div id="hint${id}" class=hint style="display: none">${text}</div>
`;
}

export const typeFilter = (fieldName: string): string => `[[type:${fieldName}]]`;
export const typeClozeFilter = (fieldName: string): string => `[[type:cloze:${fieldName}]]`;
export const typeNcFilter = (fieldName: string): string => `[[type:nc:${fieldName}]]`;
export const ttsFilter = (options: string, text: string): string => `[anki:tts lang=${options}]${text}[/anki:tts]`;

/** One filter; undefined when Anki does not know it. */
function applyFilter(name: string, text: string, fieldName: string, ctx: FilterContext): string | undefined {
  switch (name) {
    case 'text':
      return stripHtml(text);
    case 'furigana':
      return furiganaFilter(text);
    case 'kanji':
      return kanjiFilter(text);
    case 'kana':
      return kanaFilter(text);
    case 'type':
      return typeFilter(fieldName);
    case 'type-cloze':
      return typeClozeFilter(fieldName);
    case 'type-nc':
      return typeNcFilter(fieldName);
    case 'hint':
      return hintFilter(text, fieldName);
    case 'cloze':
      return clozeFilter(text, ctx.cardOrd, ctx.question);
    case 'cloze-only':
      return clozeOnlyFilter(text, ctx.cardOrd, ctx.question);
    case '':
      // two colons in a row
      return text;
    default:
      if (name.startsWith('tts ')) return ttsFilter(name.slice(4), text);
      return undefined;
  }
}

export interface FilterOutcome {
  text: string;
  /** Filters Anki's core does not know, from the first unknown one on (in application order). */
  remaining: string[];
}

/**
 * Applies the filters in application order (the template's right-to-left order). As in Anki, the first unknown
 * filter ends the built-in processing: it and every filter after it are left to add-ons (`remaining`), which
 * leave the text unchanged when none is installed.
 */
export function applyFilters(text: string, filters: readonly string[], fieldName: string, ctx: FilterContext): FilterOutcome {
  let list = filters;
  // `type:cloze:F` and `type:nc:F` are special; any other chain ending in `type` is plain `type`.
  if (filters.length === 2 && filters[0] === 'cloze' && filters[1] === 'type') list = ['type-cloze'];
  else if (filters.length === 2 && filters[0] === 'nc' && filters[1] === 'type') list = ['type-nc'];
  else if (filters.length > 0 && filters[filters.length - 1] === 'type') list = ['type'];
  let out = text;
  for (let i = 0; i < list.length; i++) {
    const r = applyFilter(list[i] as string, out, fieldName, ctx);
    if (r === undefined) return { text: out, remaining: list.slice(i) };
    out = r;
  }
  return { text: out, remaining: [] };
}
