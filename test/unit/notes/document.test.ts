import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fieldValueNode, parseNewNoteDocument, parseNoteDocument, renderNewNoteTemplate, renderNote, YAML_TO_STRING_OPTIONS } from '../../../src/notes/document';
import type { DocumentProblem, EditedNote, NoteSnapshot } from '../../../src/notes/model';
import { nastyString, noteSnapshot, throughUtf8 } from './arbitraries';

const basic: NoteSnapshot = {
  id: 1502298033753,
  deck: 'Japanese::JLPT N3',
  noteType: 'Basic',
  tags: ['vocab', 'jlpt-n3'],
  fields: [
    ['Front', 'あいさつ'],
    ['Back', 'greeting<br>\n<b>formal</b>'],
  ],
  cards: [1502298033754],
};

function edited(note: NoteSnapshot): EditedNote {
  return { id: note.id, deck: note.deck, noteType: note.noteType, tags: note.tags, fields: note.fields };
}

function withField(note: NoteSnapshot, name: string, value: string): NoteSnapshot {
  return { ...note, fields: note.fields.map(([n, v]) => [n, n === name ? value : v] as [string, string]) };
}

function parseOk(text: string, loaded: NoteSnapshot): EditedNote {
  const r = parseNoteDocument(text, loaded);
  if (!r.ok) throw new Error(`unexpected problems: ${JSON.stringify(r.problems, null, 1)}\n---\n${text}`);
  return r.note;
}

function problemsOf(text: string, loaded: NoteSnapshot = basic): DocumentProblem[] {
  const r = parseNoteDocument(text, loaded);
  if (r.ok) throw new Error(`expected problems for:\n${text}`);
  return r.problems;
}

