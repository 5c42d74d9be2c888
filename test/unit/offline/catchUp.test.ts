import { describe, expect, it } from 'vitest';
import type { AnkiApi, MultiAction, MultiOutcome, NoteInfo } from '../../../src/anki/api';
import { contentSignature, diffCatchUp, runCatchUp, signatureOf } from '../../../src/offline/catchUp';

const info = (id: number, front: string, mod?: number): NoteInfo => ({
  noteId: id,
  modelName: 'Basic',
  tags: [],
  fields: { Front: { value: front, order: 0 }, Back: { value: 'b', order: 1 } },
  cards: [id * 10],
  ...(mod !== undefined ? { mod } : {}),
});

describe('diffCatchUp', () => {
  const before = {
    notes: new Map([
      [1, 'mod:1'],
      [2, 'mod:2'],
      [3, 'mod:3'],
    ]),
    decks: new Map([
      ['A', [1, 2]],
      ['B', [3]],
      ['Gone', [9]],
    ]),
  };

  it('finds additions, deletions and edits, per deck', () => {
    const d = diffCatchUp(before, {
      notes: new Map([
        [1, 'mod:1'],
        [2, undefined],
        [3, 'mod:30'],
      ]),
      decks: new Map([
        ['A', [1, 4]],
        ['B', [3, 5, 9]],
        ['New', [6]],
      ]),
    });
    expect(d.edited).toEqual([3]);
    expect(d.deleted).toEqual([2]);
    expect([...d.added]).toEqual([
      ['A', [4]],
      ['B', [5, 9]],
      ['New', [6]],
    ]);
    expect([...d.removed]).toEqual([
      ['A', [2]],
      ['Gone', [9]],
    ]);
    expect(d.changedDecks).toEqual(['A', 'B', 'Gone', 'New']);
  });

  it('nothing changed: nothing to do; an edited note marks the decks listing it', () => {
    const same = diffCatchUp(before, { notes: before.notes, decks: before.decks });
    expect(same).toEqual({ edited: [], deleted: [], added: new Map(), removed: new Map(), changedDecks: [] });
    const edited = diffCatchUp(before, { notes: new Map([[1, 'mod:5']]), decks: before.decks });
    expect(edited.edited).toEqual([1]);
    expect(edited.changedDecks).toEqual(['A']);
  });

  it('a note not asked about is neither edited nor deleted', () => {
    const d = diffCatchUp(before, { notes: new Map([[1, 'mod:1']]), decks: before.decks });
    expect(d.deleted).toEqual([]);
    expect(d.edited).toEqual([]);
  });
});

describe('signatures', () => {
  it('mod when known; content (fields in order, tags as a set, type, cards) otherwise', () => {
    expect(signatureOf(info(1, 'x', 7), true)).toBe('mod:7');
    expect(signatureOf(info(1, 'x', 7), false)).toBe(`content:${contentSignature(info(1, 'x'))}`);
    expect(contentSignature(info(1, 'x'))).not.toBe(contentSignature(info(1, 'y')));
    expect(contentSignature({ ...info(1, 'x'), tags: ['b', 'a'] })).toBe(contentSignature({ ...info(1, 'x'), tags: ['a', 'b'] }));
  });
});

