import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deckQuery, escapeDeckName, nidQuery } from '../../../src/anki/query';

/** Reverses Anki's backslash escapes inside a quoted term. */
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

describe('deckQuery', () => {
  it('quotes the whole term and escapes \\ " * _', () => {
    expect(deckQuery('Default', { includeSubdecks: true })).toBe('"deck:Default"');
    expect(deckQuery('My Deck', { includeSubdecks: true })).toBe('"deck:My Deck"');
    expect(deckQuery('a_b*c\\d"e', { includeSubdecks: true })).toBe('"deck:a\\_b\\*c\\\\d\\"e"');
    expect(deckQuery('Lang::French (A1)', { includeSubdecks: true })).toBe('"deck:Lang::French (A1)"');
  });

  it('excludes sub-decks with -"deck:<same>::*"', () => {
    expect(deckQuery('Lang::Fr_1', { includeSubdecks: false })).toBe('"deck:Lang::Fr\\_1" -"deck:Lang::Fr\\_1::*"');
  });

  it('property: the escaped name has no unescaped quote or wildcard and unescapes to the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        const e = escapeDeckName(name);
        expect(unescape(e)).toBe(name);
        // Every " * _ \ in the output is preceded by an escaping backslash.
        expect(/(^|[^\\])(\\\\)*["*_]/.test(e)).toBe(false);
        const q = deckQuery(name, { includeSubdecks: false });
        expect(q).toBe(`"deck:${e}" -"deck:${e}::*"`);
      }),
    );
  });
});

describe('nidQuery', () => {
  it('joins ids with commas', () => {
    expect(nidQuery([1502298033753, 1502298033754])).toBe('nid:1502298033753,1502298033754');
  });
  it('an empty list matches nothing (never the whole collection)', () => {
    expect(nidQuery([])).toBe('nid:0');
  });
  it('rejects non-ids', () => {
    expect(() => nidQuery([1.5])).toThrow(RangeError);
    expect(() => nidQuery([-1])).toThrow(RangeError);
  });
});
