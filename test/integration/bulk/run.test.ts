// Bulk actions through the real engine against the test server over real HTTP: request counts (read, the
// conflict check, ONE write), per-note failures, the one move rule on a note split over decks, and what the
// save journal can undo.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { applyTags, deleteSelection, moveSelection, readSelection } from '../../../src/bulk/run';
import { readProfile, SaveHistory } from '../../../src/journal/history';
import { Journal } from '../../../src/journal/journal';
import { Undoer } from '../../../src/journal/undo';
import type { Collection } from '../../server';
import { basicNote, bytes, countRequests, makeFixture, text, uriOf, W, type Fixture } from '../fs/helpers';

let fx: Fixture | undefined;
let dir: string | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setup(n: number, extra?: (col: Collection) => void) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-bulk-'));
  const journal = new Journal({ dir });
  let history: SaveHistory | undefined;
  const ids: number[] = [];
  fx = await makeFixture({
    setup: (col) => {
      for (let i = 0; i < n; i++) ids.push(basicNote(col, 'Bulk', `Front ${i}`, `Back ${i}`, i % 2 ? ['old', 'keep'] : ['keep']));
      col.ensureDeck('Target');
      extra?.(col);
    },
    journal: (url) => (history = new SaveHistory({ journal, url: () => url, resolveProfile: () => readProfile(new AnkiClient({ url })) })),
  });
  const f = fx;
  // The journal asks Anki for its profile once per address (the first journaled write not made by the saver,
  // which reads it with its conflict check): asked here, so the counts below are those of every later action.
  await (history as SaveHistory).keyFor(fx.srv.url);
  const undoer = new Undoer({ history: history as SaveHistory, engine: f.provider.engine, client: () => f.client, url: () => f.srv.url, confirmDelete: async () => true });
  return { f, ids, undoer, engine: f.provider.engine };
}

const tagsOf = (f: Fixture, id: number) => f.srv.collection.getNote(id)?.tags;
const deckOf = (f: Fixture, id: number) => {
  const n = f.srv.collection.getNote(id);
  return n ? f.srv.collection.deckOf(n) : undefined;
};
/** Requests that change the collection. */
const WRITES = ['updateNoteTags', 'updateNoteFields', 'changeDeck', 'deleteNotes', 'addTags', 'removeTags', 'addNote'];
const writes = (f: Fixture) => Object.fromEntries(WRITES.map((a) => [a, f.srv.stats.actions[a] ?? 0]).filter(([, v]) => v !== 0));

describe('Add Tags / Remove Tags', () => {
  it('300 notes: read in 2 requests from ids alone (1 with the cards the tree knows), saved in 2 (conflict check + ONE multi), only the tags change', async () => {
    const { f, ids, engine } = await setup(300);
    const read = await countRequests(f.srv, () => readSelection(engine, ids));
    expect(read.requests).toBe(2);
    const cards = ids.flatMap((id) => f.srv.collection.cardsOf(id).map((c) => c.id));
    const readKnown = await countRequests(f.srv, () => readSelection(engine, ids, cards));
    expect(readKnown.requests).toBe(1);
    expect(readKnown.value.notes.map((n) => n.id)).toEqual(ids);
    f.srv.stats.reset();
    const r = await countRequests(f.srv, () => applyTags(engine, 'add', ['new', 'KEEP'], readKnown.value));
    expect(r.requests).toBe(2);
    expect(f.srv.stats.actions.multi).toBe(2);
    expect(writes(f)).toEqual({ updateNoteTags: 300 });
    expect(r.value).toEqual({ notes: 300, saved: 300, unchanged: 0, failed: [] });
    ids.forEach((id, i) => {
      expect(tagsOf(f, id)).toEqual(i % 2 ? ['keep', 'new', 'old'] : ['keep', 'new']);
      expect(f.srv.collection.fieldsOf(f.srv.collection.getNote(id)!)).toEqual({ Front: `Front ${i}`, Back: `Back ${i}` });
    });
  });

  it('Remove Tags sends nothing for notes without the tag; Undo Last Save puts the tags back in 2 requests', async () => {
    const { f, ids, engine, undoer } = await setup(6);
    const sel = await readSelection(engine, ids);
    f.srv.stats.reset();
    const r = await applyTags(engine, 'remove', ['OLD'], sel);
    expect(r).toEqual({ notes: 6, saved: 3, unchanged: 3, failed: [] });
    expect(writes(f)).toEqual({ updateNoteTags: 3 });
    ids.forEach((id) => expect(tagsOf(f, id)).toEqual(['keep']));
    const undo = await countRequests(f.srv, () => undoer.undo());
    expect(undo.requests).toBe(2);
    expect(undo.value.restored).toBe(3);
    ids.forEach((id, i) => expect(tagsOf(f, id)).toEqual(i % 2 ? ['keep', 'old'] : ['keep']));
  });

  it('a note edited in Anki after the read, a deleted one and one left out (unsaved editor) are each named; the others are saved', async () => {
    const { f, ids, engine } = await setup(5);
    const sel = await readSelection(engine, ids);
    f.srv.simulate.editInAnki(ids[1]!, { fields: { Back: 'edited in Anki' } });
    f.srv.simulate.deleteNote(ids[2]!);
    const r = await applyTags(engine, 'add', ['x'], sel, (id) => (id === ids[3] ? 'unsaved editor' : undefined));
    expect(r.saved).toBe(2);
    expect(r.failed.map((x) => x.id)).toEqual([ids[1], ids[2], ids[3]]);
    expect(r.failed[0]?.reason).toMatch(/"Front 1" changed in Anki since you opened it/);
    expect(r.failed[1]?.reason).toMatch(/deleted in Anki/);
    expect(r.failed[2]?.reason).toBe('unsaved editor');
    expect(tagsOf(f, ids[0]!)).toEqual(['keep', 'x']);
    expect(tagsOf(f, ids[1]!)).toEqual(['keep', 'old']);
    expect(tagsOf(f, ids[3]!)).toEqual(['keep', 'old']);
    expect(tagsOf(f, ids[4]!)).toEqual(['keep', 'x']);
  });

  it('ids Anki does not know are reported, nothing is sent for them', async () => {
    const { f, ids, engine } = await setup(1);
    const sel = await readSelection(engine, [ids[0]!, 999]);
    expect(sel.missing).toEqual([999]);
    const r = await applyTags(engine, 'add', ['x'], sel);
    expect(r).toEqual({ notes: 2, saved: 1, unchanged: 0, failed: [{ id: 999, reason: 'Note 999 does not exist in Anki (deleted?).' }] });
  });
});

