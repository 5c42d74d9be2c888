import { describe, expect, it } from 'vitest';
import { decideDeletes, planDeckRename } from '../../../src/core/deckRename';

const decks = ['Default', 'Lang', 'Lang::French', 'Lang::French::Verbs', 'Lang::German', 'Language', 'Other'];

describe('planDeckRename', () => {
  it('maps the deck and every sub-deck (not a deck that merely starts with the same letters), parents first', () => {
    const p = planDeckRename(decks, 'lang::french', 'Romance::Français');
    expect(p).toEqual({
      ok: true,
      from: 'Lang::French',
      to: 'Romance::Français',
      mappings: [
        { from: 'Lang::French', to: 'Romance::Français' },
        { from: 'Lang::French::Verbs', to: 'Romance::Français::Verbs' },
      ],
    });
    const top = planDeckRename(decks, 'Lang', 'Languages');
    expect(top.ok && top.mappings.map((m) => m.to)).toEqual(['Languages', 'Languages::French', 'Languages::German', 'Languages::French::Verbs']);
  });

  it('`::` in the new name moves the deck in the hierarchy; the name is normalised as Anki does', () => {
    const p = planDeckRename(decks, 'Lang::German', '  Other :: Deutsch ');
    expect(p.ok && p.mappings).toEqual([{ from: 'Lang::German', to: 'Other::Deutsch' }]);
    const up = planDeckRename(decks, 'Lang::French::Verbs', 'Verbs');
    expect(up.ok && up.mappings).toEqual([{ from: 'Lang::French::Verbs', to: 'Verbs' }]);
  });

  it.each([
    ['Nope', 'X', { code: 'noSuchDeck', deck: 'Nope' }],
    ['Default', 'X', { code: 'defaultDeck' }],
    ['Lang', 'Lang', { code: 'sameName', deck: 'Lang' }],
    ['Lang', 'LANG', { code: 'caseOnly', from: 'Lang', to: 'LANG' }],
    ['Lang', 'Lang::Sub', { code: 'intoItself', from: 'Lang', to: 'Lang::Sub' }],
    ['Lang::German', 'other', { code: 'targetExists', deck: 'Other' }],
    ['Lang', 'Language::French', { code: 'ok' }],
    ['Lang', 'a "b"', { code: 'invalidName', name: 'a "b"', reason: 'quote' }],
    ['Lang', 'a::::b', { code: 'invalidName', name: 'a::::b', reason: 'emptyComponent' }],
    ['Lang', '  ', { code: 'invalidName', name: '  ', reason: 'empty' }],
  ])('%s → %s: %o', (from, to, expected) => {
    const p = planDeckRename(decks, from, to);
    if (expected.code === 'ok') expect(p.ok).toBe(true);
    else expect(p).toEqual({ ok: false, problem: expected });
  });

  it('a sub-deck whose new name already exists is a clash too', () => {
    const p = planDeckRename([...decks, 'New', 'New::German'], 'Lang', 'New::Lang');
    expect(p.ok).toBe(true);
    const q = planDeckRename(['A', 'A::x', 'B', 'B::x'], 'A', 'B');
    expect(q).toEqual({ ok: false, problem: { code: 'targetExists', deck: 'B' } });
    // (a list as the deck tree would never hold it: C::x without C) — the sub-deck's clash alone is found
    const r = planDeckRename(['A', 'A::x', 'C::x'], 'A', 'C');
    expect(r).toEqual({ ok: false, problem: { code: 'targetExists', deck: 'C::x' } });
  });
});

describe('decideDeletes', () => {
  const mappings = [
    { from: 'A', to: 'B' },
    { from: 'A::x', to: 'B::x' },
    { from: 'A::y', to: 'B::y' },
  ];
  it('all empty: only the top deck is passed to deleteDecks (it takes its sub-decks)', () => {
    const d = decideDeletes(mappings, new Map([['A', 0], ['A::x', 0], ['A::y', 0]]));
    expect(d).toEqual({ deleteTop: ['A'], deleted: ['A', 'A::x', 'A::y'], kept: [] });
  });
  it('a card added to an old sub-deck between the move and the check: that deck and its parents are kept and reported', () => {
    const d = decideDeletes(mappings, new Map([['A', 1], ['A::x', 1], ['A::y', 0]]));
    expect(d).toEqual({ deleteTop: ['A::y'], deleted: ['A::y'], kept: [{ deck: 'A', cards: 1 }, { deck: 'A::x', cards: 1 }] });
  });
  it('a deck whose check failed is kept (never deleted without a read showing it empty)', () => {
    const d = decideDeletes(mappings, new Map([['A::x', 0], ['A::y', 0]]));
    expect(d).toEqual({ deleteTop: ['A::x', 'A::y'], deleted: ['A::x', 'A::y'], kept: [{ deck: 'A', cards: -1 }] });
  });
});