// Characters that must never appear raw in a rendered document (only as escapes).
// eslint-disable-next-line no-control-regex
const RAW_FORBIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('renderNote', () => {
  it('renders the documented layout exactly', () => {
    expect(renderNote(basic)).toBe(
      [
        '# Anki note · Basic — edit deck, tags and fields; id and noteType are read-only',
        'id: 1502298033753',
        'deck: Japanese::JLPT N3',
        'noteType: Basic',
        'tags: [vocab, jlpt-n3]',
        'fields:',
        '  Front: あいさつ',
        '  Back: |-',
        '    greeting<br>',
        '    <b>formal</b>',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty tag list as [] and keeps the note type field order', () => {
    const text = renderNote({ ...basic, tags: [], fields: [['Z', 'z'], ['A', 'a']] });
    expect(text).toContain('tags: []\n');
    expect(text.indexOf('  Z: z')).toBeLessThan(text.indexOf('  A: a'));
  });

  const cases: Array<[string, string, string]> = [
    // [description, value, expected rendering after "  F: "]
    ['plain text', 'hello world', 'hello world'],
    ['HTML stays raw', '<div class="x">a &amp; b</div>', '<div class="x">a &amp; b</div>'],
    ['a number-like string', '123', '"123"'],
    ['a boolean-like string', 'true', '"true"'],
    ['null-like', 'null', '"null"'],
    ['tilde', '~', '"~"'],
    ['sequence-like', '- x', '"- x"'],
    ['mapping-like', 'a: b', '"a: b"'],
    ['a lone hash', '#', '"#"'],
    ['document marker', '---', '---'],
    ['document end', '...', '...'],
    ['document marker on a line', 'a\n---\n...', '|-\n    a\n    ---\n    ...'],
    ['leading blank', ' x', '" x"'],
    ['trailing blank', 'x ', '"x "'],
    ['empty', '', ''],
    ['multi-line, no final newline', 'a\nb', '|-\n    a\n    b'],
    ['multi-line, one final newline', 'a\nb\n', '|\n    a\n    b'],
    ['multi-line, two final newlines', 'a\nb\n\n', '|+\n    a\n    b\n'],
    ['multi-line starting with a blank', ' a\nb', '|2-\n     a\n    b'],
    ['CRLF', 'a\r\nb', '"a\\r\\nb"'],
    ['lone CR', 'a\rb', '"a\\rb"'],
    ['trailing blank on a line', 'a \nb', '"a\\ \\nb"'],
    ['leading newline', '\na', '"\\na"'],
    ['NEL', 'a\u0085b', '"a\\Nb"'],
    ['LS', 'a\u2028b', '"a\\Lb"'],
    ['PS', 'a\u2029b', '"a\\Pb"'],
    ['BOM', '\ufeffa', '"\\uFEFFa"'],
    ['control character', 'a\u0001b', '"a\\x01b"'],
    ['escape', 'a\u001bb', '"a\\eb"'],
    ['DEL', 'a\u007fb', '"a\\x7Fb"'],
    ['unpaired surrogate', 'a\ud800b', '"a\\ud800b"'],
    ['double quote inside', 'say "hi"', 'say "hi"'],
    ['single quote at start', "'quoted'", `"'quoted'"`],
    ['backslash', 'C:\\path', 'C:\\path'],
  ];
  for (const [what, value, expected] of cases) {
    it(`writes ${what} so it parses back exactly`, () => {
      const note = withField(basic, 'Front', value);
      const text = renderNote(note);
      expect(text).toContain(`\n  Front:${expected === '' ? '' : ' '}${expected}\n`);
      expect(parseOk(throughUtf8(text), note)).toEqual(edited(note));
    });
  }

  it('quotes field names that are not plain keys', () => {
    const note: NoteSnapshot = {
      ...basic,
      fields: [
        ['Back Extra', '1'],
        ['a: b', '2'],
        ['#x', '3'],
        ['- y', '4'],
        ['123', '5'],
        ['日本語', '6'],
      ],
    };
    const text = renderNote(note);
    expect(text).toContain('\n  Back Extra: "1"\n');
    expect(text).toContain('\n  "a: b": "2"\n');
    expect(text).toContain('\n  "#x": "3"\n');
    expect(text).toContain('\n  "- y": "4"\n');
    expect(text).toContain('\n  "123": "5"\n');
    expect(text).toContain('\n  日本語: "6"\n');
    expect(parseOk(text, note)).toEqual(edited(note));
  });

  it('quotes tags that flow syntax would misread', () => {
    const note = { ...basic, tags: ['a,b', '[x]', '123', 'c++', 'JLPT::N3'] };
    const text = renderNote(note);
    expect(text).toContain('tags: ["a,b", "[x]", "123", c++, JLPT::N3]\n');
    expect(parseOk(text, note).tags).toEqual(note.tags);
  });

  it('never writes a line that ends in a blank', () => {
    const note = withField(basic, 'Back', 'x \n  y\t\n\n z  \r\n' + 'long '.repeat(40));
    expect(renderNote(note)).not.toMatch(/[ \t]$/m);
  });

  it('does not fold long lines', () => {
    const long = 'word '.repeat(100).trim();
    const text = renderNote(withField(basic, 'Front', long));
    expect(text).toContain(`  Front: ${long}\n`);
  });
});

describe('parseNoteDocument: text the user typed', () => {
  const typed: Array<[string, string]> = [
    ['123', '123'],
    ['true', 'true'],
    ['False', 'False'],
    ['null', 'null'],
    ['~', '~'],
    ['1e3', '1e3'],
    ['0x1F', '0x1F'],
    ['0o17', '0o17'],
    ['.inf', '.inf'],
    ['-.5', '-.5'],
    ['007', '007'],
    ['1.50', '1.50'],
    ['', ''],
    ['   ', ''],
    ['"quoted" # comment', 'quoted'],
    ["'single ''quoted'''", "single 'quoted'"],
    ['"double \\"quoted\\" \\u00e9"', 'double "quoted" é'],
  ];
  for (const [source, expected] of typed) {
    it(`reads "Front: ${source}" as ${JSON.stringify(expected)}`, () => {
      const text = renderNote(basic).replace('  Front: あいさつ', `  Front: ${source}`);
      expect(parseOk(text, basic).fields).toEqual([
        ['Front', expected],
        ['Back', 'greeting<br>\n<b>formal</b>'],
      ]);
    });
  }

  it('reads a multi-line plain scalar folded as YAML does', () => {
    const text = renderNote(basic).replace('  Front: あいさつ', '  Front: one\n    two\n\n    three');
    expect(parseOk(text, basic).fields[0]).toEqual(['Front', 'one two\nthree']);
  });

  it('reads folded and literal block scalars with every chomping', () => {
    const text = renderNote(basic).replace('  Front: あいさつ', '  Front: >-\n    a\n    b\n\n    c');
    expect(parseOk(text, basic).fields[0]).toEqual(['Front', 'a b\nc']);
    const keep = renderNote(basic).replace('  Back: |-', '  Back: |+');
    expect(parseOk(keep, basic).fields[1]).toEqual(['Back', 'greeting<br>\n<b>formal</b>\n']);
  });

  it('accepts reordered keys, reordered fields, comments, a flow mapping and block-style tags', () => {
    const text = [
      '# my comment',
      'fields:',
      '  Back: "b"  # trailing comment after a quoted value',
      '  Front: f',
      'tags:',
      '  - x',
      '  - "y"',
      'noteType: Basic',
      'deck: Japanese::JLPT N3',
      'id: 1502298033753',
    ].join('\n');
    expect(parseOk(text, basic)).toEqual({ ...edited(basic), tags: ['x', 'y'], fields: [['Front', 'f'], ['Back', 'b']] });
    const flow = '{id: 1502298033753, deck: D, noteType: Basic, tags: [], fields: {Front: f, Back: b}}';
    expect(parseOk(flow, basic)).toEqual({ ...edited(basic), deck: 'D', tags: [], fields: [['Front', 'f'], ['Back', 'b']] });
  });

  it('reads a document saved with CRLF line endings like the LF one', () => {
    const note = withField(basic, 'Front', 'a\nb\n\n');
    const crlf = renderNote(note).replace(/\n/g, '\r\n');
    expect(parseOk(crlf, note)).toEqual(edited(note));
  });

  it('treats `tags:` with nothing as no tags', () => {
    const text = renderNote(basic).replace('tags: [vocab, jlpt-n3]', 'tags:');
    expect(parseOk(text, basic)).toEqual({ ...edited(basic), tags: [] });
  });
});

describe('parseNoteDocument: problems', () => {
  const doc = renderNote(basic);
  const at = (p: DocumentProblem): [string, number, number] => [p.code, p.line, p.column];

  it('reports invalid YAML with the library message and position', () => {
    const problems = problemsOf(doc.replace('tags: [vocab, jlpt-n3]', 'tags: [vocab, jlpt-n3'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.code === 'yaml')).toBe(true);
    expect(problems[0]?.message).toMatch(/^YAML syntax error: .*flow sequence/i);
    expect(problems[0]?.message).not.toMatch(/at line \d+/);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(5);
  });

  it('reports a tab used for indentation as a YAML error', () => {
    const problems = problemsOf(doc.replace('  Front:', '\tFront:'));
    expect(problems[0]?.code).toBe('yaml');
  });

  it('reports duplicate keys, top-level and field names (including "123" vs 123)', () => {
    const problems = problemsOf(doc.replace('noteType: Basic\n', 'noteType: Basic\ndeck: Other\n').replace('  Front: あいさつ\n', '  Front: あいさつ\n  "Front": again\n'));
    expect(problems.map(at)).toEqual([
      ['duplicateKey', 5, 1],
      ['duplicateKey', 9, 3],
    ]);
    expect(problems[0]?.message).toContain('"deck"');
    const numeric = { ...basic, fields: [['123', 'a'], ['Back', 'b']] as Array<[string, string]> };
    const p2 = problemsOf(renderNote(numeric).replace('  Back: b', '  123: again\n  Back: b'), numeric);
    expect(p2.map((p) => p.code)).toEqual(['duplicateKey']);
  });

  it('reports a document that is not a mapping, or empty', () => {
    expect(problemsOf('just text').map(at)).toEqual([['notAMapping', 1, 1]]);
    expect(problemsOf('- a\n- b').map((p) => p.code)).toEqual(['notAMapping']);
    expect(problemsOf('').map((p) => p.code)).toEqual(['notAMapping']);
    expect(problemsOf('# only a comment\n')[0]?.message).toMatch(/empty/);
  });

  it('reports every missing key', () => {
    const problems = problemsOf('id: 1502298033753\nnoteType: Basic\n');
    expect(problems.map((p) => p.code)).toEqual(['missingKey', 'missingKey', 'missingKey']);
    expect(problems.map((p) => p.message).join(' ')).toMatch(/"deck".*"tags".*\[\].*"fields"/);
  });

  it('reports an unknown key with a suggestion', () => {
    const problems = problemsOf(doc.replace('deck:', 'dekc:'));
    expect(problems.map(at)).toEqual([
      ['missingKey', 2, 1],
      ['unknownKey', 3, 1],
    ]);
    expect(problems[1]?.message).toContain('Did you mean "deck"?');
  });

  it('reports a changed id and a changed note type with what to do', () => {
    const problems = problemsOf(doc.replace('id: 1502298033753', 'id: 1502298033754').replace('noteType: Basic', 'noteType: Cloze'));
    expect(problems.map(at)).toEqual([
      ['idChanged', 2, 5],
      ['noteTypeChanged', 4, 11],
    ]);
    expect(problems[0]?.message).toContain('1502298033753');
    expect(problems[1]?.message).toMatch(/Change Note Type in Anki/);
    expect(problems[1]).toMatchObject({ endLine: 4, endColumn: 16 });
  });

  it('reports unknown and missing fields, naming the valid ones and the closest', () => {
    const problems = problemsOf(doc.replace('  Front:', '  Frnt:'));
    expect(problems.map((p) => p.code).sort()).toEqual(['missingField', 'unknownField']);
    const unknown = problems.find((p) => p.code === 'unknownField');
    expect(unknown?.message).toBe('"Basic" notes have no field "Frnt". Did you mean "Front"? Its fields are "Front", "Back".');
    expect(unknown).toMatchObject({ line: 7, column: 3 });
    expect(problemsOf(doc.replace('  Front:', '  front:')).find((p) => p.code === 'unknownField')?.message).toContain('Did you mean "Front"?');
    expect(problemsOf(doc.replace('  Front:', '  Zzzzzz:')).find((p) => p.code === 'unknownField')?.message).not.toContain('Did you mean');
  });

  it('reports non-text field values', () => {
    const problems = problemsOf(doc.replace('  Front: あいさつ', '  Front:\n    a: 1').replace('  Back: |-\n    greeting<br>\n    <b>formal</b>', '  Back: [x, y]'));
    expect(problems.map(at)).toEqual([
      ['fieldNotScalar', 7, 3],
      ['fieldNotScalar', 9, 3],
    ]);
    expect(problems[0]?.message).toMatch(/"Front" must be text, not a mapping/);
    expect(problems[1]?.message).toMatch(/not a list/);
  });

  it('refuses YAML anchors, aliases and tags instead of dropping the text they swallow', () => {
    const cases: Array<[string, RegExp]> = [
      ['&nbsp;hello', /"&nbsp;hello" in front.*anchor/],
      ['&amp; more', /"&amp;" in front.*anchor/],
      ['*important*', /starts with "\*".*alias/],
      ['Issue #5', /followed by " #5".*comment/],
      ['!note this', /"!note" in front.*tag/],
      ['!!str 42', /"!!str" in front.*tag/],
    ];
    for (const [typed, message] of cases) {
      const problems = problemsOf(doc.replace('  Front: あいさつ', `  Front: ${typed}`));
      expect(problems.map(at), typed).toEqual([['fieldNotScalar', 7, 3]]);
      expect(problems[0]?.message, typed).toMatch(message);
      expect(problems[0]?.message).toMatch(/quotes/);
    }
    // The same text quoted or as a block is accepted.
    expect(parseOk(doc.replace('  Front: あいさつ', '  Front: "&nbsp;hello"'), basic).fields[0]).toEqual(['Front', '&nbsp;hello']);
    expect(parseOk(doc.replace('  Front: あいさつ', '  Front: |-\n    *important* &amp; !x'), basic).fields[0]).toEqual(['Front', '*important* &amp; !x']);
    expect(problemsOf(doc.replace('deck: Japanese::JLPT N3', 'deck: &d X')).map((p) => p.code)).toEqual(['badDeck']);
    expect(problemsOf(doc.replace('tags: [vocab, jlpt-n3]', 'tags: [&t a, *t]')).map((p) => p.code)).toEqual(['badTags', 'badTags']);
  });

  it('reports fields that are not a mapping', () => {
    const problems = problemsOf(doc.replace(/fields:[\s\S]*$/, 'fields: text\n'));
    expect(problems.map((p) => p.code)).toEqual(['notAMapping']);
  });

  it('reports tags that are not a list of words', () => {
    const p1 = problemsOf(doc.replace('tags: [vocab, jlpt-n3]', 'tags: vocab jlpt-n3'));
    expect(p1.map(at)).toEqual([['badTags', 5, 7]]);
    expect(p1[0]?.message).toContain('[vocab, jlpt-n3]');
    const p2 = problemsOf(doc.replace('tags: [vocab, jlpt-n3]', 'tags: [vocab, [x], {a: 1}]'));
    expect(p2.map((p) => p.code)).toEqual(['badTags', 'badTags']);
  });

  it('reports tags with spaces, empty tags, quotes and duplicates', () => {
    const problems = problemsOf(doc.replace('tags: [vocab, jlpt-n3]', 'tags: ["two words", "", "a\\"b", Vocab, vocab, "x\u3000y"]'));
    expect(problems.map((p) => p.code)).toEqual(['tagHasSpace', 'badTags', 'badTags', 'badTags', 'tagHasSpace']);
    expect(problems[0]?.message).toContain('[two, words]');
    expect(problems[3]?.message).toMatch(/Duplicate tag "vocab".*case-insensitive/);
  });

  it('reports empty deck names and empty deck components', () => {
    expect(problemsOf(doc.replace('deck: Japanese::JLPT N3', 'deck:')).map(at)).toEqual([['emptyDeck', 3, 6]]);
    expect(problemsOf(doc.replace('deck: Japanese::JLPT N3', 'deck: "  "')).map((p) => p.code)).toEqual(['emptyDeck']);
    for (const bad of ['A::::B', '::A', 'A::', 'A:: ::B']) {
      const problems = problemsOf(doc.replace('deck: Japanese::JLPT N3', `deck: "${bad}"`));
      expect(problems.map((p) => p.code), bad).toEqual(['badDeck']);
      expect(problems[0]?.message).toContain('blank');
    }
    expect(problemsOf(doc.replace('deck: Japanese::JLPT N3', 'deck: \'say "x"\'')).map((p) => p.code)).toEqual(['badDeck']);
  });

  it('reports a case-only change of the deck (Anki would ignore it) but accepts other deck edits', () => {
    const problems = problemsOf(doc.replace('deck: Japanese::JLPT N3', 'deck: japanese::jlpt n3'));
    expect(problems.map(at)).toEqual([['badDeck', 3, 7]]);
    expect(problems[0]?.message).toMatch(/case-insensitive/);
    expect(parseOk(doc.replace('deck: Japanese::JLPT N3', 'deck: " Japanese :: JLPT N3"'), basic).deck).toBe(' Japanese :: JLPT N3');
    expect(parseOk(doc.replace('deck: Japanese::JLPT N3', 'deck: Spanish'), basic).deck).toBe('Spanish');
  });

  it('accepts the note\'s own deck unchanged even where Anki allowed a name users cannot type', () => {
    const odd = { ...basic, deck: ':::Default' }; // Anki can store a level named ":" (from `:"`)
    expect(parseOk(renderNote(odd), odd).deck).toBe(':::Default');
    expect(problemsOf(renderNote(odd).replace('deck: :::Default', 'deck: ":::Other"'), odd).map((p) => p.code)).toEqual(['badDeck']);
  });

  it('reports all problems at once, in document order', () => {
    const text = [
      'id: 1',
      'deck: ""',
      'noteType: Cloze',
      'tags: [a b]',
      'color: red',
      'fields:',
      '  Front: [1]',
      '  Bak: x',
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.code)).toEqual(['idChanged', 'emptyDeck', 'noteTypeChanged', 'tagHasSpace', 'unknownKey', 'missingField', 'fieldNotScalar', 'unknownField']);
    const lines = problems.map((p) => p.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
  });
});

describe('new notes', () => {
  const fieldNamesFor = (t: string): string[] | undefined => ({ Basic: ['Front', 'Back'], Cloze: ['Text', 'Back Extra'] })[t];

  it('renders a template without id and with empty fields', () => {
    const text = renderNewNoteTemplate({ deck: 'Japanese::JLPT N3', noteType: 'Basic', fieldNames: ['Front', 'Back'], tags: ['vocab'] });
    expect(text).toBe(
      [
        '# New Anki note · Basic — fill in the fields and save to create it; the id is assigned on save.',
        '# You may still change deck, noteType and tags before the first save.',
        'deck: Japanese::JLPT N3',
        'noteType: Basic',
        'tags: [vocab]',
        'fields:',
        '  Front:',
        '  Back:',
        '',
      ].join('\n'),
    );
    expect(parseNewNoteDocument(text, fieldNamesFor)).toEqual({
      ok: true,
      note: { deck: 'Japanese::JLPT N3', noteType: 'Basic', tags: ['vocab'], fields: [['Front', ''], ['Back', '']] },
    });
  });

  it('pre-fills values and round-trips them', () => {
    const text = renderNewNoteTemplate({ deck: 'D', noteType: 'Basic', fieldNames: ['Front', 'Back'], values: { Front: '123\nx', Back: 'a\rb' } });
    const r = parseNewNoteDocument(text, fieldNamesFor);
    expect(r.ok && r.note.fields).toEqual([
      ['Front', '123\nx'],
      ['Back', 'a\rb'],
    ]);
  });

  it('lets the note type change before the first save, with missing fields left empty', () => {
    const text = 'deck: D\nnoteType: Cloze\nfields:\n  Text: "{{c1::x}}"\n';
    expect(parseNewNoteDocument(text, fieldNamesFor)).toEqual({
      ok: true,
      note: { deck: 'D', noteType: 'Cloze', tags: [], fields: [['Text', '{{c1::x}}'], ['Back Extra', '']] },
    });
  });

  it('reports an unknown note type with a suggestion, fields of another type, and an id', () => {
    const r1 = parseNewNoteDocument('deck: D\nnoteType: Basci\ntags: []\nfields:\n  Front: x\n', fieldNamesFor, ['Basic', 'Cloze']);
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(r1.problems.map((p) => [p.code, p.line, p.column])).toEqual([['unknownNoteType', 2, 11]]);
      expect(r1.problems[0]?.message).toBe('There is no note type "Basci" in Anki. Did you mean "Basic"? The note types are "Basic", "Cloze".');
    }
    const r2 = parseNewNoteDocument('id: 5\ndeck: D\nnoteType: Cloze\ntags: []\nfields:\n  Front: x\n', fieldNamesFor);
    expect(r2.ok ? [] : r2.problems.map((p) => p.code)).toEqual(['unknownKey', 'unknownField']);
    if (!r2.ok) expect(r2.problems[1]?.message).toContain('"Text", "Back Extra"');
  });

  it('reports a missing deck and note type', () => {
    const r = parseNewNoteDocument('fields:\n  Front: x\n', fieldNamesFor);
    expect(r.ok ? [] : r.problems.map((p) => p.code)).toEqual(['missingKey', 'missingKey']);
  });
});

// 10,000 cases for the core round-trip properties (scale with NOTES_PROPERTY_SCALE, e.g. 0.1 while editing).
const SCALE = Number(process.env.NOTES_PROPERTY_SCALE ?? '1') || 1;
// Generous: the machine running the suite may be shared; speed is not asserted here.
const PROPERTY_TIMEOUT_MS = 300_000;
const RUNS = {
  renderParse: Math.ceil(4000 * SCALE),
  parseRender: Math.ceil(2000 * SCALE),
  edit: Math.ceil(3000 * SCALE),
  crlf: Math.ceil(1000 * SCALE),
  template: Math.ceil(500 * SCALE),
};

describe('round-trip properties', () => {
  it('parse(render(note)) is the note, through UTF-8, and the text has no raw escapes or trailing blanks', () => {
    fc.assert(
      fc.property(noteSnapshot, (note) => {
        const text = renderNote(note);
        expect(text).not.toMatch(RAW_FORBIDDEN);
        expect(text).not.toMatch(/[ \t]$/m);
        expect(parseOk(throughUtf8(text), note)).toEqual(edited(note));
      }),
      { numRuns: RUNS.renderParse },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('render(parse(text)) is the text for every rendered text', () => {
    fc.assert(
      fc.property(noteSnapshot, (note) => {
        const text = renderNote(note);
        const parsed = parseOk(text, note);
        expect(renderNote({ ...parsed, cards: note.cards })).toBe(text);
      }),
      { numRuns: RUNS.parseRender },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('a field changed to any text through the YAML document API parses to exactly that text', () => {
    fc.assert(
      fc.property(noteSnapshot, nastyString, fc.nat(), fc.boolean(), (note, value, pick, folded) => {
        const [name] = note.fields[pick % note.fields.length] ?? ['', ''];
        const doc = parseDocument(renderNote(note));
        doc.setIn(['fields', name], fieldValueNode(value));
        // With our options, and with folding at the library's default width of 80 columns. Folded text is not
        // passed through UTF-8: the library's folding can split a surrogate pair across lines.
        const text = folded
          ? doc.toString({ ...YAML_TO_STRING_OPTIONS, lineWidth: 80, minContentWidth: 20 })
          : throughUtf8(doc.toString(YAML_TO_STRING_OPTIONS));
        const parsed = parseOk(text, note);
        expect(parsed).toEqual(edited(withField(note, name, value)));
      }),
      { numRuns: RUNS.edit },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('a rendered document re-saved with CRLF line endings parses to the same note', () => {
    fc.assert(
      fc.property(noteSnapshot, (note) => {
        expect(parseOk(renderNote(note).replace(/\n/g, '\r\n'), note)).toEqual(edited(note));
      }),
      { numRuns: RUNS.crlf },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('a new-note template parses back to its values', () => {
    fc.assert(
      fc.property(noteSnapshot, (note) => {
        const text = renderNewNoteTemplate({ deck: note.deck, noteType: note.noteType, fieldNames: note.fields.map(([n]) => n), tags: note.tags, values: Object.fromEntries(note.fields) });
        const r = parseNewNoteDocument(throughUtf8(text), (t) => (t === note.noteType ? note.fields.map(([n]) => n) : undefined));
        expect(r).toEqual({ ok: true, note: { deck: note.deck, noteType: note.noteType, tags: note.tags, fields: note.fields } });
      }),
      { numRuns: RUNS.template },
    );
  }, PROPERTY_TIMEOUT_MS);
});
