// The search QuickPick's items (src/ui/searchPick.ts).
import { describe, expect, it } from 'vitest';
import { summarizeNote } from '../../../src/core/listing';
import { outcomeItems } from '../../../src/ui/searchPick';

const note = summarizeNote(
  {
    noteId: 42,
    modelName: 'Basic',
    tags: [],
    fields: { Front: { value: 'Capital of <b>France</b>?', order: 0 }, Back: { value: 'Paris<br>🇫🇷', order: 1 }, Extra: { value: '', order: 2 } },
    cards: [43],
  },
  'Geography',
);

describe('QuickPick items', () => {
  it('hits first (Enter opens the first), "Show all N results" last, all shown whatever is typed', () => {
    const items = outcomeItems({ kind: 'ok', query: 'France', seq: 1, ids: [42, 7, 6], items: [note] });
    expect(items[0]).toMatchObject({ kind2: 'note', label: 'Capital of France?', description: 'Geography', detail: 'Paris 🇫🇷' });
    expect(items.at(-1)!.label).toContain('Show all 3 results');
    expect(items.at(-1)!.kind2).toBe('showAll');
    expect(items.every((i) => i.alwaysShow)).toBe(true);
  });
  it('no hits: one message item and no "show all"', () => {
    const items = outcomeItems({ kind: 'ok', query: 'zzz', seq: 1, ids: [], items: [] });
    expect(items).toHaveLength(1);
    expect(items[0]!.kind2).toBe('message');
  });
  it('invalid query shows the server message', () => {
    const items = outcomeItems({ kind: 'invalid', query: '(', seq: 1, message: 'Invalid search: unbalanced' });
    expect(items).toHaveLength(1);
    expect(items[0]!.detail).toBe('Invalid search: unbalanced');
  });
});
