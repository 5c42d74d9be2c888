// Anki's card template language: lexer, parser, renderer (after rslib/src/template.rs). Pure: no `vscode`.
import { clozeNumbersInFields } from './cloze';
import { applyFilters } from './filters';
import { encodeMinimal, fieldIsEmpty } from './text';

export type ParsedNode =
  | { kind: 'text'; text: string }
  | { kind: 'comment'; text: string }
  /** `filters` in application order (right to left in the template). */
  | { kind: 'replacement'; key: string; filters: string[] }
  | { kind: 'conditional'; key: string; children: ParsedNode[] }
  | { kind: 'negated'; key: string; children: ParsedNode[] };

export type TemplateError =
  | { kind: 'conditionalNotClosed'; tag: string }
  | { kind: 'conditionalNotOpen'; closed: string; currentlyOpen: string | undefined }
  | { kind: 'fieldNotFound'; field: string; filters: string }
  | { kind: 'noSuchConditional'; condition: string };

export class TemplateSyntaxError extends Error {
  constructor(readonly error: TemplateError) {
    super(localizedTemplateError(error));
  }
}

type Token =
  | { kind: 'text' | 'comment' | 'replacement' | 'open' | 'openNegated' | 'close'; text: string };

const ALT_DIRECTIVE = '{{=<% %>=}}';

/** Rust's `str::trim` (Unicode White_Space). */
const WS = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM = new RegExp(`^${WS}+|${WS}+$`, 'g');
const TRIM_START = new RegExp(`^${WS}+`);
const trim = (s: string): string => s.replace(TRIM, '');
const trimStart = (s: string): string => s.replace(TRIM_START, '');

function classify(inner: string): Token {
  let s = inner;
  let k = 0;
  while (s.charCodeAt(k) === 123 /* { */) k++;
  s = trim(s.slice(k));
  // Anki compares the byte length: one ASCII character (or nothing) is always a plain replacement.
  if (s.length === 0 || (s.length === 1 && s.charCodeAt(0) < 128)) return { kind: 'replacement', text: s };
  if (s.startsWith('#')) return { kind: 'open', text: trimStart(s.slice(1)) };
  if (s.startsWith('/')) return { kind: 'close', text: trimStart(s.slice(1)) };
  if (s.startsWith('^')) return { kind: 'openNegated', text: trimStart(s.slice(1)) };
  return { kind: 'replacement', text: s };
}

function tokenize(template: string): Token[] {
  let t = template;
  let start = '{{';
  let end = '}}';
  const lead = trimStart(t);
  if (lead.startsWith(ALT_DIRECTIVE)) {
    t = lead;
    while (t.startsWith(ALT_DIRECTIVE)) t = t.slice(ALT_DIRECTIVE.length);
    start = '<%';
    end = '%>';
  }
  const out: Token[] = [];
  let pos = 0;
  let textStart = 0;
  const flushText = (upTo: number): void => {
    if (upTo > textStart) out.push({ kind: 'text', text: t.slice(textStart, upTo) });
  };
  while (pos < t.length) {
    if (t.startsWith(start, pos)) {
      const close = t.indexOf(end, pos + start.length);
      if (close >= 0) {
        flushText(pos);
        out.push(classify(t.slice(pos + start.length, close)));
        pos = close + end.length;
        textStart = pos;
        continue;
      }
    }
    if (t.startsWith('<!--', pos)) {
      const close = t.indexOf('-->', pos + 4);
      if (close >= 0) {
        flushText(pos);
        out.push({ kind: 'comment', text: t.slice(pos + 4, close) });
        pos = close + 3;
        textStart = pos;
        continue;
      }
    }
    pos++;
  }
  flushText(t.length);
  return out;
}

