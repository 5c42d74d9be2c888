import fc from 'fast-check';
import { formatMessage } from '../../../src/messages';
import { describe, expect, it } from 'vitest';
import { deckPath, deckToSegments, noteLabel, notePath, parsePath, segmentsToDeck, stripHtml, truncateText } from '../../../src/notes/paths';
import { deckName, nastyString } from './arbitraries';

describe('deck <-> folders', () => {
  it('makes one readable folder per level', () => {
    expect(deckToSegments('Japanese::JLPT N3')).toEqual(['Japanese', 'JLPT N3']);
    expect(deckPath('Japanese::JLPT N3')).toBe('/Japanese/JLPT N3');
    expect(deckPath('日本語::語彙 #1 (50%)?')).toBe('/日本語/語彙 #1 (50%25)?');
  });

  const escaped: Array<[string, string]> = [
    ['a/b', 'a%2Fb'],
    ['a\\b', 'a%5Cb'],
    ['100%', '100%25'],
    ['%2F', '%252F'],
    ['.', '%2E'],
    ['..', '%2E%2E'],
    ['...', '...'],
    ['.hidden', '.hidden'],
    ['trailing.', 'trailing.'],
    ['C#', 'C#'],
    ['why?', 'why?'],
    ['a b', 'a b'],
    ['notes.yaml', 'notes%2Eyaml'],
    ['x.123.YAML', 'x.123%2EYAML'],
    ['tab\there', 'tab%09here'],
    ['a:b', 'a:b'],
  ];
  for (const [component, segment] of escaped) {
    it(`writes the component ${JSON.stringify(component)} as ${JSON.stringify(segment)} and back`, () => {
      expect(deckToSegments(component)).toEqual([segment]);
      expect(segmentsToDeck([segment])).toBe(component);
      expect(parsePath(`/${segment}`)).toEqual({ kind: 'deck', deck: component });
    });
  }

  it('reads a % that is not an escape literally (folders typed by the user)', () => {
    expect(parsePath('/100% done/x%zz')).toEqual({ kind: 'deck', deck: '100% done::x%zz' });
  });

  it('round-trips every normalised deck name through its path (property)', () => {
    fc.assert(
      fc.property(deckName, (deck) => {
        const segments = deckToSegments(deck);
        for (const s of segments) {
          expect(s).not.toMatch(/[/\\]/);
          expect(s).not.toBe('.');
          expect(s).not.toBe('..');
          expect(s).not.toMatch(/\.yaml$/i);
          expect(s).not.toBe('');
        }
        expect(segmentsToDeck(segments)).toBe(deck);
        expect(parsePath(deckPath(deck))).toEqual({ kind: 'deck', deck });
        expect(parsePath(deckPath(deck) + '/')).toEqual({ kind: 'deck', deck });
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any string at all through its path, normalised or not (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), nastyString, fc.constantFrom('', ':', '.', '..', '%')), { minLength: 1, maxLength: 5 }), (components) => {
        const deck = components.join('::');
        expect(segmentsToDeck(deckToSegments(deck))).toBe(deck);
        expect(parsePath(deckPath(deck))).toEqual({ kind: 'deck', deck });
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a valid path to a deck Anki stores with a level named ":"', () => {
    expect(deckPath(':::Default')).toBe('/%/:Default');
    expect(parsePath('/%/:Default')).toEqual({ kind: 'deck', deck: ':::Default' });
  });
});

describe('note paths', () => {
  it('names a note by label and id', () => {
    expect(notePath('Japanese::JLPT N3', 'あいさつ', 1502298033753)).toBe('/Japanese/JLPT N3/あいさつ.1502298033753.yaml');
    expect(parsePath('/Japanese/JLPT N3/あいさつ.1502298033753.yaml')).toEqual({
      kind: 'note',
      deck: 'Japanese::JLPT N3',
      noteId: 1502298033753,
      label: 'あいさつ',
    });
  });

  it('resolves a note by its id whatever the label says', () => {
    expect(parsePath('/D/anything else.42.yaml')).toMatchObject({ kind: 'note', noteId: 42, label: 'anything else' });
    expect(parsePath('/D/version 1.2.42.yaml')).toMatchObject({ kind: 'note', noteId: 42, label: 'version 1.2' });
    expect(parsePath('/D/.42.yaml')).toMatchObject({ kind: 'note', noteId: 42, label: '' });
  });

  it('round-trips deck, id and label for any sort field (property)', () => {
    fc.assert(
      fc.property(deckName, nastyString, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (deck, sortField, id) => {
        const path = notePath(deck, sortField, id);
        expect(parsePath(path)).toEqual({ kind: 'note', deck, noteId: id, label: noteLabel(sortField) });
      }),
      { numRuns: 2000 },
    );
  });

  it('sees a .yaml file without an id as a new note', () => {
    expect(parsePath('/Japanese/Untitled.yaml')).toEqual({ kind: 'newNote', deck: 'Japanese', name: 'Untitled' });
    expect(parsePath('/Japanese/Vocabulary 2.yaml')).toEqual({ kind: 'newNote', deck: 'Japanese', name: 'Vocabulary 2' });
    expect(parsePath('/Japanese/notes%2Eyaml/x.yaml')).toEqual({ kind: 'newNote', deck: 'Japanese::notes.yaml', name: 'x' });
  });

  it('knows the root and rejects what cannot be a deck or note', () => {
    expect(parsePath('/')).toEqual({ kind: 'root' });
    expect(parsePath('')).toEqual({ kind: 'root' });
    for (const bad of ['/a//b', '/a/../b', '/./a', '/top.123.yaml', '/top.yaml', '/a::b', '/a:/b', '/D/.yaml', '/D/x.0.yaml', '/D/x.99999999999999999999.yaml']) {
      const r = parsePath(bad);
      expect(r.kind, bad).toBe('invalid');
      if (r.kind === 'invalid') expect(formatMessage(r.reason).length).toBeGreaterThan(10);
    }
  });
});

describe('labels', () => {
  it('strips HTML, decodes entities, drops sounds and collapses whitespace', () => {
    expect(stripHtml('<b>greeting</b><br>formal&nbsp;&amp; polite')).toBe('greeting formal & polite');
    expect(stripHtml('a<div>b</div>c')).toBe('a b c');
    expect(stripHtml('x[sound:hello.mp3] y')).toBe('x y');
    expect(stripHtml('&#65;&#x42;&#X1F600; &lt;tag&gt; &unknown; &#0;')).toBe('AB😀 <tag> &unknown; \ufffd');
    expect(stripHtml('<!-- c -->a<style>.x{}</style><script>1<2</script>b')).toBe('ab');
    expect(stripHtml('<img src="a.jpg">')).toBe('');
    expect(stripHtml('  many \n\t spaces  ')).toBe('many spaces');
  });

  it('keeps unicode readable and makes the label file-safe', () => {
    expect(noteLabel('あいさつ')).toBe('あいさつ');
    expect(noteLabel('<b>a/b</b> \\ c')).toBe('a b c');
    expect(noteLabel('What is 1/2? "half" <i>x</i>: *y* | 50% #1')).toBe('What is 1 2 half x y 50 1');
    expect(noteLabel('...hidden.')).toBe('hidden');
    expect(noteLabel('<img src="x.png">')).toBe('note');
    expect(noteLabel('')).toBe('note');
  });

  it('shortens long labels to 40 characters without splitting a character', () => {
    const label = noteLabel('The quick brown fox jumps over the lazy dog and keeps running far away');
    expect(label).toBe('The quick brown fox jumps over the lazy…');
    expect([...label].length).toBeLessThanOrEqual(40);
    const emoji = noteLabel('👩‍👩‍👧'.repeat(20));
    expect(emoji.endsWith('…')).toBe(true);
    expect(emoji.replace('…', '').length % '👩‍👩‍👧'.length).toBe(0);
  });

  it('is always short, non-empty and free of path-breaking characters (property)', () => {
    fc.assert(
      fc.property(nastyString, (html) => {
        const label = noteLabel(html);
        expect(label.length).toBeGreaterThan(0);
        expect([...label].length).toBeLessThanOrEqual(40);
        // eslint-disable-next-line no-control-regex
        expect(label).not.toMatch(/[/\\\x00-\x1f\x7f-\x9f\u2028\u2029]|^[.\s]|\s$/);
        expect(Buffer.from(label, 'utf8').toString('utf8')).toBe(label);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('truncateText', () => {
  // The definition: whole graphemes while they fit in max - 1 code points, then "…".
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  function reference(text: string, max: number): string {
    if ([...text].length <= max) return text;
    let out = '';
    let count = 0;
    for (const { segment } of segmenter.segment(text)) {
      const n = [...segment].length;
      if (count + n > max - 1) break;
      out += segment;
      count += n;
    }
    return `${out.trimEnd()}…`;
  }
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', ' ', '\r', '\n', 'é', 'e\u0301', '\u0301', '\u200d', '😀', '👩‍👩‍👧', '🇯🇵', '日', '\ud800', '\udc00'), maxLength: 30 }),
    fc.string({ maxLength: 30 }),
    nastyString,
  );
  it('cuts at the same place as the grapheme walk, ASCII fast path included', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 12 }), (t, max) => {
        expect(truncateText(t, max)).toBe(reference(t, max));
      }),
      { numRuns: 20000 },
    );
    expect(truncateText('abcdef', 4)).toBe('abc…');
    expect(truncateText('abce\u0301f', 5)).toBe('abc…');
    expect(truncateText('abcde\u0301f', 5)).toBe('abcd…');
    expect(truncateText('ab\r\ncd', 4)).toBe('ab…');
  });
});
