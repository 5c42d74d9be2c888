import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNote } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';
import { compileMatcher, type Matcher } from '../../../src/replace/engine';
import { applyEdits, diffText, documentEdits, lineStarts, positionAt } from '../../../src/replace/edits';
import { planReplace } from '../../../src/replace/plan';
import { noteSnapshot } from '../notes/arbitraries';

function matcher(find: string, replace: string, regex = false): Matcher {
  const r = compileMatcher({ find, replace, regex, matchCase: true });
  if (!r.ok) throw new Error('did not compile');
  return r.matcher;
}

const n: NoteSnapshot = {
  id: 1,
  deck: 'D',
  noteType: 'Basic',
  tags: ['dog', 'x'],
  fields: [
    ['Front', 'a dog'],
    ['Back', 'line one dog\nline two\nline three dog'],
  ],
  cards: [2],
};

describe('documentEdits', () => {
  it('one edit per changed line of each field, each labelled with its field', () => {
    const c = planReplace([n], matcher('dog', 'cat'), { kind: 'allFields' }).changes[0];
    if (!c) throw new Error('no change');
    const d = documentEdits(c, renderNote);
    expect(d.edits.map((e) => [e.part, d.before.slice(e.start, e.end), e.newText])).toEqual([
      [{ kind: 'field', name: 'Front', count: 1 }, 'dog', 'cat'],
      [{ kind: 'field', name: 'Back', count: 2 }, 'dog', 'cat'],
      [{ kind: 'field', name: 'Back', count: 2 }, 'dog', 'cat'],
    ]);
    expect(applyEdits(d.before, d.edits)).toBe(d.after);
    const starts = lineStarts(d.before);
    expect(d.edits.map((e) => positionAt(starts, e.start).line)).toEqual([6, 8, 10]);
  });

  it('tags are one part', () => {
    const c = planReplace([n], matcher('dog', 'cat'), { kind: 'tags' }).changes[0];
    if (!c) throw new Error('no change');
    const d = documentEdits(c, renderNote);
    expect(d.edits.map((e) => e.part.kind)).toEqual(['tags']);
    expect(d.after).toContain('tags: [cat, x]');
    expect(applyEdits(d.before, d.edits)).toBe(d.after);
  });

  it('property: the edits always rebuild the replaced document exactly', () => {
    fc.assert(
      fc.property(noteSnapshot, fc.constantFrom('a', 'e', ' ', '\n', '😀', '"', 'x', '#'), fc.constantFrom('', 'Z', '\n', '  ', '"\\', '😀'), fc.boolean(), (note, find, replace, tags) => {
        const c = planReplace([note], matcher(find, replace), tags ? { kind: 'tags' } : { kind: 'allFields' }).changes[0];
        if (!c) return;
        const d = documentEdits(c, renderNote);
        expect(applyEdits(d.before, d.edits)).toBe(d.after);
        for (const e of d.edits) expect(e.end).toBeGreaterThanOrEqual(e.start);
      }),
    );
  });

  it('property: diffText edits rebuild the target', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), (a, b) => {
        expect(applyEdits(a, diffText(a, b))).toBe(b);
      }),
    );
  });
});
