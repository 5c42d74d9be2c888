/**
 * The deck-options and tag actions of the test server against the add-on's documented behaviour
 * (reference §3.2–§3.3 and upstream `plugin/__init__.py`, described in deckConfig.ts), over real HTTP.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './index';
import { ok, v6 } from './helpers';

let srv: TestServer;
let port: number;

beforeEach(async () => {
  if (srv) await srv.close();
  srv = await startTestServer({ port: 0 });
  port = srv.port;
});
afterAll(async () => {
  await srv.close();
});

const note = (front: string, deckName = 'Default', tags: string[] = []) => ({ deckName, modelName: 'Basic', fields: { Front: front, Back: 'b' }, tags });

describe('deck options presets', () => {
  it('getDeckConfig: the default preset for a new deck; false for a name not spelled exactly as in deckNames', async () => {
    await ok(port, 'createDeck', { deck: 'Lang::French' });
    const conf = await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Lang::French' });
    expect(conf.id).toBe(1);
    expect(conf.name).toBe('Default');
    expect(conf.dyn).toBe(false);
    expect(conf.maxTaken).toBe(60);
    expect(await ok(port, 'getDeckConfig', { deck: 'lang::french' })).toBe(false);
    expect(await ok(port, 'getDeckConfig', { deck: 'Nope' })).toBe(false);
  });

  it('cloneDeckConfigId copies a preset under a new id and name; setDeckConfigId gives it to decks', async () => {
    await ok(port, 'createDeck', { deck: 'A' });
    await ok(port, 'createDeck', { deck: 'B' });
    const id = await ok<number>(port, 'cloneDeckConfigId', { name: 'Hard mode', cloneFrom: 1 });
    expect(id).toBeGreaterThan(1);
    expect(await ok(port, 'setDeckConfigId', { decks: ['A', 'B'], configId: id })).toBe(true);
    const a = await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'A' });
    expect(a.id).toBe(id);
    expect(a.name).toBe('Hard mode');
    expect(a.new).toEqual((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Default' })).new);
    expect(((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'B' })).id)).toBe(id);
    // cloneFrom defaults to '1'; a string id is read with int()
    const id2 = await ok<number>(port, 'cloneDeckConfigId', { name: 'Copy' });
    expect((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Default' })).id).toBe(1);
    expect(await ok(port, 'setDeckConfigId', { decks: ['A'], configId: String(id2) })).toBe(true);
    expect((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'A' })).name).toBe('Copy');
    expect(await ok(port, 'cloneDeckConfigId', { name: 'X', cloneFrom: 424242 })).toBe(false);
  });

  it('setDeckConfigId: one unknown deck name ⇒ false and nothing changes; a bad id ⇒ int() error', async () => {
    await ok(port, 'createDeck', { deck: 'A' });
    const id = await ok<number>(port, 'cloneDeckConfigId', { name: 'P' });
    expect(await ok(port, 'setDeckConfigId', { decks: ['A', 'missing'], configId: id })).toBe(false);
    expect((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'A' })).id).toBe(1);
    expect((await v6(port, 'setDeckConfigId', { decks: ['A'], configId: 'x' })).error).toBe("invalid literal for int() with base 10: 'x'");
    expect((await v6(port, 'setDeckConfigId', { decks: ['A'], configId: null })).error).toBe(
      "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    );
    // the id is not checked against the presets: a missing preset reads back as the default one
    expect(await ok(port, 'setDeckConfigId', { decks: ['A'], configId: 777 })).toBe(true);
    expect((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'A' })).id).toBe(1);
  });

  it('saveDeckConfig replaces an existing preset (mod set); unknown id or no maxTaken ⇒ false; no id ⇒ KeyError', async () => {
    const conf = await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Default' });
    const changed = { ...conf, new: { ...(conf.new as object), perDay: 7 } };
    expect(await ok(port, 'saveDeckConfig', { config: changed })).toBe(true);
    const back = await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Default' });
    expect((back.new as Record<string, unknown>).perDay).toBe(7);
    expect(back.mod).toBe(srv.collection.nowSec());
    expect(await ok(port, 'saveDeckConfig', { config: { ...conf, id: 5 } })).toBe(false);
    const { maxTaken: _drop, ...noMax } = conf;
    expect(await ok(port, 'saveDeckConfig', { config: noMax })).toBe(false);
    const { id: _id, ...noId } = conf;
    expect((await v6(port, 'saveDeckConfig', { config: noId })).error).toBe("'id'");
    expect((await v6(port, 'saveDeckConfig', { config: { ...conf, id: 'abc' } })).error).toBe("invalid literal for int() with base 10: 'abc'");
  });

  it('removeDeckConfigId: decks using it go back to the default preset; unknown ⇒ false; the default preset cannot go', async () => {
    await ok(port, 'createDeck', { deck: 'A' });
    const id = await ok<number>(port, 'cloneDeckConfigId', { name: 'P' });
    await ok(port, 'setDeckConfigId', { decks: ['A'], configId: id });
    expect(await ok(port, 'removeDeckConfigId', { configId: id })).toBe(true);
    expect((await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'A' })).id).toBe(1);
    expect(await ok(port, 'removeDeckConfigId', { configId: id })).toBe(false);
    expect((await v6(port, 'removeDeckConfigId', { configId: 1 })).error).toBe("can't delete default conf");
  });

  it('getDeckConfig of a filtered deck is the deck itself (dyn: 1)', async () => {
    await ok(port, 'addNote', { note: note('f') });
    srv.collection.createFilteredDeck('Filtered Deck 1', 'deck:Default');
    const d = await ok<Record<string, unknown>>(port, 'getDeckConfig', { deck: 'Filtered Deck 1' });
    expect(d.dyn).toBe(1);
    expect(d.name).toBe('Filtered Deck 1');
  });
});

describe('deleteDecks', () => {
  it('without cardsToo: the 2.1.28 error, nothing deleted; with it: the deck, its sub-decks and their cards go', async () => {
    await ok(port, 'createDeck', { deck: 'P::C' });
    const n1 = await ok<number>(port, 'addNote', { note: note('one', 'P') });
    const n2 = await ok<number>(port, 'addNote', { note: note('two', 'P::C') });
    expect((await v6(port, 'deleteDecks', { decks: ['P'], cardsToo: false })).error).toBe(
      "Since Anki 2.1.28 it's not possible to delete decks without deleting cards as well",
    );
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'P', 'P::C']);
    expect(await ok(port, 'deleteDecks', { decks: ['P'], cardsToo: true })).toBeNull();
    expect(await ok(port, 'deckNames')).toEqual(['Default']);
    expect(await ok(port, 'notesInfo', { notes: [n1, n2] })).toEqual([{}, {}]);
  });
});

describe('tags', () => {
  it('addTags / removeTags take ONE space-separated string; removal is case-insensitive and takes child tags', async () => {
    const a = await ok<number>(port, 'addNote', { note: note('a', 'Default', ['keep']) });
    const b = await ok<number>(port, 'addNote', { note: note('b') });
    await ok(port, 'addTags', { notes: [a, b, 999], tags: 'geo::europe geo' });
    expect(await ok(port, 'getNoteTags', { note: a })).toEqual(['geo', 'geo::europe', 'keep']);
    await ok(port, 'removeTags', { notes: [a, b], tags: 'GEO' });
    expect(await ok(port, 'getNoteTags', { note: a })).toEqual(['keep']);
    expect(await ok(port, 'getNoteTags', { note: b })).toEqual([]);
    expect((await v6(port, 'getNoteTags', { note: 5 })).error).toBe('Note was not found: 5');
  });

  it('replaceTags swaps the exact tag (case-insensitive) on the given notes only, not child tags', async () => {
    const a = await ok<number>(port, 'addNote', { note: note('a', 'Default', ['Old', 'old::child']) });
    const b = await ok<number>(port, 'addNote', { note: note('b', 'Default', ['old']) });
    await ok(port, 'replaceTags', { notes: [a, 31337], tag_to_replace: 'OLD', replace_with_tag: 'new' });
    expect(await ok(port, 'getNoteTags', { note: a })).toEqual(['new', 'Old::child']); // a new tag takes its registered parent's case
    expect(await ok(port, 'getNoteTags', { note: b })).toEqual(['Old']); // registered spelling
  });

  it('replaceTagsInAllNotes does it for every note; the old tag stays registered until clearUnusedTags', async () => {
    const a = await ok<number>(port, 'addNote', { note: note('a', 'Default', ['old', 'x']) });
    const b = await ok<number>(port, 'addNote', { note: note('b', 'Default', ['OLD']) });
    const c = await ok<number>(port, 'addNote', { note: note('c', 'Default', ['old::sub']) });
    const modC = srv.collection.getNote(c)?.mod;
    expect(await ok(port, 'replaceTagsInAllNotes', { tag_to_replace: 'old', replace_with_tag: 'new' })).toBeNull();
    expect(await ok(port, 'getNoteTags', { note: a })).toEqual(['new', 'x']);
    expect(await ok(port, 'getNoteTags', { note: b })).toEqual(['new']);
    expect(await ok(port, 'getNoteTags', { note: c })).toEqual(['old::sub']);
    expect(srv.collection.getNote(c)?.mod).toBe(modC);
    expect(await ok(port, 'getTags')).toEqual(['new', 'old', 'old::sub', 'x']);
    await ok(port, 'removeTags', { notes: [c], tags: 'old::sub' });
    await ok(port, 'clearUnusedTags');
    expect(await ok(port, 'getTags')).toEqual(['new', 'x']);
    expect((await v6(port, 'replaceTagsInAllNotes', { tag_to_replace: 'a' })).error).toBe(
      "AnkiConnect.replaceTagsInAllNotes() missing 1 required positional argument: 'replace_with_tag'",
    );
  });

  it('apiReflect lists the new actions', async () => {
    const r = await ok<{ actions: string[] }>(port, 'apiReflect', {
      scopes: ['actions'],
      actions: ['getDeckConfig', 'saveDeckConfig', 'setDeckConfigId', 'cloneDeckConfigId', 'removeDeckConfigId', 'replaceTagsInAllNotes'],
    });
    expect(r.actions).toHaveLength(6);
  });
});
