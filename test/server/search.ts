/**
 * Anki search syntax (the subset the extension and tests use), re-implemented:
 * tokenizer → recursive-descent parser → compiled card predicate.
 *
 * Supported: juxtaposition (and), `and`, `or` (and binds tighter), `( … )`, `-` negation, `"…"` and
 * `key:"…"` quoting, escapes `\\ \" \: \( \) \- \* \_`; bare text (substring of the HTML-stripped sort field or
 * of any raw field, ASCII case-insensitive, `*`/`_` wildcards); `field:value` (whole raw field, LIKE wildcards,
 * field name case-insensitive and may use `*`; `field:` empty, `field:_*` non-empty, `field:re:…`);
 * `deck:` (deck + sub-decks, Unicode case-insensitive, `*`/`_` wildcards, `deck:*`, `deck:filtered`,
 * `deck:current` = Default, original deck of filtered cards); `tag:` (tag + children, `*`, `tag:none`, `tag:re:…`);
 * `note:`; `card:N` / `card:<template>`; `nid:`/`cid:`/`mid:`/`did:` lists; `is:new|learn|review|due|suspended|
 * buried|buried-manually|buried-sibling`; `flag:0-7`; `added:N`; `edited:N`; `prop:ivl|due|reps|lapses|ease<op>N`;
 * `re:`; `w:`; `dupe:<ntid>,<text>`. Anything else that Anki knows (`rated:`, `nc:`, `introduced:`, `resched:`, `preset:` …)
 * and anything malformed throws `Invalid search: …` (Anki's English texts) instead of returning a wrong result.
 */
import type { Card, Collection, Note } from './collection';
import type { Model } from './models';
import { asciiLower, escapeRegExp, stripHtmlPreservingMedia } from './text';

/** Anki's English search error texts (ftl/core/search.ftl). */
const MSG = {
  misplacedAnd: 'an `and` was found but it is not connecting two search terms. If you want to search for the word itself, wrap it in double quotes: `"and"`.',
  misplacedOr: 'an `or` was found but it is not connecting two search terms. If you want to search for the word itself, wrap it in double quotes: `"or"`.',
  emptyGroup: 'a group `(...)` was found, but there was nothing between the brackets to search for. If you want to search for literal brackets, wrap them in double quotes: `"( )"`.',
  unopenedGroup: 'a closing bracket `)` was found, but there was no opening bracket `(` preceding it. If you want to search for a literal `)`, wrap it in double quotes or prepend a backslash: `")"` or `\\)`.',
  unclosedGroup: 'an opening bracket `(` was found, but there was no closing bracket `)` following it. If you want to search for a literal `(`, wrap it in double quotes or prepend a backslash: `"("` or `\\(` .',
  emptyQuote: 'a pair of double quotes `""` was found, but there was nothing between them to search for. If you want to search for literal double quotes, prepend backslashes: `\\"\\"`.',
  unclosedQuote: 'an opening double quote `"` was found, but there was no second one to close it. If you want to search for a literal `"`, prepend a backslash: `\\"`.',
  missingKey: 'a colon `:` was found, but there was no keyword preceding it. If you want to search for a literal `:`, prepend a backslash: `\\:`.',
  unknownEscape: (val: string) => `the escape sequence \`${val}\` is not defined. If you want to search for a literal backslash \`\\\`, prepend another one: \`\\\\\`.`,
  invalidArgument: (term: string, argument: string) => `\`${term}\` was given an invalid argument '\`${argument}\`'.`,
  flag: '`flag:` must be followed by a valid flag number: `1` (red), `2` (orange), `3` (green), `4` (blue), `5` (pink), `6` (turquoise), `7` (purple) or `0` (no flag).',
  propOperator: (val: string) => `\`prop:${val}\` must be followed by one of the following comparison operators: \`=\`, \`!=\`, \`<\`, \`>\`, \`<=\` or \`>=\`.`,
  other: 'please check for typing mistakes.',
  positiveWhole: (context: string, provided: string) => `expected a positive whole number in "\`${context}\`", but found "\`${provided}\`".`,
};

