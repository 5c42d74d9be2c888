/** The test server's Anki search engine: deck quoting and wildcards, tags, fields, states, boolean structure, errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Collection, type Note } from './collection';
import { parseSearch } from './search';
import { startTestServer } from './server';
import { v6 } from './helpers';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);
let col: Collection;
const byFront = new Map<string, Note>();

function add(deck: string, front: string, back: string, tags: string[] = [], model = 'Basic'): Note {
  const m = col.modelByName(model);
  if (!m) throw new Error(model);
  const n = col.addNote({ model: m, deck: col.ensureDeck(deck), fields: [front, back], tags });
  byFront.set(front, n);
  return n;
}

type Expected = string[] | { like: string };
const resolve = (e: Expected): string[] => (Array.isArray(e) ? [...e].sort() : q(e.like));

/** fronts of the notes found, sorted */
function q(query: string): string[] {
  return col
    .findNotes(query)
    .map((id) => col.getNote(id)?.fields[0] ?? '?')
    .sort();
}

beforeAll(() => {
  let t = NOW - 86400_000 * 30;
  col = new Collection({ clock: () => t });
  add('Default', 'default note', 'x');
  add('My Deck', 'my deck', 'x', ['jlpt::n3']);
  add('My Deck::Sub', 'my deck sub', 'x', ['jlpt::n5']);
  add('My_Deck', 'underscore', 'x', ['JLPT']);
  add('MyXDeck', 'myx', 'x', ['verb']);
  add('Star*Deck', 'star', 'x', ['animal::mammal::dog']);
  add('StarXDeck', 'starx', '');
  add('Quote"d', 'quoted', 'x');
  add('A::B::C', 'abc', 'x', ['verb', 'jlpt::n3']);
  add('AB', 'ab', 'x');
  add('Ünï::Cødé', 'unicode', 'Ñandú 🐦');
  add('Fields', 'dog', 'hot dog');
  add('Fields', 'hot dog', '<b>bo</b>ld');
  add('Fields', '<b>bo</b>ld front', 'plain');
  add('Fields', 'a_b*c', 'literal wildcard chars');
  add('Fields', '{{c1::cloze}} text', 'extra', [], 'Cloze');
  // states: make a few cards non-new
  t = NOW;
  const today = col.today();
  const set = (front: string, patch: Partial<import('./collection').Card>) => Object.assign(col.cardsOf(byFront.get(front)?.id ?? 0)[0] ?? {}, patch);
  set('dog', { type: 2, queue: 2, due: today - 1, ivl: 10, factor: 2500 }); // review, due
  set('hot dog', { type: 2, queue: 2, due: today + 5, ivl: 30, factor: 2500 }); // review, not due
  set('abc', { type: 2, queue: -1, due: today - 3, ivl: 4, factor: 2500 }); // suspended
  set('ab', { type: 1, queue: 1, due: Math.floor(NOW / 1000) - 60, left: 1001 }); // learning, due (clock below is NOW)
  set('star', { type: 2, queue: -3, due: today, ivl: 2, factor: 2500 }); // buried
  set('starx', { flags: 3 });
  // recently added / edited notes
  t = NOW - 3600_000;
  add('Default', 'recent', 'x');
  t = NOW;
  const edited = byFront.get('my deck');
  if (edited) col.setFields(edited, { Back: 'edited today' });
});

describe('deck:', () => {
  it.each([
    ['deck:"My Deck"', ['my deck', 'my deck sub']],
    ['"deck:My Deck"', ['my deck', 'my deck sub']],
    ['"deck:my deck"', ['my deck', 'my deck sub']],
    ['"deck:My Deck" -"deck:My Deck::*"', ['my deck']],
    ['"deck:My Deck::Sub"', ['my deck sub']],
    ['deck:My*', ['my deck', 'my deck sub', 'myx', 'underscore']],
    ['deck:My_Deck', ['my deck', 'my deck sub', 'myx', 'underscore']],
    ['deck:My\\_Deck', ['underscore']],
    ['deck:Star*Deck', ['star', 'starx']],
    ['deck:Star\\*Deck', ['star']],
    ['deck:A', ['abc']],
    ['deck:a::b', ['abc']],
    ['deck:A::B::C', ['abc']],
    ['deck:AB', ['ab']],
    ['deck:Quoted', ['quoted']],
    ['"deck:ünï::cødé"', ['unicode']],
    ['deck:Nope', []],
    ['deck:Default', ['default note', 'recent']],
  ])('%s', (query, expected) => {
    expect(q(query)).toEqual(expected);
  });

  it('deck:* and the empty query match everything', () => {
    expect(q('deck:*')).toHaveLength(col.notes.size);
    expect(q('')).toHaveLength(col.notes.size);
    expect(q('   ')).toHaveLength(col.notes.size);
  });
});

