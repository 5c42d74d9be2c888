/** Stock Anki note types (as a fresh Anki 2.1.5x+/23.x+ collection has them), plus one custom type. */

export interface ModelTemplate {
  name: string;
  qfmt: string;
  afmt: string;
}

export interface ModelField {
  name: string;
  ord: number;
}

export interface Model {
  id: number;
  name: string;
  /** 0 standard, 1 cloze */
  type: 0 | 1;
  fields: ModelField[];
  templates: ModelTemplate[];
  css: string;
  sortf: number;
  mod: number;
}

const BASE_CSS = `.card {
    font-family: arial;
    font-size: 20px;
    line-height: 1.5;
    text-align: center;
    color: black;
    background-color: white;
}
`;

const CLOZE_CSS = `${BASE_CSS}
.cloze {
    font-weight: bold;
    color: blue;
}
.nightMode .cloze {
    color: lightblue;
}
`;

const fields = (...names: string[]): ModelField[] => names.map((name, ord) => ({ name, ord }));

export function stockModels(mod: number): Model[] {
  return [
    {
      id: 1700000000001,
      name: 'Basic',
      type: 0,
      fields: fields('Front', 'Back'),
      templates: [{ name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}' }],
      css: BASE_CSS,
      sortf: 0,
      mod,
    },
    {
      id: 1700000000002,
      name: 'Basic (and reversed card)',
      type: 0,
      fields: fields('Front', 'Back'),
      templates: [
        { name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}' },
        { name: 'Card 2', qfmt: '{{Back}}', afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}' },
      ],
      css: BASE_CSS,
      sortf: 0,
      mod,
    },
    {
      id: 1700000000003,
      name: 'Basic (optional reversed card)',
      type: 0,
      fields: fields('Front', 'Back', 'Add Reverse'),
      templates: [
        { name: 'Card 1', qfmt: '{{Front}}', afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}' },
        {
          name: 'Card 2',
          qfmt: '{{#Add Reverse}}{{Back}}{{/Add Reverse}}',
          afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}',
        },
      ],
      css: BASE_CSS,
      sortf: 0,
      mod,
    },
    {
      id: 1700000000004,
      name: 'Basic (type in the answer)',
      type: 0,
      fields: fields('Front', 'Back'),
      templates: [
        {
          name: 'Card 1',
          qfmt: '{{Front}}\n\n{{type:Back}}',
          afmt: '{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}',
        },
      ],
      css: BASE_CSS,
      sortf: 0,
      mod,
    },
    {
      id: 1700000000005,
      name: 'Cloze',
      type: 1,
      fields: fields('Text', 'Back Extra'),
      templates: [{ name: 'Cloze', qfmt: '{{cloze:Text}}', afmt: '{{cloze:Text}}<br>\n{{Back Extra}}' }],
      css: CLOZE_CSS,
      sortf: 0,
      mod,
    },
    {
      id: 1700000000006,
      name: 'Japanese (recognition)',
      type: 0,
      fields: fields('Expression', 'Reading', 'Meaning', 'Example Sentence', 'Audio'),
      templates: [
        {
          name: 'Recognition',
          qfmt: '<div class="jp">{{Expression}}</div>',
          afmt:
            '{{FrontSide}}\n\n<hr id=answer>\n\n<div class="jp">{{furigana:Reading}}</div>\n{{Meaning}}\n' +
            '{{#Example Sentence}}<div class="ex">{{Example Sentence}}</div>{{/Example Sentence}}\n{{Audio}}',
        },
      ],
      css: `${BASE_CSS}
.jp {
    font-family: "Hiragino Mincho ProN", "Noto Serif CJK JP", serif;
    font-size: 40px;
}
.ex {
    font-size: 16px;
    color: #555;
}
`,
      sortf: 0,
      mod,
    },
    // A note type that exercises the card preview: several templates, sections, hint:, type:, furigana:,
    // special fields, CSS with .nightMode and a media url().
    {
      id: 1700000000007,
      name: 'Vocabulary (3 cards)',
      type: 0,
      fields: fields('Word', 'Reading', 'Meaning', 'Hint', 'Picture'),
      templates: [
        {
          name: 'Recognition',
          qfmt: '<div class="word">{{Word}}</div>\n{{#Hint}}{{hint:Hint}}{{/Hint}}',
          afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n<div class="reading">{{furigana:Reading}}</div>\n{{Meaning}}\n{{#Picture}}<div class="pic">{{Picture}}</div>{{/Picture}}\n<div class="meta">{{Deck}} · {{Tags}}</div>',
        },
        {
          name: 'Recall',
          qfmt: '{{#Meaning}}<div class="meaning">{{Meaning}}</div>\n{{type:Word}}{{/Meaning}}',
          afmt: '<div class="meaning">{{Meaning}}</div>\n\n<hr id=answer>\n\n{{type:Word}}\n<div class="reading">{{furigana:Reading}}</div>',
        },
        {
          name: 'Reading',
          qfmt: '{{#Reading}}<div class="word">{{kanji:Reading}}</div>{{/Reading}}',
          afmt: '{{FrontSide}}\n\n<hr id=answer>\n\n<div class="reading">{{kana:Reading}}</div>{{^Meaning}}<i>(no meaning yet)</i>{{/Meaning}}',
        },
      ],
      css: `${BASE_CSS}
.word {
    font-size: 40px;
}
.reading rt {
    color: #a33;
}
.meta {
    font-size: 12px;
    color: #777;
}
.pic {
    background: url("preview-tile.png") repeat-x bottom;
    padding-bottom: 8px;
}
.nightMode .card, .card.nightMode {
    color: #eee;
    background-color: #1e1e1e;
}
.nightMode .reading rt {
    color: #f99;
}
`,
      sortf: 0,
      mod,
    },
  ];
}
