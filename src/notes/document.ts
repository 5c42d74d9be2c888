// Note <-> YAML document codec (pure: no `vscode` import).
//
// A note renders as
//
//   # Anki note · Basic — edit deck, tags and fields; id and noteType are read-only
//   id: 1502298033753
//   deck: Japanese::JLPT N3
//   noteType: Basic
//   tags: [vocab, jlpt-n3]
//   fields:
//     Front: あいさつ
//     Back: |-
//       greeting<br>
//       <b>formal</b>
//
// The keys (`id`, `deck`, `noteType`, `tags`, `fields`) are a contract other tools rely on. Field values are
// the raw HTML, written so that they parse back as exactly the same string: plain when YAML would read
// them back unchanged, a literal block scalar (`|-`, `|`, `|+`, with an indentation indicator when needed)
// for multi-line text, and a double-quoted scalar with escapes for anything a block scalar cannot carry
// exactly (carriage returns, control characters, NEL/LS/PS/BOM, trailing blanks on a line, …). Nothing is
// ever folded (`lineWidth: 0`) and no rendered line ends in a blank, so editors that trim trailing
// whitespace cannot change a value.
//
// Parsing reads plain scalars as the text the user typed (`Front: 123` is "123", `Front: true` is
// "true", `Front:` is ""), never as YAML numbers/booleans/nulls.

import { formatMessage, joinMessages, msg, type Message, type MessageArg } from '../messages';
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Pair,
  parseDocument,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
  type ToStringOptions,
} from 'yaml';
import { z } from 'zod';
import { deckNameIssues, normalizeDeckName, deckKey } from './deckName';
import type { DocumentProblem, EditedNote, NewNoteDraft, NoteSnapshot } from './model';
import { escapeRaw, fastParseNote, fastRenderNote, literalBlockSafe, NEEDS_ESCAPE_RE, noteHeader, oneLine, RAW_IN_DOUBLE_QUOTES_RE, type Place } from './canonical';

export { noteHeader } from './canonical';

export type ParseResult<T> = { ok: true; note: T } | { ok: false; problems: DocumentProblem[] };

/** The keys of a note document, in rendering order. */
export const NOTE_KEYS = ['id', 'deck', 'noteType', 'tags', 'fields'] as const;
export type NoteKey = (typeof NOTE_KEYS)[number];

/** Stable stringify options: no folding, no trailing blanks, `[a, b]` flow sequences, empty values as `key:`. */
export const YAML_TO_STRING_OPTIONS: ToStringOptions = {
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
  indentSeq: true,
  nullStr: '',
  flowCollectionPadding: false,
  // Escaped line breaks stay on one line: a multi-line double-quoted scalar would need lines ending in
  // an escaped blank ("\ "), which an editor trimming trailing whitespace would silently corrupt.
  doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
};

// ---------------------------------------------------------------------------------------------------------
// Rendering



/** A scalar node for a text value with an explicit, exact style. */
function textNode(value: string, place: Place): Scalar {
  if (value === '' && place === 'block') {
    const empty = new Scalar(null); // rendered as `key:` (nullStr ''), parsed back as ""
    empty.type = Scalar.PLAIN;
    return empty;
  }
  const node = new Scalar(value);
  if (NEEDS_ESCAPE_RE.test(value)) node.type = Scalar.QUOTE_DOUBLE;
  else if (value.includes('\n')) node.type = place === 'block' && literalBlockSafe(value) ? Scalar.BLOCK_LITERAL : Scalar.QUOTE_DOUBLE;
  // Plain where YAML reads it back unchanged; the library switches to quotes for anything it would re-type
  // (`123`, `true`, `~`), misread (`- x`, `a: b`, `#`, leading/trailing blanks, `[`, `,` in flow, …).
  else node.type = Scalar.PLAIN;
  return node;
}

/**
 * A YAML node for a field value with the exact style `renderNote` uses, for code that edits a parsed note
 * document through the `yaml` document API (`doc.setIn(['fields', name], fieldValueNode(text))`). Do not
 * let the library choose: yaml 2.9 writes some values back wrongly with its default styles (e.g. " \n" as a
 * `|+` block without indentation indicator, and "\0\n \n" as a multi-line double-quoted scalar).
 */
export function fieldValueNode(value: string): Scalar {
  return textNode(value, 'block');
}