describe('tag:', () => {
  it.each([
    ['tag:jlpt', ['abc', 'my deck', 'my deck sub', 'underscore']],
    ['tag:JLPT::N3', ['abc', 'my deck']],
    ['tag:animal', ['star']],
    ['tag:animal::mammal', ['star']],
    ['tag:mammal', []],
    ['tag:j*', ['abc', 'my deck', 'my deck sub', 'underscore']],
    ['tag:*::n5', ['my deck sub']],
    ['tag:re:^jlpt$', ['underscore']],
    ['tag:verb tag:jlpt', ['abc']],
  ])('%s', (query, expected) => {
    expect(q(query)).toEqual(expected);
  });

  it('tag:none and -tag:none partition the collection', () => {
    const none = q('tag:none');
    const some = q('-tag:none');
    expect(none).toContain('dog');
    expect(none).not.toContain('star');
    expect(none.length + some.length).toBe(col.notes.size);
  });
});

describe('fields and bare words', () => {
  it.each([
    ['front:dog', ['dog']],
    ['FRONT:DOG', ['dog']],
    ['front:*dog*', ['dog', 'hot dog']],
    ['"front:hot dog"', ['hot dog']],
    ['front:"hot dog"', ['hot dog']],
    ['back:', ['starx']],
    ['fr*:dog', ['dog']],
    ['back:_*', { like: '-back: -note:Cloze' }],
    ['text:*cloze*', ['{{c1::cloze}} text']],
    ['front:a\\_b\\*c', ['a_b*c']],
    ['front:a_b*', ['a_b*c']],
    ['nosuchfield:x', []],
    ['dog', ['dog', 'hot dog']],
    ['DOG', ['dog', 'hot dog']],
    ['d_g', ['dog', 'hot dog']],
    ['h*g', ['dog', 'hot dog']],
    ['ñandú', []],
    ['Ñandú', ['unicode']],
    ['ÑANDÚ', []],
    ['ÑANDú', ['unicode']],
    ['bold', ['<b>bo</b>ld front']],
    ['🐦', ['unicode']],
    ['"hot dog"', ['dog', 'hot dog']],
    ['"front:hot dog" or front:dog', ['dog', 'hot dog']],
    ['hot dog -back:*hot*', ['hot dog']],
  ] as Array<[string, Expected]>)('%s', (query, expected) => {
    expect(q(query)).toEqual(resolve(expected));
  });
});

describe('boolean structure', () => {
  it.each([
    ['tag:verb or tag:jlpt::n5', ['abc', 'my deck sub', 'myx']],
    ['tag:verb OR tag:jlpt::n5', ['abc', 'my deck sub', 'myx']],
    ['(deck:A or deck:AB) -tag:none', ['abc']],
    ['-(deck:Fields or deck:Default or deck:My*)', ['ab', 'abc', 'quoted', 'star', 'starx', 'unicode']],
    ['deck:AB or deck:A tag:verb', ['ab', 'abc']],
    ['deck:AB or deck:Default tag:verb', ['ab']],
    ['tag:verb and deck:A', ['abc']],
    ['-deck:Fields -deck:My* -deck:Star* -deck:A* -deck:Default -deck:Quoted', ['unicode']],
    ['((tag:verb))', ['abc', 'myx']],
  ])('%s', (query, expected) => {
    expect(q(query)).toEqual(expected);
  });
});

