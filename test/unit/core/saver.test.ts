// Saver edge cases that the test server cannot produce on demand, with a scripted AnkiApi: a card added to a
// note since it was loaded (its deck is unknown to the conflict check), and a reply with missing results.
import { describe, expect, it } from 'vitest';
import type { AnkiApi, MultiAction, MultiOutcome, NoteInfo } from '../../../src/anki/api';
import { Saver, type NoteChange } from '../../../src/core/saver';
import { contentHash } from '../../../src/core/snapshot';
import type { EditedNote, NoteSnapshot } from '../../../src/notes/model';

const loaded: NoteSnapshot = {
  id: 100,
  deck: 'D',
  noteType: 'Basic',
  tags: [],
  fields: [
    ['Front', 'F'],
    ['Back', 'B'],
  ],
  mod: 10,
  cards: [1],
};

const info = (fields: Record<string, string>, cards: number[], mod = 10): NoteInfo => ({
  noteId: 100,
  modelName: 'Basic',
  tags: [],
  fields: Object.fromEntries(Object.entries(fields).map(([k, v], i) => [k, { value: v, order: i }])),
  mod,
  cards,
});

/** An AnkiApi whose `multi`/`getDecks` answer from scripted functions and record what was asked. */
function scripted(handlers: {
  multi: (actions: MultiAction[], call: number) => MultiOutcome[];
  getDecks?: (cards: number[]) => Record<string, number[]>;
}): { api: AnkiApi; calls: string[] } {
  const calls: string[] = [];
  let n = 0;
  const impl = {
    multi: async (actions: MultiAction[]) => {
      calls.push(`multi[${actions.map((a) => a.action).join(',')}]`);
      return handlers.multi(actions, n++);
    },
    getDecks: async (cards: number[]) => {
      calls.push(`getDecks(${cards.join(',')})`);
      if (!handlers.getDecks) throw new Error('unexpected getDecks');
      return handlers.getDecks(cards);
    },
  };
  return { api: impl as unknown as AnkiApi, calls };
}

const edited: EditedNote = { id: 100, deck: 'D', noteType: 'Basic', tags: [], fields: [['Front', 'F'], ['Back', 'B2']] };
const diff = (base: NoteSnapshot, e: EditedNote): NoteChange => {
  const before = new Map(base.fields);
  const fields = Object.fromEntries(e.fields.filter(([k, v]) => before.get(k) !== v));
  return Object.keys(fields).length > 0 ? { fields } : {};
};

describe('Saver edge cases', () => {
  it('a card added since loading: one more getDecks for its deck, no false conflict', async () => {
    const { api, calls } = scripted({
      multi: (actions, call) =>
        call === 0
          ? [
              { ok: true, value: [info({ Front: 'F', Back: 'B' }, [5, 1])] }, // card 5 (new, ord 0) comes first
              { ok: true, value: { D: [1] } },
              { ok: true, value: ['D'] },
            ]
          : [
              { ok: true, value: null },
              { ok: true, value: [info({ Front: 'F', Back: 'B2' }, [5, 1], 11)] },
              { ok: true, value: { D: [5, 1] } },
            ],
      getDecks: () => ({ D: [5] }),
    });
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff, windowMs: 1 });
    const out = await saver.save({ noteId: 100, edited });
    expect(out.kind).toBe('saved');
    expect(calls).toEqual(['multi[notesInfo,getDecks,deckNames]', 'getDecks(5)', 'multi[updateNoteFields,notesInfo,getDecks]']);
  });

  it('a reply missing the verification results never reports success', async () => {
    const { api } = scripted({
      multi: (_actions, call) =>
        call === 0
          ? [
              { ok: true, value: [info({ Front: 'F', Back: 'B' }, [1])] },
              { ok: true, value: { D: [1] } },
              { ok: true, value: ['D'] },
            ]
          : [{ ok: true, value: null }], // only the action's result came back
    });
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff, windowMs: 1 });
    const out = await saver.save({ noteId: 100, edited });
    expect(out.kind).toBe('unavailable');
    expect(out.kind === 'unavailable' && out.unknownOutcome).toBe(true);
    expect(out.kind === 'unavailable' && out.message).toMatch(/re-reading the note to check them failed/);
  });

  it('an unchanged document resolves at once without any request', async () => {
    const { api, calls } = scripted({ multi: () => [] });
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff, windowMs: 1 });
    const out = await saver.save({ noteId: 100, edited: { ...edited, fields: loaded.fields } });
    expect(out).toMatchObject({ kind: 'saved', unchanged: true, fresh: false });
    expect(calls).toEqual([]);
  });
});
