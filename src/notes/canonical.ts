// The fast path of the note document codec (pure: no `vscode` import).
//
// `renderNote` and `parseNoteDocument` (document.ts) go through eemeli's `yaml` library, which costs
// ~0.1 ms to render and ~0.3 ms to parse a typical note: lexer, CST, composer, Document nodes. Almost every
// document the extension handles is in the canonical layout our own renderer writes, so this module
//
// - renders a note directly as text, porting exactly the decisions the library makes for the nodes
//   `renderNote` builds (yaml 2.9 stringifyString / stringifyPair / flow collections with our
//   YAML_TO_STRING_OPTIONS), and gives up (undefined) on the few shapes it does not port;
// - reads a document line by line when, and only when, it is in that layout (header comments, `id`,
//   `deck`, `noteType`, `tags` as a flow list, `fields` as a block mapping of single-line plain or quoted
//   scalars and literal blocks without indentation indicator) and the note is valid: anything else — a
//   reordered key, a comment, a tab, a CR, a blank at a line end, an escape it does not know, any problem
//   at all — returns undefined and the caller takes the full path, which also produces every problem with
//   its position. So the fast path never decides a problem; it only recognises documents the full
//   path accepts, with the same result.
//
// test/unit/notes/canonical.test.ts checks both against the full path (the `yaml` library) on generated
// notes and documents.

import { Document } from 'yaml';
import { deckKey, deckNameIssues, normalizeDeckName } from './deckName';
import type { EditedNote, NoteSnapshot } from './model';

// ---------------------------------------------------------------------------------------------------------
// Shared with document.ts

// Characters that only a double-quoted scalar can carry exactly (written as escapes): C0 controls other
// than tab/newline (including CR), DEL and C1 controls, NEL/LS/PS (line breaks for some YAML readers and
// "unusual line terminators" VS Code offers to remove), BOM/ZWNBSP, the non-characters U+FFFE/U+FFFF and
// unpaired surrogates (which UTF-8 cannot encode).
// eslint-disable-next-line no-control-regex
export const NEEDS_ESCAPE_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// A one-class pre-check for NOT_FAST_RE and NEEDS_ESCAPE_RE (a single character class scans much faster
// than the alternation; surrogates also match here when paired, so a hit is confirmed with the full one).
// eslint-disable-next-line no-control-regex
const SUSPECT_RE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;

// The `yaml` library escapes double-quoted content with JSON.stringify, which leaves these characters raw.
// They only ever occur inside double-quoted scalars of our output (every value containing one is forced to
// double quotes, the header comment is sanitised), where these escapes are valid.
export const RAW_IN_DOUBLE_QUOTES_RE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;
export function escapeRaw(ch: string): string {
  switch (ch) {
    case '\u0085':
      return '\\N';
    case '\u2028':
      return '\\L';
    case '\u2029':
      return '\\P';
    default: {
      const code = ch.charCodeAt(0);
      return code <= 0xff ? '\\x' + code.toString(16).toUpperCase().padStart(2, '0') : '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
    }
  }
}

/** Whether a literal block scalar represents `value` exactly and robustly. */
export function literalBlockSafe(value: string): boolean {
  // A leading line break would render as a line holding only indentation; a blank before a line break or
  // at the very end is invisible and trimmed by editors.
  return !value.startsWith('\n') && !/[ \t]\n/.test(value) && !/[ \t]$/.test(value);
}