describe('ids, note types, states, time', () => {
  it('nid: and cid: take comma lists', () => {
    const a = byFront.get('dog')?.id as number;
    const b = byFront.get('star')?.id as number;
    expect(q(`nid:${a},${b}`)).toEqual(['dog', 'star']);
    const cid = col.cardsOf(b)[0]?.id as number;
    expect(q(`cid:${cid}`)).toEqual(['star']);
  });

  it.each([
    ['note:Cloze', ['{{c1::cloze}} text']],
    ['note:cloze', ['{{c1::cloze}} text']],
    ['note:Basic', { like: '-note:Cloze' }],
    ['note:Bas*', { like: '-note:Cloze' }],
    ['card:1', { like: '' }],
    ['card:2', []],
    ['is:review', ['abc', 'dog', 'hot dog', 'star']],
    ['is:due', ['ab', 'dog']],
    ['is:suspended', ['abc']],
    ['is:buried', ['star']],
    ['is:learn', ['ab']],
    ['flag:3', ['starx']],
    ['prop:ivl>=10', ['dog', 'hot dog']],
    ['added:1', ['recent']],
    ['edited:1', ['my deck', 'recent']],
  ] as Array<[string, Expected]>)('%s', (query, expected) => {
    expect(q(query)).toEqual(resolve(expected));
  });

  it('dupe:<note type id>,<text> finds notes of that type whose first field matches with HTML stripped', () => {
    const basic = col.modelByName('Basic')?.id as number;
    const cloze = col.modelByName('Cloze')?.id as number;
    expect(q(`"dupe:${basic},dog"`)).toEqual(['dog']);
    add('Default', '<b>dog</b>', 'bold twin');
    expect(q(`"dupe:${basic},<i>dog</i>"`)).toEqual(['<b>dog</b>', 'dog']);
    expect(q(`"dupe:${basic},do"`)).toEqual([]);
    expect(q(`"dupe:${cloze},dog"`)).toEqual([]);
    col.deleteNotes([byFront.get('<b>dog</b>')?.id as number]);
  });

  it('is:new excludes the reviewed/learning cards', () => {
    const fresh = q('is:new');
    expect(fresh).not.toContain('dog');
    expect(fresh).not.toContain('ab');
    expect(fresh).toContain('quoted');
  });
});

describe('invalid searches are errors, never silently wrong results', () => {
  it.each([
    ['(', /^Invalid search: an opening bracket `\(` was found, but there was no closing bracket `\)` following it\./],
    ['deck:A)', /^Invalid search: a closing bracket `\)` was found, but there was no opening bracket `\(` preceding it\./],
    ['()', /^Invalid search: a group `\(\.\.\.\)` was found, but there was nothing between the brackets/],
    ['a or', /^Invalid search: an `or` was found but it is not connecting two search terms\./],
    ['or a', /`or` was found/],
    ['a and and b', /^Invalid search: an `and` was found/],
    ['""', /^Invalid search: a pair of double quotes `""` was found, but there was nothing between them/],
    ['"unterminated', /^Invalid search: an opening double quote `"` was found, but there was no second one to close it\./],
    ['is:nope', /^Invalid search: `is:` was given an invalid argument '`nope`'\.$/],
    ['nid:abc', /^Invalid search: `nid:` was given an invalid argument '`abc`'\.$/],
    ['added:x', /^Invalid search: expected a positive whole number in "`added:x`", but found "`x`"\.$/],
    [':foo', /^Invalid search: a colon `:` was found, but there was no keyword preceding it\./],
    ['rated:1', /not supported by the AnkiConnect test server/],
    ['dupe:x', /^Invalid search: `dupe:` was given an invalid argument/],
    ['a\\qb', /^Invalid search: the escape sequence `\\q` is not defined\./],
    ['prop:pos>1', /not supported by the AnkiConnect test server/],
    ['prop:ivl', /^Invalid search: `prop:ivl` must be followed by one of the following comparison operators/],
    ['flag:9', /^Invalid search: `flag:` must be followed by a valid flag number/],
    ['"tag:re:("', /regular expression is invalid/],
    ['tag:re:(', /no closing bracket/],
  ])('%s', (query, message) => {
    expect(() => col.findNotes(query)).toThrow(/^Invalid search: /);
    expect(() => col.findNotes(query)).toThrow(message);
  });

  it('the parser keeps quoting and negation apart', () => {
    expect(parseSearch('-"deck:a b" c')).toEqual({
      kind: 'and',
      items: [{ kind: 'not', item: { kind: 'term', raw: 'deck:a b' } }, { kind: 'term', raw: 'c' }],
    });
  });

  it('over HTTP: findNotes/findCards/notesInfo/guiBrowse report `Invalid search: …` as the error', async () => {
    const srv = await startTestServer({ collection: col });
    try {
      for (const [action, params] of [
        ['findNotes', { query: 'is:nope' }],
        ['findCards', { query: '(' }],
        ['notesInfo', { query: 'a or' }],
        ['guiBrowse', { query: 'nid:x' }],
      ] as const) {
        const r = await v6(srv.port, action, params);
        expect(r.result).toBeNull();
        expect(r.error).toMatch(/^Invalid search: /);
      }
      expect((await v6(srv.port, 'findNotes', {})).result).toEqual([]);
      expect(((await v6(srv.port, 'findNotes', { query: '' })).result as number[]).length).toBe(col.notes.size);
    } finally {
      await srv.close();
    }
  });
});
