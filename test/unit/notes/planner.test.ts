import { describe, expect, it } from 'vitest';
import type { EditedNote, NoteSnapshot } from '../../../src/notes/model';
import { normalizeDeckName, planSave, sameDeck } from '../../../src/notes/planner';

const loaded: NoteSnapshot = {
  id: 1502298033753,
  deck: 'Japanese::JLPT N3',
  noteType: 'Basic',
  tags: ['jlpt-n3', 'vocab'],
  fields: [
    ['Front', 'あいさつ'],
    ['Back', 'greeting'],
  ],
  cards: [11, 12],
};

function edit(change: Partial<EditedNote>): EditedNote {
  return { id: loaded.id, deck: loaded.deck, noteType: loaded.noteType, tags: loaded.tags, fields: loaded.fields, ...change };
}

const decks = ['Default', 'Japanese', 'Japanese::JLPT N3', 'Spanish'];

describe('planSave', () => {
  it('plans nothing for an unchanged note', () => {
    const plan = planSave(loaded, edit({}), decks);
    expect(plan).toEqual({ createsDeck: false, isEmpty: true });
  });

  it('sends only the changed fields, compared byte for byte', () => {
    const plan = planSave(loaded, edit({ fields: [['Front', 'あいさつ'], ['Back', 'greeting ']] }), decks);
    expect(plan).toEqual({ fields: { Back: 'greeting ' }, createsDeck: false, isEmpty: false });
    // NFD vs NFC is a byte change (Anki stores NFC; sending it is harmless).
    const nfd = planSave({ ...loaded, fields: [['Front', 'é'], ['Back', '']] }, edit({ fields: [['Front', 'e\u0301'], ['Back', '']] }));
    expect(nfd.fields).toEqual({ Front: 'e\u0301' });
  });

  it('replaces the tag list when the set of tags changed', () => {
    expect(planSave(loaded, edit({ tags: ['vocab', 'n3', 'jlpt-n3'] }), decks).tags).toEqual(['vocab', 'n3', 'jlpt-n3']);
    expect(planSave(loaded, edit({ tags: [] }), decks).tags).toEqual([]);
    expect(planSave(loaded, edit({ tags: ['vocab'] }), decks).tags).toEqual(['vocab']);
  });

  it('ignores tag changes Anki would not keep: order only, case only', () => {
    expect(planSave(loaded, edit({ tags: ['vocab', 'jlpt-n3'] }), decks).isEmpty).toBe(true);
    expect(planSave(loaded, edit({ tags: ['Vocab', 'JLPT-N3'] }), decks).isEmpty).toBe(true);
  });

  it('moves the note to another existing deck', () => {
    const plan = planSave(loaded, edit({ deck: 'Spanish' }), decks);
    expect(plan).toEqual({ deck: 'Spanish', createsDeck: false, isEmpty: false });
  });

  it('spells an existing deck as Anki does when the case differs', () => {
    expect(planSave(loaded, edit({ deck: 'spanish' }), decks)).toMatchObject({ deck: 'Spanish', createsDeck: false });
  });

  it('creates a missing deck, normalised as Anki would', () => {
    expect(planSave(loaded, edit({ deck: ' New :: Sub ' }), decks)).toEqual({ deck: 'New::Sub', createsDeck: true, isEmpty: false });
  });

  it('counts any deck change as possibly creating a deck when the decks are not known', () => {
    expect(planSave(loaded, edit({ deck: 'Spanish' }))).toMatchObject({ deck: 'Spanish', createsDeck: true });
  });

  it('ignores a deck edit that normalises to the same deck, or differs only in case', () => {
    expect(planSave(loaded, edit({ deck: 'Japanese :: JLPT N3' }), decks).isEmpty).toBe(true);
    expect(planSave(loaded, edit({ deck: 'japanese::jlpt n3' }), decks).isEmpty).toBe(true);
  });

  it('combines a field, tag and deck change into one plan', () => {
    const plan = planSave(loaded, edit({ deck: 'Spanish', tags: ['x'], fields: [['Front', 'hola'], ['Back', 'greeting']] }), decks);
    expect(plan).toEqual({ fields: { Front: 'hola' }, tags: ['x'], deck: 'Spanish', createsDeck: false, isEmpty: false });
  });
});

describe('normalizeDeckName', () => {
  const cases: Array<[string, string]> = [
    ['Default', 'Default'],
    ['A::::B', 'A::blank::B'],
    ['::A', 'blank::A'],
    ['A::', 'A::blank'],
    [' A :: B ', 'A::B'],
    ['say "hi"', 'say hi'],
    ['tab\there', 'tabhere'],
    ['e\u0301', '\u00e9'],
    ['\u00a0nbsp\u3000', 'nbsp'],
    ['\u0085nel\u0085', 'nel'],
    ['\ufeffbom', '\ufeffbom'],
    ['', 'blank'],
    ['a:b', 'a:b'],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      expect(normalizeDeckName(input)).toBe(expected);
    });
  }

  it('compares decks the way Anki looks them up', () => {
    expect(sameDeck('Japanese::JLPT N3', 'japanese :: jlpt n3')).toBe(true);
    expect(sameDeck('A', 'B')).toBe(false);
  });
});
