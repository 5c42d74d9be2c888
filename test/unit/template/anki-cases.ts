// Test cases ported AS DATA from Anki's own Rust tests (ankitects/anki, revision
// c32cb2913d6f4d21e06876265634c55d9d55ee69): rslib/src/template.rs, rslib/src/template_filters.rs,
// rslib/src/cloze.rs (mod test in each). Inputs and expected outputs are Anki's; the comments name the Rust test.

/** template.rs `field_empty` */
export const fieldEmptyCases: Array<[string, boolean]> = [
  ['', true],
  [' ', true],
  ['x', false],
  ['<BR>', true],
  ['<div />', true],
  [' <div> <br> </div>\n', true],
  [' <div>x</div>\n', false],
];

/** template.rs `parsing`: templates that round-trip through template_to_string */
export const roundTripTemplates: string[] = [
  '',
  'foo {{bar}} {{#baz}} quux {{/baz}}',
  'foo <!--{{bar }} --> {{#baz}} --> <!-- <!-- {{#def}} --> \u0123-->\u0456<!-- 2 --><!----> <!-- quux {{/baz}} <!-- {{nc:abc}}',
  'foo {{one:two}} {{one:two:three}} {{^baz}} {{/baz}} {{foo:}}',
  'foo {{one:two}} <!--<!--abc {{^def}}-->--> {{one:two:three}} {{^baz}} <!-- {{/baz}} 🙂 --> {{/baz}} {{foo:}}',
];

/** template.rs `parsing`: must fail (true) or parse (false) */
export const parseErrorCases: Array<[string, boolean]> = [
  ['{{#mis}}{{/matched}}', true],
  ['{{/matched}}', true],
  ['{{#mis}}', true],
  ['{{#mis}}<!--{{/matched}}-->', true],
  ['<!--{{#mis}}{{/matched}}-->', false],
  ['<!--{{foo}}', false],
  ['{{foo}}-->', false],
];

/** template.rs `nonempty`: non-empty fields {1, 3}; [template, renders_with_fields] */
export const nonEmptyCases: Array<[string, boolean]> = [
  ['{{2}}{{1}}', true],
  ['{{2}}', false],
  ['{{2}}{{4}}', false],
  ['{{#3}}{{^2}}{{1}}{{/2}}{{/3}}', true],
  ['{{^1}}{{3}}{{/1}}', false],
];

/**
 * template.rs `render_single`: fields F=f, B=b, E=" ", c1=1, card_ord 1, question side.
 * Expected text, or the error. (Anki's "unknown filter" cases return a partial node for Python's add-on
 * hooks, which without add-ons leave the text as it is: the expected text here is that final text.)
 */
export const renderSingleFields: Record<string, string> = { F: 'f', B: 'b', E: ' ', c1: '1' };
export const renderSingleCases: Array<{ template: string; text?: string; error?: string }> = [
  { template: '{{B}}A{{F}}', text: 'bAf' },
  { template: '{{#E}}A{{/E}}', text: '' },
  { template: '{{#E}}}{{^M}}A{{/M}}{{/E}}}', error: "Found '{{^M}}', but there is no field called 'M'" },
  { template: '{{^E}}1{{#F}}2{{#B}}{{F}}{{/B}}{{/F}}{{/E}}', text: '12f' },
  {
    template: '{{^E}}1<!--{{#F}}2{{#B}}{{F}}{{/B}}{{/F}}-->\u0123<!-- this is a comment -->{{/E}}\u0456',
    text: '1<!--{{#F}}2{{#B}}{{F}}{{/B}}{{/F}}-->\u0123<!-- this is a comment -->\u0456',
  },
  { template: '{{^c2}}1{{#c1}}2{{/c1}}{{/c2}}', text: '12' },
  { template: '{{one:two:B}}', text: 'b' },
  { template: '{{one::text:B}}', text: 'b' },
  { template: '{{text:B}}', text: 'b' },
  { template: '{{X}}', error: "Found '{{X}}', but there is no field called 'X'" },
  { template: '{{foo:text:X}}', error: "Found '{{foo:text:X}}', but there is no field called 'X'" },
  { template: '{{filter:}}', text: '' },
];

/** template.rs `render_card`: fields E="", N="N"; card_ord 1, not cloze */
export const renderCardCases: Array<{ qfmt: string; question: string; isEmpty: boolean }> = [
  {
    qfmt: 'test{{E}}',
    question: "test<div>The front of this card is blank.<br><a href='https://docs.ankiweb.net/templates/errors.html#front-of-card-is-blank'>More information</a></div>",
    isEmpty: true,
  },
  // "a popular card template expects {{FrontSide}} to resolve to an empty string on the front side"
  { qfmt: '{{FrontSide}}{{N}}', question: 'N', isEmpty: false },
];

