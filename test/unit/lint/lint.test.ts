import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderNewNoteTemplate, renderNote } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';
import { applyEdits, dupeQuery, duplicateProbe, lintNoteDocument, type LintContext, type LintProblem } from '../../../src/lint/lint';

const basic: NoteSnapshot = { id: 1502298033753, deck: 'Japanese::JLPT N3', noteType: 'Basic', tags: ['vocab', 'jlpt-n3'], fields: [['Front', 'あいさつ'], ['Back', 'greeting<br>\n<b>formal</b>']], cards: [1] };
const cloze: NoteSnapshot = { id: 42, deck: 'Default', noteType: 'Cloze', tags: [], fields: [['Text', 'The {{c1::sun}} is hot'], ['Back Extra', '']], cards: [2] };
const noteTypes = new Map([
  ['Basic', { fields: ['Front', 'Back'], isCloze: false, id: 1 }],
  ['Cloze', { fields: ['Text', 'Back Extra'], isCloze: true, id: 2 }],
]);
const ctxOf = (loaded: NoteSnapshot, extra: Partial<LintContext> = {}): LintContext => ({
  mode: 'existing', loaded, noteTypes, decks: ['Default', 'Japanese', 'Japanese::JLPT N3'], media: new Set(['cat.png', 'hello world.mp3', 'a b.png']), ...extra,
});
const lint = (text: string, ctx: LintContext): LintProblem[] => lintNoteDocument(text, ctx);
const codes = (ps: LintProblem[]): string[] => ps.map((p) => `${p.code}:${p.severity}`);
const at = (text: string, p: LintProblem | undefined): string => (p ? text.slice(p.start, p.end) : '<none>');
const doc = renderNote(basic);
const edit = (from: string, to: string, base = doc): string => {
  expect(base).toContain(from);
  return base.replace(from, to);
};