/** Parses a template; throws `TemplateSyntaxError` for unbalanced sections. */
export function parseTemplate(template: string): ParsedNode[] {
  const tokens = tokenize(template);
  let i = 0;
  const inner = (openTag: string | undefined): ParsedNode[] => {
    const nodes: ParsedNode[] = [];
    while (i < tokens.length) {
      const tok = tokens[i++] as Token;
      switch (tok.kind) {
        case 'text':
          nodes.push({ kind: 'text', text: tok.text });
          break;
        case 'comment':
          nodes.push({ kind: 'comment', text: tok.text });
          break;
        case 'replacement': {
          const parts = tok.text.split(':');
          const key = parts.pop() as string;
          nodes.push({ kind: 'replacement', key, filters: parts.reverse() });
          break;
        }
        case 'open':
          nodes.push({ kind: 'conditional', key: tok.text, children: inner(tok.text) });
          break;
        case 'openNegated':
          nodes.push({ kind: 'negated', key: tok.text, children: inner(tok.text) });
          break;
        case 'close':
          if (openTag === tok.text) return nodes;
          throw new TemplateSyntaxError({ kind: 'conditionalNotOpen', closed: tok.text, currentlyOpen: openTag });
      }
    }
    if (openTag !== undefined) throw new TemplateSyntaxError({ kind: 'conditionalNotClosed', tag: openTag });
    return nodes;
  };
  return inner(undefined);
}

/** Writes a parsed template back (Anki's `template_to_string`). */
export function templateToString(nodes: readonly ParsedNode[]): string {
  let buf = '';
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        buf += n.text;
        break;
      case 'comment':
        buf += `<!--${n.text}-->`;
        break;
      case 'replacement':
        buf += `{{${[...n.filters].reverse().concat(n.key).join(':')}}}`;
        break;
      case 'conditional':
        buf += `{{#${n.key}}}${templateToString(n.children)}{{/${n.key}}}`;
        break;
      case 'negated':
        buf += `{{^${n.key}}}${templateToString(n.children)}{{/${n.key}}}`;
        break;
    }
  }
  return buf;
}

// ------------------------------------------------------------------ emptiness

/** Anki's `template_is_empty` (with negated sections checked, as card generation does). */
export function templateIsEmpty(nonEmpty: ReadonlySet<string>, nodes: readonly ParsedNode[], checkNegated = true): boolean {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
      case 'comment':
        break;
      case 'replacement':
        if (nonEmpty.has(n.key)) return false;
        break;
      case 'conditional':
        if (!nonEmpty.has(n.key)) continue;
        if (!templateIsEmpty(nonEmpty, n.children, checkNegated)) return false;
        break;
      case 'negated':
        if (checkNegated && nonEmpty.has(n.key)) continue;
        if (!templateIsEmpty(nonEmpty, n.children, checkNegated)) return false;
        break;
    }
  }
  return true;
}

/** True when the template renders something with these non-empty fields (Anki's `renders_with_fields`). */
export const rendersWithFields = (nodes: readonly ParsedNode[], nonEmpty: ReadonlySet<string>): boolean => !templateIsEmpty(nonEmpty, nodes, true);

export function nonEmptyFields(fields: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [name, value] of fields) if (!fieldIsEmpty(value)) out.add(name);
  return out;
}

/** `c1`, `c12`: the conditionals Anki accepts on any card of a cloze note type. */
export function isClozeConditional(key: string): boolean {
  // Rust's `u32::from_str`: digits, optionally after a `+`.
  return /^c\+?\d+$/.test(key) && Number(key.slice(1)) <= 0xffffffff;
}

/** Field names referenced by replacements (and sections, when asked). `clozeOnly`: only `cloze:` ones. */
export function referencedFields(nodes: readonly ParsedNode[], opts: { clozeOnly?: boolean; withConditionals?: boolean } = {}): Set<string> {
  const out = new Set<string>();
  const walk = (list: readonly ParsedNode[]): void => {
    for (const n of list) {
      if (n.kind === 'replacement') {
        if (!opts.clozeOnly || n.filters.includes('cloze')) out.add(n.key);
      } else if (n.kind === 'conditional' || n.kind === 'negated') {
        if (opts.withConditionals && !isClozeConditional(n.key)) out.add(n.key);
        walk(n.children);
      }
    }
  };
  walk(nodes);
  return out;
}

