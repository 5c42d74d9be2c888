// Pure helpers of media in the editor (no `vscode`): where a dropped or pasted tag goes in the document, the
// name a pasted picture is stored under, the media folder's name a field's reference points at, and the
// command link of a sound hover's "play".
import { createHash } from 'node:crypto';
import { tokenizeHtml } from '../lint/html';
import { insertIntoField, type FieldInsertResult } from '../notes/fieldEdit';

/** One replacement of `[start, end)` of the document by `text`. */
export interface Replacement {
  start: number;
  end: number;
  text: string;
}

export type MediaPlacement =
  | {
      ok: true;
      /** Replaces from the start of the rewritten pair up to the selection's start; ends just after the tag. */
      before: Replacement;
      /** Replaces the selection and the rest of the rewritten pair. */
      after: Replacement;
      /** The whole change as one replacement (`before` and `after` joined). */
      whole: Replacement;
      /** Offset in the new text just after the inserted tag. */
      cursor: number;
    }
  | Extract<FieldInsertResult, { ok: false }>;

/**
 * The change that puts `insertion` in place of the selection `[selStart, selEnd)` inside a field's value,
 * keeping the YAML valid (src/notes/fieldEdit.ts), as two touching replacements split at the selection's start
 * (so an editor keeps its cursor just after the tag) and as one. A selection that does not lie inside one
 * field's value is refused like a cursor outside the fields.
 */
export function placeMedia(text: string, selStart: number, selEnd: number, insertion: string): MediaPlacement {
  const r = insertIntoField(text, selStart, insertion, selEnd);
  if (!r.ok) return r;
  const { start, end, text: newText } = r.edit;
  if (start > selStart || end < selEnd) return { ok: false, reason: 'invalidDocument' };
  const split = r.cursor - start;
  return {
    ok: true,
    before: { start, end: selStart, text: newText.slice(0, split) },
    after: { start: selStart, end, text: newText.slice(split) },
    whole: { start, end, text: newText },
    cursor: r.cursor,
  };
}

const GENERIC_PASTE_NAME = /^image\.(png|jpe?g|gif|bmp|webp|tiff?)$/i;
const MIME_EXT: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'image/tiff': 'tif',
  'image/avif': 'avif',
};

/**
 * The name a pasted file is offered to Anki under. Picture data from the clipboard has no name of its own (the
 * browser calls every one `image.png`): Anki's editor names such a paste `paste-<sha1 of the bytes>.<ext>`,
 * so the same picture pasted twice is one file and two different ones never clash; a pasted file with a real
 * name keeps it.
 */
export function pastedFileName(name: string, mime: string, bytes: Uint8Array): string {
  const base = (name.split(/[\\/]/).pop() ?? '').normalize('NFC');
  if (base !== '' && !GENERIC_PASTE_NAME.test(base)) return base;
  const dot = base.lastIndexOf('.');
  const ext = (dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined) ?? MIME_EXT[mime.toLowerCase()] ?? 'png';
  return `paste-${createHash('sha1').update(bytes).digest('hex')}.${ext === 'jpeg' ? 'jpg' : ext}`;
}

/**
 * The media folder's file name a reference in a field points at. `[sound:…]` names are HTML text (Anki
 * escapes `&`, `<`, `>`): entities decoded. A `src` (already entity-decoded) is percent-encoded the way
 * Anki's editor writes it: decoded, unless the folder (when known) has the name as written.
 */
export function mediaFileName(ref: string, kind: 'image' | 'sound' | 'other', known?: ReadonlySet<string>): string {
  if (known?.has(ref)) return ref;
  if (kind === 'sound') {
    const decoded = tokenizeHtml(ref)
      .map((t) => (t.kind === 'text' ? t.text : ''))
      .join('');
    return decoded === '' ? ref : decoded;
  }
  try {
    return decodeURIComponent(ref);
  } catch {
    return ref;
  }
}

/** A `command:` link running `command` with `{ file }` (for a trusted hover that enables exactly that command). */
export function playCommandUri(command: string, file: string): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify([{ file }]))}`;
}

/** The `{ file }` argument of the play command, or undefined when it is not one. */
export function playArgument(arg: unknown): string | undefined {
  if (typeof arg !== 'object' || arg === null || !('file' in arg)) return undefined;
  const file = (arg as { file: unknown }).file;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

/**
 * A local file name for a copy of media file `file` (a base name Anki uses; folders, `..`, control and
 * reserved characters replaced), keeping the extension that tells the system player what it is.
 */
export function localCopyName(file: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (file.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f<>:"|?*]/g, '_');
  return base === '' || /^\.+$/.test(base) ? `media${base}` : base;
}

/** Whether `version` (VS Code's, e.g. "1.97.2") is 1.97 or later: the first with the paste API stable. */
export function hasStablePasteApi(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((x) => Number.parseInt(x, 10));
  return major > 1 || (major === 1 && minor >= 97);
}
