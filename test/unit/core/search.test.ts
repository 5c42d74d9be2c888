// Pure search helpers (src/core/search.ts).
import { describe, expect, it } from 'vitest';
import { AnkiConnectError } from '../../../src/anki/errors';
import { isInvalidSearch, orderHits, pushRecent, Sequencer } from '../../../src/core/search';

describe('search helpers', () => {
  it('recent queries: newest first, no duplicates, at most N, blanks ignored', () => {
    let r: string[] = [];
    for (const q of ['a', 'b', 'a', ' ', 'c']) r = pushRecent(r, q, 2);
    expect(r).toEqual(['c', 'a']);
  });
  it('hits are oldest first (creation order) without duplicates', () => {
    expect(orderHits([3, 1, 2, 3])).toEqual([1, 2, 3]);
  });
  it('only the latest sequence number counts', () => {
    const s = new Sequencer();
    const a = s.next();
    const b = s.next();
    expect(s.isLatest(a)).toBe(false);
    expect(s.isLatest(b)).toBe(true);
  });
  it('a findNotes error is a query problem unless it is about the key or the collection', () => {
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'Invalid search: unbalanced quote'))).toBe(true);
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'valid api key must be provided'))).toBe(false);
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'collection is not available'))).toBe(false);
    expect(isInvalidSearch(new AnkiConnectError('notesInfo', 'Invalid search: x'))).toBe(false);
  });
});
