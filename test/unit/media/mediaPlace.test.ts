// Where a pasted or dropped tag goes, the name a pasted picture gets, the file a field's reference names, and
// the play link of a sound hover.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasStablePasteApi, localCopyName, mediaFileName, pastedFileName, placeMedia, playArgument, playCommandUri, type Replacement } from '../../../src/media/mediaPlace';
import { parseNoteDocument, renderNote } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';

const note = (back: string): NoteSnapshot => ({
  id: 1502298033753,
  deck: 'Default',
  noteType: 'Basic',
  tags: [],
  fields: [
    ['Front', 'front'],
    ['Back', back],
  ],
  mod: 1,
  cards: [],
});

/** Applies replacements (in document order, non-overlapping) to `text`. */
const apply = (text: string, ...rs: Replacement[]): string => {
  let out = '';
  let at = 0;
  for (const r of rs) {
    expect(r.start).toBeGreaterThanOrEqual(at);
    out += text.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + text.slice(at);
};

const fieldsOf = (text: string, loaded: NoteSnapshot): Record<string, string> => {
  const r = parseNoteDocument(text, loaded);
  if (!r.ok) throw new Error(`not a valid note document:\n${text}`);
  return Object.fromEntries(r.note.fields);
};

describe('placeMedia', () => {
  const tag = '<img src="paste-1.png">';

  it('puts the tag at the cursor; the two touching parts and the whole give the same document', () => {
    const loaded = note('hello world');
    const text = renderNote(loaded);
    const at = text.indexOf('hello ') + 'hello '.length;
    const r = placeMedia(text, at, at, tag);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.before.end).toBe(at);
    expect(r.after.start).toBe(at);
    const out = apply(text, r.before, r.after);
    expect(apply(text, r.whole)).toBe(out);
    expect(fieldsOf(out, loaded)).toEqual({ Front: 'front', Back: `hello ${tag}world` });
    // the cursor ends just after the tag, which is where the first part ends
    expect(out.slice(0, r.cursor).endsWith('">')).toBe(true);
    expect(r.cursor).toBe(r.before.start + r.before.text.length);
  });

  it('replaces a selection inside one value, also when the value then needs quotes', () => {
    const loaded = note('x [old] y');
    const text = renderNote(loaded);
    const s = text.indexOf('[old]');
    const r = placeMedia(text, s, s + '[old]'.length, '[sound:new.mp3]');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(fieldsOf(apply(text, r.before, r.after), loaded).Back).toBe('x [sound:new.mp3] y');
    const start = text.indexOf('x [old]');
    const q = placeMedia(text, start, start + 1, '[sound:a.mp3]');
    expect(q.ok && fieldsOf(apply(text, q.before, q.after), loaded).Back).toBe('[sound:a.mp3] [old] y');
  });

  it('refuses a cursor or a selection outside one field value, and offsets outside the text', () => {
    const loaded = note('back');
    const text = renderNote(loaded);
    expect(placeMedia(text, text.indexOf('deck:'), text.indexOf('deck:'), tag)).toEqual({ ok: false, reason: 'notInField' });
    const front = text.indexOf('front');
    expect(placeMedia(text, front, text.indexOf('back') + 2, tag)).toEqual({ ok: false, reason: 'notInField' });
    expect(placeMedia(text, 5, 2, tag)).toEqual({ ok: false, reason: 'invalidDocument' });
    expect(placeMedia(text, 0, text.length + 1, tag)).toEqual({ ok: false, reason: 'invalidDocument' });
    expect(placeMedia('fields: [oops', 9, 9, tag)).toEqual({ ok: false, reason: 'invalidDocument' });
  });
});

describe('pastedFileName', () => {
  const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
  const sha1 = createHash('sha1').update(bytes).digest('hex');

  it('names clipboard picture data as Anki\'s editor does: paste-<sha1>.<ext>', () => {
    expect(pastedFileName('image.png', 'image/png', bytes)).toBe(`paste-${sha1}.png`);
    expect(pastedFileName('', 'image/jpeg', bytes)).toBe(`paste-${sha1}.jpg`);
    expect(pastedFileName('image.JPEG', 'image/jpeg', bytes)).toBe(`paste-${sha1}.jpg`);
    expect(pastedFileName('', 'application/x-unknown', bytes)).toBe(`paste-${sha1}.png`);
    expect(pastedFileName('image.png', 'image/png', new Uint8Array([1]))).not.toBe(`paste-${sha1}.png`);
  });

  it('keeps the name of a pasted file that has one (base name, NFC)', () => {
    expect(pastedFileName('holiday.jpg', 'image/jpeg', bytes)).toBe('holiday.jpg');
    expect(pastedFileName('/tmp/cafe\u0301 image.png', 'image/png', bytes)).toBe('café image.png');
  });
});

describe('mediaFileName', () => {
  it('decodes a [sound:…] name\'s entities and a src\'s percent-encoding', () => {
    expect(mediaFileName('a&amp;b &lt;1&gt;.mp3', 'sound')).toBe('a&b <1>.mp3');
    expect(mediaFileName('word.mp3', 'sound')).toBe('word.mp3');
    expect(mediaFileName('e2e%20cat.png', 'image')).toBe('e2e cat.png');
    expect(mediaFileName('100%.png', 'image')).toBe('100%.png');
  });

  it('keeps the name as written when the media folder has it', () => {
    expect(mediaFileName('a%20b.png', 'image', new Set(['a%20b.png']))).toBe('a%20b.png');
    expect(mediaFileName('a%20b.png', 'image', new Set(['a b.png']))).toBe('a b.png');
  });
});

describe('the play link', () => {
  it('is a command link whose argument is { file }, read back by playArgument', () => {
    const uri = playCommandUri('ankiFiles.playMedia', 'a b&c.mp3');
    expect(uri.startsWith('command:ankiFiles.playMedia?')).toBe(true);
    const args = JSON.parse(decodeURIComponent(uri.slice(uri.indexOf('?') + 1))) as unknown[];
    expect(args).toEqual([{ file: 'a b&c.mp3' }]);
    expect(playArgument(args[0])).toBe('a b&c.mp3');
    // no parenthesis or space left that would end a Markdown link target
    expect(/[\s()]/.test(uri)).toBe(false);
  });

  it('refuses anything but a non-empty file name', () => {
    expect(playArgument(undefined)).toBeUndefined();
    expect(playArgument({ file: '' })).toBeUndefined();
    expect(playArgument({ file: 3 })).toBeUndefined();
    expect(playArgument('x.mp3')).toBeUndefined();
  });

  it('local copies keep the extension and cannot leave their folder', () => {
    expect(localCopyName('word.mp3')).toBe('word.mp3');
    expect(localCopyName('../../etc/x.mp3')).toBe('x.mp3');
    expect(localCopyName('..')).toBe('media..');
    expect(localCopyName('a:b?.ogg')).toBe('a_b_.ogg');
  });
});

describe('hasStablePasteApi', () => {
  it('is true from VS Code 1.97 on (where the paste API is stable), false before', () => {
    expect(hasStablePasteApi('1.90.2')).toBe(false);
    expect(hasStablePasteApi('1.96.4')).toBe(false);
    expect(hasStablePasteApi('1.97.0')).toBe(true);
    expect(hasStablePasteApi('1.139.1')).toBe(true);
    expect(hasStablePasteApi('2.0.0')).toBe(true);
    expect(hasStablePasteApi('unknown')).toBe(false);
  });
});
