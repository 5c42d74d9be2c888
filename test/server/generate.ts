/**
 * Deterministic sample collection that looks like a real learner's: nested decks, several note types,
 * HTML fields (ruby, <b>, <br>, media references), cloze notes, hierarchical tags, unicode, mixed card states.
 */
import { Collection, type Card, type Note } from './collection';
import type { Model } from './models';
import { cardOrdinals } from './render';
import { JP_KANJI, JP_VOCAB, type KanjiRow, type PartOfSpeech, type VocabRow } from './sampleData';
import { conjugation, PERSONS, TENSES } from './spanish';

export interface GenerateOptions {
  notes: number;
  seed?: number;
  /** reference time in epoch ms (default: now rounded down to the hour) */
  now?: number;
}

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N5_WORDS: Array<[string, string, string]> = [
  ['食べる', 'たべる', 'to eat'], ['飲む', 'のむ', 'to drink'], ['行く', 'いく', 'to go'], ['来る', 'くる', 'to come'],
  ['見る', 'みる', 'to see'], ['聞く', 'きく', 'to listen'], ['話す', 'はなす', 'to speak'], ['読む', 'よむ', 'to read'],
  ['書く', 'かく', 'to write'], ['買う', 'かう', 'to buy'], ['待つ', 'まつ', 'to wait'], ['起きる', 'おきる', 'to get up'],
  ['寝る', 'ねる', 'to sleep'], ['学校', 'がっこう', 'school'], ['先生', 'せんせい', 'teacher'], ['友達', 'ともだち', 'friend'],
  ['電車', 'でんしゃ', 'train'], ['天気', 'てんき', 'weather'], ['時間', 'じかん', 'time'], ['今日', 'きょう', 'today'],
];

const VERBS = ['hablar', 'comer', 'vivir', 'ser', 'estar', 'tener', 'hacer', 'poder', 'decir', 'ir', 'ver', 'dar', 'saber',
  'querer', 'llegar', 'pasar', 'deber', 'poner', 'parecer', 'quedar', 'creer', 'llevar', 'dejar', 'seguir', 'encontrar',
  'llamar', 'venir', 'pensar', 'salir', 'volver', 'tomar', 'conocer', 'escribir', 'sentir', 'tratar', 'mirar', 'contar',
  'empezar', 'esperar', 'buscar'];
const IRREGULAR = new Set(['ser', 'estar', 'tener', 'hacer', 'poder', 'decir', 'ir', 'ver', 'dar', 'saber', 'querer', 'poner', 'venir', 'salir']);

const DRUGS: Array<[string, string, string]> = [
  ['Amoxicillin', 'β-lactam (penicillin)', 'cell wall synthesis'],
  ['Ceftriaxone', 'third-generation cephalosporin', 'cell wall synthesis'],
  ['Vancomycin', 'glycopeptide', 'peptidoglycan polymerisation'],
  ['Azithromycin', 'macrolide', 'the 50S ribosomal subunit'],
  ['Doxycycline', 'tetracycline', 'the 30S ribosomal subunit'],
  ['Ciprofloxacin', 'fluoroquinolone', 'DNA gyrase'],
  ['Gentamicin', 'aminoglycoside', 'the 30S ribosomal subunit'],
  ['Trimethoprim', 'dihydrofolate reductase inhibitor', 'folate synthesis'],
  ['Metronidazole', 'nitroimidazole', 'DNA integrity (free radicals)'],
  ['Linezolid', 'oxazolidinone', 'the 50S initiation complex'],
  ['Meropenem', 'carbapenem', 'cell wall synthesis'],
  ['Clindamycin', 'lincosamide', 'the 50S ribosomal subunit'],
];
const DRUG_FACTS = ['is a {{c1::CLASS}} antibiotic', 'acts on {{c1::TARGET}}', 'belongs to the {{c1::CLASS}} class and inhibits {{c2::TARGET}}'];

const CAPITALS: Array<[string, string, string]> = [
  ['France', 'Paris', '🇫🇷'], ['Japan', 'Tokyo', '🇯🇵'], ['Spain', 'Madrid', '🇪🇸'], ['Germany', 'Berlin', '🇩🇪'],
  ['Italy', 'Rome', '🇮🇹'], ['Brazil', 'Brasília', '🇧🇷'], ['Canada', 'Ottawa', '🇨🇦'], ['Australia', 'Canberra', '🇦🇺'],
  ['Egypt', 'Cairo', '🇪🇬'], ['Peru', 'Lima', '🇵🇪'], ['Iceland', 'Reykjavík', '🇮🇸'], ['Vietnam', 'Hà Nội', '🇻🇳'],
  ['Türkiye', 'Ankara', '🇹🇷'], ['Côte d’Ivoire', 'Yamoussoukro', '🇨🇮'], ['México', 'Ciudad de México', '🇲🇽'],
];

