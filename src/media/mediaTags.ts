// What Anki writes into a field for a media file, and what may be uploaded (pure: no `vscode`).
//
// Anki's editor links images as `<img src="…">` with the file name percent-encoded (Python's
// `urllib.parse.quote`), and sounds/videos as `[sound:…]` with `&`, `<`, `>` HTML-escaped; Anki Files writes
// the same so a note edited here reads exactly as one edited in Anki.

export type MediaKind = 'image' | 'sound' | 'other';

// The extensions Anki's editor treats as pictures and as audio/video.
const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'tif', 'tiff', 'gif', 'svg', 'webp', 'ico', 'avif', 'bmp']);
const SOUND_EXT = new Set(['wav', 'mp3', 'ogg', 'flac', 'mp4', 'swf', 'mov', 'mpeg', 'mkv', 'm4a', '3gp', 'spx', 'oga', 'webm', 'opus', 'aac', 'avi', 'ogv', 'mpg']);

export function mediaKind(fileName: string): MediaKind {
  const dot = fileName.lastIndexOf('.');
  const ext = dot === -1 ? '' : fileName.slice(dot + 1).toLowerCase();
  if (IMAGE_EXT.has(ext)) return 'image';
  if (SOUND_EXT.has(ext)) return 'sound';
  return 'other';
}

/** Python's `urllib.parse.quote(name)`: everything but letters, digits, `_.-~` and `/` percent-encoded (UTF-8). */
export function pyQuote(name: string): string {
  return encodeURIComponent(name)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}

/** The field text that shows `fileName`: `<img src="…">` for images, `[sound:…]` for everything else. */
export function mediaTag(fileName: string): string {
  if (mediaKind(fileName) === 'image') return `<img src="${pyQuote(fileName)}">`;
  return `[sound:${fileName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}]`;
}

/** The base name a dropped or chosen file is offered to Anki under (no folders; Anki strips them anyway). */
export function uploadName(pathOrName: string): string {
  const base = pathOrName.split(/[\\/]/).pop() ?? pathOrName;
  return base.normalize('NFC');
}

export type UploadProblem = { code: 'tooLarge'; size: number; limit: number } | { code: 'empty' } | { code: 'noName' };

/**
 * Whether a file may be sent to Anki. AnkiConnect reads a request body with repeated re-copying (about 0.5 s
 * for 4 MB and 17 s for 16 MB, during which Anki is frozen), so large files are refused with a clear reason.
 */
export function checkUpload(name: string, size: number, limitBytes: number): UploadProblem | undefined {
  if (name.trim() === '' || name === '.' || name === '..') return { code: 'noName' };
  if (size === 0) return { code: 'empty' };
  // base64 grows the body by 4/3
  if (Math.ceil(size / 3) * 4 > limitBytes) return { code: 'tooLarge', size, limit: limitBytes };
  return undefined;
}
