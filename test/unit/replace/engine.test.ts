import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyMatches,
  compileMatcher,
  escapeRegExp,
  replaceInText,
  textRanges,
  type Matcher,
  type ReplaceOptions,
} from '../../../src/replace/engine';
import { nastyString } from '../notes/arbitraries';

function matcher(opts: ReplaceOptions): Matcher {
  const r = compileMatcher(opts);
  if (!r.ok) throw new Error(`did not compile: ${JSON.stringify(r.problem)}`);
  return r.matcher;
}

const rep = (text: string, opts: ReplaceOptions): string => replaceInText(text, matcher(opts)).text;

describe('compileMatcher', () => {
  it('rejects an empty find text', () => {
    expect(compileMatcher({ find: '', replace: 'x' })).toEqual({ ok: false, problem: { code: 'emptyFind' } });
  });

  it('rejects an invalid regular expression with the engine message', () => {
    const r = compileMatcher({ find: '(a', replace: '', regex: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.code).toBe('invalidRegex');
    expect(r.problem.code === 'invalidRegex' && r.problem.detail).toMatch(/Unterminated group/);
  });

  it('treats regex syntax in literal mode as text', () => {
    expect(rep('a.b a+b (x)', { find: 'a.b', replace: 'Z' })).toBe('Z a+b (x)');
    expect(rep('a.b a+b (x)', { find: '(x)', replace: 'Z' })).toBe('a.b a+b Z');
    expect(rep('1/2 [x] {y} a|b ^$ \\', { find: '[x] {y} a|b ^$ \\', replace: '!' })).toBe('1/2 !');
  });
});

describe('replace', () => {
  it('is case-insensitive by default and case-sensitive with matchCase', () => {
    expect(rep('Dog dog DOG', { find: 'dog', replace: 'cat' })).toBe('cat cat cat');
    expect(rep('Dog dog DOG', { find: 'dog', replace: 'cat', matchCase: true })).toBe('Dog cat DOG');
  });

  it('whole word: no letter, digit or underscore either side (Unicode letters too)', () => {
    expect(rep('cat cats concat cat_ cat. (cat)', { find: 'cat', replace: 'X', wholeWord: true })).toBe('X cats concat cat_ X. (X)');
    expect(rep('café cafés', { find: 'café', replace: 'X', wholeWord: true })).toBe('X cafés');
    expect(rep('日本語 日本', { find: '日本', replace: 'X', wholeWord: true })).toBe('日本語 X');
    expect(rep('a1 a', { find: 'a', replace: 'X', wholeWord: true })).toBe('a1 X');
  });

  it('regex: groups, named groups, $& and $$ follow JavaScript', () => {
    expect(rep('John Smith', { find: '(\\w+) (\\w+)', replace: '$2, $1', regex: true })).toBe('Smith, John');
    expect(rep('2024-06-01', { find: '(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)', replace: '$<d>.$<m>.$<y>', regex: true })).toBe('01.06.2024');
    expect(rep('abc', { find: 'b', replace: '[$&]', regex: true })).toBe('a[b]c');
    expect(rep('abc', { find: 'b', replace: '$$', regex: true })).toBe('a$c');
    expect(rep('abc', { find: 'b', replace: '$3', regex: true })).toBe('a$3c');
    expect(rep('abc', { find: 'b', replace: "$`|$'", regex: true })).toBe('aa|cc');
  });

  it('regex mode agrees with String.prototype.replace', () => {
    const cases: Array<[string, string, string]> = [
      ['aaa bbb', '(a+)|(b+)', '<$1|$2>'],
      ['x1y22z333', '(\\d)(\\d)?', '$2$1$10'],
      ['hello', 'l', '$0$01$$$'],
      ['ab', '(?<n>a)', '$<n>$<m>$<'],
    ];
    for (const [text, find, replace] of cases) {
      expect(rep(text, { find, replace, regex: true, matchCase: true })).toBe(text.replace(new RegExp(find, 'gu'), replace));
    }
  });

  it('literal mode keeps $ in the replacement (Anki bug #5215)', () => {
    expect(rep('price: 5', { find: '5', replace: '$1 $& $$ $<x>' })).toBe('price: $1 $& $$ $<x>');
  });

  it('never splits a surrogate pair', () => {
    expect(rep('😀a😀', { find: '.', replace: 'x', regex: true })).toBe('xxx');
    expect(rep('😀😁', { find: '😁', replace: '!' })).toBe('😀!');
    // An empty match steps over whole code points.
    expect(rep('😀a', { find: '(?:)', replace: '|', regex: true })).toBe('|😀|a|');
    // A lone low surrogate does not match half of a pair.
    expect(rep('😀', { find: '\udE00', replace: 'x' })).toBe('😀');
  });

  it('text only: leaves tags, attributes, comments, script and style alone', () => {
    const html = '<div class="red">red <b style="color:red">Red</b><!-- red --> <img src="red.png" alt="red"></div><script>red()</script><style>.red{}</style>red';
    expect(rep(html, { find: 'red', replace: 'blue', textOnly: true })).toBe(
      '<div class="red">blue <b style="color:red">blue</b><!-- red --> <img src="red.png" alt="red"></div><script>red()</script><style>.red{}</style>blue',
    );
    // Without text only, everything is text.
    expect(rep('<b class="b">b</b>', { find: 'b', replace: 'i', matchCase: true })).toBe('<i class="i">i</i>');
  });

  it('text only: a match never spans a tag; entities stay as written', () => {
    expect(rep('foo<b>bar</b>', { find: 'foobar', replace: 'X', textOnly: true })).toBe('foo<b>bar</b>');
    expect(rep('a &amp; b &lt;', { find: '&amp;', replace: 'and', textOnly: true })).toBe('a and b &lt;');
    expect(rep('x<br>y<br/>z', { find: 'br', replace: 'BR', textOnly: true })).toBe('x<br>y<br/>z');
  });
});

describe('textRanges', () => {
  it('finds the text between tags', () => {
    const html = 'a<b>bc</b>d<!--e-->f';
    expect(textRanges(html).map(([s, e]) => html.slice(s, e))).toEqual(['a', 'bc', 'd', 'f']);
  });
});

describe('properties', () => {
  const words = fc.constantFrom('a', 'A', 'ab', 'b', ' ', '.', '$', '$1', '😀', 'é', 'e\u0301', '<b>', '</b>', '<i x="a">', '&amp;', '\n', '日本');
  const text = fc.oneof(fc.array(words, { maxLength: 12 }).map((p) => p.join('')), nastyString);

  it('literal replace equals split/join of the find text (any replacement, $ included)', () => {
    fc.assert(
      fc.property(text, fc.array(words, { minLength: 1, maxLength: 3 }).map((p) => p.join('')), fc.array(words, { maxLength: 3 }).map((p) => p.join('')), (t, find, replace) => {
        expect(rep(t, { find, replace, matchCase: true })).toBe(t.split(find).join(replace));
      }),
    );
  });

  it('text only never changes the markup: tags and attributes survive in order', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('a', 'b', 'i', 'x', '<', '"'), fc.constantFrom('', 'Q', '$1', '<'), (t, find, replace) => {
        const after = rep(t, { find, replace, textOnly: true });
        const tagsOf = (s: string): string[] => {
          const out: string[] = [];
          let at = 0;
          for (const [a, b] of textRanges(s)) {
            out.push(s.slice(at, a));
            at = b;
          }
          out.push(s.slice(at));
          return out.filter((x) => x !== '');
        };
        // Joined: emptying the text between two tags makes them one markup run (<b></b>), which is still the same markup.
        if (!replace.includes('<')) expect(tagsOf(after).join('')).toBe(tagsOf(t).join(''));
      }),
    );
  });

  it('matches are in order, inside the text, and applying them gives the result', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('a', '.', 'a|b', '\\w+', '(?:)', 'é', '[😀x]', '\\s'), fc.boolean(), (t, find, textOnly) => {
        const m = matcher({ find, replace: '#', regex: true, textOnly });
        const matches = m.matches(t);
        let at = 0;
        for (const x of matches) {
          expect(x.start).toBeGreaterThanOrEqual(at);
          expect(x.end).toBeGreaterThanOrEqual(x.start);
          expect(t.slice(x.start, x.end)).toBe(x.text);
          at = x.end;
        }
        expect(replaceInText(t, m).text).toBe(applyMatches(t, matches));
      }),
    );
  });

  it('without text only, regex replace equals String.prototype.replace', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('a', '(a)(b)?', '\\w+', 'é|e', '[😀x]', '\\s+', '(?<n>b)'), fc.constantFrom('', '$1', '$$', '$&', '[$<n>]', "$'", '$2$1'), (t, find, replace) => {
        expect(rep(t, { find, replace, regex: true, matchCase: true })).toBe(t.replace(new RegExp(find, 'gu'), replace));
      }),
    );
  });

  it('escapeRegExp makes any text match itself', () => {
    fc.assert(
      fc.property(nastyString.filter((s) => s !== ''), (s) => {
        expect(new RegExp(escapeRegExp(s), 'u').exec(`x${s}y`)?.[0]).toBe(s);
      }),
    );
  });
});