const FRENCH: Array<[string, string]> = [
  ['la pomme', 'the apple'], ['le château', 'the castle'], ['être', 'to be'], ['la forêt', 'the forest'],
  ['l’élève', 'the pupil'], ['déjà', 'already'], ['le cœur', 'the heart'], ['naïf', 'naive'], ['où', 'where'],
  ['la fenêtre', 'the window'], ['Noël', 'Christmas'], ['garçon', 'boy'],
];

const MISC: Array<[string, string]> = [
  ['What does <b>HTTP</b> stand for?', 'HyperText Transfer Protocol'],
  ['Speed of light (m/s)', '299&nbsp;792&nbsp;458'],
  ['Who painted <i>The Starry Night</i>?', 'Vincent van Gogh<br>\n<img src="starry-night.jpg">'],
  ['Boiling point of water at sea level', '100 °C'],
  ['Chemical symbol for gold', 'Au'],
  ['Listen: [sound:bird-song.mp3]', 'A blackbird 🐦'],
];

/** General knowledge for the Default deck after MISC: facts, books (two-line answers), element symbols. */
const FACTS: Array<[string, string]> = [
  ['Largest planet in the Solar System', 'Jupiter'], ['Smallest planet in the Solar System', 'Mercury'],
  ['Closest star to the Sun', 'Proxima Centauri'], ['Longest river in Africa', 'the Nile'],
  ['Highest mountain on Earth', 'Mount Everest<br>\n8,849 m'], ['Deepest point of the oceans', 'Challenger Deep (Mariana Trench)'],
  ['Largest ocean', 'the Pacific'], ['Freezing point of water in °F', '32 °F'],
  ['Number of bones in the adult human body', '206'], ['Number of chromosomes in a human body cell', '46 (23 pairs)'],
  ['Powerhouse of the cell', 'the mitochondrion'], ['Year the Berlin Wall fell', '1989'],
  ['Year of the first crewed Moon landing', '1969 (Apollo 11)'], ['Who discovered penicillin?', 'Alexander Fleming (1928)'],
  ['Who published the theory of general relativity?', 'Albert Einstein (1915)'], ['Who painted the <i>Mona Lisa</i>?', 'Leonardo da Vinci'],
  ['Who composed <i>The Four Seasons</i>?', 'Antonio Vivaldi'], ['Whose <i>Ninth Symphony</i> ends with the “Ode to Joy”?', 'Ludwig van Beethoven'],
  ['SI unit of force', 'newton (N)'], ['SI unit of electrical resistance', 'ohm (Ω)'],
  ['SI unit of energy', 'joule (J)'], ['SI unit of power', 'watt (W)'],
  ['Avogadro constant', '6.022&nbsp;×&nbsp;10<sup>23</sup> mol<sup>−1</sup>'], ['π to five decimal places', '3.14159'],
  ['√2 to three decimal places', '1.414'], ['Area of a circle of radius <i>r</i>', '<i>A</i> = π<i>r</i><sup>2</sup>'],
  ['Pythagorean theorem', '<i>a</i><sup>2</sup> + <i>b</i><sup>2</sup> = <i>c</i><sup>2</sup>'], ['Derivative of sin <i>x</i>', 'cos <i>x</i>'],
  ['What does <b>DNA</b> stand for?', 'deoxyribonucleic acid'], ['What does <b>CPU</b> stand for?', 'central processing unit'],
  ['What does <b>URL</b> stand for?', 'Uniform Resource Locator'], ['Hardest natural substance', 'diamond'],
  ['Gas that plants take in for photosynthesis', 'carbon dioxide (CO<sub>2</sub>)'], ['Largest desert on Earth', 'Antarctica<br>\n(largest hot desert: the Sahara)'],
  ['Most spoken native language', 'Mandarin Chinese'], ['Currency of Japan', 'the yen (円)'],
  ['Currency of the United Kingdom', 'the pound sterling (£)'], ['Players per side in association football', '11'],
  ['Who proposed evolution by natural selection?', 'Charles Darwin<br>\n<i>On the Origin of Species</i> (1859)'], ['Longest bone in the human body', 'the femur'],
  ['Blood type known as the universal donor', 'O negative'], ['Normal human body temperature', '37 °C (98.6 °F)'],
  ['Speed of sound in air at 20 °C', 'about 343 m/s'], ['Planet known as the Red Planet', 'Mars'],
  ['Year the First World War began', '1914'],
];

