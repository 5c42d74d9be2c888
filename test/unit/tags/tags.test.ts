import { describe, expect, it } from 'vitest';
import { buildTagTree, checkTagRename, planTagChange, removeTagFrom, renameTagIn, tagQuery } from '../../../src/tags/tags';
import type { NoteSnapshot } from '../../../src/notes/model';

describe('buildTagTree', () => {
  it('nests by `::`, implies missing parents, groups case-insensitively, sorts case-insensitively', () => {
    const tree = buildTagTree(['zeta', 'Geo::Europe::France', 'geo', 'Alpha', 'geo::asia']);
    const show = (ns: ReturnType<typeof buildTagTree>): unknown => ns.map((n) => [n.name, n.registered, show(n.children)]);
    expect(show(tree)).toEqual([
      ['Alpha', true, []],
      [
        'geo',
        true,
        [
          ['geo::asia', true, []],
          ['Geo::Europe', false, [['Geo::Europe::France', true, []]]],
        ],
      ],
      ['zeta', true, []],
    ]);
    expect(tree[1]?.children[1]?.label).toBe('Europe');
  });
});

describe('tagQuery', () => {
  it('quotes and escapes wildcard characters', () => {
    expect(tagQuery('geo::europe')).toBe('"tag:geo::europe"');
    expect(tagQuery('a_b*c"d\\e')).toBe('"tag:a\\_b\\*c\\"d\\\\e"');
  });
});

describe('rename and remove in a tag list', () => {
  it('renames the tag and its child tags (any case), not a tag that only shares the prefix', () => {
    expect(renameTagIn(['Geo', 'geo::Europe', 'geography', 'x'], 'geo', 'places')).toEqual(['places', 'places::Europe', 'geography', 'x']);
  });
  it('a rename onto a tag the note already has merges them', () => {
    expect(renameTagIn(['old', 'new'], 'old', 'new')).toEqual(['new']);
  });
  it('`::` in the new name moves it in the hierarchy', () => {
    expect(renameTagIn(['verbs', 'verbs::irregular'], 'verbs', 'grammar::verbs')).toEqual(['grammar::verbs', 'grammar::verbs::irregular']);
  });
  it('removal takes child tags', () => {
    expect(removeTagFrom(['geo', 'GEO::asia', 'geology'], 'geo')).toEqual(['geology']);
  });
  it.each([
    ['a', '', 'empty'],
    ['a', 'b c', 'space'],
    ['a', 'b::', 'emptyComponent'],
    ['a', 'a', 'sameName'],
    ['a', 'A', 'caseOnly'],
    ['a', 'a::b', undefined],
  ])('checkTagRename(%s, %s) = %s', (from, to, expected) => {
    expect(checkTagRename(from, to)).toBe(expected);
  });
});

describe('planTagChange', () => {
  const note = (id: number, tags: string[]): NoteSnapshot => ({ id, deck: 'D', noteType: 'Basic', tags, fields: [['Front', 'f'], ['Back', 'b']], mod: 1, cards: [id + 1] });
  it('one request per note whose tags change, based on the version read; fields untouched', () => {
    const reqs = planTagChange([note(1, ['a', 'x']), note(2, ['x']), note(3, ['a::b'])], { kind: 'rename', from: 'a', to: 'z' });
    expect(reqs.map((r) => [r.noteId, r.edited.tags])).toEqual([
      [1, ['z', 'x']],
      [3, ['z::b']],
    ]);
    expect(reqs[0]?.edited.fields).toEqual([['Front', 'f'], ['Back', 'b']]);
    expect(reqs[0]?.base?.snapshot.tags).toEqual(['a', 'x']);
    expect(reqs[0]?.meta?.label).toBe('rename tag "a" → "z"');
    expect(planTagChange([note(1, ['a', 'x'])], { kind: 'remove', tag: 'A' }).map((r) => r.edited.tags)).toEqual([['x']]);
  });
});