export function oneLine(s: string): string {
  return s.replace(/[\p{Cc}\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/gu, ' ');
}

/** The header comment of a note document (without the leading `#`). */
export function noteHeader(noteType: string): string {
  return ` Anki note · ${oneLine(noteType)} — edit deck, tags and fields; id and noteType are read-only`;
}

export type Place = 'block' | 'key' | 'flow';

// ---------------------------------------------------------------------------------------------------------
// Rendering: a port of what yaml 2.9 writes for the nodes renderNote builds

interface Ctx {
  /** The library's ctx.indent for this node. */
  indent: string;
  implicitKey: boolean;
  inFlow: boolean;
}

const INDENT_STEP = '  ';
const TOP_VALUE: Ctx = { indent: '  ', implicitKey: false, inFlow: false };
const FIELD_KEY: Ctx = { indent: '    ', implicitKey: true, inFlow: false };
const FIELD_VALUE: Ctx = { indent: '    ', implicitKey: false, inFlow: false };
const TAG_ITEM: Ctx = { indent: '    ', implicitKey: false, inFlow: true };

// The schema's own tests for plain scalars that would read back as something else than a string
// (`123`, `true`, `~`, `.inf`, …): a plain string matching one is quoted by the library.
interface TagLike {
  default?: unknown;
  tag?: unknown;
  test?: unknown;
}
const RETYPED: RegExp[] = (() => {
  const schema = new Document().schema;
  const all: readonly TagLike[] = [...(schema.tags as readonly TagLike[]), ...((schema.compat ?? []) as readonly TagLike[])];
  return all.filter((t) => Boolean(t.default) && t.tag !== 'tag:yaml.org,2002:str' && t.test instanceof RegExp).map((t) => t.test as RegExp);
})();

const PLAIN_NOT_ALLOWED = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const FLOW_INDICATOR = /[[\]{},]/;
let blockEndNewlines: RegExp;
try {
  blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
} catch {
  blockEndNewlines = /\n+(?!\n|$)/g;
}

function doubleQuoted(value: string, ctx: Ctx): string {
  // yaml's doubleQuotedString with doubleQuotedMinMultiLineLength = MAX_SAFE_INTEGER and lineWidth 0: the
  // JSON text with a few escapes shortened, and a blank before an escaped line break written as "\ ".
  const json = JSON.stringify(value);
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      if (json[i + 1] === 'u') {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        switch (code) {
          case '0000':
            str += '\\0';
            break;
          case '0007':
            str += '\\a';
            break;
          case '000b':
            str += '\\v';
            break;
          case '001b':
            str += '\\e';
            break;
          case '0085':
            str += '\\N';
            break;
          case '00a0':
            str += '\\_';
            break;
          case '2028':
            str += '\\L';
            break;
          case '2029':
            str += '\\P';
            break;
          default:
            str += code.substr(0, 2) === '00' ? '\\x' + code.substr(2) : json.substr(i, 6);
        }
        i += 5;
        start = i + 1;
      } else {
        // '\n' included: with our options it always stays an escape (implicit key or not)
        i += 1;
      }
    }
  }
  void ctx;
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, ctx: Ctx): string | undefined {
  if ((ctx.implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, ctx);
  if (value.includes('\n')) return undefined; // never reached by our nodes: not ported
  return "'" + value.replace(/'/g, "''") + "'";
}

function quoted(value: string, ctx: Ctx): string | undefined {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, ctx) : doubleQuoted(value, ctx);
}

function plain(value: string, ctx: Ctx): string | undefined {
  if ((ctx.implicitKey && value.includes('\n')) || (ctx.inFlow && FLOW_INDICATOR.test(value))) return quoted(value, ctx);
  if (value.includes('\n')) return undefined; // plain multi-line values are never built: not ported
  if (PLAIN_NOT_ALLOWED.test(value)) return quoted(value, ctx);
  if (DOCUMENT_MARKER.test(value) && ctx.implicitKey && ctx.indent === INDENT_STEP) return quoted(value, ctx);
  for (const re of RETYPED) if (re.test(value)) return quoted(value, ctx);
  return value;
}

function literalBlock(input: string, ctx: Ctx): string | undefined {
  if (/\n[\t ]+$/.test(input)) return undefined; // the library quotes these; literalBlockSafe excludes them
  let value = input;
  const indent = ctx.indent;
  let endStart = value.length;
  for (; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  let chomp: string;
  if (endNlPos === -1) chomp = '-';
  else if (value === end || endNlPos !== end.length - 1) chomp = '+';
  else chomp = '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(blockEndNewlines, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

/** A text value as `renderNote`'s textNode + the library write it; '' for `key:` with nothing after it. */
function renderText(value: string, place: Place, ctx: Ctx): string | undefined {
  if (value === '' && place === 'block') return '';
  if (SUSPECT_RE.test(value) && NEEDS_ESCAPE_RE.test(value)) return doubleQuoted(value, ctx);
  if (value.includes('\n')) return place === 'block' && literalBlockSafe(value) ? literalBlock(value, ctx) : doubleQuoted(value, ctx);
  return plain(value, ctx);
}

function pairLine(key: string, valueStr: string): string {
  return valueStr === '' ? `${key}:` : `${key}: ${valueStr}`;
}

/** renderNote's text without the `yaml` library, or undefined for a note it does not handle. */
export function fastRenderNote(note: NoteSnapshot): string | undefined {
  if (!Number.isSafeInteger(note.id) || note.id < 0 || note.fields.length === 0) return undefined;
  const deck = renderText(note.deck, 'block', TOP_VALUE);
  const noteType = renderText(note.noteType, 'block', TOP_VALUE);
  if (deck === undefined || noteType === undefined) return undefined;
  let tags = '';
  for (let i = 0; i < note.tags.length; i++) {
    const t = renderText(note.tags[i] as string, 'flow', TAG_ITEM);
    if (t === undefined) return undefined;
    tags += i === 0 ? t : `, ${t}`;
  }
  let out = `#${noteHeader(note.noteType)}\nid: ${String(note.id)}\n${pairLine('deck', deck)}\n${pairLine('noteType', noteType)}\ntags: [${tags}]\nfields:`;
  for (const [name, value] of note.fields) {
    const k = renderText(name, 'key', FIELD_KEY);
    if (k === undefined || k.length > 1024) return undefined; // an explicit `? key` in the library: not ported
    const v = renderText(value, 'block', FIELD_VALUE);
    if (v === undefined) return undefined;
    out += `\n  ${pairLine(k, v)}`;
  }
  out += '\n';
  return SUSPECT_RE.test(out) ? out.replace(RAW_IN_DOUBLE_QUOTES_RE, escapeRaw) : out;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing: the canonical layout, or nothing

// Anything that makes a document leave the fast path at once: tabs, CR and the other characters only
// escapes carry, blanks at a line end, unpaired surrogates.
// eslint-disable-next-line no-control-regex
const NOT_FAST_RE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]| \n| $|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// A plain scalar's first character that could make it anything else (indicators, `-`, `?`, `:`, blanks).
const PLAIN_START_RE = /^[-?:,[\]{}#&*!|>'"%@` ]/;

type Read = { text: string; end: number } | undefined;

function hexCode(s: string, at: number, n: number): number | undefined {
  const h = s.substr(at, n);
  if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
  return parseInt(h, 16);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** A double-quoted scalar starting at s[at] === '"', on one line. */
function readDouble(s: string, at: number): Read {
  let text = '';
  let i = at + 1;
  let from = i;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (ch === '"') return { text: text + s.slice(from, i), end: i + 1 };
    if (ch !== '\\') continue;
    text += s.slice(from, i);
    const e = s[i + 1];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      text += simple;
      i += 1;
    } else {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const code = n ? hexCode(s, i + 2, n) : undefined;
      if (code === undefined || code > 0x10ffff) return undefined;
      text += String.fromCodePoint(code);
      i += 1 + n;
    }
    from = i + 1;
  }
  return undefined;
}

/** A single-quoted scalar starting at s[at] === "'", on one line. */
function readSingle(s: string, at: number): Read {
  let text = '';
  let from = at + 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] !== "'") continue;
    if (s[i + 1] === "'") {
      text += s.slice(from, i + 1);
      i += 1;
      from = i + 1;
      continue;
    }
    return { text: text + s.slice(from, i), end: i + 1 };
  }
  return undefined;
}

