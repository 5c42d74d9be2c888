// Anki search-query builders (pure: no `vscode` import).
import type { NoteId } from './api';

/** Escapes a deck name for use inside a quoted `"deck:…"` term so it matches literally (no wildcards). */
export function escapeDeckName(deckName: string): string {
  return deckName.replace(/[\\"*_]/g, (c) => `\\${c}`);
}

/**
 * An exact query for one deck: `"deck:<escaped>"`, and with `includeSubdecks: false` also
 * `-"deck:<escaped>::*"` so cards of its sub-decks are excluded. `deck:` is case-insensitive in Anki, as
 * are deck names. (Cards in filtered decks whose original deck matches are included by Anki.)
 */
export function deckQuery(deckName: string, opts: { includeSubdecks: boolean }): string {
  const e = escapeDeckName(deckName);
  return opts.includeSubdecks ? `"deck:${e}"` : `"deck:${e}" -"deck:${e}::*"`;
}

/**
 * `nid:1,2,3` for the given note ids. An empty list gives `nid:0`, which matches no note (note ids are
 * creation timestamps in ms) — never the empty query, which would match the whole collection.
 */
export function nidQuery(ids: readonly NoteId[]): string {
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`nidQuery: ${String(id)} is not a note id`);
  }
  return ids.length === 0 ? 'nid:0' : `nid:${ids.join(',')}`;
}
