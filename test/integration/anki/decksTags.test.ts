// The client's deck-options and tag methods (and their multi entries) against the test server over real HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { actions, parseOutcomes } from '../../../src/anki/actions';
import { AnkiClient } from '../../../src/anki/client';
import { startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let client: AnkiClient;

beforeAll(async () => {
  srv = await startTestServer({ port: 0, latency: 'none' });
  client = new AnkiClient({ url: srv.url });
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => srv.stats.reset());

describe('deck options presets', () => {
  it('clone, assign, read back, save, remove: one request each', async () => {
    await client.createDeck('Opt::Child');
    const id = await client.cloneDeckConfigId('Quick', 1);
    expect(typeof id).toBe('number');
    expect(await client.setDeckConfigId(['Opt::Child'], id as number)).toBe(true);
    const conf = await client.getDeckConfig('Opt::Child');
    expect(conf).toMatchObject({ id, name: 'Quick', dyn: false });
    expect(await client.saveDeckConfig({ ...(conf as object), maxTaken: 30 })).toBe(true);
    expect(srv.collection.deckConfigs.get(id as number)?.maxTaken).toBe(30);
    expect(await client.getDeckConfig('opt::child')).toBe(false);
    expect(await client.removeDeckConfigId(id as number)).toBe(true);
    expect(await client.getDeckConfig('Opt::Child')).toMatchObject({ id: 1 });
    expect(srv.stats.requests).toBe(8);
  });

  it('multi entries validate their results', async () => {
    const entries = [actions.getDeckConfig('Default'), actions.setDeckConfigId(['nope'], 1), actions.cloneDeckConfigId('x', 999)] as const;
    const [a, b, c] = parseOutcomes(entries, await client.multi([...entries]));
    expect(a).toMatchObject({ ok: true, value: { id: 1, name: 'Default' } });
    expect(b).toEqual({ ok: true, value: false });
    expect(c).toEqual({ ok: true, value: false });
  });
});

describe('tags', () => {
  it('getNoteTags, replaceTags, replaceTagsInAllNotes, clearUnusedTags', async () => {
    const a = await client.addNote({ deckName: 'Default', modelName: 'Basic', fields: { Front: 'ta', Back: '' }, tags: ['one', 'two'] });
    const b = await client.addNote({ deckName: 'Default', modelName: 'Basic', fields: { Front: 'tb', Back: '' }, tags: ['one'] });
    expect(await client.getNoteTags(a)).toEqual(['one', 'two']);
    await client.replaceTags([a], 'two', 'deux');
    expect(await client.getNoteTags(a)).toEqual(['deux', 'one']);
    await client.replaceTagsInAllNotes('one', 'un');
    expect(await client.getNoteTags(b)).toEqual(['un']);
    expect(await client.getTags()).toContain('one');
    await client.clearUnusedTags();
    expect(await client.getTags()).toEqual(['deux', 'un']);
  });
});
