// `npm run bench:preview`: render time of every card of a typical and of a large note, as the card preview
// does it on each (debounced) change: our renderer (src/template: both sides) + the webview sanitiser
// (src/preview/sanitize: both sides and the note type's CSS). Pure CPU, no requests (note types and media
// are cached after the first rendering). Target: ≤ 5 ms median per card.
// Writes its table into test/bench/RESULTS.md between the `preview:begin`/`preview:end` markers (--no-write: print only).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { rewriteCss, sanitizeCardHtml } from '../../src/preview/sanitize';
import { cardEntries, renderNoteCard } from '../../src/template';
import type { NoteContent, NoteTypeDef } from '../../src/template';
import { stockModels } from '../server/models';
import { noteTypeDef } from '../server/render';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'RESULTS.md');
const WRITE = !process.argv.includes('--no-write');

const models = stockModels(0);
const nt = (name: string): NoteTypeDef => noteTypeDef(models.find((m) => m.name === name)!);

const cases: Array<{ label: string; type: NoteTypeDef; note: NoteContent }> = [
  {
    label: 'typical: "Vocabulary (3 cards)" (sections, hint:, type:, furigana:/kana:/kanji:, an image)',
    type: nt('Vocabulary (3 cards)'),
    note: {
      fields: [
        ['Word', '<b>勉強</b>する'],
        ['Reading', '勉強[べんきょう]する'],
        ['Meaning', 'to study<br><i>(suru verb)</i>'],
        ['Hint', 'school, homework'],
        ['Picture', '<img src="preview-cat.png">'],
      ],
      tags: ['jlpt::n4', 'verb'],
      deck: 'Japanese::Vocabulary',
    },
  },
  {
    label: 'typical: Cloze, 3 deletions with a hint, Back Extra with an image',
    type: nt('Cloze'),
    note: {
      fields: [
        ['Text', '<b>Vancomycin</b> inhibits {{c1::cell wall synthesis}} by binding {{c2::D-Ala-D-Ala::target}}; it is {{c3::bactericidal}}.'],
        ['Back Extra', 'See <i>Sanford Guide</i><br><img src="abx-table.png">'],
      ],
      tags: ['medicine::pharmacology'],
      deck: 'Medicine::Antibiotics',
    },
  },
  {
    label: 'large: Cloze, 60 deletions (some nested), 25 KB of HTML, 20 images',
    type: nt('Cloze'),
    note: {
      fields: [
        [
          'Text',
          Array.from({ length: 60 }, (_, i) =>
            `<div>Paragraph ${i}: some <b>bold</b> text and <i>italics</i> with {{c${i + 1}::answer ${i}${i % 7 === 0 ? ` {{c${((i + 3) % 60) + 1}::inner}}` : ''}::hint ${i}}} and more words to make a long line of text &amp; entities.${i % 3 === 0 ? ` <img src="img${i}.png">` : ''}</div>`,
          ).join('\n'),
        ],
        ['Back Extra', '<ul>' + Array.from({ length: 40 }, (_, i) => `<li>extra ${i} <span style="color: red">red</span></li>`).join('') + '</ul>'],
      ],
      tags: ['big'],
      deck: 'Default',
    },
  },
];

const media = (n: string): string => `data:image/png;base64,${n.length}AAAA`;
const labels = { remote: 'Remote image not loaded:', missing: 'Missing media file:', loading: 'Loading' };

function renderOne(type: NoteTypeDef, note: NoteContent, ord: number): number {
  const r = renderNoteCard(type, note, ord);
  const opts = { scripts: false, media, labels };
  const sets = { wanted: new Set<string>(), blocked: new Set<string>() };
  return sanitizeCardHtml(r.question, opts).html.length + sanitizeCardHtml(r.answer, opts).html.length + rewriteCss(type.css, opts, sets).length;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

const rows: string[] = [];
for (const c of cases) {
  const entries = cardEntries(c.type, c.note);
  // warm-up (JIT), then 30 runs of every card
  for (let i = 0; i < 5; i++) for (const e of entries) renderOne(c.type, c.note, e.ord);
  const perCard: number[] = [];
  const perNote: number[] = [];
  let bytes = 0;
  for (let run = 0; run < 30; run++) {
    const t0 = performance.now();
    for (const e of entries) {
      const t = performance.now();
      bytes = renderOne(c.type, c.note, e.ord);
      perCard.push(performance.now() - t);
    }
    perNote.push(performance.now() - t0);
  }
  const med = median(perCard);
  rows.push(
    `| ${c.label} | ${entries.length} | ${fmt(med)} ${med <= 5 ? '✓' : '✗'} | ${fmt(Math.max(...perCard))} | ${fmt(median(perNote))} | ${(bytes / 1024).toFixed(1)} KB |`,
  );
}

const table = [
  `Card preview rendering (${new Date().toISOString().slice(0, 10)}, Node ${process.version}): every card of the note, both sides rendered`,
  'and sanitised, note-type CSS rewritten; 30 runs after warm-up. Target ≤ 5 ms median per card.',
  '',
  '| note | cards | per card (median) | per card (max) | all cards (median) | HTML of the last card |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows,
].join('\n');
console.log(table);

if (WRITE) {
  const begin = '<!-- preview:begin (written by npm run bench:preview; edit outside these markers) -->';
  const end = '<!-- preview:end -->';
  let md = fs.readFileSync(OUT, 'utf8');
  const block = `${begin}\n${table}\n${end}`;
  const i = md.indexOf(begin);
  const j = md.indexOf(end);
  if (i >= 0 && j > i) md = md.slice(0, i) + block + md.slice(j + end.length);
  else md = `${md.trimEnd()}\n\n## Card preview\n\n${block}\n`;
  fs.writeFileSync(OUT, md);
}
