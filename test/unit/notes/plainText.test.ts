// Plain text of field HTML for labels, tab names and hovers (src/notes/plainText.ts).
import { describe, expect, it } from 'vitest';
import { clozeText, htmlToText } from '../../../src/notes/plainText';
import { noteLabel } from '../../../src/notes/paths';
import { displayLabel } from '../../../src/core/listing';

describe('htmlToText', () => {
  it('cloze deletions show their text, with or without a hint, nested too', () => {
    expect(htmlToText('The capital of France is {{c1::Paris::city}}.')).toBe('The capital of France is Paris.');
    expect(htmlToText('{{c1::Tokyo}} and {{c2::Kyoto}}')).toBe('Tokyo and Kyoto');
    expect(clozeText('{{c1::a {{c2::b::h2}} c::h1}}')).toBe('a b c');
    expect(htmlToText('{{c1::<b>bold</b>::hint}}')).toBe('bold');
    expect(clozeText('{{c1::unterminated')).toBe('{{c1::unterminated');
  });

  it('ruby shows its base text (no readings, no parentheses)', () => {
    expect(htmlToText('<ruby>漢字<rp>(</rp><rt>かんじ</rt><rp>)</rp></ruby>を読む')).toBe('漢字を読む');
    expect(htmlToText('<ruby><rb>東</rb><rt>とう</rt><rb>京</rb><rt>きょう</rt></ruby>')).toBe('東京');
  });

  it('entities are decoded, no raw tags remain, blocks and <br> separate words', () => {
    expect(htmlToText('a&nbsp;b &amp; c &lt;d&gt; &quot;e&quot; &#233;&#x263A;')).toBe('a b & c <d> "e" é☺');
    expect(htmlToText('<div>one</div><div>two<br>three</div>')).toBe('one two three');
    expect(htmlToText('<span style="color: red">red</span> <img src="x.png"> <a href="#">link</a>')).toBe('red link');
    expect(htmlToText('x <b>unclosed')).toBe('x unclosed');
    expect(htmlToText('3 < 4 and 5 > 2')).toBe('3 < 4 and 5 > 2');
  });

  it('labels and file names use it: a cloze note is listed by its text; the file name part stays path-safe', () => {
    expect(displayLabel('{{c1::Paris::city}} is the capital')).toBe('Paris is the capital');
    expect(noteLabel('{{c1::Paris::city}} / <i>capital</i>')).toBe('Paris capital');
  });
});
