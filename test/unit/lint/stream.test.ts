// The editing help's checks per block of a stream document (pure): each block checked as its own note document,
// at the stream's offsets; the block's id decides what it is checked against.
import { describe, expect, it } from 'vitest';
import { applyEdits, type LintContext } from '../../../src/lint/lint';
import { blockContext, blockSpans, lintStream, spanAt } from '../../../src/lint/stream';
import type { NoteSnapshot } from '../../../src/notes/model';
import { renderStream } from '../../../src/stream/codec';

const noteTypes = new Map([
  ['Basic', { fields: ['Front', 'Back'], isCloze: false, id: 1 }],
  ['Cloze', { fields: ['Text', 'Back Extra'], isCloze: true, id: 2 }],
]);
const note = (id: number, front: string): NoteSnapshot => ({ id, deck: 'Default', noteType: 'Basic', tags: ['t'], fields: [['Front', front], ['Back', `back of ${front}`]], cards: [id] });
const notes = [note(11, 'one'), note(12, 'two'), note(13, 'three')];
const bases = new Map(notes.map((n) => [n.id, n]));
const shared: Omit<LintContext, 'mode'> = { noteTypes, decks: ['Default'], media: new Set() };
const run = (text: string, dupes?: (front: string) => number[] | undefined) =>
  lintStream(text, bases, 'deck:Default', (span, role) => {
    const ctx = blockContext(role, shared);
    const front = /^ {2}Front: (.*)$/m.exec(span.block.text)?.[1];
    const d = front !== undefined ? dupes?.(front) : undefined;
    if (ctx && d) ctx.duplicates = d;
    return ctx;
  });
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length - 1;

describe('lintStream', () => {
  const text = renderStream(notes);

  it('a stream as rendered has no problems', () => {
    expect(run(text)).toEqual([]);
  });

  it("an unknown field in block 3 is reported at block 3's line, with its quick fix at the stream's offsets", () => {
    const bad = text.replace('  Back: back of three', '  Bakc: back of three');
    const ps = run(bad);
    expect(ps.map((x) => x.code)).toEqual(['missingField', 'unknownField']);
    const p = ps.find((x) => x.code === 'unknownField');
    expect(ps.every((x) => x.start > bad.indexOf('id: 13'))).toBe(true);
    expect(lineOf(bad, p?.start ?? 0)).toBe(bad.split('\n').indexOf('  Bakc: back of three'));
    expect(bad.slice(p?.start, p?.end)).toBe('Bakc');
    const fix = p?.fixes.find((f) => f.kind === 'renameField');
    expect(fix).toBeDefined();
    expect(applyEdits(bad, fix?.edits ?? [])).toBe(text);
  });

  it('an id that is not one of the notes, or a second block of a note, is an error on its id line', () => {
    const foreign = text.replace('id: 12\n', 'id: 99\n');
    const [p] = run(foreign);
    expect(p?.code).toBe('idChanged');
    expect(foreign.slice(p?.start, p?.end)).toBe('id: 99');
    expect(p?.message).toMatch(/Note 99 is not one of the notes of this document \(deck:Default\)/);
    const twice = text + text.split('---\n')[1]?.replace(/^/, '---\n');
    const again = run(twice);
    expect(again.map((x) => [x.code, lineOf(twice, x.start)])).toEqual([['idChanged', twice.split('\n').lastIndexOf('id: 11')]]);
  });

  it('a block without id is checked as a new note (note type and its fields from the note types)', () => {
    const fresh = `${text}---\ndeck: Default\nnoteType: Cloze\ntags: []\nfields:\n  Text: no deletion\n`;
    const ps = run(fresh);
    expect(ps.map((x) => `${x.code}:${x.severity}`)).toEqual(['fieldLeftOut:info', 'noCloze:error']);
    expect(ps.every((x) => lineOf(fresh, x.start) > text.split('\n').length - 2)).toBe(true);
  });

  it('a duplicate answer for a block shows on that block only', () => {
    const ps = run(text, (front) => (front === 'two' ? [12, 77] : undefined));
    expect(ps.map((x) => [x.code, x.noteIds])).toEqual([['duplicateNote', [77]]]);
    expect(text.slice(ps[0]?.start, ps[0]?.end)).toBe('Front: two');
  });

  it('spanAt finds the block of an offset; a --- line belongs to none', () => {
    const spans = blockSpans(text);
    expect(spans.map((s) => s.rawId)).toEqual(['11', '12', '13']);
    const inTwo = text.indexOf('back of two');
    expect(spanAt(spans, inTwo)?.rawId).toBe('12');
    const marker = text.indexOf('---', 1) + 1;
    expect(spanAt(spans, marker)).toBeUndefined();
    expect(spanAt(spans, text.length)?.rawId).toBe('13');
  });
});
