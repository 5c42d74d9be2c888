// Field HTML as tokens with source offsets (pure: no `vscode` import), read with htmlparser2's tokenizer (the
// spec-following tokenizer of a maintained library, never regular expressions for HTML structure).
//
// `tokenizeHtml(html)` gives open tags (with their attributes, entity-decoded values and the values' source
// ranges), close tags, and text runs, in source order. `htmlBalance(html)` reports unclosed, stray and
// mis-nested elements the way an author means them: void elements (`<br>`, `<img>` …) and elements whose end
// tag HTML makes optional (`<p>`, `<li>`, `<rt>` …) need no closing tag.
import { QuoteType, Tokenizer, type TokenizerCallbacks } from 'htmlparser2';

export interface HtmlAttribute {
  name: string;
  /** Entity-decoded value ('' when the attribute has no value). */
  value: string;
  /** Source range of the value (inside the quotes); empty at the name's end when there is no value. */
  valueStart: number;
  valueEnd: number;
}

export type HtmlToken =
  | { kind: 'open'; name: string; start: number; end: number; selfClosing: boolean; attributes: HtmlAttribute[] }
  | { kind: 'close'; name: string; start: number; end: number }
  /** A run of text (`text` with entities decoded). */
  | { kind: 'text'; start: number; end: number; text: string };

/** Elements that never have content or an end tag. */
export const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen',
]);

/** Elements whose end tag HTML lets an author leave out (closed by the parent or the next sibling). */
const OPTIONAL_END: ReadonlySet<string> = new Set([
  'p', 'li', 'dt', 'dd', 'rt', 'rp', 'rb', 'rtc', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'colgroup', 'caption',
  'html', 'head', 'body',
]);

/** The tokens of an HTML fragment, in source order. */
export function tokenizeHtml(html: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let open: { name: string; start: number; attributes: HtmlAttribute[] } | undefined;
  let attr: { name: string; parts: string[]; valueStart: number | undefined; nameEnd: number } | undefined;
  const addText = (start: number, end: number, text: string): void => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === 'text' && last.end >= start) {
      last.end = end;
      last.text += text;
    } else {
      tokens.push({ kind: 'text', start, end, text });
    }
  };
  const cbs: TokenizerCallbacks = {
    onattribdata(start, end) {
      if (!attr) return;
      attr.valueStart ??= start;
      attr.parts.push(html.slice(start, end));
    },
    onattribentity(cp) {
      attr?.parts.push(String.fromCodePoint(cp));
    },
    onattribend(quote, endIndex) {
      if (!open || !attr) return;
      // endIndex is after the closing quote of a quoted value, at the end of an unquoted one.
      const quoted = quote === QuoteType.Double || quote === QuoteType.Single;
      const valueEnd = quote === QuoteType.NoValue ? attr.nameEnd : quoted ? endIndex - 1 : endIndex;
      const valueStart = attr.valueStart ?? valueEnd;
      open.attributes.push({ name: attr.name, value: attr.parts.join(''), valueStart, valueEnd });
      attr = undefined;
    },
    onattribname(start, end) {
      attr = { name: html.slice(start, end).toLowerCase(), parts: [], valueStart: undefined, nameEnd: end };
    },
    oncdata() {},
    onclosetag(start, end) {
      const gt = html.indexOf('>', end);
      tokens.push({ kind: 'close', name: html.slice(start, end).toLowerCase(), start: Math.max(0, start - 2), end: gt < 0 ? html.length : gt + 1 });
    },
    oncomment() {},
    ondeclaration() {},
    onend() {},
    onopentagend(endIndex) {
      if (!open) return;
      tokens.push({ kind: 'open', name: open.name, start: open.start, end: endIndex + 1, selfClosing: false, attributes: open.attributes });
      open = undefined;
    },
    onopentagname(start, end) {
      open = { name: html.slice(start, end).toLowerCase(), start: start - 1, attributes: [] };
    },
    onprocessinginstruction() {},
    onselfclosingtag(endIndex) {
      if (!open) return;
      tokens.push({ kind: 'open', name: open.name, start: open.start, end: endIndex + 1, selfClosing: true, attributes: open.attributes });
      open = undefined;
    },
    ontext(start, end) {
      addText(start, end, html.slice(start, end));
    },
    ontextentity(cp, endIndex) {
      // The entity's source is `&…` ending at endIndex.
      addText(Math.max(0, html.lastIndexOf('&', endIndex - 1)), endIndex, String.fromCodePoint(cp));
    },
  };
  const tokenizer = new Tokenizer({ decodeEntities: true }, cbs);
  tokenizer.write(html);
  tokenizer.end();
  return tokens;
}

