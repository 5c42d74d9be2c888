// Search engine against the test server over real HTTP: results, request counts, bad syntax, stale drops.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { DeckListing } from '../../../src/core/listing';
import { renderSearchItem, SearchEngine } from '../../../src/core/search';
import { SAMPLE_DECKS, startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let client: AnkiClient;
let listing: DeckListing;
let engine: SearchEngine;

beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 3000, seed: 3 });
  client = new AnkiClient({ url: srv.url });
  listing = new DeckListing(() => client);
  await listing.loadTree();
  engine = new SearchEngine({ api: () => client, deckOfNote: (id) => listing.deckOfNote(id) });
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => srv.stats.reset());

const expected = (q: string): number[] => [...srv.collection.findNotes(q)].sort((a, b) => a - b);

async function search(q: string, limit = 50) {
  const seq = engine.begin();
  return engine.run(q, seq, limit);
}

describe('search', () => {
  it.each([
    'deck:"Japanese::JLPT N3" tag:verb',
    'deck:"Japanese::JLPT N5" tag:verb',
    'is:due',
    'tag:spanish::verbs::irregular',
    'Paris',
  ])('%s: same hits as Anki, oldest first, details of the first 50, at most 2 requests', async (q) => {
    const out = await search(q);
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.ids).toEqual(expected(q));
    expect(out.items.map((n) => n.id)).toEqual(out.ids.slice(0, 50));
    expect(srv.stats.requests).toBeLessThanOrEqual(2);
    for (const n of out.items) {
      const note = srv.collection.getNote(n.id)!;
      // The deck shown is one the note has cards in.
      expect(srv.collection.cardsOf(n.id).map((c) => srv.collection.deckById(c.did)!.name)).toContain(n.deck);
      expect(n.modelName).toBe(srv.collection.modelOf(note).name);
    }
  });

  it('finds verbs in the N5 deck with deck names and snippets', async () => {
    const out = await search('deck:"Japanese::JLPT N5" tag:verb');
    if (out.kind !== 'ok') throw new Error(out.kind);
    expect(out.ids.length).toBeGreaterThan(0);
    const v = renderSearchItem(out.items[0]!);
    expect(v.description).toBe(SAMPLE_DECKS.n5);
    expect(v.label.length).toBeGreaterThan(0);
    expect(v.detail).toMatch(/^to /); // the Back field: "to eat …", HTML stripped
    expect(v.detail).not.toMatch(/[<>]/);
  });

  it('an empty result is ok with no second request', async () => {
    const out = await search('nid:1');
    expect(out).toMatchObject({ kind: 'ok', ids: [], items: [] });
    expect(srv.stats.requests).toBe(1);
  });

  it('bad syntax gives the server\'s message, not an exception', async () => {
    const out = await search('deck:"unterminated');
    expect(out.kind).toBe('invalid');
    if (out.kind === 'invalid') expect(out.message).toMatch(/^Invalid search/);
    const out2 = await search('(tag:a');
    expect(out2.kind).toBe('invalid');
  });

  it('a newer query makes the older one report stale', async () => {
    const s1 = engine.begin();
    const p1 = engine.run('is:due', s1, 50);
    const s2 = engine.begin();
    const p2 = engine.run('tag:verb', s2, 50);
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(r1.kind).toBe('stale');
    expect(r2.kind).toBe('ok');
  });

  it('without a cached listing the deck costs one extra getDecks', async () => {
    const cold = new SearchEngine({ api: () => client, deckOfNote: () => undefined });
    const seq = cold.begin();
    const out = await cold.run('deck:"Spanish::Verbs"', seq, 20);
    if (out.kind !== 'ok') throw new Error(out.kind);
    expect(srv.stats.requests).toBe(3);
    expect(srv.stats.actions['getDecks']).toBe(1);
    for (const n of out.items) expect(n.deck).toBe(SAMPLE_DECKS.verbs);
  });

  it('Anki not running is an error outcome with a readable message', async () => {
    const dead = new AnkiClient({ url: 'http://127.0.0.1:9' });
    const e = new SearchEngine({ api: () => dead, deckOfNote: () => undefined });
    const out = await e.run('is:due', e.begin(), 50);
    expect(out.kind).toBe('error');
    if (out.kind === 'error') expect(out.message.length).toBeGreaterThan(10);
  });
});