const BOOKS: Array<[string, string, string]> = [
  ['Don Quixote', 'Miguel de Cervantes', '1605'], ['Pride and Prejudice', 'Jane Austen', '1813'], ['War and Peace', 'Leo Tolstoy', '1869'],
  ['Moby-Dick', 'Herman Melville', '1851'], ['One Hundred Years of Solitude', 'Gabriel García Márquez', '1967'],
  ['The Tale of Genji', 'Murasaki Shikibu', 'early 11th century'], ['Crime and Punishment', 'Fyodor Dostoevsky', '1866'],
  ['Madame Bovary', 'Gustave Flaubert', '1857'], ['Ulysses', 'James Joyce', '1922'], ['The Trial', 'Franz Kafka', '1925'],
  ['Frankenstein', 'Mary Shelley', '1818'], ['Les Misérables', 'Victor Hugo', '1862'], ['The Divine Comedy', 'Dante Alighieri', 'c. 1321'],
  ['Hamlet', 'William Shakespeare', 'c. 1600'], ['Faust', 'Johann Wolfgang von Goethe', '1808'], ['Kokoro', 'Natsume Sōseki', '1914'],
  ['Things Fall Apart', 'Chinua Achebe', '1958'], ['Nineteen Eighty-Four', 'George Orwell', '1949'],
  ['The Little Prince', 'Antoine de Saint-Exupéry', '1943'], ['Anna Karenina', 'Leo Tolstoy', '1878'], ['Jane Eyre', 'Charlotte Brontë', '1847'],
  ['Wuthering Heights', 'Emily Brontë', '1847'], ['The Odyssey', 'Homer', '8th century BC'], ['Beloved', 'Toni Morrison', '1987'],
  ['The Master and Margarita', 'Mikhail Bulgakov', '1967'], ['In Search of Lost Time', 'Marcel Proust', '1913–1927'],
  ['Dream of the Red Chamber', 'Cao Xueqin', '18th century'], ['Middlemarch', 'George Eliot', '1871'], ['The Stranger', 'Albert Camus', '1942'],
  ['Norwegian Wood', 'Haruki Murakami', '1987'],
];

const ELEMENTS: Array<[string, string]> = [
  ['hydrogen', 'H'], ['helium', 'He'], ['lithium', 'Li'], ['carbon', 'C'], ['nitrogen', 'N'], ['oxygen', 'O'], ['fluorine', 'F'],
  ['neon', 'Ne'], ['sodium', 'Na'], ['magnesium', 'Mg'], ['aluminium', 'Al'], ['silicon', 'Si'], ['phosphorus', 'P'], ['sulfur', 'S'],
  ['chlorine', 'Cl'], ['argon', 'Ar'], ['potassium', 'K'], ['calcium', 'Ca'], ['titanium', 'Ti'], ['chromium', 'Cr'], ['manganese', 'Mn'],
  ['iron', 'Fe'], ['cobalt', 'Co'], ['nickel', 'Ni'], ['copper', 'Cu'], ['zinc', 'Zn'], ['arsenic', 'As'], ['bromine', 'Br'],
  ['krypton', 'Kr'], ['silver', 'Ag'], ['tin', 'Sn'], ['iodine', 'I'], ['xenon', 'Xe'], ['tungsten', 'W'], ['platinum', 'Pt'],
  ['mercury', 'Hg'], ['lead', 'Pb'], ['radon', 'Rn'], ['uranium', 'U'], ['plutonium', 'Pu'],
];

/** The Default deck's notes in order: MISC first, then facts, books and elements taken in turn. */
const DEFAULT_NOTES: ReadonlyArray<[string, string]> = (() => {
  const books = BOOKS.map(([t, a, y]): [string, string] => [`Who wrote <i>${t}</i>?`, `${a}<br>\n<small>${y}</small>`]);
  const elements = ELEMENTS.map(([n, sym]): [string, string] => [`Chemical symbol for ${n}`, sym]);
  const out: Array<[string, string]> = [...MISC];
  for (let i = 0; i < Math.max(FACTS.length, books.length, elements.length); i++) {
    for (const list of [FACTS, books, elements]) {
      const x = list[i];
      if (x) out.push(x);
    }
  }
  return out;
})();

