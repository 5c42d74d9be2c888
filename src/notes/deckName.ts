// Anki deck names: normalisation, comparison and validation (pure).
//
// Anki normalises every `::` component of a deck name: NFC, `"` and ASCII control characters removed,
// trimmed (Unicode White_Space, as Rust's `str::trim`), and an empty component becomes `blank`.
// Name lookup is case-insensitive, so two names that differ only in case are the same deck.
import { formatMessage, msg, type Message } from '../messages';

export const DECK_SEPARATOR = '::';

// Rust's `char::is_whitespace` (Unicode White_Space). Unlike JS `trim()` it includes U+0085 and
// excludes U+FEFF.
const RUST_WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_RE = new RegExp(`^[${RUST_WS}]+|[${RUST_WS}]+$`, 'g');
// eslint-disable-next-line no-control-regex
const DROPPED_CHARS_RE = /["\x00-\x1f\x7f]/g;

/** Trim the way Anki (Rust) trims. */
export function rustTrim(s: string): string {
  return s.replace(TRIM_RE, '');
}

function cleanComponent(component: string): string {
  return rustTrim(component.normalize('NFC').replace(DROPPED_CHARS_RE, ''));
}

// A collection has few deck names and every note of a Save All or listing repeats one: remember the last
// few hundred results (a pure function, so the cache changes nothing but the cost).
const NORMALIZED = new Map<string, string>();
const NORMALIZED_MAX = 512;

/** The name Anki stores for `name` (each component NFC, `"`/controls removed, trimmed, empty → `blank`). */
export function normalizeDeckName(name: string): string {
  const known = NORMALIZED.get(name);
  if (known !== undefined) return known;
  const normalized = normalizeUncached(name);
  if (NORMALIZED.size >= NORMALIZED_MAX) NORMALIZED.clear();
  NORMALIZED.set(name, normalized);
  return normalized;
}

function normalizeUncached(name: string): string {
  return name
    .split(DECK_SEPARATOR)
    .map((c) => {
      const cleaned = cleanComponent(c);
      return cleaned === '' ? 'blank' : cleaned;
    })
    .join(DECK_SEPARATOR);
}

/** A key under which Anki considers two deck names the same deck (normalised, case-folded). */
export function deckKey(name: string): string {
  return normalizeDeckName(name).toLowerCase();
}

/** True when Anki would resolve both names to the same deck. */
export function sameDeck(a: string, b: string): boolean {
  return deckKey(a) === deckKey(b);
}

export interface DeckNameIssue {
  code: 'emptyDeck' | 'badDeck';
  /** English, for logs and tests. */
  message: string;
  /** What to tell the user (localized by the glue). */
  msg: Message;
}

function issue(code: DeckNameIssue['code'], m: Message): DeckNameIssue {
  return { code, message: formatMessage(m), msg: m };
}

/**
 * Problems with a deck name a user typed, before Anki would silently rewrite it:
 * empty, an empty `::` component (Anki would call it `blank`), `"` or control characters (dropped by Anki).
 */
export function deckNameIssues(name: string): DeckNameIssue[] {
  if (rustTrim(name) === '') {
    return [issue('emptyDeck', msg('deckEmpty'))];
  }
  const issues: DeckNameIssue[] = [];
  const components = name.split(DECK_SEPARATOR);
  if (components.some((c) => cleanComponent(c) === '')) {
    issues.push(issue('badDeck', msg('deckEmptyPart', name)));
  }
  if (/"/.test(name)) {
    issues.push(issue('badDeck', msg('deckQuotes')));
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) {
    issues.push(issue('badDeck', msg('deckControls')));
  }
  return issues;
}
