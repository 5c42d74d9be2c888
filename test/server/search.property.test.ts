/** Property tests of the search engine: exact deck queries for arbitrary deck names; boolean algebra of queries. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection';
import { generateCollection } from './generate';

/** The documented recipe for an exact deck term (reference §4): escape \ " * _ and quote the whole term. */
const exactDeckTerm = (name: string): string => `"deck:${name.replace(/[\\"*_]/g, (c) => `\\${c}`)}"`;

const tricky = fc.constantFrom('a', 'B', 'c', ' ', '_', '*', '"', '\\', ':', '(', ')', '-', 'é', '日', '1', 'x', '.', '$', '[', '+', '?', '|');
const component = fc.array(tricky, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
const deckName = fc.array(component, { minLength: 1, maxLength: 3 }).map((cs) => cs.join('::'));

describe('exact deck queries for arbitrary deck names', () => {
  it('"deck:<escaped>" selects the deck and its sub-decks; adding -"deck:<escaped>::*" selects the deck alone', () => {
    fc.assert(
      fc.property(fc.uniqueArray(deckName, { minLength: 1, maxLength: 8 }), (names) => {
        const col = new Collection();
        const basic = col.modelByName('Basic');
        if (!basic) throw new Error('Basic missing');
        let i = 0;
        for (const name of names) col.addNote({ model: basic, deck: col.ensureDeck(name), fields: [`note ${i++}`, ''] });
        for (const deck of col.decks.values()) {
          const term = exactDeckTerm(deck.name);
          const lower = deck.name.toLowerCase();
          const withChildren = [...col.cards.values()]
            .filter((c) => {
              const d = col.deckById(c.did)?.name.toLowerCase() ?? '';
              return d === lower || d.startsWith(`${lower}::`);
            })
            .map((c) => c.id)
            .sort((a, b) => a - b);
          const alone = [...col.cards.values()].filter((c) => c.did === deck.id).map((c) => c.id).sort((a, b) => a - b);
          expect(col.findCards(term)).toEqual(withChildren);
          expect(col.findCards(`${term} -${exactDeckTerm(`${deck.name}::*`).replace(/\\\*"$/, '*"')}`)).toEqual(alone);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('boolean algebra over card searches', () => {
  const col = generateCollection({ notes: 400, seed: 11, now: Date.UTC(2026, 0, 10) });
  const all = new Set(col.findCards(''));
  const atoms = [
    'deck:Spanish', 'tag:verb', 'is:new', 'note:Cloze', '"deck:Japanese::JLPT N3::Vocabulary"', 'is:due', 'front:*a*',
    'tag:jlpt::n5', 'flag:1', '日', 'is:suspended', 'tag:none', 'is:review', 'deck:Japanese -deck:Japanese::JLPT*',
  ];
  const set = (q: string): Set<number> => new Set(col.findCards(q));
  const atom = fc.constantFrom(...atoms);

  it('or = union, juxtaposition = intersection, - = complement, De Morgan', () => {
    fc.assert(
      fc.property(atom, atom, (a, b) => {
        const A = set(a);
        const B = set(b);
        expect(set(`(${a}) or (${b})`)).toEqual(new Set([...A, ...B]));
        expect(set(`(${a}) (${b})`)).toEqual(new Set([...A].filter((x) => B.has(x))));
        expect(set(`(${a}) and (${b})`)).toEqual(set(`(${a}) (${b})`));
        expect(set(`-(${a})`)).toEqual(new Set([...all].filter((x) => !A.has(x))));
        expect(set(`-((${a}) or (${b}))`)).toEqual(set(`-(${a}) -(${b})`));
      }),
      { numRuns: 120 },
    );
  });
});
