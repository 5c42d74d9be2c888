// Media tags as Anki's editor writes them, and the upload limits.
import { describe, expect, it } from 'vitest';
import { checkUpload, mediaKind, mediaTag, pyQuote, uploadName } from '../../../src/media/mediaTags';

describe('media tags', () => {
  it('images become <img src> with the name percent-encoded like Python quote()', () => {
    expect(mediaTag('cat.png')).toBe('<img src="cat.png">');
    expect(mediaTag('a b&c "d".JPG')).toBe('<img src="a%20b%26c%20%22d%22.JPG">');
    expect(mediaTag('猫 (1).webp')).toBe('<img src="%E7%8C%AB%20%281%29.webp">');
    expect(pyQuote("it's~ok_-.")).toBe('it%27s~ok_-.');
  });

  it('sounds and everything else become [sound:…] with &, <, > escaped', () => {
    expect(mediaTag('word.mp3')).toBe('[sound:word.mp3]');
    expect(mediaTag('a<b>&c.ogg')).toBe('[sound:a&lt;b&gt;&amp;c.ogg]');
    expect(mediaKind('clip.MP4')).toBe('sound');
    expect(mediaKind('notes.pdf')).toBe('other');
  });

  it('upload names are base names, NFC', () => {
    expect(uploadName('/home/u/Pictures/cafe\u0301.png')).toBe('café.png');
    expect(uploadName('C:\\x\\y.png')).toBe('y.png');
  });

  it('refuses empty, unnamed and too large files (counting base64 growth)', () => {
    expect(checkUpload('a.png', 0, 1000)).toEqual({ code: 'empty' });
    expect(checkUpload('', 10, 1000)).toEqual({ code: 'noName' });
    expect(checkUpload('a.png', 750, 1000)).toBeUndefined(); // 1000 bytes of base64
    expect(checkUpload('a.png', 751, 1000)).toEqual({ code: 'tooLarge', size: 751, limit: 1000 });
  });
});
