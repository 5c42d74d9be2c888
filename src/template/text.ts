// Text helpers of Anki's template renderer (after rslib/src/text.rs and template.rs). Pure: no `vscode`.
// HTML is read with htmlparser2 (the project's tokenizer), never with regular expressions.
import { Parser } from 'htmlparser2';

/**
 * Anki's notion of an empty field: only whitespace and bare `<br>` / `<div>` tags (`<br>`, `<br/>`, `<br />`,
 * `</br>`, `<div>`, `</div>`, `<div />`, any case). A tag with attributes (`<div class=x>`) makes it non-empty,
 * exactly as Anki's check does (it looks at these literal tag spellings, not at the HTML structure).
 */
export function fieldIsEmpty(text: string): boolean {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c !== 60 /* < */) return false;
    let j = i + 1;
    if (text.charCodeAt(j) === 47 /* / */) j++;
    const name = text.slice(j, j + 3).toLowerCase();
    if (name === 'div') j += 3;
    else if (name.startsWith('br')) j += 2;
    else return false;
    if (text.charCodeAt(j) === 32) j++;
    if (text.charCodeAt(j) === 47) j++;
    if (text.charCodeAt(j) !== 62 /* > */) return false;
    i = j + 1;
  }
  return true;
}

/** POSIX `[[:space:]]` as Rust's regex defines it: ASCII whitespace only (an NBSP is not empty). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function collectText(html: string, decode: boolean): string {
  let out = '';
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (name === 'script' || name === 'style') skipDepth++;
      },
      onclosetag(name) {
        if ((name === 'script' || name === 'style') && skipDepth > 0) skipDepth--;
      },
      ontext(t) {
        if (skipDepth === 0) out += t;
      },
    },
    { decodeEntities: decode, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

/** Anki's `strip_html`: tags, comments, `<style>`/`<script>` content removed; entities decoded; NBSP → space. */
export function stripHtml(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return html;
  return collectText(html, true).replace(/\u00a0/g, ' ');
}

/** Anki's `strip_html_preserving_entities`. */
export function stripHtmlPreservingEntities(html: string): string {
  if (!html.includes('<')) return html;
  return collectText(html, false);
}

/** Decodes HTML entities (NBSP becomes a space, as Anki's `decode_entities`). */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return collectText(text.replace(/</g, '&lt;'), true).replace(/\u00a0/g, ' ');
}

/** htmlescape's `encode_minimal`: `& < > " '`. */
export function encodeMinimal(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      case "'":
        out += '&#x27;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** htmlescape's `encode_attribute`: the minimal entities, and every other non-alphanumeric ASCII as `&#xHH;`. */
export function encodeAttribute(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c >= 128 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) out += ch;
    else if (ch === '&' || ch === '<' || ch === '>' || ch === '"' || ch === "'") out += encodeMinimal(ch);
    else out += `&#x${c.toString(16).toUpperCase().padStart(2, '0')};`;
  }
  return out;
}
