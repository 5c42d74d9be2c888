import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyFilters,
  cardEntries,
  clozeFilter,
  clozeNumbersInString,
  encodeAttribute,
  extractClozeForTyping,
  fieldIsEmpty,
  fieldMapFor,
  generatedCardOrds,
  hintFilter,
  nonEmptyFields,
  parseTemplate,
  renderCard,
  renderNodes,
  renderNoteCard,
  rendersWithFields,
  revealClozeText,
  revealClozeTextOnly,
  stripHtml,
  stripHtmlInsideMathjax,
  templateToString,
  TemplateSyntaxError,
  ttsFilter,
  furiganaFilter,
  kanaFilter,
  kanjiFilter,
} from '../../../src/template';
import type { NoteTypeDef } from '../../../src/template';
import * as A from './anki-cases';

const map = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));
const render = (template: string, fields: Record<string, string>, cardOrd = 0, frontSide?: string): string => {
  const m = map(fields);
  return renderNodes(parseTemplate(template), { fields: m, nonEmpty: nonEmptyFields(m), cardOrd, frontSide });
};
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return e.message;
    throw e;
  }
  throw new Error('expected a template error');
};

describe("Anki's own cases (rslib tests)", () => {
  it.each(A.fieldEmptyCases)('field_is_empty(%j) = %s', (text, empty) => expect(fieldIsEmpty(text)).toBe(empty));
  it.each(A.roundTripTemplates)('round-trips %j', (t) => expect(templateToString(parseTemplate(t))).toBe(t));
  it.each(A.parseErrorCases)('parse %j fails: %s', (t, fails) => {
    if (fails) expect(() => parseTemplate(t)).toThrow(TemplateSyntaxError);
    else expect(() => parseTemplate(t)).not.toThrow();
  });
  it('parses as Anki does (nodes)', () => {
    expect(parseTemplate('foo {{bar}} {{#baz}} quux {{/baz}}')).toEqual([
      { kind: 'text', text: 'foo ' },
      { kind: 'replacement', key: 'bar', filters: [] },
      { kind: 'text', text: ' ' },
      { kind: 'conditional', key: 'baz', children: [{ kind: 'text', text: ' quux ' }] },
    ]);
    expect(parseTemplate('{{ tag }}')).toEqual([{ kind: 'replacement', key: 'tag', filters: [] }]);
    expect(parseTemplate('text }} more')).toEqual([{ kind: 'text', text: 'text }} more' }]);
    expect(parseTemplate('{{^baz}}{{/baz}}')).toEqual([{ kind: 'negated', key: 'baz', children: [] }]);
  });
  it.each(A.nonEmptyCases)('renders_with_fields(%j) = %s', (t, expected) =>
    expect(rendersWithFields(parseTemplate(t), new Set(['1', '3']))).toBe(expected),
  );
  it.each(A.renderSingleCases)('render_single $template', ({ template, text, error }) => {
    if (error !== undefined) expect(errorOf(() => render(template, A.renderSingleFields, 1))).toBe(error);
    else expect(render(template, A.renderSingleFields, 1)).toBe(text);
  });
  it.each(A.renderCardCases)('render_card $qfmt', ({ qfmt, question, isEmpty }) => {
    const r = renderCard({ qfmt, afmt: '', fields: map({ E: '', N: 'N' }), cardOrd: 1, isCloze: false });
    expect(r.question).toBe(question);
    expect(r.isEmpty).toBe(isEmpty);
  });
  it.each(A.altSyntaxCases)('alt syntax %j', (t, out) => expect(render(t, { Front: 'F', Back: 'B' })).toBe(out));
  it.each(A.furiganaCases)('$filter($input)', ({ filter, input, output }) =>
    expect({ kana: kanaFilter, kanji: kanjiFilter, furigana: furiganaFilter }[filter](input)).toBe(output),
  );
  it.each(A.typingCases)('apply_filters %j', (filters, out) =>
    expect(applyFilters('ignored', filters, 'Text', { cardOrd: 0, question: true })).toEqual({ text: out, remaining: [] }),
  );
  it.each(A.clozeFilterCases)('cloze filter ord $cardOrd question $question', ({ cardOrd, question, stripped, html }) => {
    const out = clozeFilter(A.clozeFilterText, cardOrd, question);
    if (html !== undefined) expect(out).toBe(html);
    if (stripped !== undefined) expect(stripHtml(out)).toBe(stripped);
  });
  it('tts', () => expect(ttsFilter(A.ttsCase.options, A.ttsCase.text)).toBe(A.ttsCase.output));
  it.each(A.clozeNumberCases)('cloze numbers of %j', (t, nums) => expect([...clozeNumbersInString(t)].sort((a, b) => a - b)).toEqual(nums));
  it.each(A.clozeOnlyCases)('cloze-only %j ord %i question %s', (t, ord, q, out) => expect(revealClozeTextOnly(t, ord, q)).toBe(out));
  it.each(A.clozeTypingCases)('cloze for typing %j ord %i', (t, ord, out) => expect(extractClozeForTyping(t, ord)).toBe(out));
  it.each(A.revealStrippedCases)('reveal %j ord %i question %s (text)', (t, ord, q, out) => expect(stripHtml(revealClozeText(t, ord, q))).toBe(out));
  it.each(A.revealHtmlCases)('reveal %j ord %i question %s (HTML)', (t, ord, q, out) => expect(revealClozeText(t, ord, q)).toBe(out));
  it.each(A.revealContainsCases)('reveal %j ord %i contains %s', (t, ord, part) => expect(revealClozeText(t, ord, true)).toContain(part));
  it('strips HTML inside MathJax, keeping entities', () => expect(stripHtmlInsideMathjax(A.mathjaxCase.input)).toBe(A.mathjaxCase.output));
  it("hint: Anki's markup (the DOM id differs: Anki hashes with BLAKE3)", () => {
    const out = hintFilter('foo', 'field');
    const id = /id="hint([0-9a-f]{16})"/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(out).toBe(
      `\n<a class=hint href="#"\nonclick="this.style.display='none';\ndocument.getElementById('hint${id}').style.display='block';\nreturn false;" draggable=false>\nfield</a>\n<div id="hint${id}" class=hint style="display: none">foo</div>\n`,
    );
  });
});

