// Inserting media tags into a field value at the cursor, whatever YAML style the value is written in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parseDocument } from 'yaml';
import { parseNoteDocument, renderNote } from '../../../src/notes/document';
import { insertIntoField } from '../../../src/notes/fieldEdit';
import type { NoteSnapshot } from '../../../src/notes/model';

const note = (front: string, back: string): NoteSnapshot => ({
  id: 1502298033753,
  deck: 'Japanese::JLPT N3',
  noteType: 'Basic',
  tags: ['vocab'],
  fields: [
    ['Front', front],
    ['Back', back],
  ],
  mod: 1,
  cards: [1],
});

const apply = (text: string, e: { start: number; end: number; text: string }) => text.slice(0, e.start) + e.text + text.slice(e.end);

function fieldsAfter(text: string, loaded: NoteSnapshot): Record<string, string> {
  const r = parseNoteDocument(text, loaded);
  if (!r.ok) throw new Error(`invalid after insert: ${r.problems.map((p) => p.message).join('; ')}\n${text}`);
  return Object.fromEntries(r.note.fields);
}

describe('insertIntoField', () => {
  const img = '<img src="a b.png">';
  const sound = '[sound:x.mp3]';

  it.each([
    ['a plain value', 'hello world', 'hello '.length],
    ['a value that becomes one needing quotes', 'x', 0],
    ['a multi-line block value', 'first<br>\nsecond', 'first<br>\nsec'.length],
    ['a value with quotes', 'say "hi"', 4],
    ['an empty value', '', 0],
  ])('into %s: the document stays valid and only that field changes', (_name, back, at) => {
    for (const ins of [img, sound]) {
      const loaded = note('Front text', back);
      const text = renderNote(loaded);
      // the cursor: the decoded offset `at` maps to a source offset; find it by locating the value text
      const doc = parseDocument(text);
      const fields = isMap(doc.contents) ? doc.contents.get('fields', true) : undefined;
      const v = isMap(fields) ? fields.get('Back', true) : undefined;
      const vStart = isScalar(v) && v.range ? v.range[0] : text.indexOf('Back:') + 'Back:'.length + 1;
      const src = text.slice(vStart);
      const prefix = back.slice(0, at);
      // block scalars: content starts on the next line after the header, indented
      const lastLine = prefix.split('\n').pop() ?? '';
      const offset = prefix === '' ? (back === '' ? text.indexOf('Back:') + 'Back:'.length : vStart) : text.indexOf(lastLine, vStart) + lastLine.length;
      const r = insertIntoField(text, offset, ins);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const out = apply(text, r.edit);
      const f = fieldsAfter(out, loaded);
      expect(f.Front).toBe('Front text');
      expect(f.Back).toBe(back.slice(0, at) + ins + back.slice(at));
      expect(r.value).toBe(f.Back);
      expect(out.slice(r.cursor - 1, r.cursor + 1).length).toBe(2);
    }
  });

  it('refuses a cursor outside field values and an invalid document', () => {
    const text = renderNote(note('F', 'B'));
    expect(insertIntoField(text, text.indexOf('tags:') + 2, img)).toEqual({ ok: false, reason: 'notInField' });
    expect(insertIntoField(text, 0, img)).toEqual({ ok: false, reason: 'notInField' });
    expect(insertIntoField(text, text.indexOf('Front') + 2, img)).toEqual({ ok: false, reason: 'notInField' });
    expect(insertIntoField('fields: [', 8, img)).toEqual({ ok: false, reason: 'invalidDocument' });
  });

  it('keeps a non-canonical indentation (fields indented by 4)', () => {
    const text = 'id: 1502298033753\ndeck: D\nnoteType: Basic\ntags: []\nfields:\n    Front: one\n    Back: |-\n      a\n      b\n';
    const loaded: NoteSnapshot = { ...note('one', 'a\nb'), deck: 'D', tags: [] };
    const r = insertIntoField(text, text.indexOf('a\n') + 1, sound);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(fieldsAfter(apply(text, r.edit), loaded)).toEqual({ Front: 'one', Back: `a${sound}\nb` });
  });

  it('property: at any offset, either a valid document with exactly the insertion, or a refusal', () => {
    const value = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '"', "'", '[', ']', ':', '#', '<', '>', '&', '\\', 'é', '🎌', '-', '|'), maxLength: 14 });
    let inserted = 0;
    const runs = 1000;
    fc.assert(
      fc.property(value, value, fc.nat(), fc.constantFrom(img, sound), (front, back, n, ins) => {
        const loaded = note(front, back);
        const text = renderNote(loaded);
        const from = text.indexOf('\nfields:\n') + '\nfields:\n'.length;
        const offset = from + (n % (text.length + 1 - from));
        const r = insertIntoField(text, offset, ins);
        if (!r.ok) return;
        inserted++;
        const out = apply(text, r.edit);
        const f = fieldsAfter(out, loaded);
        const changed = r.field === 'Front' ? f.Front : f.Back;
        const other = r.field === 'Front' ? [f.Back, back] : [f.Front, front];
        expect(other[0]).toBe(other[1]);
        const orig = r.field === 'Front' ? front : back;
        // the new value is the old one with the insertion at some position
        const pos = (changed ?? '').indexOf(ins);
        expect(pos).toBeGreaterThanOrEqual(0);
        expect((changed ?? '').slice(0, pos) + (changed ?? '').slice(pos + ins.length)).toBe(orig);
      }),
      { numRuns: runs },
    );
    // Most offsets in the fields section are inside a value: the property is not passing by refusing.
    expect(inserted).toBeGreaterThan(runs * 0.2);
  });
});
