// sameContent (src/core/snapshot.ts): the conflict check's content comparison is exactly the content hash's.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentHash, sameContent } from '../../../src/core/snapshot';

const small = fc.constantFrom('', 'a', 'b', 'A', 'é', 'e\u0301', '[', '"', '\\');
const field = fc.tuple(small, small) as fc.Arbitrary<[string, string]>;
const note = fc.record({ noteType: small, deck: small, tags: fc.array(small, { maxLength: 3 }), fields: fc.array(field, { maxLength: 3 }) });

describe('sameContent', () => {
  it('agrees with contentHash equality (property: random and near-identical pairs)', () => {
    fc.assert(
      fc.property(note, note, (a, b) => {
        expect(sameContent(a, b)).toBe(contentHash(a) === contentHash(b));
        const copy = { noteType: a.noteType, deck: a.deck, tags: [...a.tags], fields: a.fields.map(([k, v]): [string, string] => [k, v]) };
        expect(sameContent(a, copy)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('each part counts: note type, deck, tags (order too), field names, values and order', () => {
    const base = { noteType: 'Basic', deck: 'D', tags: ['x', 'y'], fields: [['Front', 'a'], ['Back', 'b']] as Array<[string, string]> };
    expect(sameContent(base, { ...base })).toBe(true);
    expect(sameContent(base, { ...base, noteType: 'Cloze' })).toBe(false);
    expect(sameContent(base, { ...base, deck: 'd' })).toBe(false);
    expect(sameContent(base, { ...base, tags: ['y', 'x'] })).toBe(false);
    expect(sameContent(base, { ...base, fields: [['Back', 'b'], ['Front', 'a']] })).toBe(false);
    expect(sameContent(base, { ...base, fields: [['Front', 'a'], ['Back', 'b ']] })).toBe(false);
    expect(sameContent(base, { ...base, fields: [['Front', 'a']] })).toBe(false);
  });
});
