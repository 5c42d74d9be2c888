// anki: paths <-> decks and notes (pure). A contract other tools rely on:
//
//   anki:/<deck>/<sub-deck>/…/<label>.<noteId>.yaml
//
// One folder per `::` level of the deck name. A folder name is the deck component with the few characters
// that would break a path escaped reversibly as %XX (`%` itself, `/`, `\`, control characters, a name
// equal to `.` or `..`, and the `.` of a trailing `.yaml` so a deck is never mistaken for a note; an empty
// level is a lone `%`);
// everything else (unicode, spaces, `#`, `?`, dots…) stays readable.
// The note file name is a short readable label (from the sort field) followed by the note id; only the id
// identifies the note, so a stale or different label still resolves.
//
// Glue code must build URIs from these paths with `Uri.from({ scheme: 'anki', path })` / `uri.with({ path })`
// and read them back from `uri.path`, never by concatenating strings into `Uri.parse` (`#` and `?` are
// legal in deck names and are kept readable here).
import { msg, type Message } from '../messages';
import { htmlToText } from './plainText';

import type { NoteId } from '../anki/api';
import { DECK_SEPARATOR } from './deckName';

export type ParsedPath =
  | { kind: 'root' }
  | { kind: 'deck'; deck: string }
  | { kind: 'note'; deck: string; noteId: NoteId; label: string }
  /** A `.yaml` file without a trailing id in a deck folder: a new note being created. `name` is the file name without `.yaml`. */
  | { kind: 'newNote'; deck: string; name: string }
  | { kind: 'invalid'; reason: Message };

export const NOTE_FILE_EXTENSION = '.yaml';
export const MAX_LABEL_LENGTH = 40;

// eslint-disable-next-line no-control-regex
const SEGMENT_ESCAPE_RE = /[%/\\\x00-\x1f\x7f]/g;

function hexEscape(ch: string): string {
  return '%' + ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
}

/** The folder name for one deck component. */
export function encodeSegment(component: string): string {
  // An empty level (never in a name Anki normalised, but `:::Default` splits as "" + ":Default") is a lone
  // "%" so every path stays valid; "%" itself is written "%25".
  if (component === '') return '%';
  if (component === '.') return '%2E';
  if (component === '..') return '%2E%2E';
  let s = component.replace(SEGMENT_ESCAPE_RE, hexEscape);
  if (/\.yaml$/i.test(s)) s = s.slice(0, -5) + '%2E' + s.slice(-4);
  return s;
}

