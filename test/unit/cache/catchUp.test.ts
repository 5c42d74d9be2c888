// The incremental refresh plan after Anki was unreachable: additions, deletions, edits; never a full reload.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCache, rememberNotes, type CacheData } from '../../../src/cache/cacheStore';
import { planCatchUp } from '../../../src/cache/catchUp';

function cached(): CacheData {
  const d = emptyCache();
  d.decks = [['A', 1], ['B', 2]];
  d.deckNotes = { A: [1, 2, 3], B: [4] };
  const mk = (id: number, deck: string, mod: number) => ({ id, deck, noteType: 'Basic', tags: [], fields: [['Front', `f${id}`]] as [string, string][], mod, cards: [id] });
  rememberNotes(d, [mk(1, 'A', 10), mk(2, 'A', 20), mk(4, 'B', 40)], 0);
  return d;
}

describe('planCatchUp', () => {
  it('nothing changed: nothing to re-read', () => {
    const p = planCatchUp(cached(), { decks: [['A', 1], ['B', 2]], deckNotes: { A: [1, 2, 3], B: [4] }, modTimes: new Map([[1, 10], [2, 20], [4, 40]]) });
    expect(p.unchanged).toBe(true);
    expect(p.refetch).toEqual([]);
  });

  it('edited, deleted, added and moved notes and decks, each named exactly', () => {
    const p = planCatchUp(cached(), {
      decks: [['A', 1], ['C', 3]],
      deckNotes: { A: [1, 5], C: [4] },
      modTimes: new Map([[1, 11], [4, 40]]), // 1 edited, 2 deleted, 4 moved B → C unchanged
    });
    expect(p.decksAdded).toEqual(['C']);
    expect(p.decksRemoved).toEqual(['B']);
    expect(p.notesAdded).toEqual({ A: [5], C: [4] });
    expect(p.notesRemoved).toEqual({ A: [2, 3], B: [4] });
    expect(p.deleted).toEqual([2]);
    expect(p.refetch).toEqual([1]);
    expect(p.unchanged).toBe(false);
  });

  it('without note mod times (older add-on) every cached note still present is re-read', () => {
    const p = planCatchUp(cached(), { decks: [['A', 1], ['B', 2]], deckNotes: { A: [1, 3], B: [4] }, modTimes: undefined });
    expect(p.refetch).toEqual([1, 4]);
    expect(p.deleted).toEqual([2]);
  });

  it('property: every cached note is exactly one of kept, re-read or deleted', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 3 })), { maxLength: 60 }),
        (cachedIds, freshPairs) => {
          const d = emptyCache();
          d.deckNotes = { A: cachedIds };
          rememberNotes(d, cachedIds.map((id) => ({ id, deck: 'A', noteType: 'Basic', tags: [], fields: [], mod: 1, cards: [] })), 0);
          const mods = new Map(freshPairs.map(([id, m]) => [id, m] as [number, number]));
          const p = planCatchUp(d, { decks: [['A', 1]], deckNotes: { A: [...mods.keys()] }, modTimes: mods });
          for (const id of cachedIds) {
            const inRefetch = p.refetch.includes(id);
            const inDeleted = p.deleted.includes(id);
            expect(inRefetch && inDeleted).toBe(false);
            expect(inDeleted).toBe(!mods.has(id));
            expect(inRefetch).toBe(mods.has(id) && mods.get(id) !== 1);
          }
        },
      ),
    );
  });
});
