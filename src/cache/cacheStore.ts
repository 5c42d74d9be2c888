// The persistent offline cache (pure: node:fs only, no `vscode`).
//
// What it keeps, per AnkiConnect URL and Anki profile: the deck list, each deck's own note ids, the notes the
// user listed or opened (snapshots as loaded, with `mod`), note types (fields, templates, CSS), tags and media
// names. One JSON file per key in the directory the glue gives (the extension's global storage).
//
// Safety: a write goes to a temporary file in the same directory, is fsynced, then renamed over the old file,
// so a crash leaves either the old or the new cache, never a torn one. A file that does not parse or does not
// match the schema (torn by another tool, written by a newer version) is dropped with a log line; the caller
// gets an empty cache, never an exception.
//
// Bounds: `maxBytes` (the setting, default 200 MB). When the serialised cache is larger, the notes seen least
// recently are dropped first (decks, note types, tags and media names are small and always kept).
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { NoteSnapshot } from '../notes/model';

export const CACHE_FORMAT = 1;
export const DEFAULT_CACHE_MAX_BYTES = 200 * 1024 * 1024;

export interface CacheKey {
  url: string;
  /** The active Anki profile (`getActiveProfile`); '' when the add-on cannot tell. */
  profile: string;
}

export interface CachedNoteType {
  fields: string[];
  templates?: Record<string, { Front: string; Back: string }>;
  css?: string;
}

export interface CachedNote {
  snapshot: NoteSnapshot;
  /** When the note was last listed or opened (ms since the epoch): eviction order. */
  seenAt: number;
}

export interface CacheData {
  /** When the cache was last filled from Anki (ms since the epoch). */
  savedAt: number;
  decks: Array<[name: string, id: number]>;
  /** Deck name → ids of the notes with a card in that deck itself. */
  deckNotes: Record<string, number[]>;
  notes: Record<string, CachedNote>;
  noteTypes: Record<string, CachedNoteType>;
  tags: string[];
  media: string[];
}

export function emptyCache(): CacheData {
  return { savedAt: 0, decks: [], deckNotes: {}, notes: {}, noteTypes: {}, tags: [], media: [] };
}

const snapshotSchema = z.object({
  id: z.number(),
  deck: z.string(),
  noteType: z.string(),
  tags: z.array(z.string()),
  fields: z.array(z.tuple([z.string(), z.string()])),
  mod: z.number().optional(),
  cards: z.array(z.number()),
});

const fileSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  url: z.string(),
  profile: z.string(),
  data: z.object({
    savedAt: z.number(),
    decks: z.array(z.tuple([z.string(), z.number()])),
    deckNotes: z.record(z.string(), z.array(z.number())),
    notes: z.record(z.string(), z.object({ snapshot: snapshotSchema, seenAt: z.number() })),
    noteTypes: z.record(
      z.string(),
      z.object({
        fields: z.array(z.string()),
        templates: z.record(z.string(), z.object({ Front: z.string(), Back: z.string() })).optional(),
        css: z.string().optional(),
      }),
    ),
    tags: z.array(z.string()),
    media: z.array(z.string()),
  }),
});

export interface CacheLog {
  warn(message: string): void;
  debug?(message: string): void;
}

/** The file of one URL + profile: a hash, so neither leaks into a file name or collides. */
export function cacheFileName(key: CacheKey): string {
  return `cache-${createHash('sha256').update(`${key.url}\u0000${key.profile}`).digest('hex').slice(0, 24)}.json`;
}

export type LoadResult =
  | { kind: 'loaded'; data: CacheData }
  | { kind: 'missing'; data: CacheData }
  | { kind: 'dropped'; data: CacheData; reason: string };

export class CacheStore {
  constructor(
    private readonly dir: string,
    private readonly log: CacheLog,
    private readonly maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {}

  fileOf(key: CacheKey): string {
    return path.join(this.dir, cacheFileName(key));
  }

  /** Reads the cache of `key`; a missing, unreadable or foreign file gives an empty cache (logged). */
  async load(key: CacheKey): Promise<LoadResult> {
    const file = this.fileOf(key);
    let raw: string;
    try {
      raw = await fsp.readFile(file, 'utf8');
    } catch (e) {
      if (isNotFound(e)) return { kind: 'missing', data: emptyCache() };
      return this.drop(file, `cannot be read (${errText(e)})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      return this.drop(file, `is not valid JSON (${errText(e)})`);
    }
    const format = typeof json === 'object' && json !== null && 'format' in json ? json.format : undefined;
    if (typeof format === 'number' && format > CACHE_FORMAT) {
      return this.drop(file, `was written by a newer version of Anki Files (format ${format})`);
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) return this.drop(file, `does not have the expected shape (${parsed.error.issues[0]?.message ?? 'schema'})`);
    if (parsed.data.url !== key.url || parsed.data.profile !== key.profile) {
      return this.drop(file, 'belongs to another AnkiConnect address or profile');
    }
    return { kind: 'loaded', data: parsed.data.data };
  }

  /**
   * Writes the cache of `key` atomically (temp file, fsync, rename). Evicts the least recently seen notes
   * while the file would exceed the bound. Returns the bytes written and how many notes were evicted.
   */
  async save(key: CacheKey, data: CacheData): Promise<{ bytes: number; evicted: number }> {
    const { text, evicted } = this.serialise(key, data);
    await fsp.mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fsp.open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fsp.rename(tmp, file);
    } catch (e) {
      await fsp.rm(tmp, { force: true });
      throw e;
    }
    if (evicted > 0) this.log.debug?.(`Offline cache: ${evicted} least recently seen notes dropped to stay under ${this.maxBytes} bytes`);
    return { bytes: Buffer.byteLength(text), evicted };
  }

  /** The JSON text within the bound; evicts notes from `data` (oldest `seenAt` first) as needed. */
  private serialise(key: CacheKey, data: CacheData): { text: string; evicted: number } {
    const render = (): string => JSON.stringify({ format: CACHE_FORMAT, url: key.url, profile: key.profile, data });
    let text = render();
    let evicted = 0;
    if (Buffer.byteLength(text) <= this.maxBytes) return { text, evicted };
    // Estimate each note's share, drop the oldest until the estimate fits, then check for real.
    const byAge = Object.entries(data.notes).sort((a, b) => a[1].seenAt - b[1].seenAt);
    let excess = Buffer.byteLength(text) - this.maxBytes;
    for (const [id, note] of byAge) {
      if (excess <= 0) break;
      excess -= Buffer.byteLength(JSON.stringify(note)) + id.length + 4;
      delete data.notes[id];
      evicted++;
    }
    text = render();
    while (Buffer.byteLength(text) > this.maxBytes && Object.keys(data.notes).length > 0) {
      const oldest = Object.entries(data.notes).sort((a, b) => a[1].seenAt - b[1].seenAt)[0];
      if (!oldest) break;
      delete data.notes[oldest[0]];
      evicted++;
      text = render();
    }
    return { text, evicted };
  }

  private async drop(file: string, reason: string): Promise<LoadResult> {
    this.log.warn(`Offline cache ${path.basename(file)} ${reason}; it is dropped and rebuilt from Anki.`);
    await fsp.rm(file, { force: true }).catch(() => undefined);
    return { kind: 'dropped', data: emptyCache(), reason };
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Records notes the user listed or opened (newest snapshot wins). */
export function rememberNotes(data: CacheData, snapshots: Iterable<NoteSnapshot>, now: number): void {
  for (const s of snapshots) data.notes[String(s.id)] = { snapshot: s, seenAt: now };
}