function keyNode(key: string): Scalar {
  const node = new Scalar(key);
  node.type = Scalar.PLAIN;
  return node;
}

function flowSeq(items: readonly string[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.flow = true;
  for (const item of items) seq.items.push(textNode(item, 'flow'));
  return seq;
}

function stringifyDoc(map: YAMLMap): string {
  const doc = new Document();
  doc.contents = map;
  return doc.toString(YAML_TO_STRING_OPTIONS).replace(RAW_IN_DOUBLE_QUOTES_RE, escapeRaw);
}

/** The YAML document for a note (the fast path when it applies, else the `yaml` library: the same text). */
export function renderNote(note: NoteSnapshot): string {
  return fastRenderNote(note) ?? renderNoteYaml(note);
}

/** The YAML document for a note, built with the `yaml` library's Document API (the reference). */
export function renderNoteYaml(note: NoteSnapshot): string {
  const map = new YAMLMap();
  map.commentBefore = noteHeader(note.noteType);
  map.items.push(new Pair(keyNode('id'), new Scalar(note.id)));
  map.items.push(new Pair(keyNode('deck'), textNode(note.deck, 'block')));
  map.items.push(new Pair(keyNode('noteType'), textNode(note.noteType, 'block')));
  map.items.push(new Pair(keyNode('tags'), flowSeq(note.tags)));
  map.items.push(new Pair(keyNode('fields'), fieldsMap(note.fields)));
  return stringifyDoc(map);
}

function fieldsMap(fields: ReadonlyArray<readonly [string, string]>): YAMLMap {
  const map = new YAMLMap();
  for (const [name, value] of fields) map.items.push(new Pair(textNode(name, 'key'), textNode(value, 'block')));
  return map;
}

export interface NewNoteTemplate {
  deck: string;
  noteType: string;
  fieldNames: readonly string[];
  tags?: readonly string[];
  /** Values to pre-fill (e.g. when re-rendering after the note type was changed); others are empty. */
  values?: Readonly<Record<string, string>>;
}

/** The document for a note being created: no `id` yet (assigned by Anki on the first save). */
export function renderNewNoteTemplate(t: NewNoteTemplate): string {
  const map = new YAMLMap();
  map.commentBefore =
    ` New Anki note · ${oneLine(t.noteType)} — fill in the fields and save to create it; the id is assigned on save.` +
    `\n You may still change deck, noteType and tags before the first save.`;
  map.items.push(new Pair(keyNode('deck'), textNode(t.deck, 'block')));
  map.items.push(new Pair(keyNode('noteType'), textNode(t.noteType, 'block')));
  map.items.push(new Pair(keyNode('tags'), flowSeq(t.tags ?? [])));
  const values = t.values ?? {};
  map.items.push(
    new Pair(
      keyNode('fields'),
      fieldsMap(t.fieldNames.map((n) => [n, Object.prototype.hasOwnProperty.call(values, n) ? (values[n] ?? '') : ''] as const)),
    ),
  );
  return stringifyDoc(map);
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

type YNode = unknown;
type Range = readonly [number, number];

class Problems {
  private readonly items: DocumentProblem[] = [];
  /** In document order. */
  get list(): DocumentProblem[] {
    return [...this.items].sort((a, b) => a.line - b.line || a.column - b.column);
  }
  constructor(private readonly lc: LineCounter) {}
  add(code: DocumentProblem['code'], m: Message, range: Range): void {
    const start = this.lc.linePos(range[0]);
    const end = this.lc.linePos(Math.max(range[0], range[1]));
    this.items.push({ code, message: formatMessage(m), msg: m, line: start.line, column: start.col, endLine: end.line, endColumn: end.col });
  }
}

function rangeOf(node: YNode, fallback: Range): Range {
  if (node && typeof node === 'object' && 'range' in node) {
    const r = (node as { range?: unknown }).range;
    if (Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number') return [r[0], r[1]];
  }
  return fallback;
}

type TextOf = { ok: true; text: string } | { ok: false; reason: Message; quoteHint: boolean };


/**
 * The text of a scalar as the user means it. Quoted and block scalars give their string value; a plain
 * scalar gives its source text (so `123`, `true`, `null`, `~`, `1e3`, `0x1F` stay text) and an empty
 * value gives "". YAML anchors (`&x`), aliases (`*x`) and tags (`!x`) are refused: our documents never
 * contain them, and a user who types `&nbsp;…`, `*important*` or `!note` at the start of a value means text,
 * part of which YAML would silently drop.
 */
function textOf(node: YNode): TextOf {
  if (node === null || node === undefined) return { ok: true, text: '' };
  if (isAlias(node)) {
    return { ok: false, reason: msg('reasonAlias', node.source), quoteHint: true };
  }
  if (isScalar(node) || isMap(node) || isSeq(node)) {
    if (node.anchor !== undefined) {
      return { ok: false, reason: msg('reasonAnchor', node.anchor), quoteHint: true };
    }
    if (node.tag !== undefined) {
      return { ok: false, reason: msg('reasonTag', node.tag.replace(/^tag:yaml\.org,2002:/, '!!')), quoteHint: true };
    }
  }
  if (isMap(node)) return { ok: false, reason: msg('reasonMapping'), quoteHint: true };
  if (isSeq(node)) return { ok: false, reason: msg('reasonList'), quoteHint: true };
  if (isScalar(node)) {
    const comment = sameLineComment(node);
    if (comment !== undefined) {
      return {
        ok: false,
        reason: msg('reasonComment', comment),
        quoteHint: true,
      };
    }
    const t = scalarText(node);
    return t === undefined ? { ok: false, reason: msg('reasonText'), quoteHint: true } : { ok: true, text: t };
  }
  return { ok: false, reason: msg('reasonText'), quoteHint: true };
}

/**
 * A comment right after an unquoted value on the same line (`Front: Issue #5`): the user almost certainly
 * meant it as text. Comments after quoted values or on their own line are fine.
 */
function sameLineComment(node: Scalar): string | undefined {
  if (node.type !== Scalar.PLAIN) return undefined;
  const src = node.srcToken;
  if (!src || !('end' in src) || !Array.isArray(src.end)) return undefined;
  for (const token of src.end as Array<{ type: string; source: string }>) {
    if (token.type === 'newline') return undefined;
    if (token.type === 'comment') return token.source;
  }
  return undefined;
}

function scalarText(node: Scalar): string | undefined {
  if (typeof node.value === 'string') return node.value;
  if (node.type === Scalar.PLAIN || node.type === undefined) {
    // Plain scalars resolved as numbers, booleans or null: the source the user typed. An empty value has
    // no source token.
    const src = node.srcToken;
    return src && 'source' in src && typeof src.source === 'string' ? src.source : '';
  }
  return undefined;
}

function keyText(node: YNode): string | undefined {
  const t = textOf(node);
  return t.ok ? t.text : undefined;
}

/** Edit distance with adjacent transpositions (optimal string alignment), by code point. */
function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i <= x.length; i++) {
    const row = d[i];
    if (!row) continue;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(x.length, y.length);
}

/** The closest candidate to a typo (case-insensitive), if any is close enough. */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase !== undefined) return exactCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max([...input].length, 3) / 3));
  return bestDistance <= limit ? best : undefined;
}

