// fast-check arbitraries shared by the notes tests.
import fc from 'fast-check';
import { normalizeDeckName } from '../../../src/notes/deckName';
import type { NoteSnapshot } from '../../../src/notes/model';

/** Pieces that stress YAML: indicators, re-typed words, every kind of line break and blank, escapes. */
export const NASTY_PIECES = [
  '\n', '\r', '\r\n', '\n\n', ' ', '  ', '\t', ' \n', '\t\n', '\n ', '\u0085', '\u2028', '\u2029', '\ufeff', '\u00a0',
  '"', "'", '\\', '\\n', '#', ' #', '- ', '-', ': ', ':', '---', '...', '|', '|-', '>', '~', 'null', 'true', 'False',
  '123', '1e3', '0x1F', '0o17', '.inf', '-.nan', '1_000', '&a', '*a', '!tag', '!!str', '%', '@', '`', '{', '}', '[', ']',
  ',', '?', '? ', '<<', '<br>', '<b>x</b>', '&nbsp;', '&amp;', '😀', '👩‍👩‍👧', 'あいさつ', '日本語', 'e\u0301', '\u0000',
  '\u0007', '\u001b', '\u007f', '\u0080', '\u009f', '\ud800', '\udc00', '\ufffe', '\uffff', '\u200b', '\u202e', 'x',
  'long text with spaces and words that goes on for quite a while beyond eighty characters in a single line',
];

/** Any string, biased towards YAML-hostile content (includes unpaired surrogates and control characters). */
export const nastyString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...NASTY_PIECES) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    ),
    { maxLength: 7 },
  )
  .map((parts) => parts.join(''));

/** A non-empty field name (anything but empty). */
export const fieldName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('Front', 'Back', 'Back Extra', 'Text', '表', 'Word (kanji)', 'a: b', '- x', '#', '123', 'true', '~', 'null', ' lead', 'trail ', '?', 'Ünïcödé 😀'),
  nastyString.filter((s) => s !== ''),
);

/** A tag Anki would keep as is: non-empty, no space/U+3000, no `"`/control characters. */
export const tag: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('vocab', 'jlpt-n3', 'JLPT::N3', 'c++', 'a,b', '[x]', '#hash', '123', 'true', '~', '-', 'x:', ':y', '日本語', '😀', 'a\u00a0b'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  )
  // eslint-disable-next-line no-control-regex
  .filter((t) => t !== '' && !/[ \u3000"\x00-\x1f\x7f]/.test(t));

export const tagList: fc.Arbitrary<string[]> = fc.uniqueArray(tag, { maxLength: 6, selector: (t) => t.normalize('NFC').toLowerCase() });

/** A deck name as Anki stores it (normalised), with `::` levels. */
export const deckName: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom('Default', 'Japanese', 'JLPT N3', 'a/b', '..', '.', '%', '#', '?', ' x ', 'x.yaml', '日本'), nastyString), { minLength: 1, maxLength: 4 })
  .map((components) => normalizeDeckName(normalizeDeckName(components.join('::'))))
  // Normalising can create a component ending in ":" (from `a:"`), which Anki stores but which no longer
  // splits the same way when written as text; such names cannot be addressed by name through AnkiConnect.
  .filter((d) => normalizeDeckName(d) === d);

export const noteSnapshot: fc.Arbitrary<NoteSnapshot> = fc.record({
  id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  deck: deckName,
  noteType: fc.oneof(fc.constantFrom('Basic', 'Cloze', 'Basic (and reversed card)', '日本語 Vocab'), nastyString.filter((s) => s !== '')),
  tags: tagList,
  fields: fc.uniqueArray(fc.tuple(fieldName, nastyString), { minLength: 1, maxLength: 4, selector: ([name]) => name }),
  cards: fc.array(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), { minLength: 1, maxLength: 3 }),
});

/** What a UTF-8 file holding `text` reads back as. */
export function throughUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