// ------------------------------------------------------------------ rendering

export interface RenderContext {
  fields: ReadonlyMap<string, string>;
  nonEmpty: ReadonlySet<string>;
  cardOrd: number;
  /** The rendered question when rendering the answer; undefined on the question side. */
  frontSide: string | undefined;
}

function evaluateConditional(ctx: RenderContext, key: string, negated: boolean): boolean {
  if (ctx.nonEmpty.has(key)) return !negated;
  if (ctx.fields.has(key) || isClozeConditional(key)) return negated;
  throw new TemplateSyntaxError({ kind: 'noSuchConditional', condition: `${negated ? '^' : '#'}${key}` });
}

function renderInto(nodes: readonly ParsedNode[], ctx: RenderContext, out: string[]): void {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'comment':
        out.push(`<!--${n.text}-->`);
        break;
      case 'replacement': {
        if (n.key === 'FrontSide') {
          // Filters on FrontSide are not applied (Anki's Python layer fills it in afterwards).
          out.push(ctx.frontSide ?? '');
          break;
        }
        // `{{filter:}}`: an empty field name with a filter is left to add-ons; nothing without them.
        if (n.key === '' && n.filters.length > 0) break;
        const value = ctx.fields.get(n.key);
        if (value === undefined) {
          throw new TemplateSyntaxError({ kind: 'fieldNotFound', field: n.key, filters: [...n.filters].reverse().concat('').join(':') });
        }
        out.push(applyFilters(value, n.filters, n.key, { cardOrd: ctx.cardOrd, question: ctx.frontSide === undefined }).text);
        break;
      }
      case 'conditional':
      case 'negated':
        // Sections not shown are still rendered, to report errors inside them.
        renderInto(n.children, ctx, evaluateConditional(ctx, n.key, n.kind === 'negated') ? out : []);
        break;
    }
  }
}

export function renderNodes(nodes: readonly ParsedNode[], ctx: RenderContext): string {
  const out: string[] = [];
  renderInto(nodes, ctx, out);
  return out.join('');
}

// ------------------------------------------------------------------ errors (Anki's English texts)

const TEMPLATE_ERROR_LINK = 'https://docs.ankiweb.net/templates/errors.html#template-syntax-error';
const TEMPLATE_BLANK_LINK = 'https://docs.ankiweb.net/templates/errors.html#front-of-card-is-blank';
const TEMPLATE_BLANK_CLOZE_LINK = 'https://docs.ankiweb.net/templates/errors.html#no-cloze-filter-on-cloze-note-type';
const MORE_INFO = 'More information';

export function localizedTemplateError(e: TemplateError): string {
  switch (e.kind) {
    case 'conditionalNotClosed':
      return `Missing '{{/${e.tag}}}'`;
    case 'conditionalNotOpen':
      return e.currentlyOpen !== undefined
        ? `Found '{{/${e.closed}}}', but expected '{{/${e.currentlyOpen}}}'`
        : `Found '{{/${e.closed}}}', but missing '{{#${e.closed}}}' or '{{^${e.closed}}}'`;
    case 'fieldNotFound':
      return `Found '{{${e.filters}${e.field}}}', but there is no field called '${e.field}'`;
    case 'noSuchConditional':
      return `Found '{{${e.condition}}}', but there is no field called '${e.condition.slice(1)}'`;
  }
}

/** The HTML Anki shows instead of the card when a template has a problem. */
export function templateErrorHtml(e: TemplateError, questionSide: boolean): string {
  const header = questionSide ? 'Front template has a problem:' : 'Back template has a problem:';
  return `${header}<br>${encodeMinimal(localizedTemplateError(e))}<br><a href='${TEMPLATE_ERROR_LINK}'>${MORE_INFO}</a>`;
}