function quoteList(names: readonly string[]): MessageArg {
  return joinMessages('joinComma', names.map((n) => msg('quoted', n)));
}

// zod schemas for the values (positions are added from the YAML nodes).
const tagSchema = z
  .string()
  .min(1, { message: 'tagEmpty' })
  .refine((t) => !/[ \u3000]/.test(t), { message: 'tagHasSpace' })
  // eslint-disable-next-line no-control-regex
  .refine((t) => !/["\x00-\x1f\x7f]/.test(t), { message: 'tagBadChars' });

interface ParsedParts {
  problems: Problems;
  id?: { text: string; range: Range };
  deck?: { text: string; range: Range };
  noteType?: { text: string; range: Range };
  tags?: { list: string[]; range: Range };
  /** Field entries in document order with key ranges; undefined when `fields` is missing or invalid. */
  fields?: { entries: Array<{ name: string; value: string | undefined; keyRange: Range }>; range: Range };
  mapRange: Range;
  keyRanges: Partial<Record<NoteKey, Range>>;
}

function cleanYamlMessage(message: string): string {
  return message
    .replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
    .trim()
    .replace(/[.:]$/, '');
}


/** Parses the YAML and checks what every note document needs; the per-mode checks come after. */
function parseParts(text: string, mode: 'existing' | 'new'): ParsedParts | { fatal: DocumentProblem[] } {
  const lc = new LineCounter();
  const problems = new Problems(lc);
  // Keys are compared by the text the user typed (so `123:` and `"123":` are the same field name).
  const sameKey = (a: unknown, b: unknown): boolean => {
    if (a === b) return true;
    if (!isScalar(a) || !isScalar(b)) return false;
    const ta = scalarText(a);
    const tb = scalarText(b);
    return ta !== undefined && ta === tb;
  };
  const doc = parseDocument(text, { keepSourceTokens: true, lineCounter: lc, uniqueKeys: sameKey, prettyErrors: false, strict: true });

  // Duplicate keys are reported with the key's text; other errors make the structure unreliable.
  const keyAt = new Map<number, string>();
  if (doc.errors.some((e) => e.code === 'DUPLICATE_KEY')) {
    visit(doc, {
      Pair(_k, pair) {
        const r = rangeOf(pair.key, [-1, -1]);
        const t = keyText(pair.key);
        if (r[0] >= 0 && t !== undefined) keyAt.set(r[0], t);
      },
    });
  }
  let fatal = false;
  for (const err of doc.errors) {
    const range: Range = [err.pos[0], err.pos[1]];
    if (err.code === 'DUPLICATE_KEY') {
      const key = keyAt.get(err.pos[0]);
      problems.add('duplicateKey', key !== undefined ? msg('duplicateKey', key) : msg('duplicateKeyUnnamed'), range);
    } else {
      fatal = true;
      problems.add('yaml', msg('yamlSyntax', cleanYamlMessage(err.message)), range);
    }
  }
  if (fatal) return { fatal: problems.list };

  const all: Range = [0, text.length];
  const contents: unknown = doc.contents;
  if (!isMap(contents)) {
    const empty = contents === null || (isScalar(contents) && contents.value === null);
    const code = empty ? (mode === 'existing' ? 'documentEmpty' : 'newDocumentEmpty') : mode === 'existing' ? 'documentNotMapping' : 'newDocumentNotMapping';
    problems.add('notAMapping', msg(code), rangeOf(contents, all));
    return { fatal: problems.list };
  }

  const parts: ParsedParts = { problems, mapRange: rangeOf(contents, all), keyRanges: {} };
  const allowed: readonly string[] = mode === 'existing' ? NOTE_KEYS : NOTE_KEYS.filter((k) => k !== 'id');
  for (const pair of contents.items) {
    const kRange = rangeOf(pair.key, parts.mapRange);
    const key = keyText(pair.key);
    if (key === undefined) {
      problems.add('unknownKey', msg('keysPlain', quoteList(allowed)), kRange);
      continue;
    }
    if (mode === 'new' && key === 'id') {
      problems.add('unknownKey', msg('newNoteNoId'), kRange);
      continue;
    }
    if (!allowed.includes(key)) {
      const hint = closestName(key, allowed);
      problems.add('unknownKey', hint ? msg('unknownKeyHint', key, hint, quoteList(allowed)) : msg('unknownKey', key, quoteList(allowed)), kRange);
      continue;
    }
    const k = key as NoteKey;
    if (parts.keyRanges[k]) continue; // duplicate, already reported
    parts.keyRanges[k] = kRange;
    const value: unknown = pair.value;
    const vRange = rangeOf(value, kRange);
    if (k === 'tags') {
      parts.tags = readTags(value, vRange, problems);
    } else if (k === 'fields') {
      parts.fields = readFields(value, vRange, problems);
    } else {
      const t = textOf(value);
      if (!t.ok) {
        const code = k === 'deck' ? 'badDeck' : k === 'id' ? 'idChanged' : mode === 'new' ? 'unknownNoteType' : 'noteTypeChanged';
        problems.add(code, msg('keyNotText', k, t.reason), vRange);
      } else {
        parts[k] = { text: t.text, range: vRange };
      }
    }
  }
  for (const k of allowed) {
    if (parts.keyRanges[k as NoteKey]) continue;
    if (mode === 'new' && k === 'tags') continue; // optional for new notes: no tags
    problems.add('missingKey', msg(k === 'tags' ? 'missingTags' : k === 'fields' ? 'missingFields' : 'missingKey', k), [parts.mapRange[0], parts.mapRange[0]]);
  }
  return parts;
}

function readTags(value: unknown, range: Range, problems: Problems): ParsedParts['tags'] {
  if (value === null || value === undefined || (isScalar(value) && value.value === null && !value.srcToken)) {
    return { list: [], range }; // `tags:` with nothing: no tags
  }
  if (!isSeq(value)) {
    const t = textOf(value);
    const words = t.ok ? t.text.split(/[\s,]+/).filter((w) => w !== '') : [];
    problems.add('badTags', words.length > 0 ? msg('tagsNotListWords', words.join(', ')) : msg('tagsNotList'), range);
    return undefined;
  }
  const list: string[] = [];
  const ranges: Range[] = [];
  let bad = false;
  for (const item of value.items) {
    const r = rangeOf(item, range);
    const t = textOf(item);
    if (!t.ok) {
      problems.add('badTags', msg('tagNotWord', t.reason), r);
      bad = true;
      continue;
    }
    list.push(t.text);
    ranges.push(r);
  }
  const result = z.array(tagSchema).safeParse(list);
  if (!result.success) {
    bad = true;
    for (const issue of result.error.issues) {
      const index = typeof issue.path[0] === 'number' ? issue.path[0] : 0;
      const r = ranges[index] ?? range;
      const tag = list[index] ?? '';
      if (issue.message === 'tagHasSpace') {
        problems.add('tagHasSpace', msg('tagHasSpace', tag, tag.split(/[ \u3000]+/).filter((w) => w).join(', ')), r);
      } else {
        problems.add('badTags', msg(issue.message === 'tagEmpty' ? 'tagEmpty' : 'tagBadChars'), r);
      }
    }
  }
  const seen = new Map<string, string>();
  list.forEach((tag, i) => {
    const key = tag.normalize('NFC').toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add('badTags', first !== tag ? msg('duplicateTagCase', tag, first) : msg('duplicateTag', tag), ranges[i] ?? range);
      bad = true;
    } else {
      seen.set(key, tag);
    }
  });
  return bad ? undefined : { list, range };
}

function readFields(value: unknown, range: Range, problems: Problems): ParsedParts['fields'] {
  if (!isMap(value)) {
    problems.add('notAMapping', msg(isSeq(value) ? 'fieldsIsList' : 'fieldsIsValue'), range);
    return undefined;
  }
  const entries: Array<{ name: string; value: string | undefined; keyRange: Range }> = [];
  const seen = new Set<string>();
  for (const pair of value.items) {
    const kRange = rangeOf(pair.key, range);
    const name = keyText(pair.key);
    if (name === undefined) {
      problems.add('unknownField', msg('fieldNamesPlain'), kRange);
      continue;
    }
    if (seen.has(name)) continue; // reported as a duplicate key
    seen.add(name);
    const v = textOf(pair.value);
    if (!v.ok) {
      problems.add(
        'fieldNotScalar',
        msg('fieldNotText', name, v.reason),
        // From the field name to the value's end: anchors and tags sit in front of the value's own range.
        [kRange[0], Math.max(kRange[1], rangeOf(pair.value, kRange)[1])],
      );
    }
    entries.push({ name, value: v.ok ? v.text : undefined, keyRange: kRange });
  }
  return { entries, range };
}

/** Orders the document's fields as the note type does; reports unknown and (unless allowed) missing ones. */
function matchFields(
  parts: ParsedParts,
  fieldNames: readonly string[],
  noteType: string,
  missingAllowed: boolean,
): Array<[string, string]> | undefined {
  const fields = parts.fields;
  if (!fields) return undefined;
  let ok = true;
  const byName = new Map<string, string | undefined>();
  for (const e of fields.entries) {
    if (!fieldNames.includes(e.name)) {
      ok = false;
      const hint = closestName(e.name, fieldNames.filter((n) => !fields.entries.some((x) => x.name === n)));
      parts.problems.add(
        'unknownField',
        hint ? msg('noSuchFieldHint', noteType, e.name, hint, quoteList(fieldNames)) : msg('noSuchField', noteType, e.name, quoteList(fieldNames)),
        e.keyRange,
      );
    } else {
      byName.set(e.name, e.value);
      if (e.value === undefined) ok = false; // not text: reported by readFields
    }
  }
  const result: Array<[string, string]> = [];
  for (const name of fieldNames) {
    const v = byName.get(name);
    if (!byName.has(name) && !missingAllowed) {
      ok = false;
      const at = parts.keyRanges.fields ?? parts.mapRange;
      parts.problems.add('missingField', msg('missingField', name, noteType), at);
    }
    result.push([name, v ?? '']);
  }
  return ok ? result : undefined;
}

function checkDeck(parts: ParsedParts): string | undefined {
  const deck = parts.deck;
  if (!deck) return undefined;
  const issues = deckNameIssues(deck.text);
  for (const issue of issues) parts.problems.add(issue.code, issue.msg, deck.range);
  return issues.length === 0 ? deck.text : undefined;
}

/**
 * Parses an edited note document against the note it was loaded from. All problems found are reported,
 * each with a 1-based position.
 */
export function parseNoteDocument(text: string, loaded: NoteSnapshot): ParseResult<EditedNote> {
  const fast = fastParseNote(text, loaded);
  return fast ? { ok: true, note: fast } : parseNoteDocumentYaml(text, loaded);
}

/** parseNoteDocument through the `yaml` library only (the reference, and the path for every problem). */
export function parseNoteDocumentYaml(text: string, loaded: NoteSnapshot): ParseResult<EditedNote> {
  const parts = parseParts(text, 'existing');
  if ('fatal' in parts) return { ok: false, problems: parts.fatal };
  const { problems } = parts;

  if (parts.id && parts.id.text !== String(loaded.id)) {
    problems.add('idChanged', msg('idChanged', loaded.id), parts.id.range);
  }
  if (parts.noteType && parts.noteType.text !== loaded.noteType) {
    problems.add(
      'noteTypeChanged',
      msg('noteTypeChanged', loaded.noteType),
      parts.noteType.range,
    );
  }
  // The note's own deck, unchanged, is never a problem (whatever Anki allowed it to be called).
  const deck = parts.deck && parts.deck.text === loaded.deck ? undefined : checkDeck(parts);
  if (deck !== undefined && parts.deck) {
    const target = normalizeDeckName(deck);
    const current = normalizeDeckName(loaded.deck);
    if (target !== current && deckKey(target) === deckKey(current)) {
      problems.add(
        'badDeck',
        msg('deckCaseOnly', deck, loaded.deck),
        parts.deck.range,
      );
    }
  }
  const fields = matchFields(parts, loaded.fields.map(([n]) => n), loaded.noteType, false);

  if (problems.list.length > 0 || !parts.deck || !parts.tags || !fields) {
    return { ok: false, problems: problems.list };
  }
  return { ok: true, note: { id: loaded.id, deck: parts.deck.text, noteType: loaded.noteType, tags: parts.tags.list, fields } };
}

/**
 * Parses a "New Note" document (no `id`). `fieldNamesFor(noteType)` gives the note type's field names in
 * order, or undefined when there is no such note type; `noteTypeNames` (optional) improves the message for
 * a typo. Fields the document leaves out are created empty.
 */
export function parseNewNoteDocument(
  text: string,
  fieldNamesFor: (noteType: string) => readonly string[] | undefined,
  noteTypeNames?: readonly string[],
): ParseResult<NewNoteDraft> {
  const parts = parseParts(text, 'new');
  if ('fatal' in parts) return { ok: false, problems: parts.fatal };
  const { problems } = parts;
  checkDeck(parts);
  let fields: Array<[string, string]> | undefined;
  if (parts.noteType) {
    const noteType = parts.noteType.text;
    const names = fieldNamesFor(noteType);
    if (!names) {
      const hint = noteTypeNames ? closestName(noteType, noteTypeNames) : undefined;
      const first = hint ? msg('noNoteTypeHint', noteType, hint) : msg('noNoteType', noteType);
      problems.add('unknownNoteType', noteTypeNames && noteTypeNames.length <= 30 ? msg('twoSentences', first, msg('noteTypesAre', quoteList(noteTypeNames))) : first, parts.noteType.range);
    } else {
      fields = matchFields(parts, names, noteType, true);
    }
  }
  if (problems.list.length > 0 || !parts.deck || !parts.noteType || !fields) {
    return { ok: false, problems: problems.list };
  }
  return { ok: true, note: { deck: parts.deck.text, noteType: parts.noteType.text, tags: parts.tags?.list ?? [], fields } };
}