describe('lintNoteDocument', () => {
  it('a note as rendered has no problems', () => {
    expect(lint(doc, ctxOf(basic))).toEqual([]);
    expect(lint(renderNote(cloze), ctxOf(cloze))).toEqual([]);
  });

  it('parser problems are errors with the save\'s message and exact range', () => {
    const t = edit('noteType: Basic', 'noteType: Cloze');
    const [p] = lint(t, ctxOf(basic));
    expect(p?.code).toBe('noteTypeChanged');
    expect(p?.severity).toBe('error');
    expect(p?.message).toMatch(/^The note type is read-only here: set it back to "Basic"/);
    expect(at(t, p)).toBe('Cloze');
    const y = edit('deck: Japanese::JLPT N3', 'deck: [oops');
    expect(codes(lint(y, ctxOf(basic)))[0]).toBe('yaml:error');
    const d = edit('  Back:', '  Front: again\n  Back:');
    expect(codes(lint(d, ctxOf(basic)))).toContain('duplicateKey:error');
    const k = edit('tags:', 'tagz:');
    expect(codes(lint(k, ctxOf(basic)))).toEqual(expect.arrayContaining(['unknownKey:error', 'missingKey:error']));
    const i = edit('id: 1502298033753', 'id: 1502298033754');
    expect(at(i, lint(i, ctxOf(basic)).find((p) => p.code === 'idChanged'))).toBe('1502298033754');
  });

  it('unknown field: error with a rename to the closest field; applying it leaves a valid document', () => {
    const t = edit('  Back:', '  Bakc:');
    const ps = lint(t, ctxOf(basic));
    const p = ps.find((x) => x.code === 'unknownField');
    expect(at(t, p)).toBe('Bakc');
    expect(p?.fixes[0]?.kind).toBe('renameField');
    const fixed = applyEdits(t, p?.fixes[0]?.edits ?? []);
    expect(fixed).toBe(doc);
    expect(lint(fixed, ctxOf(basic))).toEqual([]);
  });

  it('missing field in an existing note: error with a fix that adds it', () => {
    const t = doc.replace(/  Back: \|-\n    greeting<br>\n    <b>formal<\/b>\n?/, '');
    const p = lint(t, ctxOf(basic)).find((x) => x.code === 'missingField');
    expect(p?.severity).toBe('error');
    const fixed = applyEdits(t, p?.fixes[0]?.edits ?? []);
    expect(lint(fixed, ctxOf(basic)).map((x) => x.code)).toEqual(['emptyFirstField'].filter(() => false));
  });

  it('tags: a space (split or join), an empty tag, a duplicate tag (case-insensitive)', () => {
    const t = edit('tags: [vocab, jlpt-n3]', 'tags: [vocab, jlpt n3]');
    const p = lint(t, ctxOf(basic))[0];
    expect(p?.code).toBe('tagHasSpace');
    expect(at(t, p)).toBe('jlpt n3');
    expect(p?.fixes.map((f) => f.kind)).toEqual(['splitTag', 'joinTag']);
    expect(applyEdits(t, p?.fixes[0]?.edits ?? [])).toContain('tags: [vocab, jlpt, n3]');
    expect(applyEdits(t, p?.fixes[1]?.edits ?? [])).toContain('tags: [vocab, jlpt_n3]');
    for (const f of p?.fixes ?? []) expect(lint(applyEdits(t, f.edits), ctxOf(basic))).toEqual([]);

    const e = edit('tags: [vocab, jlpt-n3]', 'tags: [vocab, "", jlpt-n3]');
    const pe = lint(e, ctxOf(basic))[0];
    expect(codes([pe as LintProblem])).toEqual(['emptyTag:error']);
    expect(at(e, pe)).toBe('""');
    expect(lint(applyEdits(e, pe?.fixes[0]?.edits ?? []), ctxOf(basic))).toEqual([]);

    const d = edit('tags: [vocab, jlpt-n3]', 'tags: [vocab, jlpt-n3, Vocab]');
    const pd = lint(d, ctxOf(basic))[0];
    expect(codes([pd as LintProblem])).toEqual(['duplicateTag:error']);
    expect(at(d, pd)).toBe('Vocab');
    expect(applyEdits(d, pd?.fixes[0]?.edits ?? [])).toBe(doc);
  });

  it('deck: invalid name is an error; a deck that does not exist yet is information', () => {
    const t = edit('deck: Japanese::JLPT N3', 'deck: Japanese::::N3');
    expect(codes(lint(t, ctxOf(basic)))).toEqual(['badDeck:error']);
    const n = edit('deck: Japanese::JLPT N3', 'deck: Japanese::JLPT N2');
    const p = lint(n, ctxOf(basic));
    expect(codes(p)).toEqual(['newDeck:info']);
    expect(at(n, p[0])).toBe('Japanese::JLPT N2');
    expect(lint(edit('deck: Japanese::JLPT N3', 'deck: japanese'), ctxOf(basic))).toEqual([]);
  });

  it('empty first field: warning in an existing note, error in a new one', () => {
    const t = edit('Front: あいさつ', 'Front: <br>&nbsp;');
    const p = lint(t, ctxOf(basic));
    expect(codes(p)).toEqual(['emptyFirstField:warning']);
    expect(at(t, p[0])).toBe('Front: <br>&nbsp;');
    const fresh = renderNewNoteTemplate({ deck: 'Default', noteType: 'Basic', fieldNames: ['Front', 'Back'] });
    expect(codes(lint(fresh, { mode: 'new', noteTypes, decks: ['Default'] }))).toEqual(['emptyFirstField:error']);
    expect(lint(fresh.replace('Front:', 'Front: <img src="cat.png">'), { mode: 'new', noteTypes, decks: ['Default'], media: new Set(['cat.png']) })).toEqual([]);
  });

  it('new notes: fields left out are information; unknown note types and fields are errors once note types are known', () => {
    const fresh = renderNewNoteTemplate({ deck: 'Default', noteType: 'Basic', fieldNames: ['Front', 'Back'] }).replace('Front:', 'Front: x').replace(/  Back:\n?/, '');
    expect(codes(lint(fresh, { mode: 'new', noteTypes, decks: ['Default'] }))).toEqual(['fieldLeftOut:info']);
    const bad = fresh.replace('noteType: Basic', 'noteType: Basik');
    const p = lint(bad, { mode: 'new', noteTypes, decks: ['Default'] });
    expect(codes(p)).toEqual(['unknownNoteType:error']);
    expect(p[0]?.message).toContain('Did you mean "Basic"?');
    expect(lint(bad, { mode: 'new' })).toEqual([]);
  });

  it('cloze: a Cloze note without deletion, cloze syntax in a non-cloze note, malformed deletions', () => {
    const c = renderNote(cloze);
    const none = c.replace('The {{c1::sun}} is hot', 'The sun is hot');
    expect(codes(lint(none, ctxOf(cloze)))).toEqual(['noCloze:warning']);
    const freshCloze = renderNewNoteTemplate({ deck: 'Default', noteType: 'Cloze', fieldNames: ['Text', 'Back Extra'] }).replace('Text:', 'Text: no deletion');
    expect(codes(lint(freshCloze, { mode: 'new', noteTypes, decks: ['Default'] }))).toEqual(['noCloze:error']);
    const inBasic = edit('Front: あいさつ', 'Front: "{{c1::あいさつ}}"');
    const p = lint(inBasic, ctxOf(basic));
    expect(codes(p)).toEqual(['clozeInNonCloze:warning']);
    expect(at(inBasic, p[0])).toBe('{{c1::');
    for (const [bad, kind, range] of [
      ['{{c1::sun}', 'unclosed', '{{c1::sun} is hot'],
      ['{{c::sun}}', 'noNumber', '{{c::'],
      ['{{c1:sun}}', 'singleColon', '{{c1:'],
    ] as const) {
      const t = c.replace('The {{c1::sun}} is hot', `"The {{c2::x}} ${bad} is hot"`);
      const ps = lint(t, ctxOf(cloze));
      expect(ps.map((x) => `${x.code}:${x.variant ?? ''}`)).toEqual([`malformedCloze:${kind}`]);
      expect(at(t, ps[0]).replace(/"$/, '')).toBe(range);
    }
  });

  it('HTML: unclosed, stray and mis-nested elements, with fixes; void elements, entities and ruby are fine', () => {
    const ok = edit('Front: あいさつ', 'Front: <div>a<br>b&nbsp;<ruby>漢<rt>かん</rt></ruby><img src="cat.png"><p>x<li>y</div>');
    expect(lint(ok, ctxOf(basic))).toEqual([]);
    const unclosed = edit('Front: あいさつ', 'Front: <b>x');
    const pu = lint(unclosed, ctxOf(basic));
    expect(codes(pu)).toEqual(['unclosedElement:warning']);
    expect(at(unclosed, pu[0])).toBe('<b>');
    expect(lint(applyEdits(unclosed, pu[0]?.fixes[0]?.edits ?? []), ctxOf(basic))).toEqual([]);
    const stray = edit('Front: あいさつ', 'Front: x</i>');
    const ps = lint(stray, ctxOf(basic));
    expect(codes(ps)).toEqual(['strayEndTag:warning']);
    expect(at(stray, ps[0])).toBe('</i>');
    const nested = edit('Front: あいさつ', 'Front: <b><i>x</b></i>');
    const pn = lint(nested, ctxOf(basic));
    expect(pn.map((p) => `${p.code}:${at(nested, p)}`)).toEqual(['unclosedElement:<i>', 'strayEndTag:</i>']);
    // In a block scalar: exact ranges on the right line.
    const block = edit('    <b>formal</b>', '    <b>formal</b>\n    <u>open');
    const pb = lint(block, ctxOf(basic));
    expect(pb.map((p) => at(block, p))).toEqual(['<u>']);
    const fixedBlock = applyEdits(block, pb[0]?.fixes[0]?.edits ?? []);
    expect(fixedBlock).toContain('<u>open</u>');
    expect(lint(fixedBlock, ctxOf(basic))).toEqual([]);
  });

  it('media: images and sounds not in the media folder are warnings', () => {
    const t = edit('Front: あいさつ', 'Front: <img src="cat.png"><img src="dog.png">[sound:hello world.mp3][sound:bye.mp3]<img src="a%20b.png"><img src="https://x/y.png">');
    const p = lint(t, ctxOf(basic));
    expect(p.map((x) => `${x.code}:${at(t, x)}`)).toEqual(['missingMedia:dog.png', 'missingMedia:bye.mp3']);
    expect(lint(t, ctxOf(basic, { media: undefined }))).toEqual([]);
  });

  it('duplicate: a warning on the first field naming the other notes (not the note itself)', () => {
    const p = lint(doc, ctxOf(basic, { duplicates: [basic.id, 7] }));
    expect(codes(p)).toEqual(['duplicateNote:warning']);
    expect(p[0]?.noteIds).toEqual([7]);
    expect(at(doc, p[0])).toBe('Front: あいさつ');
    expect(lint(doc, ctxOf(basic, { duplicates: [basic.id] }))).toEqual([]);
    expect(duplicateProbe(doc, ctxOf(basic))).toEqual({ noteType: 'Basic', firstField: 'あいさつ' });
    expect(dupeQuery(1, 'a "b" \\c')).toBe('"dupe:1,a \\"b\\" \\\\c"');
  });

  it('property: every fix applied to a document with random field HTML removes its problem and leaves the YAML valid', () => {
    const piece = fc.constantFrom('<b>', '</b>', '<i>', '</i>', '<div>', '</div>', '<br>', 'x', ' ', '&amp;', '<span class="a">', '</span>', '\n', '"', ':', '#', '{{c1::', '}}');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), fc.array(fc.constantFrom('a', 'b c', 'B', ''), { maxLength: 4 }), (parts, tags) => {
        const note: NoteSnapshot = { ...basic, tags: [], fields: [['Front', 'w' + parts.join('')], ['Back', parts.reverse().join('')]] };
        let text = renderNote(note);
        text = text.replace('tags: []', `tags: [${tags.map((t) => JSON.stringify(t)).join(', ')}]`);
        const before = lint(text, ctxOf(note));
        for (const p of before) {
          for (const f of p.fixes) {
            const after = applyEdits(text, f.edits);
            const ps = lint(after, ctxOf(note));
            expect(ps.filter((x) => x.code === 'yaml'), `${JSON.stringify(text)} + ${JSON.stringify(f)}`).toEqual([]);
            const same = ps.filter((x) => x.code === p.code);
            expect(same.length).toBeLessThan(before.filter((x) => x.code === p.code).length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
