// Deck listing and paging over the client (pure: no `vscode` import).
//
// Request budget:
//  - deck tree with counts: 2 requests (`deckNamesAndIds`, then ONE `multi` of `findNotes` per deck for the
//    notes whose cards are in that deck itself; totals are distinct unions computed here);
//  - a deck's first page: 1 request (`notesInfo` of the page; the ids came with the counts), 2 when the
//    ids are not cached (`findNotes` first);
//  - each further page: 1 request;
//  - a change check (window focus): 1 request (`multi` of the same listing plus the shown notes' mod times).
import type { AnkiApi, MultiAction, MultiOutcome, NoteId, NoteInfo } from '../anki/api';
import { readOutcome } from '../anki/actions';
import { deckQuery } from '../anki/query';
import { stripHtml, truncateText } from '../notes/paths';
import { isConnectionFailure } from './connection';
import { orderedFields } from './snapshot';
import { applyCounts, buildDeckTree, walkDecks, type DeckNode, type DeckTree } from './deckTree';

/** What the views show of a note. */
export interface NoteSummary {
  id: NoteId;
  /** The deck the note is listed under (its first card's deck when known). */
  deck: string;
  modelName: string;
  tags: string[];
  /** Fields in the note type's order: [name, raw HTML]. */
  fields: Array<[string, string]>;
  /** Raw HTML of the sort (first) field. */
  sortFieldHtml: string;
  /** Sort field, HTML stripped, entities decoded, truncated. */
  label: string;
  mod: number | undefined;
  cards: number[];
}

export function summarizeNote(info: NoteInfo, deck: string): NoteSummary {
  const fields = orderedFields(info);
  const sortFieldHtml = fields[0]?.[1] ?? '';
  return {
    id: info.noteId,
    deck,
    modelName: info.modelName,
    tags: info.tags,
    fields,
    sortFieldHtml,
    label: displayLabel(sortFieldHtml),
    mod: info.mod,
    cards: info.cards,
  };
}

/**
 * Summaries of `ids` in order (`undefined` where Anki has no such note), from `notesInfo`. With a client that
 * reads replies entry by entry (`notesInfoEach`) each note is summarised as it is read and its full entry
 * dropped, so a long listing never holds a whole reply (its text, parsed tree and validated copy) at once.
 */
export async function summarizeNotes(
  api: AnkiApi,
  ids: NoteId[],
  deckOf: (id: NoteId, index: number) => string,
): Promise<Array<NoteSummary | undefined>> {
  const one = (info: NoteInfo | undefined, i: number): NoteSummary | undefined => (info ? summarizeNote(info, deckOf(info.noteId, i)) : undefined);
  if (api.notesInfoEach) return api.notesInfoEach(ids, one);
  return (await api.notesInfo(ids)).map(one);
}

export const MAX_DISPLAY_LABEL = 80;

/** The tree/QuickPick label of a note: its sort field as plain text, truncated at a grapheme boundary. */
export function displayLabel(sortFieldHtml: string, max = MAX_DISPLAY_LABEL): string {
  const text = stripHtml(sortFieldHtml);
  if (text.length === 0) return ''; // the glue shows a localised placeholder
  return truncateText(text, max);
}

