import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoteSnapshot } from '../../../src/notes/model';
import { compileMatcher, type Matcher, type ReplaceOptions } from '../../../src/replace/engine';
import { clozeCandidates, planReplace, replaceInNote, validatePlan } from '../../../src/replace/plan';
import { noteSnapshot } from '../notes/arbitraries';

function matcher(opts: ReplaceOptions): Matcher {
  const r = compileMatcher(opts);
  if (!r.ok) throw new Error('did not compile');
  return r.matcher;
}

const note = (id: number, fields: Array<[string, string]>, tags: string[] = [], noteType = 'Basic'): NoteSnapshot => ({
  id,
  deck: 'D',
  noteType,
  tags,
  fields,
  cards: [id * 10],
});

describe('replaceInNote', () => {
  it('replaces in every field, or only the chosen ones, and counts', () => {
    const n = note(1, [
      ['Front', 'dog and dog'],
      ['Back', 'a dog'],
    ]);
    const all = replaceInNote(n, matcher({ find: 'dog', replace: 'cat' }), { kind: 'allFields' });
    expect(all?.count).toBe(3);
    expect(all?.edited.fields).toEqual([
      ['Front', 'cat and cat'],
      ['Back', 'a cat'],
    ]);
    expect(all?.fields.map((f) => f.name)).toEqual(['Front', 'Back']);
    const back = replaceInNote(n, matcher({ find: 'dog', replace: 'cat' }), { kind: 'fields', names: ['Back'] });
    expect(back?.count).toBe(1);
    expect(back?.edited.fields).toEqual([
      ['Front', 'dog and dog'],
      ['Back', 'a cat'],
    ]);
    expect(back?.edited.tags).toEqual([]);
    expect(replaceInNote(n, matcher({ find: 'bird', replace: 'cat' }), { kind: 'allFields' })).toBeUndefined();
    // A replacement by the same text changes nothing.
    expect(replaceInNote(n, matcher({ find: 'dog', replace: 'dog' }), { kind: 'allFields' })).toBeUndefined();
  });

  it('tags: replaces inside each tag, drops emptied tags and duplicates, leaves fields alone', () => {
    const n = note(1, [['Front', 'verb']], ['verb', 'verb::godan', 'Noun', 'old-verb']);
    const r = replaceInNote(n, matcher({ find: 'verb', replace: 'noun' }), { kind: 'tags' });
    expect(r?.edited.tags).toEqual(['noun', 'noun::godan', 'old-noun']);
    expect(r?.edited.fields).toEqual([['Front', 'verb']]);
    expect(r?.count).toBe(3); // 'Noun' is the same tag as the new 'noun' (Anki's tags are case-insensitive)
    const removed = replaceInNote(n, matcher({ find: '^Noun$', replace: '', regex: true }), { kind: 'tags' });
    expect(removed?.edited.tags).toEqual(['verb', 'verb::godan', 'old-verb']);
  });
});

describe('validatePlan', () => {
  it('a replacement that removes every cloze deletion of a Cloze note is a problem', () => {
    const cloze = note(1, [['Text', '{{c1::Paris}} is in {{c2::France}}'], ['Back Extra', '']], [], 'Cloze');
    const partly = note(2, [['Text', '{{c1::Paris}} and {{c1::Rome}}'], ['Back Extra', '']], [], 'Cloze');
    const plan = planReplace([cloze, partly], matcher({ find: '\\{\\{c\\d+::(.*?)\\}\\}', replace: '$1', regex: true }), { kind: 'allFields' });
    expect(clozeCandidates(plan)).toEqual(['Cloze']);
    expect(validatePlan(plan, new Set(['Cloze']))).toEqual([
      { noteId: 1, code: 'clozeRemoved', noteType: 'Cloze' },
      { noteId: 2, code: 'clozeRemoved', noteType: 'Cloze' },
    ]);
    // Not a Cloze note type: removing cloze-looking text is fine.
    expect(validatePlan(plan, new Set())).toEqual([]);
    const one = planReplace([partly], matcher({ find: '{{c1::Rome}}', replace: 'Rome' }), { kind: 'allFields' });
    expect(clozeCandidates(one)).toEqual([]);
  });

  it('a tag that would contain a space is a problem', () => {
    const plan = planReplace([note(3, [['F', 'x']], ['a_b'])], matcher({ find: '_', replace: ' ' }), { kind: 'tags' });
    expect(validatePlan(plan, new Set())).toEqual([{ noteId: 3, code: 'tagHasSpace', tag: 'a b' }]);
  });
});

describe('planReplace properties', () => {
  it('the edited note differs from the loaded one only in the replaced fields, by exactly the matches', () => {
    fc.assert(
      fc.property(noteSnapshot, fc.constantFrom('a', 'e', '<', ' ', '😀', 'x'), fc.constantFrom('', 'Z', '$1'), (n, find, replace) => {
        const plan = planReplace([n], matcher({ find, replace, matchCase: true }), { kind: 'allFields' });
        const c = plan.changes[0];
        if (!c) {
          for (const [, v] of n.fields) expect(v.split(find).join(replace)).toBe(v);
          return;
        }
        expect(c.edited.fields.map((f) => f[0])).toEqual(n.fields.map((f) => f[0]));
        c.edited.fields.forEach(([, v], i) => expect(v).toBe((n.fields[i]?.[1] ?? '').split(find).join(replace)));
        expect(c.edited.tags).toEqual(n.tags);
        expect(c.edited.deck).toBe(n.deck);
        expect(plan.replacements).toBe(c.fields.reduce((k, f) => k + f.matches.length, 0));
      }),
    );
  });
});