/** A plain scalar in block context that reads back as exactly its source (one line, nothing after it). */
function plainValueOk(v: string): boolean {
  return !PLAIN_START_RE.test(v) && !v.includes(': ') && !v.includes(' #') && !v.endsWith(':');
}

interface Cursor {
  lines: string[];
  i: number;
}

/**
 * The value of the entry on line c.i whose text after the key's colon is `rest`; advances c.i past it.
 * `contentIndent` is the indentation of a block scalar's lines.
 */
function readValue(c: Cursor, rest: string, contentIndent: string): string | undefined {
  c.i++;
  if (rest === '') return '';
  if (rest[0] !== ' ') return undefined;
  const v = rest.slice(1);
  const first = v[0];
  if (first === undefined || first === ' ') return undefined;
  if (first === '"' || first === "'") {
    const r = first === '"' ? readDouble(v, 0) : readSingle(v, 0);
    return r && r.end === v.length ? r.text : undefined;
  }
  if (first === '|') return v === '|' || v === '|-' || v === '|+' ? readLiteral(c, v, contentIndent) : undefined;
  return plainValueOk(v) ? v : undefined;
}

function readLiteral(c: Cursor, header: string, indent: string): string | undefined {
  const { lines } = c;
  const firstLine = lines[c.i];
  // The first line sets the indentation: exactly ours, then text (no indentation indicator needed).
  if (firstLine === undefined || !firstLine.startsWith(indent) || firstLine.length === indent.length || firstLine[indent.length] === ' ') return undefined;
  const body: string[] = [];
  let j = c.i;
  for (; j < lines.length; j++) {
    const line = lines[j] as string;
    if (line === '') body.push('');
    else if (line.startsWith(indent)) body.push(line.slice(indent.length));
    else break;
  }
  c.i = j;
  let text = body.join('\n') + '\n';
  const chomp = header[1];
  if (chomp === '+') return text;
  text = text.replace(/\n+$/, '');
  return chomp === '-' ? text : text + '\n';
}

