// Labels and snippets of listed notes (src/core/listing.ts).
import { describe, expect, it } from 'vitest';
import type { AnkiApi, NoteInfo } from '../../../src/anki/api';
import { displayLabel, fieldSnippet, PagedNotes, summarizeNote } from '../../../src/core/listing';
import { renderSearchItem } from '../../../src/core/search';
import { truncateText as truncate } from '../../../src/notes/paths';

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

describe('labels and snippets', () => {
  it('label strips HTML; snippet joins the other non-empty fields', () => {
    expect(note.label).toBe('Capital of France?');
    expect(fieldSnippet(note)).toBe('Paris 🇫🇷');
    expect(renderSearchItem(note)).toEqual({ label: 'Capital of France?', description: 'Geography', detail: 'Paris 🇫🇷' });
  });
  it('truncates at grapheme boundaries with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    const flags = '🇫🇷🇯🇵🇪🇸🇩🇪';
    const t = truncate(flags, 5);
    expect(t.endsWith('…')).toBe(true);
    expect(flags.startsWith(t.slice(0, -1))).toBe(true);
    expect(displayLabel('<div>' + 'x'.repeat(200) + '</div>').length).toBeLessThanOrEqual(80);
  });
});

function info(id: number, front: string, back = 'b', tags: string[] = []): NoteInfo {
  return {
    noteId: id,
    modelName: 'Basic',
    tags,
    fields: { Back: { value: back, order: 1 }, Front: { value: front, order: 0 } },
    mod: 100,
    cards: [id + 1],
  };
}

describe('PagedNotes', () => {
  it('pages through ids in order, one notesInfo per page, dropping ids Anki no longer has', async () => {
    const calls: number[][] = [];
    const api = {
      notesInfo: async (ids: number[]) => {
        calls.push(ids);
        return ids.map((id) => (id === 7 ? undefined : info(id, `n${id}`)));
      },
    } as unknown as AnkiApi;
    const p = new PagedNotes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], () => 'D');
    expect(p.loaded).toBe(false);
    await p.loadNext(api, 4);
    expect(p.items.map((n) => n.id)).toEqual([1, 2, 3, 4]);
    expect(p.hasMore).toBe(true);
    await p.loadNext(api, 4);
    expect(p.items.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(p.total).toBe(9);
    await p.loadNext(api, 4);
    expect(p.items.map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]);
    expect(p.hasMore).toBe(false);
    expect(calls).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    await p.reload(api, 4);
    expect(calls.at(-1)).toEqual([1, 2, 3, 4, 5, 6, 8, 9, 10]); // reload keeps what was shown, in one request
  });
});