export class SearchError extends Error {
  constructor(reason: string) {
    super(`Invalid search: ${reason}`);
  }
}

type Token =
  | { kind: 'lparen'; neg: boolean }
  | { kind: 'rparen' }
  | { kind: 'and' }
  | { kind: 'or' }
  | { kind: 'term'; raw: string; neg: boolean; quoted: boolean };

export type SearchNode =
  | { kind: 'and'; items: SearchNode[] }
  | { kind: 'or'; items: SearchNode[] }
  | { kind: 'not'; item: SearchNode }
  | { kind: 'all' }
  | { kind: 'term'; raw: string };

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /[\s\u3000]/.test(ch);

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  const readQuoted = (start: number): [string, number] => {
    // start at the opening quote; returns raw content (escapes kept) and index after the closing quote
    let j = start + 1;
    let raw = '';
    while (j < n) {
      const ch = input[j] as string;
      if (ch === '\\' && j + 1 < n) {
        raw += ch + (input[j + 1] as string);
        j += 2;
        continue;
      }
      if (ch === '"') return [raw, j + 1];
      raw += ch;
      j++;
    }
    throw new SearchError(MSG.unclosedQuote);
  };
  while (i < n) {
    const ch = input[i] as string;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    let neg = false;
    let j = i;
    if (ch === '-' && j + 1 < n && !isSpace(input[j + 1]) && input[j + 1] !== ')') {
      neg = true;
      j++;
    }
    const c = input[j] as string;
    if (c === '(') {
      tokens.push({ kind: 'lparen', neg });
      i = j + 1;
      continue;
    }
    if (c === ')') {
      tokens.push({ kind: 'rparen' });
      i = j + 1;
      continue;
    }
    if (c === '"') {
      const [raw, end] = readQuoted(j);
      if (raw === '') throw new SearchError(MSG.emptyQuote);
      tokens.push({ kind: 'term', raw, neg, quoted: true });
      i = end;
      continue;
    }
    // unquoted term, possibly partially quoted after a colon: deck:"My Deck"
    let raw = '';
    let k = j;
    let partially = false;
    while (k < n) {
      const x = input[k] as string;
      if (x === '\\' && k + 1 < n) {
        raw += x + (input[k + 1] as string);
        k += 2;
        continue;
      }
      if (isSpace(x) || x === '(' || x === ')') break;
      if (x === '"') {
        if (raw.endsWith(':') && !partially) {
          const [q, end] = readQuoted(k);
          raw += q;
          k = end;
          partially = true;
          break;
        }
        break;
      }
      raw += x;
      k++;
    }
    i = k;
    if (!neg && !partially && /^and$/i.test(raw)) tokens.push({ kind: 'and' });
    else if (!neg && !partially && /^or$/i.test(raw)) tokens.push({ kind: 'or' });
    else tokens.push({ kind: 'term', raw, neg, quoted: partially });
  }
  return tokens;
}