describe('Move to Deck', () => {
  it('3 notes: 3 requests (notesInfo, getDecks, ONE changeDeck); Undo Last Save moves them back', async () => {
    const { f, ids, engine, undoer } = await setup(3);
    f.srv.stats.reset();
    const r = await countRequests(f.srv, () => moveSelection(engine, ids, 'Target'));
    expect(r.requests).toBe(3);
    expect(writes(f)).toEqual({ changeDeck: 1 });
    expect(r.value).toEqual({ notes: 3, moved: 3, unchanged: 0, cardsLeftBehind: 0, failed: [] });
    ids.forEach((id) => expect(deckOf(f, id)).toBe('Target'));
    const undo = await undoer.undo();
    expect(undo.restored).toBe(3);
    ids.forEach((id) => expect(deckOf(f, id)).toBe('Bulk'));
  });

  it('the one move rule: a note split over two decks moves the same cards by Move to Deck as by editing deck:', async () => {
    let split1 = 0;
    let split2 = 0;
    const { f, engine } = await setup(0, (col) => {
      const model = col.modelByName('Basic (and reversed card)');
      if (!model) throw new Error('no reversed model');
      for (const front of ['One', 'Two']) {
        const id = col.addNote({ model, deck: col.ensureDeck('A'), fields: [front, 'back'] }).id;
        const reverse = col.cardsOf(id)[1];
        if (!reverse) throw new Error('no reverse card');
        reverse.did = col.ensureDeck('B').id;
        if (front === 'One') split1 = id;
        else split2 = id;
      }
    });
    const col = f.srv.collection;
    const decksOf = (id: number) => col.cardsOf(id).map((c) => col.deckById(c.did)?.name);
    // Move to Deck from Search Results (no deck listed under): the note's own deck's cards move.
    const r = await moveSelection(engine, [split1], 'Target');
    expect(r.cardsLeftBehind).toBe(1);
    expect(decksOf(split1)).toEqual(['Target', 'B']);
    // Editing deck: in the document moves the same cards.
    const uri = uriOf('A', 'Two', split2);
    const doc = text(await f.provider.readFile(uri));
    await f.provider.writeFile(uri, bytes(doc.replace('deck: A', 'deck: Target')), W);
    expect(decksOf(split2)).toEqual(['Target', 'B']);
    // From the Decks view, listed under B: B's card moves (as dragging it out of B does).
    const fromB = await moveSelection(engine, [split1], 'A', new Map([[split1, 'B']]));
    expect(fromB.moved).toBe(1);
    expect(decksOf(split1)).toEqual(['Target', 'A']);
  });

  it('notes already in the deck are unchanged and a missing one is named; nothing is sent when none moves', async () => {
    const { f, ids, engine } = await setup(2);
    await moveSelection(engine, [ids[0]!], 'Target');
    f.srv.stats.reset();
    const r = await moveSelection(engine, [ids[0]!, 4242], 'Target');
    expect(r).toEqual({ notes: 2, moved: 0, unchanged: 1, cardsLeftBehind: 0, failed: [{ id: 4242, reason: 'Note 4242 does not exist in Anki (deleted?).' }] });
    expect(writes(f)).toEqual({});
  });
});

describe('Delete Notes', () => {
  it('ONE deleteNotes after the journal read (3 requests from ids); an id already gone is named; Undo adds them again', async () => {
    const { f, ids, engine, undoer } = await setup(4);
    f.srv.simulate.deleteNote(ids[3]!);
    f.srv.stats.reset();
    const r = await countRequests(f.srv, () => deleteSelection(engine, ids));
    expect(r.requests).toBe(3);
    expect(writes(f)).toEqual({ deleteNotes: 1 });
    expect(r.value).toEqual({ notes: 4, deleted: 3, failed: [{ id: ids[3], reason: `Note ${ids[3]} does not exist in Anki (deleted?).` }], deletedIds: ids.slice(0, 3) });
    ids.forEach((id) => expect(f.srv.collection.getNote(id)).toBeUndefined());
    const undo = await undoer.undo();
    expect(undo.restored).toBe(3);
    const fronts = [...f.srv.collection.notesInDeck('Bulk')].map((id) => f.srv.collection.fieldsOf(f.srv.collection.getNote(id)!).Front).sort();
    expect(fronts).toEqual(['Front 0', 'Front 1', 'Front 2']);
  });
});
