import { describe, expect, it } from 'vitest';
import { notesCodec } from '../../../src/core/codec';
import type { SaveOutcome, SaveRequest } from '../../../src/core/saver';
import { textMessage } from '../../../src/messages';
import type { NoteSnapshot } from '../../../src/notes/model';
import { flushQueued, FLUSH_LABEL, verdictOf } from '../../../src/offline/flush';
import type { FlushItem } from '../../../src/offline/saveQueue';

const snap = (id: number): NoteSnapshot => ({
  id,
  deck: 'Default',
  noteType: 'Basic',
  tags: [],
  fields: [
    ['Front', `front ${id}`],
    ['Back', 'back'],
  ],
  mod: 5,
  cards: [id + 100],
});
const item = (id: number, text: string): FlushItem => ({
  entry: { noteId: id, path: `/Default/x.${id}.yaml`, text, base: snap(id), key: { url: 'u', profile: 'p' }, queuedAt: 0 },
  text,
  source: 'queued',
});

describe('flushQueued', () => {
  it('sends every valid entry in ONE saveNotes call with its own base; invalid ones are not sent', async () => {
    const edited = notesCodec.render(snap(1)).replace('front 1', 'front 1 edited');
    const edited2 = notesCodec.render(snap(2)).replace('front 2', 'front 2 edited');
    const calls: SaveRequest[][] = [];
    const saveNotes = async (reqs: readonly SaveRequest[]): Promise<SaveOutcome[]> => {
      calls.push([...reqs]);
      return [
        { kind: 'saved', note: snap(1), fresh: true, unchanged: false, summary: 'field Front' },
        { kind: 'conflict', current: snap(2), message: 'changed in Anki', msg: textMessage('changed in Anki'), differences: [textMessage('field Front')] },
      ];
    };
    const results = await flushQueued([item(1, edited), item(3, 'front: [unclosed'), item(2, edited2)], { parse: notesCodec.parse, saveNotes });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((r) => r.noteId)).toEqual([1, 2]);
    expect(calls[0]![0]!.base?.snapshot).toEqual(snap(1));
    expect(calls[0]![0]!.edited.fields[0]).toEqual(['Front', 'front 1 edited']);
    expect(calls[0]![0]!.meta).toEqual({ kind: 'save', label: FLUSH_LABEL });
    expect(results.map((r) => [r.item.entry.noteId, r.verdict])).toEqual([
      [1, 'saved'],
      [3, 'invalid'],
      [2, 'conflict'],
    ]);
    expect(results[1]!.problems!.length).toBeGreaterThan(0);
    expect(results[2]!.current).toEqual(snap(2));
  });

  it('sends nothing when no entry is valid', async () => {
    let called = false;
    const r = await flushQueued([item(1, '{')], {
      parse: notesCodec.parse,
      saveNotes: async () => {
        called = true;
        return [];
      },
    });
    expect(called).toBe(false);
    expect(r[0]!.verdict).toBe('invalid');
  });

  it('an unreachable Anki with nothing sent keeps waiting; an unknown outcome does not', () => {
    expect(verdictOf({ kind: 'unavailable', message: '', msg: textMessage(''), error: null, unknownOutcome: false })).toBe('unavailable');
    expect(verdictOf({ kind: 'unavailable', message: '', msg: textMessage(''), error: null, unknownOutcome: true })).toBe('failed');
    expect(verdictOf({ kind: 'deleted', message: '', msg: textMessage('') })).toBe('deleted');
    expect(verdictOf({ kind: 'actionFailed', message: '', msg: textMessage('') })).toBe('failed');
  });
});