describe('runCatchUp', () => {
  /** A fake AnkiConnect answering from a table, counting requests. */
  function fake(modTimes: boolean, notes: Map<number, NoteInfo>, decks: Record<string, number[]>) {
    const requests: string[] = [];
    const answer = (a: MultiAction): unknown => {
      const p = a.params as Record<string, unknown> | undefined;
      switch (a.action) {
        case 'deckNamesAndIds':
          return Object.fromEntries(Object.keys(decks).map((d, i) => [d, i + 1]));
        case 'findNotes': {
          const q = String(p?.query);
          const deck = Object.keys(decks).find((d) => q.includes(`"deck:${d}"`));
          return deck ? decks[deck] : [];
        }
        case 'notesModTime':
          return (p?.notes as number[]).map((id) => (notes.has(id) ? { noteId: id, mod: notes.get(id)!.mod } : {}));
        case 'notesInfo':
          return (p?.notes as number[]).map((id) => notes.get(id) ?? {});
        default:
          throw new Error(a.action);
      }
    };
    const api = {
      features: async () => ({ notesModTime: modTimes }),
      multi: async (entries: MultiAction[]): Promise<MultiOutcome[]> => {
        requests.push(`multi[${entries.map((e) => e.action).join(',')}]`);
        return entries.map((e) => ({ ok: true, value: answer(e) }));
      },
      notesInfo: async (ids: number[]) => {
        requests.push(`notesInfo(${ids.join(',')})`);
        return ids.map((id) => notes.get(id));
      },
    } as unknown as AnkiApi;
    return { api, requests };
  }

  it('one multi, then notesInfo of exactly the edited and added notes', async () => {
    const now = new Map([
      [1, info(1, 'one', 1)],
      [3, info(3, 'three edited', 33)],
      [4, info(4, 'four', 4)],
    ]);
    const { api, requests } = fake(true, now, { A: [1, 4], B: [3] });
    const r = await runCatchUp(api, {
      notes: [info(1, 'one', 1), info(2, 'two', 2), info(3, 'three', 3)],
      decks: new Map([
        ['A', [1, 2]],
        ['B', [3]],
      ]),
    });
    expect(requests).toEqual(['multi[deckNamesAndIds,findNotes,findNotes,notesModTime]', 'notesInfo(3,4)']);
    expect(r.diff.edited).toEqual([3]);
    expect(r.diff.deleted).toEqual([2]);
    expect([...r.fresh.keys()].sort()).toEqual([3, 4]);
    expect(r.requests).toBe(2);
  });

  it('a deck created in Anki meanwhile: its ids come with request 2, in one multi with the changed notes', async () => {
    const now = new Map([
      [1, info(1, 'one edited', 11)],
      [7, info(7, 'seven', 7)],
    ]);
    const { api, requests } = fake(true, now, { A: [1], Fresh: [7] });
    const r = await runCatchUp(api, { notes: [info(1, 'one', 1)], decks: new Map([['A', [1]]]) });
    expect(requests).toEqual(['multi[deckNamesAndIds,findNotes,notesModTime]', 'multi[findNotes,notesInfo]']);
    expect(r.decks.get('Fresh')).toEqual([7]);
    expect([...r.diff.added]).toEqual([['Fresh', [7]]]);
    expect(r.diff.edited).toEqual([1]);
    expect([...r.fresh.keys()]).toEqual([1]);
    expect(r.requests).toBe(2);
  });

  it('nothing changed: one request', async () => {
    const n = new Map([[1, info(1, 'one', 1)]]);
    const { api, requests } = fake(true, n, { A: [1] });
    const r = await runCatchUp(api, { notes: [info(1, 'one', 1)], decks: new Map([['A', [1]]]) });
    expect(requests).toHaveLength(1);
    expect(r.fresh.size).toBe(0);
  });

  it('without notesModTime (2023 add-on): the cached notes are compared by content in the one multi', async () => {
    const now = new Map([
      [1, info(1, 'one')],
      [3, info(3, 'three edited')],
    ]);
    const { api, requests } = fake(false, now, { A: [1], B: [3] });
    const r = await runCatchUp(api, {
      notes: [info(1, 'one'), info(2, 'two'), info(3, 'three')],
      decks: new Map([
        ['A', [1, 2]],
        ['B', [3]],
      ]),
    });
    expect(requests).toEqual(['multi[deckNamesAndIds,findNotes,findNotes,notesInfo]']);
    expect(r.modTimes).toBe(false);
    expect(r.diff.edited).toEqual([3]);
    expect(r.diff.deleted).toEqual([2]);
    expect([...r.fresh.keys()]).toEqual([3]);
  });
});