/**
 * The note the README shows (its id, deck, fields and tags): the oldest note of every sample collection, in place
 * of the last generated one (so the size stays exact and every other note is as before).
 */
export const README_NOTE = {
  id: 1502298033753,
  deck: 'Japanese::JLPT N3',
  model: 'Basic',
  fields: ['あいさつ', 'greeting<br>\n<b>formal</b>'],
  tags: ['jlpt::n3', 'vocab'],
} as const;

interface DeckPlan {
  name: string;
  share: number;
}

/** Deck names in the sample collection (besides parents created automatically). */
export const SAMPLE_DECKS = {
  vocabulary: 'Japanese::JLPT N3::Vocabulary',
  kanji: 'Japanese::JLPT N3::Kanji',
  n5: 'Japanese::JLPT N5',
  verbs: 'Spanish::Verbs',
  antibiotics: 'Medicine::Pharmacology::Antibiotics',
  capitals: 'Geography_World::Capitals (2024)',
  french: 'Languages::Français ★ Vocabulaire',
  default: 'Default',
} as const;

const PLAN: DeckPlan[] = [
  { name: SAMPLE_DECKS.vocabulary, share: 0.45 },
  { name: SAMPLE_DECKS.kanji, share: 0.1 },
  { name: SAMPLE_DECKS.n5, share: 0.1 },
  { name: SAMPLE_DECKS.verbs, share: 0.1 },
  { name: SAMPLE_DECKS.antibiotics, share: 0.08 },
  { name: SAMPLE_DECKS.capitals, share: 0.07 },
  { name: SAMPLE_DECKS.french, share: 0.06 },
  { name: SAMPLE_DECKS.default, share: 0.04 },
];

const POS_LABEL: Record<PartOfSpeech, string> = {
  noun: 'noun',
  suru: 'noun, する verb',
  verb: 'verb',
  'i-adj': 'い-adjective',
  'na-adj': 'な-adjective',
  adverb: 'adverb',
};

/** first sense of an English gloss ("plan, schedule" → "plan") */
const firstSense = (meaning: string): string => meaning.split(/[;,]/)[0]?.trim() ?? meaning;
const ruby = (expr: string, reading: string): string => `<ruby>${expr}<rt>${reading}</rt></ruby>`;

/** nouns of the curated list, the parts of the synthetic "AのB" phrases past its end */
const NOUNS: readonly VocabRow[] = JP_VOCAB.filter((w) => (w[3] === 'noun' || w[3] === 'suru'));

interface VocabEntry {
  expr: string;
  reading: string;
  meaning: string;
  /** example sentence (HTML, word in <b>) with its translation, or '' */
  example: string;
  real: boolean;
  pos?: PartOfSpeech;
}

/**
 * Vocabulary entry number `idx`: the curated words first, then noun phrases "AのB" (B of A) over distinct
 * pairs of curated nouns, then "AのBのC"; every expression is distinct (no curated word contains の).
 */
function vocabEntry(idx: number): VocabEntry {
  const real = JP_VOCAB[idx];
  if (real) {
    const [expr, reading, meaning, pos, sentence, translation] = real;
    return { expr, reading: ruby(expr, reading), meaning, example: `${sentence.replace('{', '<b>').replace('}', '</b>')}<br><i>${translation}</i>`, real: true, pos };
  }
  const n = NOUNS.length;
  const pairs = n * (n - 1);
  let i = idx - JP_VOCAB.length;
  const parts: VocabRow[] = [];
  const pair = (k: number): void => {
    const a = k % n;
    const b = (a + 1 + (Math.floor(k / n) % (n - 1))) % n;
    parts.push(NOUNS[a] as VocabRow, NOUNS[b] as VocabRow);
  };
  let suffix = '';
  if (i < pairs) pair(i);
  else {
    i -= pairs;
    pair(i % pairs);
    parts.push(NOUNS[Math.floor(i / pairs) % n] as VocabRow);
    const cycle = Math.floor(i / (pairs * n));
    if (cycle > 0) suffix = `（${cycle + 1}）`;
  }
  const expr = parts.map((p) => p[0]).join('の') + suffix;
  const reading = parts.map((p) => ruby(p[0], p[1])).join('の') + suffix;
  const meaning = parts.map((p) => firstSense(p[2])).reverse().join(' of the ');
  return { expr, reading, meaning, example: `この<b>${expr}</b>はとても大切です。`, real: false };
}