/** The tags of `tags: [a, b]`: `rest` is the text after the colon. */
function readTags(rest: string): string[] | undefined {
  if (!rest.startsWith(' [') || !rest.endsWith(']')) return undefined;
  const s = rest.slice(2, -1);
  const tags: string[] = [];
  if (s === '') return tags;
  let p = 0;
  for (;;) {
    const ch = s[p];
    let r: Read;
    if (ch === '"') r = readDouble(s, p);
    else if (ch === "'") r = readSingle(s, p);
    else {
      let e = p;
      while (e < s.length && s[e] !== ',') e++;
      const item = s.slice(p, e);
      // One word that no flow-context rule can touch: `:` only inside, followed by a word character.
      if (item === '' || PLAIN_START_RE.test(item) || /[\s[\]{}]/.test(item) || item.endsWith(':') || item.includes(' #')) return undefined;
      r = { text: item, end: e };
    }
    if (!r) return undefined;
    tags.push(r.text);
    p = r.end;
    if (p === s.length) return tags;
    if (s[p] !== ',' || s[p + 1] !== ' ' || p + 2 >= s.length) return undefined;
    p += 2;
  }
}

/** The field entry on line c.i (`  Name: value`), advancing c.i, or undefined when it is not canonical. */
function readField(c: Cursor): [string, string] | undefined {
  const line = c.lines[c.i] as string;
  if (!line.startsWith('  ') || line[2] === ' ' || line[2] === undefined) return undefined;
  let name: string;
  let colon: number;
  const q = line[2];
  if (q === '"' || q === "'") {
    const r = q === '"' ? readDouble(line, 2) : readSingle(line, 2);
    if (!r) return undefined;
    name = r.text;
    colon = r.end;
    if (line[colon] !== ':') return undefined;
  } else {
    colon = line.indexOf(':', 2);
    if (colon < 0) return undefined;
    name = line.slice(2, colon);
    if (PLAIN_START_RE.test(name) || name.endsWith(' ') || name.includes(' #')) return undefined;
  }
  if (colon > 1000) return undefined; // implicit keys are limited to 1024 characters
  const value = readValue(c, line.slice(colon + 1), '    ');
  return value === undefined ? undefined : [name, value];
}

/** A top-level `key: value` line for a known key. */
function readTop(c: Cursor, key: string): string | undefined {
  const line = c.lines[c.i];
  if (line === undefined || !line.startsWith(key) || line[key.length] !== ':') return undefined;
  const value = readValue(c, line.slice(key.length + 1), '  ');
  // What follows must be the next key at the left margin (nothing more indented continues this value).
  const next = c.lines[c.i];
  if (value === undefined || next === undefined || next === '' || next[0] === ' ' || next[0] === '#') return undefined;
  return value;
}

const TAG_BAD_RE = /[ \u3000"\x00-\x1f\x7f]/; // eslint-disable-line no-control-regex

/**
 * parseNoteDocument's result for a document in the canonical layout that has no problem at all, or
 * undefined (take the full path).
 */
export function fastParseNote(text: string, loaded: NoteSnapshot): EditedNote | undefined {
  if (!text.endsWith('\n') || text.includes(' \n') || (SUSPECT_RE.test(text) && NOT_FAST_RE.test(text))) return undefined;
  const lines = text.split('\n');
  lines.pop();
  const c: Cursor = { lines, i: 0 };
  while (c.i < lines.length && (lines[c.i] as string).startsWith('#')) c.i++;

  const id = readTop(c, 'id');
  if (id !== String(loaded.id)) return undefined;
  const deck = readTop(c, 'deck');
  if (deck === undefined) return undefined;
  if (deck !== loaded.deck) {
    if (deckNameIssues(deck).length > 0) return undefined;
    const target = normalizeDeckName(deck);
    const current = normalizeDeckName(loaded.deck);
    if (target !== current && deckKey(target) === deckKey(current)) return undefined;
  }
  const noteType = readTop(c, 'noteType');
  if (noteType !== loaded.noteType) return undefined;

  const tagsLine = lines[c.i];
  if (tagsLine === undefined || !tagsLine.startsWith('tags:')) return undefined;
  const tags = readTags(tagsLine.slice(5));
  if (!tags) return undefined;
  const seenTags = new Set<string>();
  for (const t of tags) {
    if (t === '' || TAG_BAD_RE.test(t)) return undefined;
    const k = t.normalize('NFC').toLowerCase();
    if (seenTags.has(k)) return undefined;
    seenTags.add(k);
  }
  c.i++;

  if (lines[c.i] !== 'fields:') return undefined;
  c.i++;
  const values = new Map<string, string>();
  while (c.i < lines.length) {
    const f = readField(c);
    if (!f || values.has(f[0])) return undefined;
    values.set(f[0], f[1]);
  }
  if (values.size === 0 || values.size !== loaded.fields.length) return undefined;
  const fields: Array<[string, string]> = [];
  for (const [name] of loaded.fields) {
    const v = values.get(name);
    if (v === undefined) return undefined;
    fields.push([name, v]);
  }
  return { id: loaded.id, deck, noteType: loaded.noteType, tags, fields };
}
