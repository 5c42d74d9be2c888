// Saver edge cases that the test server cannot produce on demand, with a scripted AnkiApi: a card added to a
// note since it was loaded (its deck is unknown to the conflict check), and a reply with missing results.
// And the batching rules with frozen timers (deterministic): a save is sent without any timer, announced
// writes hold the batch however late they come, and only an announced write that never comes is bounded.
import { afterEach, describe, expect, it, vi } from 'vitest';
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
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff });
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
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff });
    const out = await saver.save({ noteId: 100, edited });
    expect(out.kind).toBe('unavailable');
    expect(out.kind === 'unavailable' && out.unknownOutcome).toBe(true);
    expect(out.kind === 'unavailable' && out.message).toMatch(/re-reading the note to check them failed/);
  });

  it('an unchanged document resolves at once without any request', async () => {
    const { api, calls } = scripted({ multi: () => [] });
    const saver = new Saver({ client: () => api, base: () => ({ snapshot: loaded, hash: contentHash(loaded) }), diff });
    const out = await saver.save({ noteId: 100, edited: { ...edited, fields: loaded.fields } });
    expect(out).toMatchObject({ kind: 'saved', unchanged: true, fresh: false });
    expect(calls).toEqual([]);
  });
});

/** A tiny in-memory Anki for notes 1..n of deck D (one card each): enough for the saver's two requests. */
function fakeAnki(n: number): { api: AnkiApi; calls: string[]; back: (id: number) => string | undefined } {
  const backs = new Map<number, string>();
  for (let id = 1; id <= n; id++) backs.set(id, `B${id}`);
  const calls: string[] = [];
  const noteInfo = (id: number): NoteInfo | null => {
    const b = backs.get(id);
    if (b === undefined) return null;
    return { noteId: id, modelName: 'Basic', tags: [], fields: { Front: { value: `F${id}`, order: 0 }, Back: { value: b, order: 1 } }, mod: 10, cards: [id] };
  };
  const api = {
    multi: async (list: MultiAction[]): Promise<MultiOutcome[]> => {
      calls.push(`multi[${list.map((a) => a.action).join(',')}]`);
      return list.map((a): MultiOutcome => {
        const p = (a.params ?? {}) as { notes?: number[]; cards?: number[]; note?: { id: number; fields: Record<string, string> } };
        switch (a.action) {
          case 'notesInfo':
            return { ok: true, value: (p.notes ?? []).map(noteInfo) };
          case 'getDecks':
            return { ok: true, value: { D: p.cards ?? [] } };
          case 'deckNames':
            return { ok: true, value: ['D'] };
          case 'updateNoteFields': {
            const note = p.note as { id: number; fields: Record<string, string> };
            if (note.fields.Back !== undefined) backs.set(note.id, note.fields.Back);
            return { ok: true, value: null };
          }
          default:
            return { ok: false, error: `unexpected ${a.action}` };
        }
      });
    },
  };
  return { api: api as unknown as AnkiApi, calls, back: (id) => backs.get(id) };
}

const snap = (id: number): NoteSnapshot => ({ id, deck: 'D', noteType: 'Basic', tags: [], fields: [['Front', `F${id}`], ['Back', `B${id}`]], mod: 10, cards: [id] });
const editOf = (id: number, back: string): EditedNote => ({ id, deck: 'D', noteType: 'Basic', tags: [], fields: [['Front', `F${id}`], ['Back', back]] });

function makeSaver(n: number, announcedWriteTimeoutMs?: number) {
  const anki = fakeAnki(n);
  const saver = new Saver({
    client: () => anki.api,
    base: (id) => ({ snapshot: snap(id), hash: contentHash(snap(id)) }),
    diff,
    ...(announcedWriteTimeoutMs !== undefined ? { announcedWriteTimeoutMs } : {}),
  });
  return { saver, ...anki };
}