describe('our cases: replacements, sections, errors', () => {
  it('whitespace inside braces, filters right to left, missing filters ignored', () => {
    expect(render('{{  Front  }}', { Front: '<b>x</b>' })).toBe('<b>x</b>');
    expect(render('{{text:Front}}', { Front: '<b>x</b> &amp; y' })).toBe('x & y');
    expect(render('{{kana:furigana:F}}', { F: '漢字[かんじ]' })).toBe('<ruby><rb>漢字</rb><rt>かんじ</rt></ruby>');
    expect(render('{{furigana:kana:F}}', { F: ' 漢字[かんじ]' })).toBe('かんじ');
  });
  it('an unknown filter stops the built-in ones after it (they are left to add-ons)', () => {
    expect(render('{{text:unknown:F}}', { F: '<b>x</b>' })).toBe('<b>x</b>');
    expect(render('{{unknown:text:F}}', { F: '<b>x</b>' })).toBe('x');
  });
  it('empty fields by Anki\'s rule: spaces, <br>, <div> are empty; &nbsp; and <div class> are not', () => {
    expect(render('{{#F}}yes{{/F}}{{^F}}no{{/F}}', { F: '<br/>\n<DIV></div>' })).toBe('no');
    expect(render('{{#F}}yes{{/F}}{{^F}}no{{/F}}', { F: '&nbsp;' })).toBe('yes');
    expect(render('{{#F}}yes{{/F}}{{^F}}no{{/F}}', { F: '<div class="x"></div>' })).toBe('yes');
    expect(render('{{#F}}yes{{/F}}{{^F}}no{{/F}}', { F: '\u00a0' })).toBe('yes');
  });
  it('nested sections of the same and different names', () => {
    expect(render('{{#A}}a{{#B}}b{{^A}}never{{/A}}{{/B}}{{/A}}', { A: '1', B: '2' })).toBe('ab');
    expect(render('{{#A}}{{#A}}twice{{/A}}{{/A}}', { A: '1' })).toBe('twice');
  });
  it('error texts as Anki shows them', () => {
    expect(errorOf(() => parseTemplate('{{#A}}x'))).toBe("Missing '{{/A}}'");
    expect(errorOf(() => parseTemplate('{{#A}}x{{/B}}'))).toBe("Found '{{/B}}', but expected '{{/A}}'");
    expect(errorOf(() => parseTemplate('x{{/B}}'))).toBe("Found '{{/B}}', but missing '{{#B}}' or '{{^B}}'");
    expect(errorOf(() => render('{{#Nope}}{{/Nope}}', {}))).toBe("Found '{{#Nope}}', but there is no field called 'Nope'");
    expect(errorOf(() => render('{{}}', {}))).toBe("Found '{{}}', but there is no field called ''");
    // an error in a section that is not shown still counts
    expect(errorOf(() => render('{{#E}}{{Nope}}{{/E}}', { E: '' }))).toBe("Found '{{Nope}}', but there is no field called 'Nope'");
  });
  it('a template error replaces both sides with the front/back header, escaped', () => {
    const q = renderCard({ qfmt: "{{Nope's}}", afmt: '', fields: map({ F: 'x' }), cardOrd: 0, isCloze: false });
    expect(q.question).toBe(
      "Front template has a problem:<br>Found &#x27;{{Nope&#x27;s}}&#x27;, but there is no field called &#x27;Nope&#x27;s&#x27;<br><a href='https://docs.ankiweb.net/templates/errors.html#template-syntax-error'>More information</a>",
    );
    expect(q.answer).toBe(q.question);
    const a = renderCard({ qfmt: '{{F}}', afmt: '{{#F}}', fields: map({ F: 'x' }), cardOrd: 0, isCloze: false });
    expect(a.error?.side).toBe('answer');
    expect(a.question).toMatch(/^Back template has a problem:<br>Missing &#x27;\{\{\/F\}\}&#x27;/);
  });
  it('FrontSide: empty on the front, the rendered question on the back, filters not applied', () => {
    const r = renderCard({ qfmt: '<b>{{F}}</b>{{FrontSide}}', afmt: '{{text:FrontSide}}|{{B}}', fields: map({ F: 'f', B: 'b' }), cardOrd: 0, isCloze: false });
    expect(r.question).toBe('<b>f</b>');
    expect(r.answer).toBe('<b>f</b>|b');
  });
  it('legacy <% %> syntax', () => expect(render('{{=<% %>=}}<%#F%><%text:F%><%/F%>', { F: '<i>x</i>' })).toBe('x'));
  it('comments are kept verbatim, references inside them not rendered', () => expect(render('<!-- {{Nope}} -->{{F}}', { F: 'x' })).toBe('<!-- {{Nope}} -->x'));
});

describe('our cases: special fields and cards', () => {
  const basic: NoteTypeDef = {
    name: 'Basic (optional reversed card)',
    isCloze: false,
    templates: [
      { name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}<hr id=answer>{{Back}}' },
      { name: 'Card 2', qfmt: '{{#Add Reverse}}{{Back}}{{/Add Reverse}}', afmt: '{{FrontSide}}<hr id=answer>{{Front}}' },
      { name: 'Card 3', qfmt: '{{Deck}} {{Subdeck}} {{Tags}} {{Type}} {{Card}} {{CardFlag}}', afmt: '{{Tags}}' },
    ],
    css: '',
  };
  const note = { fields: [['Front', 'f'], ['Back', 'b'], ['Add Reverse', '']] as Array<[string, string]>, tags: ['t1', 't2'], deck: 'Lang::Spanish' };
  it('special fields', () => {
    expect(renderNoteCard(basic, note, 2).question).toBe('Lang::Spanish Spanish t1 t2 Basic (optional reversed card) Card 3 flag0');
    const m = fieldMapFor([['Tags', 'mine']], { tags: ['x'], noteType: 'T', deck: 'D', templateName: 'C', cardOrd: 4, isCloze: true });
    expect(m.get('Tags')).toBe('mine');
    expect(m.get('Subdeck')).toBe('D');
    expect(m.get('c5')).toBe('1');
  });
  it("card generation by Anki's rule: a card per template whose front is not empty (special fields count)", () => {
    expect(generatedCardOrds(basic, note)).toEqual([0, 2]);
    expect(generatedCardOrds(basic, { ...note, fields: [['Front', ''], ['Back', 'b'], ['Add Reverse', 'y']] })).toEqual([1, 2]);
    expect(cardEntries(basic, note).map((c) => [c.label, c.generated])).toEqual([['Card 1', true], ['Card 2', false], ['Card 3', true]]);
  });
  it('an empty front shows Anki\'s message on both sides', () => {
    const r = renderNoteCard(basic, note, 1);
    expect(r.isEmpty).toBe(true);
    expect(r.answer).toContain('The front of this card is blank.');
  });
  const cloze: NoteTypeDef = {
    name: 'Cloze',
    isCloze: true,
    templates: [{ name: 'Cloze', qfmt: '{{cloze:Text}}{{type:cloze:Text}}', afmt: '{{cloze:Text}}<hr id=answer>{{type:cloze:Text}}<br>{{Back Extra}}' }],
    css: '',
  };
  const cnote = { fields: [['Text', '{{c3::a}} {{c1::b::hint}} {{c1::c}}'], ['Back Extra', 'x']] as Array<[string, string]>, tags: [], deck: 'D' };
  it('one card per cloze number; the type-in box on the front, the expected answer on the back', () => {
    expect(cardEntries(cloze, cnote).map((c) => c.label)).toEqual(['Cloze 1', 'Cloze 3']);
    const c1 = renderNoteCard(cloze, cnote, 0);
    expect(stripHtml(c1.question)).toBe('a [hint] [...]\n\n\n\n');
    expect(c1.question).toContain('<input type=text id=typeans');
    expect(c1.answer).toContain('<code id=typeans>b, c</code>');
    expect(c1.answer.indexOf('<hr id=answer>')).toBeLessThan(c1.answer.indexOf('typeans'));
    const c2 = renderNoteCard(cloze, cnote, 1);
    expect(c2.isEmpty).toBe(true);
    expect(c2.question).toContain('No cloze 2 found on card.');
  });
  it('type: of an unknown field is a template error; of an empty field, nothing', () => {
    const t: NoteTypeDef = { name: 'T', isCloze: false, templates: [{ name: 'C', qfmt: '{{F}}{{type:Nope}}', afmt: '' }], css: '' };
    expect(renderNoteCard(t, { fields: [['F', 'x']], tags: [], deck: 'D' }, 0).question).toContain('there is no field called &#x27;Nope&#x27;');
    const u: NoteTypeDef = { name: 'T', isCloze: false, templates: [{ name: 'C', qfmt: '{{F}}{{type:G}}', afmt: '{{type:G}}' }], css: '' };
    const r = renderNoteCard(u, { fields: [['F', 'x'], ['G', '']], tags: [], deck: 'D' }, 0);
    expect([r.question, r.answer]).toEqual(['x', '']);
  });
  it('sound and TTS tags become play marks', () => {
    const t: NoteTypeDef = { name: 'T', isCloze: false, templates: [{ name: 'C', qfmt: '{{F}}{{tts en_US:F}}', afmt: '' }], css: '' };
    const q = renderNoteCard(t, { fields: [['F', 'hi [sound:a b.mp3]']], tags: [], deck: 'D' }, 0).question;
    expect(q).toContain('data-sound="a b.mp3"');
    expect(q).toContain('anki-files-tts');
    expect(q).not.toContain('[sound:');
  });
  it('encode_attribute', () => expect(encodeAttribute('a b"<é')).toBe('a&#x20;b&quot;&lt;é'));
});

describe('properties', () => {
  const pieces = fc.constantFrom('{{', '}}', '{{#', '{{/', '{{^', 'F', 'G', ':', 'c1', '::', '<!--', '-->', '{{c1::', '{{c2,3::', 'text:', 'cloze:', 'hint:', 'type:', '<br>', '<div>', 'x', ' ', '[', ']', '{{=<% %>=}}', '<%', '%>', 'FrontSide');
  const text = fc.array(pieces, { maxLength: 40 }).map((a) => a.join(''));
  it('rendering never throws anything but a template error, and terminates', () => {
    fc.assert(
      fc.property(text, text, text, fc.boolean(), fc.nat(4), (qfmt, afmt, field, isCloze, ord) => {
        const r = renderCard({ qfmt, afmt, fields: fieldMapFor([['F', field], ['G', '']], { tags: [], noteType: 'N', deck: 'D', templateName: 'T', cardOrd: ord, isCloze }), cardOrd: ord, isCloze });
        expect(typeof r.question).toBe('string');
        expect(typeof r.answer).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
  it('cloze functions never throw and are consistent', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 4 }), (t, ord) => {
        const q = revealClozeText(t, ord, true);
        expect(q === '').toBe(!clozeNumbersInString(t).has(ord) && !(ord === 0 && /\{\{c(0,?)+::/.test(t) && q !== ''));
        revealClozeTextOnly(t, ord, false);
        extractClozeForTyping(t, ord);
      }),
      { numRuns: 500 },
    );
  });
  it('parse → string round-trips every template that parses', () => {
    fc.assert(
      fc.property(text, (t) => {
        let nodes;
        try {
          nodes = parseTemplate(t);
        } catch (e) {
          expect(e).toBeInstanceOf(TemplateSyntaxError);
          return;
        }
        // Not round-trippable, in Anki too: the legacy directive text inside (the written-back template can switch
        // syntax) and a key starting with "{" (written back as "{{{…", whose leading braces are then dropped).
        const back = templateToString(nodes);
        if (!t.includes('=<% %>=') && !back.includes('{{{')) expect(parseTemplate(back)).toEqual(nodes);
      }),
      { numRuns: 500 },
    );
  });
});
