// What changed in Anki while it was out of reach (pure): the incremental refresh when the connection returns.
//
// Inputs are what two cheap requests return: the deck list with each deck's own note ids (the listing's tree
// load) and `notesModTime` of the cached notes. The plan names exactly the notes to re-read (edited ones), the
// notes gone (deleted in Anki) and the per-deck additions/removals; it never asks for a full reload.
import type { CacheData } from './cacheStore';

export interface FreshState {
  decks: Array<[name: string, id: number]>;
  deckNotes: Record<string, number[]>;
  /**
   * `notesModTime` of the cached notes (note id → mod). `undefined` on add-ons without note mod times: then
   * every cached note still present is re-read and compared by content.
   */
  modTimes: ReadonlyMap<number, number> | undefined;
}

export interface CatchUpPlan {
  decksAdded: string[];
  decksRemoved: string[];
  /** Deck → note ids that are new in that deck. */
  notesAdded: Record<string, number[]>;
  /** Deck → note ids no longer in that deck. */
  notesRemoved: Record<string, number[]>;
  /** Cached notes that no longer exist in any deck (deleted in Anki). */
  deleted: number[];
  /** Cached notes to re-read with notesInfo (mod changed, or unknown without mod times). */
  refetch: number[];
  /** True when nothing at all changed (no request beyond the two checks is needed). */
  unchanged: boolean;
}

export function planCatchUp(cached: CacheData, fresh: FreshState): CatchUpPlan {
  const oldDecks = new Set(cached.decks.map(([n]) => n));
  const newDecks = new Set(fresh.decks.map(([n]) => n));
  const decksAdded = [...newDecks].filter((d) => !oldDecks.has(d)).sort();
  const decksRemoved = [...oldDecks].filter((d) => !newDecks.has(d)).sort();

  const notesAdded: Record<string, number[]> = {};
  const notesRemoved: Record<string, number[]> = {};
  const present = new Set<number>();
  for (const [deck, ids] of Object.entries(fresh.deckNotes)) {
    for (const id of ids) present.add(id);
    const before = new Set(cached.deckNotes[deck] ?? []);
    const added = ids.filter((id) => !before.has(id));
    if (added.length > 0) notesAdded[deck] = added;
  }
  for (const [deck, ids] of Object.entries(cached.deckNotes)) {
    const now = new Set(fresh.deckNotes[deck] ?? []);
    const removed = ids.filter((id) => !now.has(id));
    if (removed.length > 0) notesRemoved[deck] = removed;
  }

  const deleted: number[] = [];
  const refetch: number[] = [];
  for (const [key, note] of Object.entries(cached.notes)) {
    const id = Number(key);
    const mod = fresh.modTimes?.get(id);
    // A note is gone when no deck lists it and (with mod times) Anki reports no mod for it.
    if (!present.has(id) && (fresh.modTimes === undefined || mod === undefined)) {
      deleted.push(id);
      continue;
    }
    if (fresh.modTimes === undefined) refetch.push(id);
    else if (mod === undefined) deleted.push(id);
    else if (note.snapshot.mod === undefined || note.snapshot.mod !== mod) refetch.push(id);
  }
  deleted.sort((a, b) => a - b);
  refetch.sort((a, b) => a - b);
  const unchanged =
    decksAdded.length === 0 &&
    decksRemoved.length === 0 &&
    Object.keys(notesAdded).length === 0 &&
    Object.keys(notesRemoved).length === 0 &&
    deleted.length === 0 &&
    refetch.length === 0;
  return { decksAdded, decksRemoved, notesAdded, notesRemoved, deleted, refetch, unchanged };
}