/** template.rs `alt_syntax`: [template, fields, expected] with fields Front=F, Back=B */
export const altSyntaxCases: Array<[string, string]> = [
  ['\n{{=<% %>=}}\n<%Front%>\n<% #Back %>\n<%/Back%>', '\nF\n\n'],
  ['\n{{=<% %>=}}\n{{#foo}}\n<%Front%>\n{{/foo}}\n', '\n{{#foo}}\nF\n{{/foo}}\n'],
];

/** template_filters.rs `furigana` */
export const furiganaCases: Array<{ filter: 'kana' | 'kanji' | 'furigana'; input: string; output: string }> = [
  { filter: 'kana', input: 'test first[second] third[fourth]', output: 'testsecondfourth' },
  { filter: 'kanji', input: 'test first[second] third[fourth]', output: 'testfirstthird' },
  { filter: 'furigana', input: 'first[second]', output: '<ruby><rb>first</rb><rt>second</rt></ruby>' },
];

/** template_filters.rs `typing` (apply_filters chains, application order) */
export const typingCases: Array<[string[], string]> = [
  [['cloze', 'type'], '[[type:cloze:Text]]'],
  [['nc', 'type'], '[[type:nc:Text]]'],
  [['some', 'unknown', 'type'], '[[type:Text]]'],
];

/** template_filters.rs `cloze`: text "{{c1::one}} {{c2::two::hint}}"; [card_ord, question, stripped or exact] */
export const clozeFilterText = '{{c1::one}} {{c2::two::hint}}';
export const clozeFilterCases: Array<{ cardOrd: number; question: boolean; stripped?: string; html?: string }> = [
  { cardOrd: 0, question: true, stripped: '[...] two' },
  {
    cardOrd: 0,
    question: true,
    html: '<span class="cloze" data-cloze="one" data-ordinal="1">[...]</span> <span class="cloze-inactive" data-ordinal="2">two</span>',
  },
  { cardOrd: 1, question: true, stripped: 'one [hint]' },
  { cardOrd: 1, question: false, stripped: 'one two' },
  // "if the provided ordinal did not match any cloze deletions, Anki treats the string as blank"
  { cardOrd: 2, question: false, html: '' },
];

/** template_filters.rs `tts` */
export const ttsCase = { options: 'en_US voices=Bob,Jane', text: 'foo', output: '[anki:tts lang=en_US voices=Bob,Jane]foo[/anki:tts]' };

/** cloze.rs: cloze_numbers_in_string */
export const clozeNumberCases: Array<[string, number[]]> = [
  ['test', []],
  ['{{c2::te}}{{c1::s}}t{{', [1, 2]],
  ['{{c0::te}}s{{c2::t}}s', [2]],
  ['{{c2::te{{c1::s}}}}t{{', [1, 2]],
  ['öaöaöööaö', []],
  ['{{c1,2,3::multi}}', [1, 2, 3]],
  ['{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}', [1, 2]],
  ['{{c1,1,2::test}}', [1, 2]],
  ['{{c0,1,2::test}}', [1, 2]],
  ['{{c1,,3::test}}', [1, 3]],
  ['{{c1,2::outer {{c3::inner}}}}', [1, 2, 3]],
  ['{{c1::outer {{c1::inner}}}}', [1]],
];

/** cloze.rs `cloze_only` and `multi_card_cloze_only_filter`: reveal_cloze_text_only(text, ord, question) */
export const clozeOnlyCases: Array<[string, number, boolean, string]> = [
  ['foo', 1, true, ''],
  ['foo {{c1::bar}}', 1, true, '...'],
  ['foo {{c1::bar::baz}}', 1, true, 'baz'],
  ['foo {{c1::bar}}', 1, false, 'bar'],
  ['foo {{c1::bar}}', 2, false, ''],
  ['{{c1::foo}} {{c1::bar}}', 1, false, 'foo, bar'],
  ['{{c1,2::shared}} and {{c1::first}} vs {{c2::second}}', 1, true, '..., ...'],
  ['{{c1,2::shared}} and {{c1::first}} vs {{c2::second}}', 2, true, '..., ...'],
  ['{{c1,2::shared}} and {{c1::first}} vs {{c2::second}}', 1, false, 'shared, first'],
  ['{{c1,2::shared}} and {{c1::first}} vs {{c2::second}}', 2, false, 'shared, second'],
];

