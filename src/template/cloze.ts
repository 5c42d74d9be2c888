// Cloze deletions as Anki renders them (after rslib/src/cloze.rs). Pure: no `vscode`.
import { encodeAttribute, encodeMinimal, stripHtmlPreservingEntities } from './text';

type Token = { kind: 'open'; ordinals: number[]; length: number } | { kind: 'close' } | { kind: 'text'; text: string };

/** `{{c1::` / `{{c1,2::` at `i`: the ordinals (deduplicated, sorted) and the marker's length; else undefined. */
function openAt(text: string, i: number): { ordinals: number[]; length: number } | undefined {
  if (!text.startsWith('{{c', i)) return undefined;
  let j = i + 3;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if ((c >= 48 && c <= 57) || c === 44) j++;
    else break;
  }
  const set = new Set<number>();
  for (const part of text.slice(i + 3, j).split(',')) {
    // Rust's `str::parse::<u16>`: digits only, at most 65535.
    if (part === '' || part.length > 5) continue;
    const n = Number(part);
    if (n <= 65535) set.add(n);
  }
  if (set.size === 0) return undefined;
  if (!text.startsWith('::', j)) return undefined;
  return { ordinals: [...set].sort((a, b) => a - b), length: j + 2 - i };
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const open = openAt(text, i);
    if (open) {
      out.push({ kind: 'open', ...open });
      i += open.length;
      continue;
    }
    if (text.startsWith('}}', i)) {
      out.push({ kind: 'close' });
      i += 2;
      continue;
    }
    // Text up to the next close marker or valid opening marker (whichever comes first).
    let close = text.indexOf('}}', i + 1);
    if (close < 0) close = text.length;
    let j = text.indexOf('{{c', i + 1);
    while (j >= 0 && j < close && !openAt(text, j)) j = text.indexOf('{{c', j + 1);
    const end = j >= 0 && j < close ? j : close;
    out.push({ kind: 'text', text: text.slice(i, end) });
    i = end;
  }
  return out;
}

export type ClozeNode = { kind: 'text'; text: string } | Cloze;
export interface Cloze {
  kind: 'cloze';
  /** The cloze numbers as written (`c1,2` → [1, 2]). */
  ordinals: number[];
  nodes: ClozeNode[];
  hint: string | undefined;
}

/** Anki ignores cloze openings nested deeper than this. */
const MAX_OPEN = 10;

// The same field text is parsed several times per card (numbers, front, back): keep the last few results.
const parsedCache = new Map<string, ClozeNode[]>();
const PARSED_CACHE_SIZE = 16;

/** The field's text and cloze deletions as a tree (do not modify the result: it is shared). */
export function parseClozes(text: string): ClozeNode[] {
  const hit = parsedCache.get(text);
  if (hit) return hit;
  const nodes = parseClozesUncached(text);
  if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(text, nodes);
  return nodes;
}

function parseClozesUncached(text: string): ClozeNode[] {
  const open: Cloze[] = [];
  const output: ClozeNode[] = [];
  for (const token of tokenize(text)) {
    if (token.kind === 'open') {
      if (open.length < MAX_OPEN) open.push({ kind: 'cloze', ordinals: token.ordinals, nodes: [], hint: undefined });
    } else if (token.kind === 'text') {
      const cloze = open[open.length - 1];
      if (cloze) {
        let t = token.text;
        if (!t.startsWith('image-occlusion:')) {
          const k = t.indexOf('::');
          if (k >= 0) {
            cloze.hint = t.slice(k + 2);
            t = t.slice(0, k);
          }
        }
        cloze.nodes.push({ kind: 'text', text: t });
      } else {
        output.push({ kind: 'text', text: token.text });
      }
    } else {
      const cloze = open.pop();
      if (cloze) {
        const outer = open[open.length - 1];
        (outer ? outer.nodes : output).push(cloze);
      } else {
        output.push({ kind: 'text', text: '}}' });
      }
    }
  }
  return output;
}

const hintOf = (c: Cloze): string => c.hint ?? '...';

function clozedText(c: Cloze): string {
  let buf = '';
  for (const n of c.nodes) buf += n.kind === 'text' ? n.text : clozedText(n);
  return buf;
}

function imageOcclusion(c: Cloze): string | undefined {
  const first = c.nodes[0];
  if (!first || first.kind !== 'text' || !first.text.startsWith('image-occlusion:')) return undefined;
  return first.text.slice('image-occlusion:'.length);
}

