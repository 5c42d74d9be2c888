// Plain text of a field's HTML, for labels, tab names, hovers and messages (pure: no `vscode` import).
// HTML is read with htmlparser2's tokenizer (no regular expressions over HTML structure): text is kept with
// its entities decoded (`&nbsp;` → space), tags dropped (block-level tags and `<br>` become a space),
// comments, `<script>` and `<style>` dropped, ruby shows its base text (`<rt>`/`<rp>` dropped). Then Anki's
// own text syntax: cloze deletions show their text (`{{c1::Paris::city}}` → `Paris`), `[sound:…]` is dropped.
import { Parser } from 'htmlparser2';

const BLOCK = new Set([
  'br', 'div', 'p', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
  'blockquote', 'pre', 'section', 'article', 'header', 'footer', 'dt', 'dd', 'dl', 'figure', 'figcaption',
]);
/** Elements whose text is not shown. */
const HIDDEN = new Set(['script', 'style', 'rt', 'rp', 'template']);

/** The text content of HTML as a browser would show it in one line (before whitespace is collapsed). */
function htmlText(html: string): string {
  let out = '';
  let hidden = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (HIDDEN.has(name)) hidden++;
        else if (BLOCK.has(name)) out += ' ';
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BLOCK.has(name)) out += ' ';
      },
      ontext(text) {
        if (hidden === 0) out += text;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

const CLOZE_OPEN = /\{\{c\d+::/y;

/**
 * Cloze deletions replaced by their text: `{{c1::Paris::city}}` → `Paris`, nested ones too
 * (`{{c1::a {{c2::b}} c}}` → `a b c`). An unterminated `{{c1::` is left as typed.
 */
export function clozeText(text: string): string {
  // No `{{c<digits>::` at all: nothing to replace (the usual field; the walk below would copy it char by char).
  if (!text.includes('{{c')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    CLOZE_OPEN.lastIndex = i;
    const m = CLOZE_OPEN.exec(text);
    if (!m) {
      out += text[i];
      i++;
      continue;
    }
    // find the matching "}}" (nested clozes count), and the top-level "::" before the hint
    let depth = 1;
    let j = i + m[0].length;
    let hintAt = -1;
    while (j < text.length && depth > 0) {
      if (text.startsWith('{{', j)) {
        depth++;
        j += 2;
      } else if (text.startsWith('}}', j)) {
        depth--;
        j += 2;
      } else {
        if (depth === 1 && hintAt < 0 && text.startsWith('::', j)) hintAt = j;
        j++;
      }
    }
    if (depth > 0) {
      out += text.slice(i);
      break;
    }
    const body = text.slice(i + m[0].length, hintAt >= 0 ? hintAt : j - 2);
    out += clozeText(body);
    i = j;
  }
  return out;
}

/** `[sound:…]` references (audio played on the card) are not text. */
function dropSounds(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('[sound:', i);
    const end = at < 0 ? -1 : text.indexOf(']', at);
    if (at < 0 || end < 0) return out + text.slice(i);
    out += text.slice(i, at);
    i = end + 1;
  }
}

/** One line of plain text from a field's HTML: what the user reads of it. */
export function htmlToText(html: string): string {
  const text = /[<&]/.test(html) ? htmlText(html) : html;
  return dropSounds(clozeText(text)).replace(/\s+/g, ' ').trim();
}
