// Note search with Anki's query syntax (pure: no `vscode` import).
//
// Request budget per query: 2 (`findNotes`, then `notesInfo` of the first N). The deck shown for each
// hit comes from the Decks listing's cached ids (no request); only hits the cache does not know
// (notes added since the last listing) cost one extra `getDecks` of their first cards.
import type { AnkiApi, NoteId } from '../anki/api';
import { DEFAULT_NOTES_INFO_CHUNK } from '../anki/client';
import { AnkiConnectError, describeAnkiError } from '../anki/errors';
import { fieldSnippet, PagedNotes, summarizeNotes, type NoteSummary } from './listing';

export type SearchOutcome =
  | { kind: 'ok'; query: string; seq: number; ids: NoteId[]; items: NoteSummary[] }
  /** Anki rejected the query (bad syntax); `message` is the server's text. */
  | { kind: 'invalid'; query: string; seq: number; message: string }
  /** Transport or other failure. */
  | { kind: 'error'; query: string; seq: number; error: unknown; message: string }
  /** A newer query was started meanwhile: drop this result. */
  | { kind: 'stale'; query: string; seq: number };

/** Hands out increasing sequence numbers; only the latest one's results are shown. */
export class Sequencer {
  private last = 0;
  next(): number {
    return ++this.last;
  }
  isLatest(seq: number): boolean {
    return seq === this.last;
  }
}

/** True when AnkiConnect's error is Anki's complaint about the query ("Invalid search: …", localised). */
export function isInvalidSearch(e: unknown): e is AnkiConnectError {
  return (
    e instanceof AnkiConnectError &&
    e.action === 'findNotes' &&
    !e.isApiKey &&
    !e.isNoCollection &&
    !e.isUnsupportedAction
  );
}

/** Hits are listed oldest first (note ids are creation timestamps), like the Decks view and Anki's "Created" order. */
export function orderHits(ids: readonly NoteId[]): NoteId[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

export interface SearchDeps {
  api: () => AnkiApi;
  /** Deck of a note from a cache (Decks listing); undefined when unknown. */
  deckOfNote: (id: NoteId) => string | undefined;
}

/** Resolves the deck of notes the cache does not know: one `getDecks` of their first cards. */
export async function resolveDecks(api: AnkiApi, notes: NoteSummary[]): Promise<void> {
  const unknown = notes.filter((n) => n.deck === '' && n.cards.length > 0);
  if (unknown.length === 0) return;
  const byCard = new Map<number, NoteSummary>();
  for (const n of unknown) byCard.set(n.cards[0]!, n);
  const groups = await api.getDecks([...byCard.keys()]);
  for (const [deck, cards] of Object.entries(groups)) {
    for (const c of cards) {
      const n = byCard.get(c);
      if (n) n.deck = deck;
    }
  }
}

export class SearchEngine {
  private readonly seq = new Sequencer();
  constructor(private readonly deps: SearchDeps) {}

  /** Starts a new query: every earlier query still running will report `stale`. */
  begin(): number {
    return this.seq.next();
  }

  isLatest(seq: number): boolean {
    return this.seq.isLatest(seq);
  }

  /** Runs `query` (already begun with `begin()`); at most `limit` hits get their details loaded. */
  async run(query: string, seq: number, limit: number): Promise<SearchOutcome> {
    const api = this.deps.api();
    try {
      const found = await api.findNotes(query);
      if (!this.seq.isLatest(seq)) return { kind: 'stale', query, seq };
      const ids = orderHits(found);
      const first = ids.slice(0, limit);
      const items: NoteSummary[] = [];
      // Summarise slice by slice (the client's own chunk size, so no extra requests): only one slice of full
      // `notesInfo` entries is alive at a time, which keeps the heap flat when every hit is loaded.
      for (let i = 0; i < first.length; i += DEFAULT_NOTES_INFO_CHUNK) {
        const notes = await summarizeNotes(api, first.slice(i, i + DEFAULT_NOTES_INFO_CHUNK), (id) => this.deps.deckOfNote(id) ?? '');
        if (!this.seq.isLatest(seq)) return { kind: 'stale', query, seq };
        for (const note of notes) if (note) items.push(note);
      }
      await resolveDecks(api, items);
      if (!this.seq.isLatest(seq)) return { kind: 'stale', query, seq };
      return { kind: 'ok', query, seq, ids, items };
    } catch (e) {
      if (!this.seq.isLatest(seq)) return { kind: 'stale', query, seq };
      if (isInvalidSearch(e)) return { kind: 'invalid', query, seq, message: e.serverMessage };
      return { kind: 'error', query, seq, error: e, message: describeAnkiError(e).message };
    }
  }

  /** A pager over all hits of a query (the Search Results view). */
  results(ids: NoteId[]): PagedNotes {
    return new PagedNotes(ids, (id) => this.deps.deckOfNote(id) ?? '');
  }
}

/** How one hit reads in the QuickPick (and in the Search Results view's tooltip). */
export interface SearchItemView {
  label: string;
  description: string;
  detail: string;
}

export function renderSearchItem(note: NoteSummary): SearchItemView {
  return {
    label: note.label,
    description: note.deck,
    detail: fieldSnippet(note),
  };
}

/** Recent queries, most recent first, without duplicates, at most `max`. */
export function pushRecent(list: readonly string[], query: string, max: number): string[] {
  const q = query.trim();
  if (q.length === 0) return [...list].slice(0, max);
  return [q, ...list.filter((x) => x !== q)].slice(0, max);
}