/** `rect:left=10:top=20` → `data-shape="rect" data-left="10" data-top="20" ` (`\:` escapes a colon). */
function imageClozeData(text: string): string {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      cur += text[i + 1];
      i++;
    } else if (ch === ':') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const [shape, ...props] = parts;
  let out = shape ? `data-shape="${encodeMinimal(shape)}" ` : '';
  for (const p of props) {
    const k = p.indexOf('=');
    if (k <= 0) continue;
    out += `data-${encodeMinimal(p.slice(0, k))}="${encodeMinimal(p.slice(k + 1))}" `;
  }
  return out;
}

function renderImageOcclusion(text: string, question: boolean, active: boolean, ordinals: number[]): string {
  const ords = ordinals.join(',');
  if ((question && active) || ordinals.includes(0)) return `<div class="cloze" data-ordinal="${ords}" ${imageClozeData(text)}></div>`;
  if (!active) return `<div class="cloze-inactive" data-ordinal="${ords}" ${imageClozeData(text)}></div>`;
  return `<div class="cloze-highlight" data-ordinal="${ords}" ${imageClozeData(text)}></div>`;
}

function reveal(c: Cloze, ord: number, question: boolean, found: { active: boolean }): string {
  const active = c.ordinals.includes(ord);
  if (active) found.active = true;
  const io = imageOcclusion(c);
  if (io !== undefined) return renderImageOcclusion(io, question, active, c.ordinals);
  const inner = (): string => {
    let buf = '';
    for (const n of c.nodes) buf += n.kind === 'text' ? n.text : reveal(n, ord, question, found);
    return buf;
  };
  const ords = c.ordinals.join(',');
  if (question && active) {
    const content = inner();
    return `<span class="cloze" data-cloze="${encodeAttribute(content)}" data-ordinal="${ords}">[${hintOf(c)}]</span>`;
  }
  if (active) return `<span class="cloze" data-ordinal="${ords}">${inner()}</span>`;
  return `<span class="cloze-inactive" data-ordinal="${ords}">${inner()}</span>`;
}

/** Anki's `reveal_cloze_text`: the field with cloze `ord` hidden (question) or shown; '' when `ord` is absent. */
export function revealClozeText(text: string, ord: number, question: boolean): string {
  let buf = '';
  const found = { active: false };
  for (const n of parseClozes(text)) buf += n.kind === 'text' ? n.text : reveal(n, ord, question, found);
  return found.active ? buf : '';
}

function collectRevealed(node: ClozeNode, ord: number, question: boolean, out: string[]): void {
  if (node.kind !== 'cloze') return;
  if (node.ordinals.includes(ord)) out.push(question ? hintOf(node) : clozedText(node));
  for (const n of node.nodes) collectRevealed(n, ord, question, out);
}

/** Anki's `reveal_cloze_text_only` (the `cloze-only` filter). */
export function revealClozeTextOnly(text: string, ord: number, question: boolean): string {
  const out: string[] = [];
  for (const n of parseClozes(text)) collectRevealed(n, ord, question, out);
  return out.join(', ');
}

/** Anki's `extract_cloze_for_typing`: the expected answer of `{{type:cloze:…}}`. */
export function extractClozeForTyping(text: string, ord: number): string {
  const out: string[] = [];
  for (const n of parseClozes(text)) collectRevealed(n, ord, false, out);
  if (out.length === 0) return '';
  if (out.every((x) => x === out[0])) return out[0] as string;
  return out.join(', ');
}

function addNumbers(nodes: ClozeNode[], set: Set<number>): void {
  for (const n of nodes) {
    if (n.kind !== 'cloze') continue;
    for (const o of n.ordinals) if (o !== 0) set.add(o);
    addNumbers(n.nodes, set);
  }
}

/** The cloze numbers (above 0) in a field's text. */
export function clozeNumbersInString(text: string): Set<number> {
  const set = new Set<number>();
  addNumbers(parseClozes(text), set);
  return set;
}

/** The cloze numbers in any of the fields. */
export function clozeNumbersInFields(fields: Iterable<string>): Set<number> {
  const set = new Set<number>();
  for (const f of fields) addNumbers(parseClozes(f), set);
  return set;
}

/** MathJax `\(…\)` / `\[…\]`: HTML inside is stripped (entities kept), as Anki does after revealing clozes. */
export function stripHtmlInsideMathjax(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/(\\[([])([\s\S]*?)(\\[\])])/g, (_m, open: string, inner: string, close: string) => `${open}${stripHtmlPreservingEntities(inner)}${close}`);
}

/** The `cloze` filter: card `cardOrd` (0-based), question side when `question`. */
export function clozeFilter(text: string, cardOrd: number, question: boolean): string {
  return stripHtmlInsideMathjax(revealClozeText(text, cardOrd + 1, question));
}

/** The `cloze-only` filter. */
export function clozeOnlyFilter(text: string, cardOrd: number, question: boolean): string {
  return revealClozeTextOnly(text, cardOrd + 1, question);
}