export function parseSearch(input: string): SearchNode {
  const tokens = tokenize(input);
  if (tokens.length === 0) return { kind: 'all' };
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const misplaced = (t: Token): never => {
    throw new SearchError(t.kind === 'or' ? MSG.misplacedOr : MSG.misplacedAnd);
  };
  const parseOr = (depth: number): SearchNode => {
    const items: SearchNode[] = [parseAnd(depth)];
    while (peek()?.kind === 'or') {
      const t = tokens[pos++] as Token;
      const next = peek();
      if (!next || next.kind === 'or' || next.kind === 'and' || next.kind === 'rparen') misplaced(t);
      items.push(parseAnd(depth));
    }
    return items.length === 1 ? (items[0] as SearchNode) : { kind: 'or', items };
  };
  const parseAnd = (depth: number): SearchNode => {
    const items: SearchNode[] = [];
    for (;;) {
      const t = peek();
      if (!t || t.kind === 'or' || t.kind === 'rparen') break;
      if (t.kind === 'and') {
        pos++;
        const next = peek();
        if (items.length === 0 || !next || next.kind === 'or' || next.kind === 'and' || next.kind === 'rparen') misplaced(t);
        continue;
      }
      items.push(parseUnary(depth));
    }
    if (items.length === 0) {
      const t = peek();
      if (t && (t.kind === 'or' || t.kind === 'and')) misplaced(t);
      if (t && t.kind === 'rparen') {
        if (depth === 0) throw new SearchError(MSG.unopenedGroup);
        throw new SearchError(MSG.emptyGroup);
      }
      if (!t && depth > 0) throw new SearchError(MSG.unclosedGroup);
      throw new SearchError(MSG.other);
    }
    return items.length === 1 ? (items[0] as SearchNode) : { kind: 'and', items };
  };
  const parseUnary = (depth: number): SearchNode => {
    const t = tokens[pos++] as Token;
    if (t.kind === 'lparen') {
      if (peek()?.kind === 'rparen') throw new SearchError(MSG.emptyGroup);
      const inner = parseOr(depth + 1);
      if (peek()?.kind !== 'rparen') throw new SearchError(MSG.unclosedGroup);
      pos++;
      return t.neg ? { kind: 'not', item: inner } : inner;
    }
    if (t.kind === 'term') {
      const node: SearchNode = { kind: 'term', raw: t.raw };
      return t.neg ? { kind: 'not', item: node } : node;
    }
    throw new SearchError(MSG.other);
  };
  const tree = parseOr(0);
  if (pos < tokens.length) {
    const t = tokens[pos] as Token;
    if (t.kind === 'rparen') throw new SearchError(MSG.unopenedGroup);
    throw new SearchError(MSG.other);
  }
  return tree;
}

// ---------- escapes and wildcards ----------

const LITERAL_ESCAPES = new Set(['\\', '"', ':', '(', ')', '-', '*', '_']);

/** Split `key:value` at the first unescaped colon. */
function splitKey(raw: string): [string, string] | null {
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === ':') return [raw.slice(0, i), raw.slice(i + 1)];
  }
  return null;
}

interface Piece {
  lit: string | null;
  /** '*' any run, '_' one char */
  wild: '*' | '_' | null;
}

function pieces(raw: string): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next === undefined || !LITERAL_ESCAPES.has(next)) {
        throw new SearchError(MSG.unknownEscape(`\\${next ?? ''}`));
      }
      out.push({ lit: next, wild: null });
      i++;
    } else if (ch === '*' || ch === '_') out.push({ lit: null, wild: ch });
    else out.push({ lit: ch, wild: null });
  }
  return out;
}

/** Unescape without wildcard semantics (for numbers, keywords, etc.). */
function unescape(raw: string): string {
  return pieces(raw)
    .map((p) => p.lit ?? p.wild)
    .join('');
}

/** Regex source for a wildcard pattern; `any` is the regex for `*`, `one` for `_`. */
function wildSource(raw: string, any = '[\\s\\S]*', one = '[\\s\\S]'): string {
  return pieces(raw)
    .map((p) => (p.lit !== null ? escapeRegExp(p.lit) : p.wild === '*' ? any : one))
    .join('');
}

/** SQLite-LIKE-style matcher (ASCII case-insensitive). `whole` = anchored match. */
function likeMatcher(raw: string, whole: boolean): (s: string) => boolean {
  // ASCII letters match either case (SQLite LIKE); everything else matches exactly
  const src = pieces(raw)
    .map((p) =>
      p.lit === null
        ? p.wild === '*'
          ? '[\\s\\S]*'
          : '[\\s\\S]'
        : /[A-Za-z]/.test(p.lit)
          ? `[${p.lit.toLowerCase()}${p.lit.toUpperCase()}]`
          : escapeRegExp(p.lit),
    )
    .join('');
  const re = new RegExp(whole ? `^${src}$` : src);
  return (s) => re.test(s);
}