/** Lets promise callbacks run (the fake client answers at once) without moving the frozen clock. */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('Saver batching follows the save announcements, not a timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const freeze = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date'] });

  it('a single save, announced or not, is sent and answered with the clock frozen (no timer in its path)', async () => {
    freeze();
    const { saver, calls, back } = makeSaver(2);
    const outcomes: string[] = [];
    saver.announce([1]);
    void saver.save({ noteId: 1, edited: editOf(1, 'one') }).then((o) => outcomes.push(o.kind));
    await drain();
    void saver.save({ noteId: 2, edited: editOf(2, 'two') }).then((o) => outcomes.push(o.kind));
    await drain();
    expect(outcomes).toEqual(['saved', 'saved']);
    expect(calls).toHaveLength(4);
    expect([back(1), back(2)]).toEqual(['one', 'two']);
  });

  it('writes announced together and arriving 50–400 ms apart are ONE batch of 2 requests', async () => {
    freeze();
    const { saver, calls, back } = makeSaver(5);
    saver.announce([1, 2, 3, 4, 5]);
    const done: Array<Promise<unknown>> = [];
    for (const [i, gap] of [0, 50, 400, 120, 300].entries()) {
      await vi.advanceTimersByTimeAsync(gap);
      done.push(saver.save({ noteId: i + 1, edited: editOf(i + 1, `late ${i + 1}`) }));
      await drain();
      if (i < 4) expect(calls).toEqual([]); // held for the announced ones still to come
    }
    await Promise.all(done);
    expect(calls).toEqual(['multi[notesInfo,getDecks,deckNames]', 'multi[updateNoteFields,updateNoteFields,updateNoteFields,updateNoteFields,updateNoteFields,notesInfo,getDecks]']);
    expect(saver.stats).toMatchObject({ batches: 1, requests: 2, lastBatchSize: 5 });
    expect(back(5)).toBe('late 5');
  });

  it('an announced write that never comes holds the others only until the bound after the last arrival', async () => {
    freeze();
    const { saver, calls } = makeSaver(3);
    saver.announce([1, 2, 3]);
    const kinds: string[] = [];
    void saver.save({ noteId: 1, edited: editOf(1, 'x') }).then((o) => kinds.push(o.kind));
    await vi.advanceTimersByTimeAsync(1500);
    void saver.save({ noteId: 2, edited: editOf(2, 'y') }).then((o) => kinds.push(o.kind)); // progress: the bound restarts
    await vi.advanceTimersByTimeAsync(4999); // the default bound: 5 s
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await drain();
    expect(kinds).toEqual(['saved', 'saved']);
    expect(saver.stats).toMatchObject({ batches: 1, lastBatchSize: 2 });
    expect(saver.awaiting).toBe(0);
  });

  it('while VS Code is still working towards an announced write (its stat waits for a request), the bound does not run', async () => {
    freeze();
    const { saver, calls } = makeSaver(2, 1000);
    saver.announce([1, 2]);
    const p = saver.save({ noteId: 1, edited: editOf(1, 'x') });
    const end = saver.workingOn(2); // the stat of note 2 before its write
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([]);
    end();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toEqual([]); // the bound starts again when the stat ends
    await vi.advanceTimersByTimeAsync(1);
    expect((await p).kind).toBe('saved');
    expect(saver.workingOn(1)).toBeTypeOf('function'); // not announced any more: nothing to hold
    expect(saver.awaiting).toBe(0);
  });

  it('a withdrawn announcement (the write ended before the saver) releases the batch at once', async () => {
    freeze();
    const { saver, calls } = makeSaver(2);
    saver.announce([1, 2]);
    const p = saver.save({ noteId: 1, edited: editOf(1, 'x') });
    await drain();
    expect(calls).toEqual([]);
    saver.withdraw(2);
    expect((await p).kind).toBe('saved');
    expect(saver.stats.batches).toBe(1);
  });

  it('saveBatch is sent at once even while announced writes are missing', async () => {
    freeze();
    const { saver } = makeSaver(3);
    saver.announce([3]);
    const out = await saver.saveBatch([
      { noteId: 1, edited: editOf(1, 'a') },
      { noteId: 2, edited: editOf(2, 'b') },
    ]);
    expect(out.map((o) => o.kind)).toEqual(['saved', 'saved']);
    expect(saver.stats).toMatchObject({ batches: 1, lastBatchSize: 2 });
  });
});
