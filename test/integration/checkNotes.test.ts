// Check Notes and the collection cache against the test server over real HTTP: request counts, and the
// problems found in the sample collection match what the collection holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../src/anki/client';
import { AnkiConnectError } from '../../src/anki/errors';
import { CollectionCache } from '../../src/lint/ankiContext';
import { checkNotes } from '../../src/lint/checkNotes';
import { startTestServer, type TestServer } from '../server';

let srv: TestServer;
let client: AnkiClient;
beforeAll(async () => {
  srv = await startTestServer({ port: 0, latency: 'none', notes: 1200, seed: 7 });
  client = new AnkiClient({ url: srv.url });
});
afterAll(async () => {
  await srv.close();
});

describe('CollectionCache', () => {
  it('loads note types, decks, tags and media names in 2 requests, once; refresh loads again', async () => {
    const cache = new CollectionCache(() => client);
    srv.stats.reset();
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    expect(srv.stats.requests).toBe(2);
    await cache.get();
    expect(srv.stats.requests).toBe(2);
    expect(a.noteTypes.get('Cloze')).toMatchObject({ isCloze: true, fields: ['Text', 'Back Extra'] });
    expect(a.noteTypes.get('Basic')).toMatchObject({ isCloze: false, fields: ['Front', 'Back'] });
    expect(a.decks).toEqual(await client.deckNames());
    expect(a.tags).toEqual(await client.getTags());
    expect(a.media.has('abx-table.png')).toBe(true);
    srv.stats.reset();
    await cache.refresh();
    expect(srv.stats.requests).toBe(2);
  });

  it('the 2023 add-on (no findModelsByName) gives the same note types; a failed entry is AnkiConnect\'s error, not a text of ours', async () => {
    const old = await startTestServer({ port: 0, latency: 'none', notes: 50, seed: 7, addon: '2023' });
    try {
      const oldClient = new AnkiClient({ url: old.url });
      const facts = await new CollectionCache(() => oldClient).get();
      expect(facts.noteTypes.get('Cloze')).toMatchObject({ isCloze: true, fields: ['Text', 'Back Extra'] });
      expect(facts.noteTypes.get('Basic')).toMatchObject({ isCloze: false, fields: ['Front', 'Back'] });
    } finally {
      await old.close();
    }
    await srv.faults.failMultiEntry(2, 'collection is not available');
    const e = await new CollectionCache(() => client).get().then(
      () => undefined,
      (x: unknown) => x,
    );
    await srv.faults.clear();
    expect(e).toBeInstanceOf(AnkiConnectError);
    expect((e as AnkiConnectError).isNoCollection).toBe(true);
  });

  it('hover facts: notes per tag and deck, media bytes; each fetched once', async () => {
    const cache = new CollectionCache(() => client);
    srv.stats.reset();
    expect(await cache.notesWithTag('vocab')).toBe((await client.findNotes('tag:vocab')).length);
    expect(await cache.notesWithTag('VOCAB')).toBeGreaterThan(0);
    const bytes = await cache.mediaFile('abx-table.png');
    expect(bytes?.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    await cache.mediaFile('abx-table.png');
    expect(await cache.mediaFile('missing.png')).toBeUndefined();
    expect(srv.stats.requests).toBe(4); // the tag once (any case), the test's own findNotes, the file once, the missing file
  });

  it('a file Anki Files just stored is in the media names at once, without a request; its bytes are fetched anew', async () => {
    const cache = new CollectionCache(() => client);
    const facts = await cache.get();
    expect(await cache.mediaFile('just-stored.png')).toBeUndefined();
    let loads = 0;
    cache.onDidLoad(() => loads++);
    await client.storeMediaFile('just-stored.png', Buffer.from('new').toString('base64'));
    srv.stats.reset();
    cache.mediaAdded('just-stored.png');
    expect(srv.stats.requests).toBe(0);
    expect(loads).toBe(1); // open notes are checked again
    expect(cache.facts?.media.has('just-stored.png')).toBe(true);
    expect(facts.media.has('just-stored.png')).toBe(false); // the facts given out before are not changed under their holder
    expect(await cache.mediaFile('just-stored.png')).toEqual(new Uint8Array(Buffer.from('new')));
    cache.mediaAdded('just-stored.png');
    expect(loads).toBe(1);
  });
});

describe('checkNotes', () => {
  it('costs ⌈N/chunk⌉ + 2 requests and finds the missing sounds, with nothing else wrong in the sample notes', async () => {
    const facts = await new CollectionCache(() => client).get();
    const query = '"deck:Japanese::JLPT N3::Vocabulary"';
    const ids = await client.findNotes(query);
    srv.stats.reset();
    const progress: number[] = [];
    const r = await checkNotes(client, query, facts, { chunk: 200, onProgress: (done) => progress.push(done) });
    expect(srv.stats.requests).toBe(Math.ceil(ids.length / 200) + 2);
    expect(r.notes).toBe(ids.length);
    expect(progress.at(-1)).toBe(ids.length);
    const missing = new Set<string>();
    for (const n of srv.collection.notes.values()) {
      if (!ids.includes(n.id)) continue;
      for (const f of n.fields) for (const m of f.matchAll(/\[sound:([^\]]+)\]/g)) if (!facts.media.has(m[1] as string)) missing.add(m[1] as string);
    }
    expect(missing.size).toBeGreaterThan(0);
    const found = r.checked.flatMap((c) => c.findings.filter((f) => f.code === 'missingMedia').map((f) => f.args[0]));
    expect(new Set(found)).toEqual(missing);
    const otherCodes = new Set(r.checked.flatMap((c) => c.findings.map((f) => f.code)).filter((c) => c !== 'missingMedia' && c !== 'duplicateNote'));
    expect([...otherCodes]).toEqual([]);
  });

  it('reports broken notes made in Anki: unclosed HTML, a Cloze note without deletion, duplicates', async () => {
    const facts = await new CollectionCache(() => client).get();
    const [a, b, c] = await client.findNotes('note:Basic "deck:Japanese::JLPT N3::Kanji"');
    const [z] = await client.findNotes('note:Cloze');
    srv.simulate.editInAnki(a as number, { fields: { Back: 'x <b>open' } });
    srv.simulate.editInAnki(b as number, { fields: { Front: 'same <i>twin</i>' } });
    srv.simulate.editInAnki(c as number, { fields: { Front: 'same twin' } });
    srv.simulate.editInAnki(z as number, { fields: { Text: 'no deletion' } });
    const r = await checkNotes(client, `nid:${[a, b, c, z].join(',')}`, facts);
    const codes = (id: number | undefined): string[] => r.checked.find((x) => x.snapshot.id === id)?.findings.map((f) => f.code) ?? [];
    expect(codes(a)).toContain('unclosedElement');
    expect(codes(b)).toContain('duplicateNote');
    expect(codes(c)).toContain('duplicateNote');
    expect(codes(z)).toContain('noCloze');
    expect(r.checked.find((x) => x.snapshot.id === b)?.findings.find((f) => f.code === 'duplicateNote')?.noteIds).toEqual([c]);
  });

  it('stops when cancelled', async () => {
    const facts = await new CollectionCache(() => client).get();
    let calls = 0;
    const r = await checkNotes(client, 'deck:*', facts, { chunk: 100, isCancelled: () => ++calls > 2 });
    expect(r.cancelled).toBe(true);
    expect(r.notes).toBe(200); // two chunks read before the third check said stop
  });
});
