// The persistent offline cache (pure: node:fs only, no `vscode`).
//
// What it keeps, per AnkiConnect URL and Anki profile: the reads Anki answered (`OfflineReads`: the deck list,
// each deck's note ids, the notes the user listed or opened with their `mod`, note types, tags, media names).
// One JSON file per key in the directory the glue gives (the extension's global storage).
//
// Safety: a write goes to a temporary file in the same directory, is fsynced, then renamed over the old file,
// so a crash leaves either the old or the new cache, never a torn one. A file that does not parse or does not
// match the schema (torn by another tool, written by a newer version) is dropped with a log line; the caller
// gets an empty cache, never an exception.
//
// Bounds: `maxBytes` (the setting, default 200 MB). When the serialised cache is larger, the notes seen least
// recently are dropped first (the other answers are small and always kept).
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomicWrite';
import { OfflineReads, emptyOfflineData, type OfflineData } from './offlineReads';

export const CACHE_FORMAT = 1;
export const DEFAULT_CACHE_MAX_BYTES = 200 * 1024 * 1024;

export interface CacheKey {
  url: string;
  /** The active Anki profile (`getActiveProfile`); '' when the add-on cannot tell. */
  profile: string;
}

const noteInfoSchema = z.object({
  noteId: z.number(),
  modelName: z.string(),
  tags: z.array(z.string()),
  fields: z.record(z.string(), z.object({ value: z.string(), order: z.number() })),
  mod: z.number().optional(),
  cards: z.array(z.number()),
});

const fileSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  url: z.string(),
  profile: z.string(),
  data: z.object({
    savedAt: z.number(),
    calls: z.record(z.string(), z.unknown()),
    notes: z.record(z.string(), z.object({ info: noteInfoSchema, seenAt: z.number() })),
    cardDecks: z.record(z.string(), z.string()),
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
  | { kind: 'loaded'; data: OfflineData }
  | { kind: 'missing'; data: OfflineData }
  | { kind: 'dropped'; data: OfflineData; reason: string };

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
      if (isNotFound(e)) return { kind: 'missing', data: emptyOfflineData() };
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
  async save(key: CacheKey, data: OfflineData): Promise<{ bytes: number; evicted: number }> {
    const { text, evicted } = this.serialise(key, data);
    await fsp.mkdir(this.dir, { recursive: true });
    const file = this.fileOf(key);
    await writeFileAtomic(file, text);
    if (evicted > 0) this.log.debug?.(`Offline cache: ${evicted} least recently seen notes dropped to stay under ${this.maxBytes} bytes`);
    return { bytes: Buffer.byteLength(text), evicted };
  }

  /** The JSON text within the bound; evicts notes from `data` (least recently seen first) as needed. */
  private serialise(key: CacheKey, data: OfflineData): { text: string; evicted: number } {
    const render = (): string => JSON.stringify({ format: CACHE_FORMAT, url: key.url, profile: key.profile, data });
    let text = render();
    let evicted = 0;
    const reads = new OfflineReads(data);
    // Each round keeps the share of notes the bound allows (estimated from the average note), then re-checks.
    while (Buffer.byteLength(text) > this.maxBytes) {
      const count = Object.keys(data.notes).length;
      if (count === 0) break;
      const size = Buffer.byteLength(text);
      const keep = Math.min(count - 1, Math.floor(count * (this.maxBytes / size) * 0.95));
      evicted += reads.evictNotes(Math.max(0, keep));
      text = render();
    }
    return { text, evicted };
  }

  private async drop(file: string, reason: string): Promise<LoadResult> {
    this.log.warn(`Offline cache ${path.basename(file)} ${reason}; it is dropped and rebuilt from Anki.`);
    await fsp.rm(file, { force: true }).catch(() => undefined);
    return { kind: 'dropped', data: emptyOfflineData(), reason };
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