/** The deck component for one folder name (inverse of `encodeSegment`; a `%` not followed by two hex digits is literal). */
export function decodeSegment(segment: string): string {
  if (segment === '%') return '';
  return segment.replace(/%([0-7][0-9A-Fa-f])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Folder names for a deck (one per `::` level). */
export function deckToSegments(deck: string): string[] {
  return deck.split(DECK_SEPARATOR).map(encodeSegment);
}

/** The deck name for folder names (inverse of `deckToSegments`). */
export function segmentsToDeck(segments: readonly string[]): string {
  return segments.map(decodeSegment).join(DECK_SEPARATOR);
}

/** `/<deck>/<sub-deck>/…` */
export function deckPath(deck: string): string {
  return '/' + deckToSegments(deck).join('/');
}

/** `/<deck>/…/<label>.<noteId>.yaml` */
export function notePath(deck: string, sortFieldHtml: string, id: NoteId): string {
  return `${deckPath(deck)}/${noteLabel(sortFieldHtml)}.${id}${NOTE_FILE_EXTENSION}`;
}

/** What an `anki:` path denotes. Accepts the path with or without a leading `/` and a trailing `/`. */
export function parsePath(path: string): ParsedPath {
  let p = path.startsWith('/') ? path.slice(1) : path;
  if (p.endsWith('/')) p = p.slice(0, -1);
  if (p === '') return { kind: 'root' };
  const segments = p.split('/');
  for (const s of segments) {
    if (s === '') return { kind: 'invalid', reason: msg('pathEmptyFolder', path) };
    if (s === '.' || s === '..') return { kind: 'invalid', reason: msg('pathDots', path, s) };
  }
  const last = segments[segments.length - 1] ?? '';
  const isFile = last.endsWith(NOTE_FILE_EXTENSION);
  const deckSegments = isFile ? segments.slice(0, -1) : segments;
  if (deckSegments.length === 0) {
    return { kind: 'invalid', reason: msg('pathTopLevel') };
  }
  const components = deckSegments.map(decodeSegment);
  for (let i = 0; i < components.length; i++) {
    const c = components[i] ?? '';
    if (c.includes(DECK_SEPARATOR)) {
      return { kind: 'invalid', reason: msg('folderHasColons', c) };
    }
    if (i < components.length - 1 && c.endsWith(':')) {
      return { kind: 'invalid', reason: msg('folderEndsColon', c) };
    }
  }
  const deck = components.join(DECK_SEPARATOR);
  if (!isFile) return { kind: 'deck', deck };
  const stem = last.slice(0, -NOTE_FILE_EXTENSION.length);
  if (stem === '') return { kind: 'invalid', reason: msg('fileNameEmpty') };
  const m = /^(.*)\.(\d+)$/s.exec(stem);
  if (m) {
    const digits = m[2] ?? '';
    const noteId = Number(digits);
    if (!Number.isSafeInteger(noteId) || noteId <= 0) {
      return { kind: 'invalid', reason: msg('badNoteId', digits) };
    }
    return { kind: 'note', deck, noteId, label: m[1] ?? '' };
  }
  return { kind: 'newNote', deck, name: stem };
}

// ---------------------------------------------------------------------------------------------------------
// Labels

/**
 * Plain text of a field's HTML for labels (see `htmlToText`: tags, comments, scripts and ruby readings
 * dropped, entities decoded, cloze deletions shown as their text, `[sound:…]` dropped, whitespace collapsed).
 */
export function stripHtml(html: string): string {
  return htmlToText(html);
}

// Characters that break paths here or on common file systems (when a note is copied to disk), or that are
// invisible/line-breaking: replaced by a space in labels.
// eslint-disable-next-line no-control-regex
const LABEL_UNSAFE_RE = /[/\\<>:"|?*#%\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * A short (≤ 40 code points) file-safe label for a note, from its sort field's HTML. Unicode is kept
 * (Japanese stays readable); `note` when nothing readable is left.
 */
export function noteLabel(html: string): string {
  let s = stripHtml(html).replace(LABEL_UNSAFE_RE, ' ').replace(/\s+/g, ' ').trim();
  s = truncateText(s.replace(/^[.\s]+/, '').replace(/[.\s]+$/, ''), MAX_LABEL_LENGTH, (t) => t.replace(/[.\s]+$/, ''));
  return s === '' || s === '…' ? 'note' : s;
}

/** Whether `text` has at most `max` code points (an unpaired surrogate counts as one, as `[...text]` does). */
function codePointsAtMost(text: string, max: number): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++n > max) return false;
  }
  return true;
}

/**
 * Whether the first `n` characters are ASCII other than CR: each is then a grapheme of one code point, and
 * none joins the one before it (CR LF is the only ASCII cluster), so cutting before character n-1 is exactly
 * what the grapheme walk below does, without the segmenter's cost.
 */
function asciiPrefix(text: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80 || c === 13) return false;
  }
  return true;
}

/**
 * `text` cut to at most `max` code points with a trailing `…`, never splitting a grapheme (emoji, combining
 * marks); `trimEnd` tidies the cut end before the ellipsis. Shorter text is returned as is.
 */
export function truncateText(text: string, max: number, trimEnd: (s: string) => string = (s) => s.trimEnd()): string {
  if (text.length <= max || codePointsAtMost(text, max)) return text; // UTF-16 length bounds the code points
  if (max >= 1 && asciiPrefix(text, max)) return `${trimEnd(text.slice(0, max - 1))}…`;
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    const n = [...segment].length;
    if (count + n > max - 1) break;
    out += segment;
    count += n;
  }
  return `${trimEnd(out)}…`;
}