function userRegex(src: string): RegExp {
  try {
    return new RegExp(src, 'iu');
  } catch (e) {
    throw new SearchError(`the regular expression is invalid: ${(e as Error).message}`);
  }
}

// ---------- compilation ----------

type Pred = (card: Card, note: Note, model: Model) => boolean;

function parsePositiveInt(value: string, key: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new SearchError(MSG.positiveWhole(`${key}:${value}`, value));
  }
  return Number(value);
}

function compileTerm(col: Collection, raw: string): Pred {
  const split = splitKey(raw);
  if (!split) {
    if (raw === '') return () => true;
    // haystacks are ASCII-lower-cased once per note (cached); a pattern without wildcards is a plain substring
    const ps = pieces(raw);
    const lowered = (x: string): string => asciiLower(x);
    let m: (s: string) => boolean;
    if (ps.every((p) => p.lit !== null)) {
      const needle = lowered(ps.map((p) => p.lit).join(''));
      m = (s) => s.includes(needle);
    } else {
      const re = new RegExp(wildSource(lowered(raw)));
      m = (s) => re.test(s);
    }
    return (_c, note, model) => {
      const t = col.searchText(note, model);
      return m(t.sort) || m(t.joined);
    };
  }
  const [rawKey, value] = split;
  const key = unescape(rawKey).toLowerCase();
  if (key === '') throw new SearchError(MSG.missingKey);
  switch (key) {
    case 'deck': {
      if (value === '*') return () => true;
      if (value === 'filtered') return (c) => c.odid !== 0;
      if (value === '') throw new SearchError(MSG.invalidArgument('deck:', value));
      const ids = new Set<number>();
      if (value === 'current') {
        const d = col.deckById(1);
        if (d) for (const id of col.deckAndChildrenIds(d)) ids.add(id);
      } else {
        const re = new RegExp(`^${wildSource(value, '.*', '.')}(?:$|::)`, 'iu');
        for (const d of col.decks.values()) if (re.test(d.name)) ids.add(d.id);
      }
      return (c) => ids.has(c.did) || (c.odid !== 0 && ids.has(c.odid));
    }
    case 'tag': {
      if (value === '') throw new SearchError(MSG.invalidArgument('tag:', value));
      if (value === 'none') return (_c, n) => n.tags.length === 0;
      if (value.startsWith('re:')) {
        const re = userRegex(unescape(value.slice(3)));
        return (_c, n) => n.tags.some((t) => re.test(t));
      }
      const re = new RegExp(`^${wildSource(value, '\\S*', '\\S')}(?:::.*)?$`, 'iu');
      return (_c, n) => n.tags.some((t) => re.test(t));
    }
    case 'note': {
      const m = likeMatcher(value, true);
      const mids = new Set([...col.models.values()].filter((x) => m(x.name)).map((x) => x.id));
      return (_c, n) => mids.has(n.mid);
    }
    case 'card': {
      if (/^\d+$/.test(value)) {
        const ord = Number(value) - 1;
        return (c) => c.ord === ord;
      }
      const m = likeMatcher(value, true);
      return (c, _n, model) => {
        const t = model.type === 1 ? undefined : model.templates[c.ord];
        return t !== undefined && m(t.name);
      };
    }
    case 'nid':
    case 'cid': {
      const v = unescape(value);
      if (!/^\d+(,\d+)*$/.test(v)) throw new SearchError(MSG.invalidArgument(`${key}:`, v));
      const ids = new Set(v.split(',').map(Number));
      return key === 'nid' ? (_c, n) => ids.has(n.id) : (c) => ids.has(c.id);
    }
    case 'mid':
    case 'did': {
      const v = unescape(value);
      if (!/^\d+(,\d+)*$/.test(v)) throw new SearchError(MSG.invalidArgument(`${key}:`, v));
      const ids = new Set(v.split(',').map(Number));
      return key === 'mid' ? (_c, n) => ids.has(n.mid) : (c) => ids.has(c.did) || ids.has(c.odid);
    }
    case 'is': {
      const v = unescape(value).toLowerCase();
      const today = col.today();
      const learnCutoff = col.nowSec() + 20 * 60;
      switch (v) {
        case 'new':
          return (c) => c.type === 0;
        case 'learn':
          return (c) => c.queue === 1 || c.queue === 3;
        case 'review':
          return (c) => c.type === 2 || c.type === 3;
        case 'due':
          return (c) =>
            ((c.queue === 2 || c.queue === 3) && c.due <= today) || ((c.queue === 1 || c.queue === 4) && c.due <= learnCutoff);
        case 'suspended':
          return (c) => c.queue === -1;
        case 'buried':
          return (c) => c.queue === -2 || c.queue === -3;
        case 'buried-manually':
          return (c) => c.queue === -3;
        case 'buried-sibling':
          return (c) => c.queue === -2;
        default:
          throw new SearchError(MSG.invalidArgument('is:', v));
      }
    }
    case 'flag': {
      const v = unescape(value);
      if (!/^[0-7]$/.test(v)) throw new SearchError(MSG.flag);
      const f = Number(v);
      return (c) => c.flags === f;
    }
    case 'added': {
      const days = parsePositiveInt(unescape(value), 'added');
      const cutoffMs = (col.nextDayAt() - days * 86400) * 1000;
      return (c) => c.id > cutoffMs;
    }
    case 'edited': {
      const days = parsePositiveInt(unescape(value), 'edited');
      const cutoff = col.nextDayAt() - days * 86400;
      return (_c, n) => n.mod > cutoff;
    }
    case 'prop': {
      const v = unescape(value).toLowerCase();
      const m = /^(ivl|due|reps|lapses|ease)(<=|>=|!=|=|<|>)(-?\d+(?:\.\d+)?)$/.exec(v);
      if (!m) {
        if (!/(<=|>=|!=|=|<|>)/.test(v)) throw new SearchError(MSG.propOperator(v));
        throw new SearchError(`\`prop:${v}\` is not supported by the AnkiConnect test server (it knows ivl, due, reps, lapses and ease).`);
      }
      const [, prop, op, numText] = m as unknown as [string, string, string, string];
      const num = Number(numText);
      const cmp = (x: number): boolean =>
        op === '=' ? x === num : op === '!=' ? x !== num : op === '<' ? x < num : op === '>' ? x > num : op === '<=' ? x <= num : x >= num;
      const today = col.today();
      return (c) => {
        switch (prop) {
          case 'ivl':
            return cmp(c.ivl);
          case 'reps':
            return cmp(c.reps);
          case 'lapses':
            return cmp(c.lapses);
          case 'ease':
            return c.type !== 0 && cmp(c.factor / 1000);
          default:
            return (c.queue === 2 || c.queue === 3) && cmp(c.due - today);
        }
      };
    }
    case 're': {
      const re = userRegex(unescape(value));
      return (_c, n) => n.fields.some((f) => re.test(f));
    }
    case 'w': {
      const re = new RegExp(`(?:^|[^\\p{L}\\p{N}_])${wildSource(value, '\\S*', '\\S')}(?:$|[^\\p{L}\\p{N}_])`, 'iu');
      return (_c, n) => n.fields.some((f) => re.test(f));
    }
    case 'dupe': {
      // Anki's `dupe:<note type id>,<text>`: notes of that type whose first field, HTML stripped (media names
      // kept), equals the text stripped the same way. Only `\"` and `\\` are escapes in the text.
      const comma = value.indexOf(',');
      const ntid = comma < 0 ? '' : value.slice(0, comma);
      if (!/^\d+$/.test(ntid)) throw new SearchError(MSG.invalidArgument('dupe:', value));
      const wanted = stripHtmlPreservingMedia(value.slice(comma + 1).replace(/\\(["\\])/g, '$1').normalize('NFC'));
      const mid = Number(ntid);
      return (_c, n) => n.mid === mid && stripHtmlPreservingMedia(n.fields[0] ?? '') === wanted;
    }
    case 'rated':
    case 'introduced':
    case 'resched':
    case 'nc':
    case 'preset':
    case 'has-cd':
    case 'has-rd':
    case 'sc':
      throw new SearchError(`\`${key}:\` searches are not supported by the AnkiConnect test server.`);
    default:
      return compileFieldSearch(col, rawKey, value);
  }
}

function compileFieldSearch(col: Collection, fieldPattern: string, value: string): Pred {
  // which field ordinal(s) of each model match the (wildcard, case-insensitive) field name
  const nameRe = new RegExp(`^${wildSource(fieldPattern)}$`, 'iu');
  const ordsByModel = new Map<number, number[]>();
  for (const m of col.models.values()) {
    const ords = m.fields.filter((f) => nameRe.test(f.name)).map((f) => f.ord);
    if (ords.length > 0) ordsByModel.set(m.id, ords);
  }
  let match: (s: string) => boolean;
  if (value.startsWith('re:')) {
    const re = userRegex(unescape(value.slice(3)));
    match = (s) => re.test(s);
  } else {
    match = likeMatcher(value, true);
  }
  return (_c, n) => {
    const ords = ordsByModel.get(n.mid);
    return ords !== undefined && ords.some((o) => match(n.fields[o] ?? ''));
  };
}

/** Leaf predicates written as `(c) => …` (arity ≤ 1) only look at the card: no note/model lookup needed. */
const cardOnly = (p: Pred): boolean => p.length <= 1;

function compile(col: Collection, node: SearchNode): Pred {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'term':
      return compileTerm(col, node.raw);
    case 'not': {
      const p = compile(col, node.item);
      if (cardOnly(p)) return (c: Card) => !(p as (c: Card) => boolean)(c);
      return (c, n, m) => !p(c, n, m);
    }
    case 'and':
    case 'or': {
      const ps = node.items.map((x) => compile(col, x));
      const every = node.kind === 'and';
      if (ps.every(cardOnly)) {
        const cps = ps as Array<(c: Card) => boolean>;
        return every ? (c: Card) => cps.every((p) => p(c)) : (c: Card) => cps.some((p) => p(c));
      }
      return every ? (c, n, m) => ps.every((p) => p(c, n, m)) : (c, n, m) => ps.some((p) => p(c, n, m));
    }
  }
}

/** Calls `onMatch` for every card matching the query. Throws SearchError for invalid input. */
function scan(col: Collection, query: string, onMatch: (card: Card) => void): void {
  const pred = compile(col, parseSearch(query));
  if (cardOnly(pred)) {
    const p = pred as (c: Card) => boolean;
    for (const card of col.cards.values()) if (p(card)) onMatch(card);
    return;
  }
  for (const card of col.cards.values()) {
    const note = col.notes.get(card.nid);
    if (!note) continue;
    const model = col.models.get(note.mid);
    if (!model) continue;
    if (pred(card, note, model)) onMatch(card);
  }
}

/** Card ids matching the query, ascending. Throws SearchError for invalid input. */
export function searchCards(col: Collection, query: string): number[] {
  const out: number[] = [];
  scan(col, query, (c) => out.push(c.id));
  return out.sort((a, b) => a - b);
}

/** Ids of the notes with at least one matching card, ascending. */
export function searchNotes(col: Collection, query: string): number[] {
  const out = new Set<number>();
  scan(col, query, (c) => out.add(c.nid));
  return [...out].sort((a, b) => a - b);
}
