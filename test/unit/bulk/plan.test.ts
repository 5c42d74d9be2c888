// Pure planning of the bulk actions: tag parsing and checks, add/remove plans (case-insensitive as Anki),
// the tags a selection has, and the scripted commands' argument schemas.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTags,
  deleteArgSchema,
  isScriptedArg,
  moveArgSchema,
  parseTagInput,
  planAddTags,
  planRemoveTags,
  tagsArgSchema,
  tagsOfSelection,
} from '../../../src/bulk/plan';
import type { NoteSnapshot } from '../../../src/notes/model';

const note = (id: number, tags: string[], deck = 'Default'): NoteSnapshot => ({
  id,
  deck,
  noteType: 'Basic',
  tags,
  fields: [
    ['Front', `front ${id}`],
    ['Back', `<b>back</b> ${id}`],
  ],
  mod: 100,
  cards: [id * 10],
});

describe('tag input', () => {
  it('splits on spaces and commas, drops duplicates ignoring case, keeps the first spelling', () => {
    expect(parseTagInput('  vocab, JLPT::N3  vocab Vocab\tverb ')).toEqual({ ok: true, tags: ['vocab', 'JLPT::N3', 'verb'] });
  });
  it('nothing typed is a problem', () => {
    expect(parseTagInput('  , ')).toEqual({ ok: false, problem: { code: 'noTags' } });
  });
  it('a double quote or control character is refused, naming the tag', () => {
    expect(parseTagInput('ok say"hi"')).toEqual({ ok: false, problem: { code: 'tagBadCharacter', tag: 'say"hi"' } });
  });
  it('scripted tags: a tag with a space is refused (it would be two tags in Anki)', () => {
    expect(checkTags(['a', 'two words'])).toEqual({ ok: false, problem: { code: 'tagHasSpace', tag: 'two words' } });
    expect(checkTags(['a', '', 'A'])).toEqual({ ok: true, tags: ['a'] });
    expect(checkTags([])).toEqual({ ok: false, problem: { code: 'noTags' } });
  });
});

describe('planAddTags / planRemoveTags', () => {
  it('adds only the tags a note lacks (ignoring case), after its own; notes that have them all are unchanged', () => {
    const plan = planAddTags([note(1, ['Vocab']), note(2, []), note(3, ['vocab', 'n3'])], ['vocab', 'n3']);
    expect(plan.unchanged).toEqual([3]);
    expect(plan.edits.map((e) => [e.note.id, e.edited.tags])).toEqual([
      [1, ['Vocab', 'n3']],
      [2, ['vocab', 'n3']],
    ]);
  });
  it('an edit changes nothing but the tags (fields, deck, note type as read)', () => {
    const n = note(7, ['x'], 'Japanese::N3');
    const [e] = planAddTags([n], ['y']).edits;
    expect(e?.edited).toEqual({ id: 7, deck: 'Japanese::N3', noteType: 'Basic', tags: ['x', 'y'], fields: n.fields });
    expect(e?.note).toBe(n);
  });
  it('removes matching tags ignoring case; child tags (tag::child) stay', () => {
    const plan = planRemoveTags([note(1, ['Vocab', 'vocab::verbs', 'n3']), note(2, ['other'])], ['VOCAB']);
    expect(plan.unchanged).toEqual([2]);
    expect(plan.edits.map((e) => e.edited.tags)).toEqual([['vocab::verbs', 'n3']]);
  });
  it('property: after Add every note has every tag exactly once (ignoring case); Remove then leaves none of them', () => {
    const tag = fc.stringMatching(/^[a-zA-Z0-9:_-]{1,6}$/);
    fc.assert(
      fc.property(fc.array(fc.array(tag, { maxLength: 5 }), { minLength: 1, maxLength: 6 }), fc.array(tag, { minLength: 1, maxLength: 4 }), (tagLists, add) => {
        const checked = checkTags(add);
        if (!checked.ok) return;
        const notes = tagLists.map((ts, i) => note(i + 1, [...new Map(ts.map((t) => [t.toLowerCase(), t])).values()]));
        const plan = planAddTags(notes, checked.tags);
        const after = notes.map((n) => plan.edits.find((e) => e.note.id === n.id)?.edited.tags ?? n.tags);
        for (const ts of after) {
          const keys = ts.map((t) => t.toLowerCase());
          expect(new Set(keys).size).toBe(keys.length);
          for (const t of checked.tags) expect(keys).toContain(t.toLowerCase());
        }
        const removed = planRemoveTags(after.map((ts, i) => note(i + 1, ts)), checked.tags);
        expect(removed.unchanged).toEqual([]);
        for (const e of removed.edits) for (const t of checked.tags) expect(e.edited.tags.map((x) => x.toLowerCase())).not.toContain(t.toLowerCase());
      }),
    );
  });
});

describe('tagsOfSelection', () => {
  it('counts notes per tag ignoring case (first spelling), most used first, then by name', () => {
    expect(tagsOfSelection([note(1, ['b', 'A']), note(2, ['a', 'c']), note(3, ['B', 'b'])])).toEqual([
      { tag: 'A', count: 2 },
      { tag: 'b', count: 2 },
      { tag: 'c', count: 1 },
    ]);
  });
});

describe('scripted arguments', () => {
  it('accept exactly the documented objects', () => {
    expect(tagsArgSchema.safeParse({ noteIds: [1, 2], tags: ['x'] }).success).toBe(true);
    expect(moveArgSchema.safeParse({ noteIds: [1], deck: 'A::B' }).success).toBe(true);
    expect(deleteArgSchema.safeParse({ noteIds: [1], confirm: false }).success).toBe(true);
  });
  it('refuse unknown keys, empty or non-integer ids', () => {
    expect(tagsArgSchema.safeParse({ noteIds: [1], tag: ['x'] }).success).toBe(false);
    expect(moveArgSchema.safeParse({ noteIds: [], deck: 'A' }).success).toBe(false);
    expect(deleteArgSchema.safeParse({ noteIds: [1.5] }).success).toBe(false);
    expect(deleteArgSchema.safeParse({ noteIds: ['1'] }).success).toBe(false);
  });
  it('a tree item or URI is not taken for the scripted object', () => {
    expect(isScriptedArg({ kind: 'note', note: { id: 1 } })).toBe(false);
    expect(isScriptedArg({ noteIds: [1] })).toBe(true);
    expect(isScriptedArg(undefined)).toBe(false);
  });
});