/** One line of field text for previews: every field but the first, stripped and joined, truncated. */
export function fieldSnippet(note: Pick<NoteSummary, 'fields'>, max = 120): string {
  const parts = note.fields
    .slice(1)
    .map(([, html]) => stripHtml(html).replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
  return truncateText(parts.join(' · '), max);
}


/** A list of note ids shown page by page (a deck's own notes, or search results). */
export class PagedNotes {
  /** Loaded notes, in `ids` order. */
  items: NoteSummary[] = [];
  /** True when the ids changed since the items were loaded: the next read reloads them. */
  stale = false;
  constructor(
    /** Note ids in display order. */
    public ids: NoteId[],
    /** Deck name each note is listed under. */
    private readonly deckOf: (id: NoteId) => string,
  ) {}

  get total(): number {
    return this.ids.length;
  }
  get hasMore(): boolean {
    return this.items.length < this.ids.length;
  }
  get loaded(): boolean {
    return this.items.length > 0 || this.ids.length === 0;
  }

  /** Loads the next page (one `notesInfo`). Notes deleted meanwhile are dropped from `ids`. */
  async loadNext(api: AnkiApi, pageSize: number): Promise<void> {
    const start = this.items.length;
    const slice = this.ids.slice(start, start + Math.max(1, pageSize));
    if (slice.length === 0) return;
    this.accept(slice, await summarizeNotes(api, slice, (_id, i) => this.deckOf(slice[i] as NoteId)));
  }

  /**
   * Makes sure the note at `index` of `ids` is loaded: every missing note up to the end of its page comes in
   * ONE `notesInfo` (revealing a note deep in a long deck costs one request, not one per page).
   */
  async loadThrough(index: number, api: AnkiApi, pageSize: number): Promise<void> {
    const size = Math.max(1, pageSize);
    const start = this.items.length;
    if (index < start || index >= this.ids.length) return;
    const end = Math.min(this.ids.length, (Math.floor(index / size) + 1) * size);
    const slice = this.ids.slice(start, end);
    this.accept(slice, await summarizeNotes(api, slice, (_id, i) => this.deckOf(slice[i] as NoteId)));
  }

  /** Reloads the first `max(count, pageSize)` notes (after a change) in one `notesInfo`. */
  async reload(api: AnkiApi, pageSize: number): Promise<void> {
    const count = Math.max(this.items.length, Math.max(1, pageSize));
    const slice = this.ids.slice(0, count);
    this.items = [];
    this.stale = false;
    if (slice.length === 0) return;
    this.accept(slice, await summarizeNotes(api, slice, (_id, i) => this.deckOf(slice[i] as NoteId)));
  }

  private accept(slice: NoteId[], notes: Array<NoteSummary | undefined>): void {
    const gone = new Set<NoteId>();
    slice.forEach((id, i) => {
      const note = notes[i];
      if (note) this.items.push(note);
      else gone.add(id);
    });
    if (gone.size > 0) this.ids = this.ids.filter((id) => !gone.has(id));
  }
}

export interface ChangeReport {
  /** Deck names/ids changed: the whole tree was rebuilt. */
  treeChanged: boolean;
  /** Decks whose own note list changed (their ancestors' counts may have changed too). */
  changedDecks: string[];
  /** Shown notes whose `mod` changed or that were deleted. */
  changedNotes: NoteId[];
}

/** Notes added or edited since yesterday's scheduler cutoff: a cheap signal that the collection changed. */
const EDITED_TODAY: MultiAction = { action: 'findNotes', params: { query: 'edited:1' } };
/** Even without a signal, the full listing is compared at most this often (moves and deletions in Anki). */
export const FULL_CHECK_EVERY_MS = 5 * 60_000;

const sortedIds = (ids: readonly NoteId[]): NoteId[] => [...new Set(ids)].sort((a, b) => a - b);
const sameIds = (a: readonly NoteId[], b: readonly NoteId[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The Decks view's data: deck tree, per-deck note ids (cached) and loaded pages. */
export class DeckListing {
  private treeValue: DeckTree | undefined;
  private deckIds: Record<string, number> = {};
  /** Per deck: ids (ascending) of the notes with a card in the deck itself. */
  private readonly own = new Map<string, NoteId[]>();
  private readonly pages = new Map<string, PagedNotes>();
  private reverse: Map<NoteId, string> | undefined;
  /** Notes Anki reports as `edited:1` at the last full listing/check (adds show up as new ids here). */
  private editedBaseline: Set<NoteId> | undefined;
  private lastFullCheck = 0;

  constructor(
    private readonly api: () => AnkiApi,
    private readonly opts: { now?: () => number; fullCheckEveryMs?: number } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  get tree(): DeckTree | undefined {
    return this.treeValue;
  }

  /** Loads deck names and every deck's note ids (2 requests) and computes counts. Keeps loaded pages as stale. */
  async loadTree(): Promise<DeckTree> {
    const api = this.api();
    const decks = await api.deckNamesAndIds();
    const tree = buildDeckTree(decks);
    const names = walkDecks(tree).map((d) => d.name);
    const outcomes = await api.multi([...names.map((n) => this.ownQueryAction(n)), EDITED_TODAY]);
    this.acceptEdited(outcomes[names.length]);
    this.lastFullCheck = this.now();
    const own = new Map<string, NoteId[]>();
    names.forEach((name, i) => {
      try {
        own.set(name, sortedIds(readOutcome('findNotes', outcomes[i])));
      } catch (e) {
        if (isConnectionFailure(e)) throw e;
        // Count stays unknown for this deck; expanding it retries with its own findNotes.
      }
    });
    this.install(decks, tree, own);
    return tree;
  }

  private install(decks: Record<string, number>, tree: DeckTree, own: Map<string, NoteId[]>): void {
    this.deckIds = decks;
    this.treeValue = tree;
    this.own.clear();
    for (const [k, v] of own) this.own.set(k, v);
    applyCounts(tree, this.own);
    this.reverse = undefined;
    for (const [deck, page] of [...this.pages]) {
      const ids = this.own.get(deck);
      if (!tree.byName.has(deck)) this.pages.delete(deck);
      else if (ids === undefined) this.pages.delete(deck);
      else if (!sameIds(ids, page.ids)) {
        page.ids = ids;
        page.stale = true;
      }
    }
  }

  private acceptEdited(outcome: MultiOutcome | undefined): Set<NoteId> | undefined {
    try {
      const edited = new Set(readOutcome('findNotes', outcome));
      this.editedBaseline = edited;
      return edited;
    } catch (e) {
      if (isConnectionFailure(e)) throw e;
      this.editedBaseline = undefined;
      return undefined;
    }
  }

  private ownQueryAction(deck: string): MultiAction {
    return { action: 'findNotes', params: { query: deckQuery(deck, { includeSubdecks: false }) } };
  }

  deck(name: string): DeckNode | undefined {
    return this.treeValue?.byName.get(name);
  }

  /** The loaded state of a deck's own notes, if any page was loaded. */
  peekPages(deck: string): PagedNotes | undefined {
    return this.pages.get(deck);
  }

  /** Ensures the deck's first page is loaded (1 request with cached ids, else 2); reloads stale pages. */
  async notesOf(deck: string, pageSize: number): Promise<PagedNotes> {
    const api = this.api();
    let page = this.pages.get(deck);
    if (!page) {
      let ids = this.own.get(deck);
      if (ids === undefined) {
        ids = sortedIds(await api.findNotes(deckQuery(deck, { includeSubdecks: false })));
        this.own.set(deck, ids);
        this.reverse = undefined;
      }
      page = new PagedNotes(ids, () => deck);
      this.pages.set(deck, page);
      await page.loadNext(api, pageSize);
    } else if (page.stale) {
      await page.reload(api, pageSize);
    } else if (!page.loaded) {
      await page.loadNext(api, pageSize);
    }
    return page;
  }

  /** Loads a deck's notes up to the page holding `noteId` (1 request at most once the first page is there). */
  async notesThrough(deck: string, noteId: NoteId, pageSize: number): Promise<PagedNotes> {
    const page = await this.notesOf(deck, pageSize);
    const index = page.ids.indexOf(noteId);
    if (index >= page.items.length) await page.loadThrough(index, this.api(), pageSize);
    return page;
  }

  /** Loads the next page of a deck (1 request). */
  async loadMore(deck: string, pageSize: number): Promise<PagedNotes> {
    const page = this.pages.get(deck);
    if (!page) return this.notesOf(deck, pageSize);
    await page.loadNext(this.api(), pageSize);
    return page;
  }

  /** Forget a deck's cached ids and pages (after a move/delete done by this extension). */
  invalidateDeck(deck: string): void {
    this.own.delete(deck);
    this.pages.delete(deck);
    this.reverse = undefined;
  }

  /** The deck a note is listed under, from the cached listing (no request). Normal decks win over filtered ones. */
  deckOfNote(id: NoteId): string | undefined {
    if (!this.reverse) {
      const rev = new Map<NoteId, string>();
      const decks = this.treeValue ? walkDecks(this.treeValue) : [];
      for (const pass of [false, true]) {
        for (const d of decks) {
          if (d.filtered !== pass) continue;
          for (const nid of this.own.get(d.name) ?? []) if (!rev.has(nid)) rev.set(nid, d.name);
        }
      }
      this.reverse = rev;
    }
    return this.reverse.get(id);
  }

  /** Every note currently loaded in any deck page. */
  shownNotes(): NoteSummary[] {
    const out: NoteSummary[] = [];
    for (const p of this.pages.values()) out.push(...p.items);
    return out;
  }

  /**
   * Window-focus check. Stage 1 (one cheap request): deck names, `findNotes("edited:1")` and the shown notes'
   * mod times. Only when that shows a change (a deck added/renamed/deleted, a note added or edited, a shown
   * note changed or gone), when `full` is asked, or every `FULL_CHECK_EVERY_MS`, stage 2 compares every deck's
   * note ids (one more request) so counts and pages follow moves and deletions. Changed decks' pages become
   * stale (reloaded on next view); a changed deck list rebuilds the tree (2 requests).
   */
  async checkForChanges(opts: { full?: boolean } = {}): Promise<ChangeReport> {
    const api = this.api();
    const tree = this.treeValue;
    if (!tree) {
      await this.loadTree();
      return { treeChanged: true, changedDecks: [], changedNotes: [] };
    }
    const shown = this.shownNotes();
    const shownIds = [...new Set(shown.map((n) => n.id))];
    const features = await api.features();
    const actions: MultiAction[] = [{ action: 'deckNamesAndIds' }, EDITED_TODAY];
    if (shownIds.length > 0) {
      actions.push(
        features.notesModTime
          ? { action: 'notesModTime', params: { notes: shownIds } }
          : { action: 'notesInfo', params: { notes: shownIds } },
      );
    }
    const outcomes = await api.multi(actions);
    const decks = readOutcome('deckNamesAndIds', outcomes[0]);
    const baseline = this.editedBaseline;
    const edited = this.acceptEdited(outcomes[1]);

    // Shown notes: changed or gone.
    const changedNotes: NoteId[] = [];
    if (shownIds.length > 0) {
      const last = outcomes[2];
      // Per shown note: `mod`, or on add-on builds without it the sort field's HTML (what the label shows).
      const now = new Map<NoteId, string | undefined>();
      if (features.notesModTime) {
        readOutcome('notesModTime', last).forEach((e, i) => now.set(shownIds[i]!, e ? `mod:${e.mod}` : undefined));
      } else {
        readOutcome('notesInfo', last).forEach((e, i) =>
          now.set(shownIds[i]!, e ? (e.mod !== undefined ? `mod:${e.mod}` : `sort:${summarizeNote(e, '').sortFieldHtml}`) : undefined),
        );
      }
      for (const n of shown) {
        const sig = now.get(n.id);
        const before = n.mod !== undefined ? `mod:${n.mod}` : `sort:${n.sortFieldHtml}`;
        if ((sig === undefined || sig !== before) && !changedNotes.includes(n.id)) changedNotes.push(n.id);
      }
    }
    const changedSet = new Set(changedNotes);
    const markStale = (changedDecks: string[]): void => {
      for (const [deck, page] of this.pages) {
        if (page.items.some((n) => changedSet.has(n.id))) {
          page.stale = true;
          if (!changedDecks.includes(deck)) changedDecks.push(deck);
        }
      }
    };

    const sameDecks =
      Object.keys(decks).length === Object.keys(this.deckIds).length &&
      Object.entries(decks).every(([k, v]) => this.deckIds[k] === v);
    if (!sameDecks) {
      const changedDecks: string[] = [];
      markStale(changedDecks);
      await this.loadTree();
      return { treeChanged: true, changedDecks, changedNotes };
    }
    const newlyEdited = edited === undefined || baseline === undefined || [...edited].some((id) => !baseline.has(id));
    const due = this.now() - this.lastFullCheck >= (this.opts.fullCheckEveryMs ?? FULL_CHECK_EVERY_MS);
    if (!opts.full && !newlyEdited && !due && changedNotes.length === 0) {
      return { treeChanged: false, changedDecks: [], changedNotes: [] };
    }

    // Stage 2: every deck's own note ids.
    const names = walkDecks(tree).map((d) => d.name);
    const lists = await api.multi(names.map((n) => this.ownQueryAction(n)));
    this.lastFullCheck = this.now();
    const own = new Map<string, NoteId[]>();
    const changedDecks: string[] = [];
    names.forEach((name, i) => {
      try {
        const ids = sortedIds(readOutcome('findNotes', lists[i]));
        own.set(name, ids);
        const before = this.own.get(name);
        if (!before || !sameIds(before, ids)) changedDecks.push(name);
      } catch (e) {
        if (isConnectionFailure(e)) throw e;
        // Unknown for this deck: left out of the comparison.
      }
    });
    markStale(changedDecks);
    if (changedDecks.length > 0) {
      this.install(decks, tree, new Map([...this.own, ...own]));
    }
    return { treeChanged: false, changedDecks, changedNotes };
  }

  /** Every listed deck's own note ids (as cached): what the catch-up after an outage compares (src/offline/catchUp.ts). */
  ownIds(): Map<string, NoteId[]> {
    return new Map(this.own);
  }

  /**
   * Applies an incremental catch-up without requests: the deck list and the listed decks' own ids as Anki has
   * them now, and the notes to show (`infoOf`: re-read ones, else as cached). Loaded pages keep their length;
   * edited notes are replaced, removed ones dropped, added ones shown in place. A page that would need a note
   * `infoOf` does not know becomes stale (reloaded when next shown).
   */
  applyCatchUp(update: {
    deckNamesAndIds: Record<string, number>;
    decks: ReadonlyMap<string, readonly NoteId[]>;
    changedDecks: readonly string[];
    infoOf: (id: NoteId) => NoteInfo | undefined;
  }): ChangeReport {
    const sameDecks =
      Object.keys(update.deckNamesAndIds).length === Object.keys(this.deckIds).length &&
      Object.entries(update.deckNamesAndIds).every(([k, v]) => this.deckIds[k] === v);
    const tree = sameDecks && this.treeValue ? this.treeValue : buildDeckTree(update.deckNamesAndIds);
    const own = new Map<string, NoteId[]>();
    for (const d of walkDecks(tree)) {
      const ids = update.decks.get(d.name) ?? this.own.get(d.name);
      if (ids) own.set(d.name, [...ids]);
    }
    const loaded = new Map([...this.pages].map(([deck, page]) => [deck, page.items.length] as const));
    this.install(update.deckNamesAndIds, tree, own);
    const changed = new Set(update.changedDecks);
    for (const [deck, page] of this.pages) {
      if (!changed.has(deck)) continue;
      const count = Math.min(loaded.get(deck) ?? 0, page.ids.length);
      const items: NoteSummary[] = [];
      for (const id of page.ids.slice(0, count)) {
        const info = update.infoOf(id);
        if (!info) break;
        items.push(summarizeNote(info, deck));
      }
      if (items.length === count) {
        page.items = items;
        page.stale = false;
      } else page.stale = true;
    }
    return { treeChanged: !sameDecks, changedDecks: [...changed], changedNotes: [] };
  }
}
