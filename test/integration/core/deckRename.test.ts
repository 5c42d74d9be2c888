// Deck rename and delete through the engine, against the test server over real HTTP, with request counts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine, type CollectionChange, type FileEvent } from '../../../src/core/fsEngine';
import { FsEngineError } from '../../../src/core/fsErrors';
import { Collection, startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let col: Collection;
let engine: FsEngine;
let events: FileEvent[];
let changes: CollectionChange[];

function add(deck: string, front: string): number {
  const model = col.modelByName('Basic');
  if (!model) throw new Error('no Basic');
  return col.addNote({ model, deck: col.ensureDeck(deck), fields: [front, 'b'], tags: [] }).id;
}

beforeEach(async () => {
  col = new Collection();
  srv = await startTestServer({ port: 0, latency: 'none', collection: col });
  const client = new AnkiClient({ url: srv.url });
  events = [];
  changes = [];
  engine = new FsEngine({ client: () => client, codec: notesCodec, onFileEvents: (e) => events.push(...e), onCollectionChange: (c) => changes.push(c) });
});
afterEach(async () => {
  engine.dispose();
  await srv.close();
});

describe('renameDeck', () => {
  it('moves a deck with its sub-deck: new decks with the old presets, every card moved, old decks gone, in 5 requests', async () => {
    const n1 = add('Lang::French', 'bonjour');
    const n2 = add('Lang::French::Verbs', 'aller');
    const other = add('Lang::German', 'hallo');
    const preset = col.deckConfigs.add('French preset', col.deckConfigs.get(1) as never);
    col.deckConfigs.setConfId(col.deckByName('Lang::French::Verbs') as never, preset);
    srv.stats.reset();
    const r = await engine.renameDeck('lang::french', 'Romance::Français');
    expect(srv.stats.requests).toBe(5);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report).toMatchObject({
      from: 'Lang::French',
      to: 'Romance::Français',
      movedCards: 2,
      deleted: ['Lang::French', 'Lang::French::Verbs'],
      kept: [],
      failures: [],
      requests: 5,
    });
    expect(r.report.notes.sort()).toEqual([n1, n2].sort());
    expect(col.deckNames()).toEqual(['Default', 'Lang', 'Lang::German', 'Romance', 'Romance::Français', 'Romance::Français::Verbs']);
    expect(col.deckOf(col.getNote(n1) as never)).toBe('Romance::Français');
    expect(col.deckOf(col.getNote(n2) as never)).toBe('Romance::Français::Verbs');
    expect(col.deckOf(col.getNote(other) as never)).toBe('Lang::German');
    expect(col.deckConfigs.confIdOf(col.deckByName('Romance::Français::Verbs') as never)).toBe(preset);
    expect(col.deckConfigs.confIdOf(col.deckByName('Romance::Français') as never)).toBe(1);
    expect(events).toEqual(
      expect.arrayContaining([
        { kind: 'created', path: '/Romance/Français' },
        { kind: 'deleted', path: '/Lang/French' },
      ]),
    );
    expect(changes.at(-1)?.notes?.sort()).toEqual([n1, n2].sort());
  });

  it('a card added to an old deck between the move and the delete: the old deck is kept and reported, no card is lost', async () => {
    add('A', 'one');
    add('A::x', 'two');
    let late = 0;
    const r = await engine.renameDeck('A', 'B', { afterMove: () => void (late = add('A::x', 'late')) });
    expect(r.ok && r.report.kept).toEqual([
      { deck: 'A', cards: 1 },
      { deck: 'A::x', cards: 1 },
    ]);
    expect(r.ok && r.report.deleted).toEqual([]);
    expect(col.getNote(late)).toBeDefined();
    expect(col.deckOf(col.getNote(late) as never)).toBe('A::x');
    expect(col.deckNames()).toEqual(['A', 'A::x', 'B', 'B::x', 'Default']);
  });

  it('cards of the old deck sitting in a filtered deck move home to the new deck instead of being deleted', async () => {
    const n = add('A', 'one');
    col.createFilteredDeck('Cram', 'deck:A');
    const r = await engine.renameDeck('A', 'B');
    expect(r.ok && r.report.deleted).toEqual(['A']);
    expect(col.getNote(n)).toBeDefined();
    expect(col.cardsOf(n).map((c) => col.deckById(c.did)?.name)).toEqual(['B']);
  });

  it('refuses without writing: an existing target, a filtered deck, a name inside itself', async () => {
    add('A', 'one');
    col.ensureDeck('B');
    col.createFilteredDeck('Cram', 'deck:A');
    srv.stats.reset();
    expect(await engine.renameDeck('A', 'b')).toEqual({ ok: false, problem: { code: 'targetExists', deck: 'B' }, requests: 1 });
    expect(await engine.renameDeck('A', 'A::Sub')).toMatchObject({ ok: false, problem: { code: 'intoItself' } });
    expect(await engine.renameDeck('Cram', 'Z')).toMatchObject({ ok: false, problem: { code: 'filtered', deck: 'Cram' } });
    const writes = srv.stats.log.flatMap((l) => [l.action, ...(l.subActions ?? [])]).filter((a) => /createDeck|changeDeck|deleteDecks|setDeckConfigId/.test(a));
    expect(writes).toEqual([]);
  });
});

describe('deleteDeck', () => {
  it('deletes the deck, its sub-decks and their cards; a note with cards elsewhere is kept; 4 requests', async () => {
    const a = add('Del', 'a');
    const b = add('Del::Sub', 'b');
    const keep = add('Keep', 'k');
    srv.stats.reset();
    const r = await engine.deleteDeck('del', { expectCards: 2 });
    expect(srv.stats.requests).toBe(4);
    expect(r).toEqual({ deck: 'Del', cards: 2, deletedNotes: expect.arrayContaining([a, b]) as unknown as number[], keptNotes: [] });
    expect(col.getNote(a)).toBeUndefined();
    expect(col.getNote(keep)).toBeDefined();
    expect(col.deckNames()).toEqual(['Default', 'Keep']);
  });

  it('a count that changed since the confirmation: nothing deleted', async () => {
    add('Del', 'a');
    add('Del', 'b');
    await expect(engine.deleteDeck('Del', { expectCards: 1 })).rejects.toMatchObject({ kind: 'conflict' });
    expect(col.deckByName('Del')).toBeDefined();
    await expect(engine.deleteDeck('Default')).rejects.toBeInstanceOf(FsEngineError);
    await expect(engine.deleteDeck('Nope')).rejects.toMatchObject({ kind: 'notFound' });
    col.createFilteredDeck('Cram', 'deck:Del');
    await expect(engine.deleteDeck('Cram')).rejects.toMatchObject({ kind: 'noPermissions' });
    expect(col.deckByName('Cram')).toBeDefined();
  });
});
