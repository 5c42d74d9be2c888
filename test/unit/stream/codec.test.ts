import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNote } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';
import { parseStream, renderStream, splitStream, type StreamContext } from '../../../src/stream/codec';
import { noteSnapshot } from '../notes/arbitraries';

const note = (id: number, front: string, back = 'b', tags: string[] = []): NoteSnapshot => ({
  id,
  deck: 'D',
  noteType: 'Basic',
  tags,
  fields: [
    ['Front', front],
    ['Back', back],
  ],
  cards: [id + 1],
});

const ctx = (notes: NoteSnapshot[]): StreamContext => ({
  bases: new Map(notes.map((n) => [n.id, n])),
  query: 'deck:D',
  fieldNamesFor: (t) => (t === 'Basic' ? ['Front', 'Back'] : undefined),
});

describe('stream document', () => {
  const notes = [note(1, 'one'), note(2, 'two\nlines'), note(3, '---')];

  it('each block is exactly the single-note document', () => {
    const text = renderStream(notes);
    const blocks = splitStream(text);
    expect(blocks.map((b) => b.text)).toEqual(notes.map((n) => renderNote(n)));
    expect(blocks.map((b) => text.split('\n')[b.markerLine])).toEqual(['---', '---', '---']);
    const r = parseStream(text, ctx(notes));
    expect(r.blocks.map((b) => b.kind)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(r.removed).toEqual([]);
  });

  it('an edited block is parsed against its note; problems are reported at the stream line', () => {
    const text = renderStream(notes).replace('Front: one', 'Front: ONE').replace('Back: b\n---\n# Anki note · Basic', 'Back: b\n---\n# Anki note · Basic');
    const edited = parseStream(text, ctx(notes));
    expect(edited.blocks[0]?.kind).toBe('edited');
    const e = edited.blocks[0];
    expect(e?.kind === 'edited' && e.note.fields).toEqual([
      ['Front', 'ONE'],
      ['Back', 'b'],
    ]);
    // An unknown field in the second block: its line in the stream.
    const lines = renderStream(notes).split('\n');
    const at = lines.findIndex((l, i) => i > 8 && l.startsWith('  Back:'));
    lines[at] = '  Bak: x';
    const bad = parseStream(lines.join('\n'), ctx(notes));
    const b = bad.blocks[1];
    expect(b?.kind).toBe('invalid');
    const problems = b?.kind === 'invalid' ? b.problems : [];
    expect(problems.map((p) => p.code).sort()).toEqual(['missingField', 'unknownField']);
    expect(problems.find((p) => p.code === 'unknownField')?.line).toBe(at + 1);
    // Every problem of the second block lies inside it.
    for (const p of problems) expect(p.line).toBeGreaterThan(b?.block.markerLine ?? 0);
    expect(bad.blocks.map((x) => x.kind)).toEqual(['unchanged', 'invalid', 'unchanged']);
  });

  it('removed block = untouched note; no id = new note; unknown or repeated id = error at the id line', () => {
    const blocks = splitStream(renderStream(notes)).map((b) => b.text);
    const newNote = 'deck: D\nnoteType: Basic\ntags: []\nfields:\n  Front: fresh\n  Back: x\n';
    const foreign = (blocks[0] as string).replace('id: 1', 'id: 99');
    const text = ['---\n' + blocks[0], '---\n' + newNote, '---\n' + foreign, '---\n' + blocks[0]].join('');
    const r = parseStream(text, ctx(notes));
    expect(r.blocks.map((b) => b.kind)).toEqual(['unchanged', 'new', 'invalid', 'invalid']);
    expect(r.removed).toEqual([2, 3]);
    const unknown = r.blocks[2];
    expect(unknown?.kind === 'invalid' && unknown.problems[0]?.message).toMatch(/Note 99 is not one of the notes of this document \(deck:D\)/);
    const idLine = text.split('\n').findIndex((l) => l === 'id: 99') + 1;
    expect(unknown?.kind === 'invalid' && unknown.problems[0]?.line).toBe(idLine);
    const dup = r.blocks[3];
    expect(dup?.kind === 'invalid' && dup.problems[0]?.message).toMatch(/already has a block above/);
    const fresh = r.blocks[1];
    expect(fresh?.kind === 'new' && fresh.draft.fields).toEqual([
      ['Front', 'fresh'],
      ['Back', 'x'],
    ]);
  });

  it('property: any notes round-trip through one stream unchanged, block by block', () => {
    fc.assert(
      fc.property(fc.uniqueArray(noteSnapshot, { maxLength: 6, selector: (n) => n.id }), (ns) => {
        const text = renderStream(ns);
        const blocks = splitStream(text);
        expect(blocks.map((b) => b.text)).toEqual(ns.map((n) => renderNote(n)));
        const r = parseStream(text, { bases: new Map(ns.map((n) => [n.id, n])), query: 'q', fieldNamesFor: () => undefined });
        expect(r.blocks.every((b) => b.kind === 'unchanged')).toBe(true);
        expect(r.removed).toEqual([]);
      }),
    );
  });

  it('property: editing one block changes only that note', () => {
    fc.assert(
      fc.property(fc.uniqueArray(noteSnapshot, { minLength: 2, maxLength: 5, selector: (n) => n.id }), fc.nat(), (ns, k) => {
        const target = k % ns.length;
        const t = ns[target] as NoteSnapshot;
        const changed: NoteSnapshot = { ...t, fields: t.fields.map(([n, v], i): [string, string] => [n, i === 0 ? `${v}!` : v]) };
        const text = renderStream(ns.map((n, i) => (i === target ? changed : n)));
        const r = parseStream(text, { bases: new Map(ns.map((n) => [n.id, n])), query: 'q', fieldNamesFor: () => undefined });
        r.blocks.forEach((b, i) => {
          if (i !== target) expect(b.kind).toBe('unchanged');
          else if (t.fields.length > 0) {
            expect(b.kind).toBe('edited');
            expect(b.kind === 'edited' && b.note.fields).toEqual(changed.fields);
          }
        });
      }),
    );
  });
});
