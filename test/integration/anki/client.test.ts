// AnkiClient against the AnkiConnect-compatible test server over real HTTP: every method of AnkiApi.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actions, parseOutcomes } from '../../../src/anki/actions';
import { AnkiClient, type RequestEvent } from '../../../src/anki/client';
import { deckQuery, nidQuery } from '../../../src/anki/query';
import { AnkiConnectError } from '../../../src/anki/errors';
import { startTestServer, type TestServer } from '../../server';
import { failure } from '../../support/failure';

let srv: TestServer;
let client: AnkiClient;
const events: RequestEvent[] = [];

beforeAll(async () => {
  srv = await startTestServer({ port: 0, latency: 'none', notes: 300, seed: 7 });
  client = new AnkiClient({ url: srv.url, onRequest: (e) => events.push(e) });
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => {
  srv.faults.clear();
  srv.stats.reset();
  events.length = 0;
});

async function someNotes(n: number): Promise<number[]> {
  const ids = await client.findNotes('');
  expect(ids.length).toBeGreaterThanOrEqual(n);
  return ids.slice(0, n);
}


describe('misc', () => {
  it('version is 6', async () => {
    expect(await client.version()).toBe(6);
    expect(srv.stats.actions).toEqual({ version: 1 });
    expect(events).toMatchObject([{ action: 'version', ok: true }]);
  });

  it('apiReflect returns only existing actions, in input order', async () => {
    expect(await client.apiReflect(['notesModTime', 'noSuchAction', 'cardsModTime'])).toEqual(['notesModTime', 'cardsModTime']);
    const all = await client.apiReflect(null);
    expect(all).toContain('multi');
    expect(all).toContain('notesInfo');
  });

  it('features: one request, cached', async () => {
    const c = new AnkiClient({ url: srv.url });
    expect(await c.features()).toEqual({ notesModTime: true, notesInfoMod: true, cardsModTime: true, notesInfoQuery: true });
    await c.features();
    expect(srv.stats.requests).toBe(1);
  });
});

describe('decks', () => {
  it('deckNames / deckNamesAndIds agree and include Default', async () => {
    const names = await client.deckNames();
    const byName = await client.deckNamesAndIds();
    expect(names).toContain('Default');
    expect(Object.keys(byName).sort()).toEqual([...names].sort());
    expect(byName.Default).toBe(1);
  });

  it('createDeck creates parents and returns the same id for an existing deck (any case)', async () => {
    const id = await client.createDeck('Client IT::Child');
    expect(id).toBeGreaterThan(1);
    const names = await client.deckNames();
    expect(names).toEqual(expect.arrayContaining(['Client IT', 'Client IT::Child']));
    expect(await client.createDeck('client it::child')).toBe(id);
  });

  it('getDecks / changeDeck move cards, deleteDecks removes the deck and its cards', async () => {
    const [nid] = await someNotes(1);
    const [info] = await client.notesInfo([nid as number]);
    const cards = info?.cards ?? [];
    expect(cards.length).toBeGreaterThan(0);
    await client.changeDeck(cards, 'Client IT Move');
    expect(await client.getDecks(cards)).toEqual({ 'Client IT Move': cards });
    await client.deleteDecks(['Client IT Move'], true);
    expect(await client.deckNames()).not.toContain('Client IT Move');
    expect(await client.notesInfo([nid as number])).toEqual([undefined]);
  });
});

describe('notes and cards', () => {
  it('findNotes / findCards / notesInfo / cardsInfo are consistent', async () => {
    const ids = await someNotes(5);
    const infos = await client.notesInfo(ids);
    expect(infos.map((n) => n?.noteId)).toEqual(ids);
    const cards = infos.flatMap((n) => n?.cards ?? []);
    const cinfo = await client.cardsInfo(cards);
    expect(cinfo.map((c) => c?.cardId)).toEqual(cards);
    for (const c of cinfo) expect(ids).toContain(c?.note);
    expect((await client.findCards(nidQuery(ids))).sort()).toEqual([...cards].sort());
    expect((await client.findNotes(nidQuery(ids))).sort()).toEqual([...ids].sort());
    // Field order: fields iterate in the note type's order.
    const first = infos[0] as NonNullable<(typeof infos)[number]>;
    const names = await client.modelFieldNames(first.modelName);
    expect(Object.entries(first.fields).sort((a, b) => a[1].order - b[1].order).map(([k]) => k)).toEqual(names);
    expect(typeof first.mod).toBe('number');
  });

  it('unknown ids give undefined at their position; duplicates are repeated', async () => {
    const [a, b] = await someNotes(2);
    const infos = await client.notesInfo([a as number, 1, b as number, a as number]);
    expect(infos.map((n) => n?.noteId)).toEqual([a, undefined, b, a]);
    const mods = await client.notesModTime([1, a as number]);
    expect(mods).toEqual([undefined, { noteId: a, mod: infos[0]?.mod }]);
    const cards = await client.cardsModTime([1, ...(infos[0]?.cards ?? [])]);
    expect(cards[0]).toBeUndefined();
    expect(cards[1]).toMatchObject({ cardId: infos[0]?.cards[0] });
    expect(await client.cardsInfo([1])).toEqual([undefined]);
  });

  it('chunked notesInfo equals one big request, sent as sequential chunks', async () => {
    const ids = (await client.findNotes('')).slice(0, 250);
    const whole = await client.notesInfo(ids);
    srv.stats.reset();
    const small = new AnkiClient({ url: srv.url, notesInfoChunk: 60, modTimeChunk: 100 });
    expect(await small.notesInfo(ids)).toEqual(whole);
    expect(srv.stats.actions).toEqual({ notesInfo: 5 });
    expect(srv.stats.log.map((l) => l.action)).toEqual(Array(5).fill('notesInfo'));
    srv.stats.reset();
    const mods = await small.notesModTime(ids);
    expect(mods).toEqual(whole.map((n) => ({ noteId: n?.noteId, mod: n?.mod })));
    expect(srv.stats.actions.notesModTime).toBe(3);
  });

  it('updateNoteFields changes only the given fields and bumps mod', async () => {
    const [nid] = await someNotes(1);
    const id = nid as number;
    const [before] = await client.notesInfo([id]);
    srv.simulate.touch(id); // make sure a later mod differs even within the same second
    const names = Object.keys(before?.fields ?? {});
    const field = names[0] as string;
    await client.updateNoteFields(id, { [field]: 'Édité <b>ici</b> 😀' });
    const [after] = await client.notesInfo([id]);
    expect(after?.fields[field]?.value).toBe('Édité <b>ici</b> 😀');
    for (const other of names.slice(1)) expect(after?.fields[other]).toEqual(before?.fields[other]);
    expect(after?.mod).toBeGreaterThan(before?.mod ?? Infinity);
  });

  it('updateNoteFields on an unknown id is an AnkiConnectError with the server text', async () => {
    const e = await failure(client.updateNoteFields(1, { Front: 'x' }));
    expect(e).toBeInstanceOf(AnkiConnectError);
    expect((e as AnkiConnectError).serverMessage).toBe('Note was not found: 1');
    expect((e as AnkiConnectError).action).toBe('updateNoteFields');
  });

  it('updateNoteTags replaces; addTags / removeTags take one space-separated string', async () => {
    const [nid] = await someNotes(1);
    const id = nid as number;
    await client.updateNoteTags(id, ['cit_one', 'cit::two']);
    expect((await client.notesInfo([id]))[0]?.tags.sort()).toEqual(['cit::two', 'cit_one']);
    await client.addTags([id], 'cit_three cit_four');
    expect((await client.notesInfo([id]))[0]?.tags.sort()).toEqual(['cit::two', 'cit_four', 'cit_one', 'cit_three']);
    await client.removeTags([id], 'cit_one cit_four');
    expect((await client.notesInfo([id]))[0]?.tags.sort()).toEqual(['cit::two', 'cit_three']);
    expect(await client.getTags()).toEqual(expect.arrayContaining(['cit::two', 'cit_three']));
  });

  it('addNote creates a note in an existing deck; duplicates and unknown decks fail clearly; deleteNotes removes', async () => {
    await client.createDeck('Client IT Add');
    const id = await client.addNote({
      deckName: 'Client IT Add',
      modelName: 'Basic',
      fields: { Front: 'client-it unique front', Back: 'back' },
      tags: ['cit_added'],
    });
    const [info] = await client.notesInfo([id]);
    expect(info).toMatchObject({ noteId: id, modelName: 'Basic', tags: ['cit_added'] });
    expect(info?.fields.Front?.value).toBe('client-it unique front');
    expect(await client.findNotes(deckQuery('Client IT Add', { includeSubdecks: false }))).toEqual([id]);

    const dup = await failure(
      client.addNote({ deckName: 'Client IT Add', modelName: 'Basic', fields: { Front: 'client-it unique front' } }),
    );
    expect((dup as AnkiConnectError).serverMessage).toBe('cannot create note because it is a duplicate');
    const noDeck = await failure(
      client.addNote({ deckName: 'No Such Deck 123', modelName: 'Basic', fields: { Front: 'q' } }),
    );
    expect((noDeck as AnkiConnectError).serverMessage).toBe('deck was not found: No Such Deck 123');

    await client.deleteNotes([id]);
    expect(await client.notesInfo([id])).toEqual([undefined]);
  });

  it('guiBrowse returns the card ids of the query', async () => {
    const ids = await someNotes(3);
    const q = nidQuery(ids);
    expect((await client.guiBrowse(q)).sort()).toEqual((await client.findCards(q)).sort());
    expect(srv.collection.lastGuiBrowse).toBe(q);
  });
});

describe('note types', () => {
  it('modelNames / modelFieldNames / modelTemplates / modelStyling', async () => {
    const models = await client.modelNames();
    expect(models).toContain('Basic');
    expect(await client.modelFieldNames('Basic')).toEqual(['Front', 'Back']);
    const t = await client.modelTemplates('Basic');
    expect(Object.keys(t)).toEqual(['Card 1']);
    expect(t['Card 1']?.Front).toContain('{{Front}}');
    expect(typeof (await client.modelStyling('Basic')).css).toBe('string');
    const e = await failure(client.modelFieldNames('No Such Model'));
    expect((e as AnkiConnectError).serverMessage).toBe('model was not found: No Such Model');
  });
});

describe('media and profiles', () => {
  it('storeMediaFile keeps a different file of the same name and returns the name Anki used', async () => {
    const a = Buffer.from('first image').toString('base64');
    const b = Buffer.from('second image').toString('base64');
    expect(await client.storeMediaFile('clash.png', a)).toBe('clash.png');
    expect(await client.storeMediaFile('clash.png', a)).toBe('clash.png'); // same bytes: same file
    const renamed = await client.storeMediaFile('clash.png', b);
    expect(renamed).toMatch(/^clash-[0-9a-f]{8}\.png$/);
    expect(await client.retrieveMediaFile('clash.png')).toBe(a);
    expect(await client.retrieveMediaFile(renamed)).toBe(b);
    expect(await client.retrieveMediaFile('missing.png')).toBe(false);
    expect(await client.getMediaFilesNames('clash*')).toEqual(['clash.png', renamed].sort());
  });

  it('getProfiles / getActiveProfile', async () => {
    const active = await client.getActiveProfile();
    expect(await client.getProfiles()).toContain(active);
  });
});

describe('deckQuery against Anki search', () => {
  it('matches the exact deck (no wildcards), with or without sub-decks', async () => {
    const mk = async (deck: string, front: string) => {
      await client.createDeck(deck);
      return client.addNote({ deckName: deck, modelName: 'Basic', fields: { Front: front, Back: '' } });
    };
    const exact = await mk('CQ_1', 'cq exact');
    const lookalike = await mk('CQx1', 'cq lookalike'); // `_` unescaped would match this
    const child = await mk('CQ_1::Kid*', 'cq child');
    const star = await mk('CQ*', 'cq star');
    const sortNum = (a: number[]) => [...a].sort((x, y) => x - y);
    expect(await client.findNotes(deckQuery('CQ_1', { includeSubdecks: false }))).toEqual([exact]);
    expect(sortNum(await client.findNotes(deckQuery('CQ_1', { includeSubdecks: true })))).toEqual(sortNum([exact, child]));
    expect(await client.findNotes(deckQuery('CQ_1::Kid*', { includeSubdecks: false }))).toEqual([child]);
    expect(await client.findNotes(deckQuery('CQ*', { includeSubdecks: true }))).toEqual([star]);
    expect(lookalike).toBeGreaterThan(0);
  });
});

describe('multi', () => {
  it('one request; sub-actions run in order (later ones see earlier effects)', async () => {
    const out = await client.multi([
      { action: 'createDeck', params: { deck: 'Client IT Multi' } },
      { action: 'deckNames' },
    ]);
    expect(srv.stats.requests).toBe(1);
    expect(srv.stats.log[0]?.subActions).toEqual(['createDeck', 'deckNames']);
    expect(out[0]?.ok).toBe(true);
    expect(out[1]).toEqual({ ok: true, value: expect.arrayContaining(['Client IT Multi']) });
    expect(events).toMatchObject([{ action: 'multi', subActions: 2, ok: true }]);
  });

  it('a really failing entry (updateNoteFields on an unknown id) fails alone', async () => {
    const [nid] = await someNotes(1);
    const entries = [
      actions.updateNoteFields(1, { Front: 'x' }),
      actions.updateNoteTags(nid as number, ['cit_multi']),
      actions.notesInfo([nid as number]),
    ] as const;
    const out = await client.multi([...entries, { action: 'noSuchAction', params: {} }]);
    expect(out[0]).toEqual({ ok: false, error: 'Note was not found: 1' });
    expect(out[1]).toEqual({ ok: true, value: null });
    expect(out[3]).toEqual({ ok: false, error: 'unsupported action' });
    const [upd, tags, info] = parseOutcomes(entries, out.slice(0, 3));
    expect(upd.ok).toBe(false);
    expect(!upd.ok && upd.cause.message).toBe('AnkiConnect could not do "updateNoteFields": Note was not found: 1');
    expect(tags.ok).toBe(true);
    expect(info.ok && info.value[0]?.tags).toEqual(['cit_multi']);
  });

  it('failMultiEntry makes exactly that entry fail; the others still run (not atomic)', async () => {
    const [a, b] = await someNotes(2);
    srv.faults.failMultiEntry(1, 'simulated failure');
    const out = await client.multi([
      actions.updateNoteTags(a as number, ['cit_f1']),
      actions.updateNoteTags(b as number, ['cit_f2']),
      actions.notesInfo([a as number, b as number]),
    ]);
    expect(out[0]).toEqual({ ok: true, value: null });
    expect(out[1]).toEqual({ ok: false, error: 'simulated failure' });
    const infos = actions.notesInfo([]).parse(out[2]?.ok ? out[2].value : undefined);
    expect(infos[0]?.tags).toEqual(['cit_f1']);
    expect(infos[1]?.tags).not.toEqual(['cit_f2']);
  });
});