/**
 * Kanji entry number `idx`: the curated kanji with their readings, then the curated vocabulary as
 * "kanji in words" (minus single-kanji words already shown), then pairs of curated kanji side by side (meanings only, no invented readings).
 */
const KANJI_WORDS: readonly VocabRow[] = JP_VOCAB.filter((w) => !JP_KANJI.some((k) => k[0] === w[0]));

function kanjiEntry(idx: number): [string, string] {
  const k = JP_KANJI[idx];
  if (k) return [`<b>${k[0]}</b>`, `On: ${k[1]}<br>Kun: ${k[2]}<br><i>${k[3]}</i>`];
  const w = KANJI_WORDS[idx - JP_KANJI.length];
  if (w) return [`<b>${w[0]}</b>`, `${ruby(w[0], w[1])}<br>${w[2]}`];
  const n = JP_KANJI.length;
  const i = idx - JP_KANJI.length - KANJI_WORDS.length;
  const a = JP_KANJI[i % n] as KanjiRow;
  const b = JP_KANJI[(i % n + 1 + (Math.floor(i / n) % (n - 1))) % n] as KanjiRow;
  const cycle = Math.floor(i / (n * (n - 1)));
  return [`<b>${a[0]}</b>・<b>${b[0]}</b>${cycle ? ` (${cycle + 1})` : ''}`, `${a[0]}: ${a[3]}<br>${b[0]}: ${b[3]}`];
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;

export function generateCollection(opts: GenerateOptions): Collection {
  const total = Math.max(0, Math.floor(opts.notes));
  const rnd = prng(opts.seed ?? 1);
  const nowMs = opts.now ?? Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const nowS = Math.floor(nowMs / 1000);
  const crt = Math.floor((nowS - 4 * 365 * 86400) / 86400) * 86400 + 4 * 3600;
  // While generating, the collection's clock stands at `now` (deck and note-type mods are then a function of the
  // seed and `now` alone); afterwards it follows real time so edits through the server bump `mod` as Anki does.
  let generating = true;
  const col = new Collection({ crt, clock: () => (generating ? nowMs : Date.now()) });
  const today = Math.floor((nowS - crt) / 86400);
  const model = (name: string): Model => col.modelByName(name) as Model;
  const basic = model('Basic');
  const reversed = model('Basic (and reversed card)');
  const optional = model('Basic (optional reversed card)');
  const typeIn = model('Basic (type in the answer)');
  const cloze = model('Cloze');
  const japanese = model('Japanese (recognition)');

  // decks get ids from their creation time (3+ years ago)
  let deckTime = nowMs - 3.5 * 365 * 86400_000;
  for (const p of PLAN) {
    col.ensureDeck(p.name, Math.floor(deckTime));
    deckTime += 86400_000;
  }

  // counts per deck: remainder goes to the big vocabulary deck
  const counts = PLAN.map((p) => Math.floor(total * p.share));
  counts[0] = (counts[0] ?? 0) + total - counts.reduce((a, b) => a + b, 0);
  // interleave decks over time like a real learner
  const order: number[] = [];
  counts.forEach((c, d) => {
    for (let i = 0; i < c; i++) order.push(d);
  });
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }

  // note creation times: most spread over 3 years, the last 5% within the last 7 days
  const recent = Math.floor(total * 0.05);
  const oldSpan = 3 * 365 * 86400_000;
  const oldStart = nowMs - oldSpan - 8 * 86400_000;
  const oldGap = Math.max(20, Math.floor(oldSpan / Math.max(1, total - recent)));
  const recentStart = nowMs - 7 * 86400_000;
  const recentGap = Math.max(20, Math.floor((7 * 86400_000 - 3_600_000) / Math.max(1, recent)));
  const perDeckIndex = PLAN.map(() => 0);
  const deckIds = PLAN.map((p) => col.deckByName(p.name)?.id ?? 1);
  // memoised tag canonicalisation and card generation (both depend on few distinct inputs)
  const tagMemo = new Map<string, string[]>();
  const canonTags = (tags: string[]): string[] => {
    const key = tags.join('\u001f');
    let out = tagMemo.get(key);
    if (!out) {
      out = col.canonifyTags(tags);
      tagMemo.set(key, out);
    }
    return [...out];
  };
  const ordMemo = new Map<string, number[]>();
  const ordinals = (m: Model, values: string[]): number[] => {
    if (m.type === 1) return cardOrdinals(m, values);
    const key = `${m.id}:${values.map((v) => (v === '' ? 0 : 1)).join('')}`;
    let out = ordMemo.get(key);
    if (!out) {
      out = cardOrdinals(m, values);
      ordMemo.set(key, out);
    }
    return out;
  };
  let newPos = 1;

  for (let i = 0; i < total; i++) {
    const d = order[i] as number;
    const idx = perDeckIndex[d] ?? 0;
    perDeckIndex[d] = idx + 1;
    const isRecent = i >= total - recent;
    const base = isRecent ? recentStart + (i - (total - recent)) * recentGap : oldStart + i * oldGap;
    let nid = Math.floor(base + rnd() * Math.min(oldGap, recentGap) * 0.5);
    const deckName = (PLAN[d] as DeckPlan).name;
    let m: Model;
    let fields: string[];
    let tags: string[];
    switch (deckName) {
      case SAMPLE_DECKS.vocabulary: {
        const e = vocabEntry(idx);
        m = japanese;
        // the random draws are the same as they always were, so every other deck's notes and cards are unchanged
        const boldMeaning = rnd() < 0.3;
        const withExample = rnd() < 0.5;
        const withAudio = rnd() < 0.4;
        const nounTag = rnd() < 0.3;
        const leech = rnd() < 0.02;
        fields = [
          e.expr,
          e.reading,
          boldMeaning ? `<b>${e.meaning}</b><br>(${e.pos ? POS_LABEL[e.pos] : 'phrase'})` : e.meaning,
          e.real || withExample ? e.example : '',
          withAudio ? `[sound:jp_${nid}.mp3]` : '',
        ];
        const posTag = e.pos ? (e.pos === 'noun' || e.pos === 'suru' ? ['noun'] : e.pos === 'verb' ? ['verb'] : []) : nounTag ? ['noun'] : [];
        tags = ['jlpt::n3', 'vocab', ...posTag, ...(leech ? ['leech'] : [])];
        break;
      }
      case SAMPLE_DECKS.kanji: {
        m = basic;
        fields = kanjiEntry(idx);
        tags = ['jlpt::n3', 'kanji'];
        break;
      }
      case SAMPLE_DECKS.n5: {
        const w = N5_WORDS[idx % N5_WORDS.length] as [string, string, string];
        const cycle = Math.floor(idx / N5_WORDS.length);
        m = rnd() < 0.5 ? reversed : basic;
        fields = [cycle === 0 ? w[0] : `${w[0]}（${cycle}）`, `${w[2]}<br><ruby>${w[0]}<rt>${w[1]}</rt></ruby>`];
        tags = ['jlpt::n5', ...(w[2].startsWith('to ') ? ['verb'] : ['noun'])];
        break;
      }
      case SAMPLE_DECKS.verbs: {
        const n = VERBS.length * PERSONS.length * TENSES.length;
        const v = VERBS[idx % VERBS.length] as string;
        const person = Math.floor(idx / VERBS.length) % PERSONS.length;
        const p = PERSONS[person] as string;
        const t = TENSES[Math.floor(idx / (VERBS.length * PERSONS.length)) % TENSES.length] as (typeof TENSES)[number];
        const cycle = Math.floor(idx / n);
        m = rnd() < 0.6 ? typeIn : reversed;
        fields = [`${v} — <i>${p}</i>, ${t}${cycle ? ` (${cycle + 1})` : ''}`, conjugation(v, t, person)];
        tags = ['verb', IRREGULAR.has(v) ? 'spanish::verbs::irregular' : 'spanish::verbs::regular'];
        break;
      }
      case SAMPLE_DECKS.antibiotics: {
        const [drug, cls, target] = DRUGS[idx % DRUGS.length] as [string, string, string];
        const fact = (DRUG_FACTS[Math.floor(idx / DRUGS.length) % DRUG_FACTS.length] as string).replace('CLASS', cls).replace('TARGET', target);
        const cycle = Math.floor(idx / (DRUGS.length * DRUG_FACTS.length));
        m = cloze;
        fields = [`<b>${drug}</b> ${fact}.${cycle ? ` <small>[${cycle}]</small>` : ''}`, rnd() < 0.5 ? 'See <i>Sanford Guide</i><br><img src="abx-table.png">' : ''];
        tags = ['medicine::pharmacology', 'antibiotics', ...(rnd() < 0.1 ? ['marked'] : [])];
        break;
      }
      case SAMPLE_DECKS.capitals: {
        const [country, capital, flag] = CAPITALS[idx % CAPITALS.length] as [string, string, string];
        const cycle = Math.floor(idx / CAPITALS.length);
        m = reversed;
        fields = [`Capital of ${country} ${flag}${cycle ? ` (${cycle + 1})` : ''}`, `${capital}<br><img src="map_${country.toLowerCase().replace(/[^a-z]/g, '')}.png">`];
        tags = ['geography::capitals', ...(rnd() < 0.5 ? ['geography::europe'] : [])];
        break;
      }
      case SAMPLE_DECKS.french: {
        const [fr, en] = FRENCH[idx % FRENCH.length] as [string, string];
        const cycle = Math.floor(idx / FRENCH.length);
        m = optional;
        fields = [`${fr}${cycle ? ` ${cycle + 1}` : ''}`, en, rnd() < 0.4 ? 'y' : ''];
        tags = ['français', 'vocab'];
        break;
      }
      default: {
        const [q, a] = DEFAULT_NOTES[idx % DEFAULT_NOTES.length] as [string, string];
        const cycle = Math.floor(idx / DEFAULT_NOTES.length);
        m = basic;
        fields = [`${q}${cycle ? ` (${cycle + 1})` : ''}`, a];
        tags = rnd() < 0.5 ? [] : ['misc'];
      }
    }
    let did = deckIds[d] ?? 1;
    if (i === total - 1) {
      // the README's example note, the last one generated (no random draw after it matters)
      nid = README_NOTE.id;
      m = model(README_NOTE.model);
      fields = [...README_NOTE.fields];
      tags = [...README_NOTE.tags];
      did = col.ensureDeck(README_NOTE.deck).id;
    }
    const createdS = Math.floor(nid / 1000);
    const edited = rnd() < 0.3 ? Math.min(nowS - 60, createdS + Math.floor(rnd() * (nowS - createdS))) : createdS;
    const note: Note = { id: nid, mid: m.id, fields: fields.map((f) => f.normalize('NFC')), tags: canonTags(tags), mod: edited, usn: 0 };
    let ords = ordinals(m, note.fields);
    if (ords.length === 0) ords = [0];
    const cards: Card[] = ords.map((ord, k) => {
      const ageDays = Math.floor((nowS - createdS) / 86400);
      const r = rnd();
      const card: Card = {
        id: nid + 1 + k,
        nid,
        did,
        odid: 0,
        ord,
        type: 0,
        queue: 0,
        due: 0,
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
        left: 0,
        mod: edited,
        flags: rnd() < 0.03 ? 1 + Math.floor(rnd() * 4) : 0,
      };
      if (isRecent || r < 0.25) {
        card.due = newPos++;
      } else if (r < 0.32) {
        card.type = 1;
        card.queue = 1;
        card.due = nowS - 600 + Math.floor(rnd() * 3600);
        card.left = 1002;
        card.reps = 1;
      } else if (r < 0.35) {
        card.type = 3;
        card.queue = 1;
        card.due = nowS + Math.floor(rnd() * 1200);
        card.ivl = 1;
        card.factor = 2300;
        card.reps = 8;
        card.lapses = 1;
        card.left = 1001;
      } else {
        card.type = 2;
        card.queue = 2;
        card.ivl = 1 + Math.floor(rnd() * Math.min(365, Math.max(1, ageDays)));
        card.due = today - 10 + Math.floor(rnd() * (card.ivl + 10));
        card.factor = 1300 + 100 * Math.floor(rnd() * 16);
        card.reps = 2 + Math.floor(rnd() * 20);
        card.lapses = rnd() < 0.2 ? 1 + Math.floor(rnd() * 4) : 0;
        if (r > 0.95) card.queue = -1;
        else if (r > 0.93) card.queue = r > 0.94 ? -2 : -3;
        card.mod = Math.max(edited, nowS - (card.due < today ? 86400 : 86400 * 3));
      }
      return card;
    });
    col.insertRaw(note, cards);
  }
  col.reservePosition(newPos);
  generating = false;
  return col;
}
