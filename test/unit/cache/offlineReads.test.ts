// Answering reads from what Anki answered before: whole answers only, reads only, multi entry by entry.
import { describe, expect, it } from 'vitest';
import type { NoteInfo } from '../../../src/anki/api';
import { OFFLINE_ENTRY_ERROR, OfflineReads } from '../../../src/cache/offlineReads';

const info = (id: number, mod: number | undefined = 100 + id): NoteInfo => ({
  noteId: id,
  modelName: 'Basic',
  tags: [],
  fields: { Front: { value: `f${id}`, order: 0 } },
  ...(mod === undefined ? {} : { mod }),
  cards: [id * 10, id * 10 + 1],
});

describe('OfflineReads', () => {
  it('answers a method call it recorded, with the same arguments only', () => {
    const r = new OfflineReads();
    r.record('deckNamesAndIds', [], { A: 1 });
    r.record('findNotes', ['deck:"A"'], [1, 2]);
    expect(r.answer('deckNamesAndIds', [])).toEqual({ hit: true, value: { A: 1 } });
    expect(r.answer('findNotes', ['deck:"A"'])).toEqual({ hit: true, value: [1, 2] });
    expect(r.answer('findNotes', ['deck:"B"'])).toEqual({ hit: false });
  });

  it('answers notesInfo / notesModTime / getDecks per id, only when every id is known', () => {
    const r = new OfflineReads();
    r.record('notesInfo', [[1, 2]], [info(1), info(2)]);
    r.record('getDecks', [[10, 20]], { A: [10], B: [20] });
    expect(r.answer('notesInfo', [[2, 1]])).toEqual({ hit: true, value: [info(2), info(1)] });
    expect(r.answer('notesInfo', [[1, 3]])).toEqual({ hit: false }); // never a partial answer
    expect(r.answer('notesModTime', [[1]])).toEqual({ hit: true, value: [{ noteId: 1, mod: 101 }] });
    expect(r.answer('getDecks', [[20, 10]])).toEqual({ hit: true, value: { B: [20], A: [10] } });
    expect(r.answer('getDecks', [[11]])).toEqual({ hit: false });
  });

  it('without note mod times (older add-on) notesModTime is not answered', () => {
    const r = new OfflineReads();
    const { mod: _mod, ...legacy } = info(1);
    r.record('notesInfo', [[1]], [legacy]);
    expect(r.answer('notesModTime', [[1]])).toEqual({ hit: false });
    expect(r.answer('notesInfo', [[1]]).hit).toBe(true);
  });

  it('never answers a write, nor a multi that contains one', () => {
    const r = new OfflineReads();
    r.record('updateNoteFields', [1, { Front: 'x' }], null);
    expect(r.answer('updateNoteFields', [1, { Front: 'x' }])).toEqual({ hit: false });
    r.record('multi', [[{ action: 'findNotes', params: { query: 'deck:"A"' } }, { action: 'updateNoteFields', params: { note: { id: 1 } } }]], [
      { ok: true, value: [1] },
      { ok: true, value: null },
    ]);
    expect(r.answer('multi', [[{ action: 'findNotes', params: { query: 'deck:"A"' } }]])).toEqual({ hit: true, value: [{ ok: true, value: [1] }] });
    expect(r.answer('multi', [[{ action: 'updateNoteFields', params: { note: { id: 1 } } }]])).toEqual({ hit: false });
  });

  it('answers a multi entry by entry from what earlier multis and calls recorded; failed entries are not recorded', () => {
    const r = new OfflineReads();
    r.record('multi', [[{ action: 'deckNamesAndIds' }, { action: 'notesInfo', params: { notes: [1] } }, { action: 'findNotes', params: { query: 'x' } }]], [
      { ok: true, value: { A: 1 } },
      { ok: true, value: [info(1)] },
      { ok: false, error: 'Invalid search' },
    ]);
    r.record('notesInfo', [[2]], [info(2)]);
    expect(r.answer('multi', [[{ action: 'notesInfo', params: { notes: [2, 1] } }, { action: 'deckNamesAndIds' }]])).toEqual({
      hit: true,
      value: [
        { ok: true, value: [info(2), info(1)] },
        { ok: true, value: { A: 1 } },
      ],
    });
    expect(r.answer('multi', [[{ action: 'findNotes', params: { query: 'x' } }]])).toEqual({ hit: false });
  });

  it('evicts the notes seen least recently, with their cards', () => {
    let t = 0;
    const r = new OfflineReads(undefined, () => t);
    for (const id of [1, 2, 3]) {
      t = id;
      r.record('notesInfo', [[id]], [info(id)]);
      r.record('getDecks', [[id * 10]], { A: [id * 10] });
    }
    t = 9;
    r.record('notesInfo', [[1]], [info(1)]); // seen again: now the newest
    expect(r.evictNotes(2)).toBe(1);
    expect(Object.keys(r.data.notes).sort()).toEqual(['1', '3']);
    expect(r.answer('getDecks', [[20]])).toEqual({ hit: false });
  });

  it('a multi whose only unknown entries are findCards side questions is answered with those entries failed', () => {
    const r = new OfflineReads();
    r.record('notesInfo', [[1]], [info(1)]);
    const a = r.answer('multi', [[{ action: 'notesInfo', params: { notes: [1] } }, { action: 'findCards', params: { query: 'nid:1 deck:"A"' } }]]);
    expect(a).toEqual({ hit: true, value: [{ ok: true, value: [info(1)] }, { ok: false, error: OFFLINE_ENTRY_ERROR }] });
    expect(r.answer('multi', [[{ action: 'findCards', params: { query: 'nid:1' } }]])).toEqual({ hit: false });
  });
});
