// Deck listing and paging against the test server over real HTTP; request counts from srv.stats.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { walkDecks } from '../../../src/core/deckTree';
import { DeckListing, summarizeNote, summarizeNotes } from '../../../src/core/listing';
import { stripHtml } from '../../../src/notes/paths';
import { ADDON_BUILDS, SAMPLE_DECKS, startTestServer, type TestServer } from '../../server';

const BIG = SAMPLE_DECKS.vocabulary; // ~45 % of the notes: 10,035 of 22,300

// Listing, paging and change detection against both add-on builds (current, and one from before 2024).
describe.each(ADDON_BUILDS)('add-on %s', (addon) => {
  let srv: TestServer;
  let client: AnkiClient;

  beforeAll(async () => {
    srv = await startTestServer({ port: 0, notes: 22_300, seed: 7, addon });
    client = new AnkiClient({ url: srv.url });
  }, 60_000);
  afterAll(async () => {
    await srv.close();
  });
  beforeEach(() => srv.stats.reset());

  describe('summaries read entry by entry', () => {
    it('a summary built from the reply entry by entry (notesInfoEach) equals the one built from the whole reply, in the same requests', async () => {
      const ids = [...srv.collection.notes.keys()].sort((x, y) => x - y).filter((_, i) => i % 3 === 0);
      ids.splice(7, 0, 1); // an id Anki does not have
      const chunked = new AnkiClient({ url: srv.url, notesInfoChunk: 2000 });
      const whole = (await chunked.notesInfo(ids)).map((info) => (info ? summarizeNote(info, `deck ${info.noteId % 5}`) : undefined));
      const before = srv.stats.requests;
      const each = await summarizeNotes(chunked, ids, (id) => `deck ${id % 5}`);
      expect(srv.stats.requests - before).toBe(Math.ceil(ids.length / 2000));
      expect(each).toHaveLength(ids.length);
      expect(each[7]).toBeUndefined();
      expect(each).toEqual(whole);
      // The same through a client without notesInfoEach (the fallback path).
      const plain = { notesInfo: (n: number[]) => chunked.notesInfo(n) } as unknown as AnkiClient;
      expect(await summarizeNotes(plain, ids, (id) => `deck ${id % 5}`)).toEqual(whole);
    });
  });

  describe('deck tree', () => {
    it('loads names and every count in 2 requests; counts equal the collection\'s (distinct notes incl. sub-decks)', async () => {
      const listing = new DeckListing(() => client);
      const tree = await listing.loadTree();
      expect(srv.stats.requests).toBe(2);
      expect(srv.stats.actions['deckNamesAndIds']).toBe(1);
      const decks = walkDecks(tree);
      expect(decks.map((d) => d.name).sort()).toEqual([...srv.collection.deckNames()].sort());
      for (const d of decks) {
        expect(d.totalCount, d.name).toBe(srv.collection.notesInDeck(d.name, true).length);
        expect(d.ownCount, d.name).toBe(srv.collection.notesInDeck(d.name, false).length);
        expect(d.id).toBe(srv.collection.deckByName(d.name)!.id);
      }
      expect(tree.byName.get(BIG)!.totalCount).toBeGreaterThan(10_000);
      expect(tree.byName.get('Japanese')!.children.map((c) => c.label)).toEqual(['JLPT N3', 'JLPT N5']);
    });
  });

  describe('paging a 10,000-note deck', () => {
    it('first page after the tree: 1 request; without the tree: 2 requests', async () => {
      const listing = new DeckListing(() => client);
      await listing.loadTree();
      srv.stats.reset();
      const page = await listing.notesOf(BIG, 200);
      expect(srv.stats.requests).toBe(1);
      expect(srv.stats.actions['notesInfo']).toBe(1);
      expect(page.items).toHaveLength(200);
      expect(page.total).toBe(srv.collection.notesInDeck(BIG).length);
      expect(page.hasMore).toBe(true);

      const cold = new DeckListing(() => client);
      srv.stats.reset();
      const coldPage = await cold.notesOf(BIG, 200);
      expect(srv.stats.requests).toBeLessThanOrEqual(2);
      expect(coldPage.items.map((n) => n.id)).toEqual(page.items.map((n) => n.id));
    });

    it('renders labels from the sort field (HTML stripped) and lists notes in id order', async () => {
      const listing = new DeckListing(() => client);
      const page = await listing.notesOf(SAMPLE_DECKS.kanji, 50);
      const ids = page.items.map((n) => n.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      for (const n of page.items) {
        const note = srv.collection.getNote(n.id)!;
        const first = Object.values(srv.collection.fieldsOf(note))[0]!;
        expect(first).toMatch(/<b>/); // kanji notes have HTML in the sort field
        expect(n.label).toBe(stripHtml(first));
        expect(n.deck).toBe(SAMPLE_DECKS.kanji);
        expect(n.fields[0]![1]).toBe(first);
      }
    });

    it('"load more" costs 1 request per page and walks every note exactly once', async () => {
      const listing = new DeckListing(() => client);
      await listing.loadTree();
      let page = await listing.notesOf(BIG, 1000);
      srv.stats.reset();
      let pages = 1;
      while (page.hasMore) {
        page = await listing.loadMore(BIG, 1000);
        pages++;
      }
      expect(srv.stats.requests).toBe(pages - 1);
      const ids = page.items.map((n) => n.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(srv.collection.notesInDeck(BIG));
    });

    it('a note deleted in Anki before its page loads is dropped from the listing', async () => {
      const listing = new DeckListing(() => client);
      await listing.loadTree();
      const page = await listing.notesOf(SAMPLE_DECKS.verbs, 10);
      const victim = page.ids[15]!;
      const before = page.total;
      srv.simulate.deleteNote(victim);
      await listing.loadMore(SAMPLE_DECKS.verbs, 10);
      expect(page.items.map((n) => n.id)).not.toContain(victim);
      expect(page.total).toBe(before - 1);
      expect(page.items).toHaveLength(19);
    });
  });

  describe('change check (window focus)', () => {
    it('nothing changed: 1 request, empty report', async () => {
      const listing = new DeckListing(() => client);
      await listing.loadTree();
      await listing.notesOf(SAMPLE_DECKS.n5, 20);
      await client.features(); // cached by the client; real sessions have it after the first request
      srv.stats.reset();
      const report = await listing.checkForChanges();
      expect(srv.stats.requests).toBe(1);
      expect(report).toEqual({ treeChanged: false, changedDecks: [], changedNotes: [] });
    });

    it('a shown note edited in Anki is reported and its page reloads in 1 request', async () => {
      const listing = new DeckListing(() => client);
      await listing.loadTree();
      const page = await listing.notesOf(SAMPLE_DECKS.n5, 20);
      const target = page.items[3]!;
      const firstField = target.fields[0]![0];
      srv.simulate.editInAnki(target.id, { fields: { [firstField]: 'edited <i>in</i> Anki' } });
      const report = await listing.checkForChanges();
      expect(report.changedNotes).toEqual([target.id]);
      expect(report.changedDecks).toEqual([SAMPLE_DECKS.n5]);
      srv.stats.reset();
      const again = await listing.notesOf(SAMPLE_DECKS.n5, 20);
      expect(srv.stats.requests).toBe(1);
      expect(again.items.find((n) => n.id === target.id)?.label).toBe('edited in Anki');
    });

    it('a note added in Anki updates the counts of its deck and ancestors; a new deck rebuilds the tree', async () => {
      const listing = new DeckListing(() => client);
      const tree = await listing.loadTree();
      const before = tree.byName.get('Spanish')!.totalCount!;
      const id = await client.addNote({ deckName: SAMPLE_DECKS.verbs, modelName: 'Basic', fields: { Front: 'nuevo verbo zz', Back: 'x' } });
      const report = await listing.checkForChanges();
      expect(report.treeChanged).toBe(false);
      expect(report.changedDecks).toEqual([SAMPLE_DECKS.verbs]);
      expect(listing.tree!.byName.get('Spanish')!.totalCount).toBe(before + 1);
      expect(listing.deckOfNote(id)).toBe(SAMPLE_DECKS.verbs);

      await client.createDeck('Spanish::Idioms');
      const r2 = await listing.checkForChanges();
      expect(r2.treeChanged).toBe(true);
      expect(listing.tree!.byName.get('Spanish::Idioms')?.totalCount).toBe(0);
    });
  });

  describe('change check stages', () => {
    it('a move made in Anki (note mod unchanged) is picked up by the periodic full check, or at once with full', async () => {
      let now = 1_000_000;
      const listing = new DeckListing(() => client, { now: () => now, fullCheckEveryMs: 60_000 });
      await listing.loadTree();
      await client.features();
      const id = srv.collection.notesInDeck(SAMPLE_DECKS.capitals)[0]!;
      const cards = srv.collection.cardsOf(id).map((c) => c.id);
      await client.changeDeck(cards, SAMPLE_DECKS.french);
      srv.stats.reset();
      expect(await listing.checkForChanges()).toEqual({ treeChanged: false, changedDecks: [], changedNotes: [] });
      expect(srv.stats.requests).toBe(1); // cheap stage only: nothing signalled a change
      now += 61_000;
      srv.stats.reset();
      const r = await listing.checkForChanges();
      expect(srv.stats.requests).toBe(2);
      expect(r.changedDecks.sort()).toEqual([SAMPLE_DECKS.capitals, SAMPLE_DECKS.french].sort());
      expect(listing.deckOfNote(id)).toBe(SAMPLE_DECKS.french);
      await client.changeDeck(cards, SAMPLE_DECKS.capitals);
      const r2 = await listing.checkForChanges({ full: true });
      expect(r2.changedDecks.sort()).toEqual([SAMPLE_DECKS.capitals, SAMPLE_DECKS.french].sort());
    });
  });
});

describe('change check on a pre-2024 add-on (no notesModTime, no mod in notesInfo)', () => {
  it('notices a shown note whose sort field changed in Anki', async () => {
    const legacy = await startTestServer({ port: 0, notes: 200, seed: 5, addon: '2023' });
    try {
      const c = new AnkiClient({ url: legacy.url });
      const listing = new DeckListing(() => c);
      await listing.loadTree();
      const page = await listing.notesOf(SAMPLE_DECKS.verbs, 10);
      expect(page.items[0]!.mod).toBeUndefined();
      expect(await listing.checkForChanges()).toEqual({ treeChanged: false, changedDecks: [], changedNotes: [] });
      const target = page.items[2]!;
      legacy.simulate.editInAnki(target.id, { fields: { [target.fields[0]![0]]: 'cambiado' } });
      const report = await listing.checkForChanges();
      expect(report.changedNotes).toEqual([target.id]);
      const again = await listing.notesOf(SAMPLE_DECKS.verbs, 10);
      expect(again.items.find((n) => n.id === target.id)?.label).toBe('cambiado');
    } finally {
      await legacy.close();
    }
  });
});