export const emptyFrontHtml = (): string => `<div>The front of this card is blank.<br><a href='${TEMPLATE_BLANK_LINK}'>${MORE_INFO}</a></div>`;
export const missingClozeHtml = (n: number): string =>
  `<div>No cloze ${n} found on card.\nPlease either add a cloze deletion, or use the Empty Cards tool.<br><a href='${TEMPLATE_BLANK_CLOZE_LINK}'>${MORE_INFO}</a></div>`;

// ------------------------------------------------------------------ both sides

export interface RenderCardRequest {
  qfmt: string;
  afmt: string;
  /** Note fields plus special fields (see `specialFields`). */
  fields: ReadonlyMap<string, string>;
  cardOrd: number;
  isCloze: boolean;
}

export interface RenderCardResponse {
  question: string;
  answer: string;
  /** The card would be empty (Anki shows a message instead of the front). */
  isEmpty: boolean;
  /** A template problem: both sides show Anki's error text. */
  error?: { side: 'question' | 'answer'; error: TemplateError };
}

/** Renders both sides of a card as Anki's `render_card` does (fully, as with no add-on filters installed). */
export function renderCard(req: RenderCardRequest): RenderCardResponse {
  const nonEmpty = nonEmptyFields(req.fields);
  const ctx: RenderContext = { fields: req.fields, nonEmpty, cardOrd: req.cardOrd, frontSide: undefined };
  let qnodes: ParsedNode[];
  let question: string;
  try {
    qnodes = parseTemplate(req.qfmt);
    question = renderNodes(qnodes, ctx);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    const html = templateErrorHtml(e.error, true);
    return { question: html, answer: html, isEmpty: false, error: { side: 'question', error: e.error } };
  }
  let empty: string | undefined;
  if (req.isCloze) {
    if (!clozeNumbersInFields(req.fields.values()).has(req.cardOrd + 1)) empty = missingClozeHtml(req.cardOrd + 1);
  } else if (!rendersWithFields(qnodes, nonEmpty)) {
    empty = emptyFrontHtml();
  }
  if (empty !== undefined) return { question: question + empty, answer: empty, isEmpty: true };
  try {
    const answer = renderNodes(parseTemplate(req.afmt), { ...ctx, frontSide: question });
    return { question, answer, isEmpty: false };
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    const html = templateErrorHtml(e.error, false);
    return { question: html, answer: html, isEmpty: false, error: { side: 'answer', error: e.error } };
  }
}

export interface CardInfoForFields {
  tags: readonly string[];
  noteType: string;
  deck: string;
  templateName: string;
  cardOrd: number;
  /** Card flag 0–7 (0 for a new note). */
  flags?: number;
  cardId?: number;
  isCloze: boolean;
}

/**
 * The field map Anki renders with: the note's fields, then the special fields that do not clobber a note
 * field (`Tags`, `Type`, `Subdeck`, `Deck`, `CardFlag`, `Card`, `CardID`), then `c<ord+1>` = "1".
 */
export function fieldMapFor(noteFields: ReadonlyArray<readonly [string, string]>, info: CardInfoForFields): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of noteFields) map.set(name, value);
  const put = (k: string, v: string): void => {
    if (!map.has(k)) map.set(k, v);
  };
  put('Tags', info.tags.join(' '));
  put('Type', info.noteType);
  const deck = info.deck === '' ? '(Deck)' : info.deck;
  put('Subdeck', deck.slice(deck.lastIndexOf('::') + (deck.includes('::') ? 2 : 0)));
  put('Deck', deck);
  put('CardFlag', `flag${info.flags ?? 0}`);
  put('Card', info.templateName);
  if (info.cardId !== undefined) put('CardID', String(info.cardId));
  put(`c${info.cardOrd + 1}`, '1');
  return map;
}