export type HtmlBalanceProblem =
  /** An element never closed (or closed only after an enclosing element ended). */
  | { kind: 'unclosed'; name: string; start: number; end: number; /** Where its end tag belongs. */ insertAt: number }
  /** An end tag with no open element of that name. */
  | { kind: 'stray'; name: string; start: number; end: number };

/** Unclosed and stray elements of an HTML fragment (offsets into `html`). */
export function htmlBalance(html: string, tokens: readonly HtmlToken[] = tokenizeHtml(html)): HtmlBalanceProblem[] {
  const problems: HtmlBalanceProblem[] = [];
  const stack: Array<Extract<HtmlToken, { kind: 'open' }>> = [];
  const closeAbove = (index: number, at: number): void => {
    // Elements opened inside the one being closed and still open: each belongs closed right before `at`.
    for (let i = stack.length - 1; i > index; i--) {
      const el = stack[i];
      if (el && !OPTIONAL_END.has(el.name)) problems.push({ kind: 'unclosed', name: el.name, start: el.start, end: el.end, insertAt: at });
    }
    stack.length = Math.max(0, index);
  };
  for (const t of tokens) {
    if (t.kind === 'open') {
      if (VOID_ELEMENTS.has(t.name) || t.selfClosing) continue;
      stack.push(t);
    } else if (t.kind === 'close') {
      if (VOID_ELEMENTS.has(t.name)) continue; // `</br>` is read as `<br>` by browsers; harmless
      let index = -1;
      for (let i = stack.length - 1; i >= 0; i--) {
        if (stack[i]?.name === t.name) {
          index = i;
          break;
        }
      }
      if (index < 0) {
        problems.push({ kind: 'stray', name: t.name, start: t.start, end: t.end });
        continue;
      }
      closeAbove(index, t.start);
    }
  }
  closeAbove(-1, html.length);
  return problems.sort((a, b) => a.start - b.start);
}

/**
 * Anki's "empty field" rule (rslib `field_is_empty`): nothing but ASCII white space and bare `<br>` / `<div>` tags.
 * An image or any other element makes the field non-empty.
 */
export function fieldIsEmpty(html: string): boolean {
  for (const t of tokenizeHtml(html)) {
    if (t.kind === 'text') {
      if (!/^[ \t\n\r\f\v]*$/.test(html.slice(t.start, t.end))) return false;
    } else if ((t.name !== 'br' && t.name !== 'div') || (t.kind === 'open' && t.attributes.length > 0)) {
      return false;
    }
  }
  return true;
}

/**
 * Anki's `strip_html_preserving_media_filenames` (what its duplicate check and "empty note" check compare):
 * the text with entities decoded, an image's `src` kept in its place, script/style content and comments dropped.
 */
export function stripHtmlPreservingMedia(html: string, tokens: readonly HtmlToken[] = tokenizeHtml(html)): string {
  let out = '';
  let skip: string | undefined;
  for (const t of tokens) {
    if (t.kind === 'open') {
      if (t.name === 'script' || t.name === 'style') skip = t.name;
      else if (t.name === 'img' && skip === undefined) {
        const src = t.attributes.find((a) => a.name === 'src');
        if (src) out += ` ${src.value} `;
      }
    } else if (t.kind === 'close') {
      if (t.name === skip) skip = undefined;
    } else if (skip === undefined) {
      out += t.text;
    }
  }
  return out;
}

/** The first-field emptiness Anki's add/duplicate checks use: nothing left after stripping the HTML. */
export function fieldIsEmptyForAnki(html: string): boolean {
  return stripHtmlPreservingMedia(html).trim() === '';
}
