import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { applyCounts, buildDeckTree, checkNewDeckName, walkDecks } from '../../../src/core/deckTree';

describe('buildDeckTree', () => {
  it('builds the hierarchy from "::" and keeps ids', () => {
    const tree = buildDeckTree({ Default: 1, Japanese: 10, 'Japanese::JLPT N3': 11, 'Japanese::JLPT N5': 12, 'Japanese::JLPT N3::Verbs': 13 });
    expect(tree.roots.map((r) => r.name)).toEqual(['Default', 'Japanese']);
    const jp = tree.byName.get('Japanese')!;
    expect(jp.children.map((c) => c.label)).toEqual(['JLPT N3', 'JLPT N5']);
    const verbs = tree.byName.get('Japanese::JLPT N3::Verbs')!;
    expect(verbs.label).toBe('Verbs');
    expect(verbs.depth).toBe(2);
    expect(verbs.parent?.name).toBe('Japanese::JLPT N3');
    expect(verbs.id).toBe(13);
    expect(tree.byId.get(11)?.name).toBe('Japanese::JLPT N3');
  });

  it('orders siblings case-insensitively, whatever order Anki lists them in', () => {
    const tree = buildDeckTree(['zeta', 'Alpha', 'Beta', 'Beta::b', 'Beta::A', 'gamma']);
    expect(tree.roots.map((r) => r.label)).toEqual(['Alpha', 'Beta', 'gamma', 'zeta']);
    expect(tree.byName.get('Beta')!.children.map((c) => c.label)).toEqual(['A', 'b']);
  });

  it('creates parents that are missing from the list (without id)', () => {
    const tree = buildDeckTree({ 'A::B::C': 5 });
    expect(walkDecks(tree).map((d) => [d.name, d.id])).toEqual([
      ['A', undefined],
      ['A::B', undefined],
      ['A::B::C', 5],
    ]);
  });

  it('marks filtered decks', () => {
    const tree = buildDeckTree({ Default: 1, 'Filtered Deck 1': 2 }, new Set(['Filtered Deck 1']));
    expect(tree.byName.get('Filtered Deck 1')!.filtered).toBe(true);
    expect(tree.byName.get('Default')!.filtered).toBe(false);
  });

  it('every listed deck appears exactly once and children follow parents (property)', () => {
    const seg = fc.constantFrom('a', 'B', 'c', 'Ä', '日本', 'x y');
    const name = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => s.join('::'));
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 30 }), (names) => {
        const tree = buildDeckTree(names);
        const walked = walkDecks(tree).map((d) => d.name);
        expect(new Set(walked).size).toBe(walked.length);
        for (const n of names) expect(walked).toContain(n);
        for (const d of walkDecks(tree)) {
          if (d.parent) expect(walked.indexOf(d.parent.name)).toBeLessThan(walked.indexOf(d.name));
        }
      }),
    );
  });
});

describe('applyCounts', () => {
  it('counts distinct notes of the deck and its sub-decks; own counts separately', () => {
    const tree = buildDeckTree({ A: 1, 'A::B': 2, 'A::C': 3, D: 4 });
    applyCounts(
      tree,
      new Map([
        ['A', [1, 2]],
        ['A::B', [2, 3, 4]], // note 2 has cards in A and A::B: counted once for A
        ['A::C', []],
        ['D', [9]],
      ]),
    );
    const a = tree.byName.get('A')!;
    expect(a.ownCount).toBe(2);
    expect(a.totalCount).toBe(4);
    expect(tree.byName.get('A::B')!.totalCount).toBe(3);
    expect(tree.byName.get('A::C')!.totalCount).toBe(0);
    expect(tree.byName.get('D')!.totalCount).toBe(1);
  });

  it('leaves a count unknown when a deck in the subtree is unknown', () => {
    const tree = buildDeckTree({ A: 1, 'A::B': 2 });
    applyCounts(tree, new Map([['A', [1]]]));
    expect(tree.byName.get('A')!.totalCount).toBeUndefined();
    expect(tree.byName.get('A')!.ownCount).toBe(1);
  });
});

describe('checkNewDeckName', () => {
  const tree = buildDeckTree({ Default: 1, Japanese: 2 });
  it('accepts a new name and nested names', () => {
    expect(checkNewDeckName('Spanish', tree)).toBeUndefined();
    expect(checkNewDeckName('Japanese::Kanji', tree)).toBeUndefined();
  });
  it('rejects empty, empty levels, quotes, control characters and existing decks (any case)', () => {
    expect(checkNewDeckName('   ', tree)).toBe('empty');
    expect(checkNewDeckName('A::::B', tree)).toBe('emptyComponent');
    expect(checkNewDeckName('Japanese::', tree)).toBe('emptyComponent');
    expect(checkNewDeckName('say "hi"', tree)).toBe('quote');
    expect(checkNewDeckName('a\tb', tree)).toBe('control');
    expect(checkNewDeckName('japanese', tree)).toBe('exists');
    expect(checkNewDeckName(' Japanese ', tree)).toBe('exists');
  });
});