/** cloze.rs `clozes_for_typing` */
export const clozeTypingCases: Array<[string, number, string]> = [
  ['{{c2::foo}}', 1, ''],
  ['{{c1::foo}} {{c1::bar}} {{c1::foo}}', 1, 'foo, bar, foo'],
  ['{{c1::foo}} {{c1::foo}} {{c1::foo}}', 1, 'foo'],
];

/** cloze.rs: strip_html(reveal_cloze_text(text, ord, question)) */
export const revealStrippedCases: Array<[string, number, boolean, string]> = [
  ['foo {{c1::bar {{c2::baz}}}}', 1, true, 'foo [...]'],
  ['foo {{c1::bar {{c2::baz}}}}', 1, false, 'foo bar baz'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 2, true, 'foo bar [...]'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 2, false, 'foo bar baz'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 1, true, 'foo [qux]'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 1, false, 'foo bar baz'],
  ['{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}', 1, true, '[...] word and [...] vs second'],
  ['{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}', 2, true, '[...] word and first vs [...]'],
  ['{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}', 1, false, 'shared word and first vs second'],
  ['{{c1,2::shared}} word and {{c1::first}} vs {{c2::second}}', 2, false, 'shared word and first vs second'],
  ['{{c1,2::answer::hint}}', 1, true, '[hint]'],
  ['{{c1,2::answer::hint}}', 2, true, '[hint]'],
  ['{{c1,2::answer::hint}}', 1, false, 'answer'],
  ['{{c1,2::answer::hint}}', 2, false, 'answer'],
  ['{{c1,2::outer {{c3::inner}}}}', 1, true, '[...]'],
  ['{{c1,2::outer {{c3::inner}}}}', 2, true, '[...]'],
  ['{{c1,2::outer {{c3::inner}}}}', 3, true, 'outer [...]'],
  ['{{c1::outer {{c1::inner}}}}', 1, true, '[...]'],
];

/**
 * cloze.rs `nested_cloze_html`: reveal_cloze_text(text, ord, question) exactly. `attr(x)` in Anki's test is
 * htmlescape::encode_attribute(x), written out here.
 */
const ATTR_BAR_BAZ = 'bar&#x20;&lt;span&#x20;class&#x3D;&quot;cloze&#x2D;inactive&quot;&#x20;data&#x2D;ordinal&#x3D;&quot;2&quot;&gt;baz&lt;&#x2F;span&gt;';
export const revealHtmlCases: Array<[string, number, boolean, string]> = [
  ['foo {{c1::bar {{c2::baz}}}}', 1, true, `foo <span class="cloze" data-cloze="${ATTR_BAR_BAZ}" data-ordinal="1">[...]</span>`],
  ['foo {{c1::bar {{c2::baz}}}}', 1, false, 'foo <span class="cloze" data-ordinal="1">bar <span class="cloze-inactive" data-ordinal="2">baz</span></span>'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 2, true, 'foo <span class="cloze-inactive" data-ordinal="1">bar <span class="cloze" data-cloze="baz" data-ordinal="2">[...]</span></span>'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 2, false, 'foo <span class="cloze-inactive" data-ordinal="1">bar <span class="cloze" data-ordinal="2">baz</span></span>'],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 1, true, `foo <span class="cloze" data-cloze="${ATTR_BAR_BAZ}" data-ordinal="1">[qux]</span>`],
  ['foo {{c1::bar {{c2::baz}}::qux}}', 1, false, 'foo <span class="cloze" data-ordinal="1">bar <span class="cloze-inactive" data-ordinal="2">baz</span></span>'],
  [
    '{{c1::image-occlusion:rect:left=10.0:top=20:width=30:height=10}}',
    1,
    true,
    '<div class="cloze" data-ordinal="1" data-shape="rect" data-left="10.0" data-top="20" data-width="30" data-height="10" ></div>',
  ],
];

/** cloze.rs `multi_card_cloze_html_attributes`: [text, ord, substring of the question HTML] */
export const revealContainsCases: Array<[string, number, string]> = [
  ['{{c1,2,3::multi}}', 1, 'data-ordinal="1,2,3"'],
  ['{{c1,2,3::multi}}', 2, 'data-ordinal="1,2,3"'],
  ['{{c1,2,3::multi}}', 3, 'data-ordinal="1,2,3"'],
  ['{{c1,2::image-occlusion:rect:left=10:top=20:width=30:height=40}}', 1, 'data-ordinal="1,2"'],
  ['{{c1,2::image-occlusion:rect:left=10:top=20:width=30:height=40}}', 2, 'data-ordinal="1,2"'],
];

/** cloze.rs `mathjax_html` */
export const mathjaxCase = { input: '\\(<foo>&lt;&gt;</foo>\\)', output: '\\(&lt;&gt;\\)' };
