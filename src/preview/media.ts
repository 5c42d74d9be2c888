// Media files of the card preview: fetched from Anki with `retrieveMediaFile` once per file (all files a
// rendering misses in ONE `multi`), kept as data URIs in a size-capped LRU cache. Pure: no `vscode`.
import type { AnkiApi } from '../anki/api';
import { actions, parseOutcomes } from '../anki/actions';

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ttf: 'font/ttf',
  otf: 'font/otf',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

export function mimeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}

export interface MediaCacheOptions {
  /** Total size of the cached data URIs (characters ≈ bytes). Default 32 MB. */
  maxBytes?: number;
  /** Files bigger than this are not shown (a placeholder says they are missing). Default 8 MB. */
  maxFileBytes?: number;
}

export class MediaCache {
  private readonly entries = new Map<string, string | null>();
  private bytes = 0;
  private readonly maxBytes: number;
  private readonly maxFileBytes: number;
  private inFlight: Promise<void> | undefined;
  /** Requests made (for tests and the log). */
  requests = 0;

  constructor(opts: MediaCacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
    this.maxFileBytes = opts.maxFileBytes ?? 8 * 1024 * 1024;
  }

  /** Data URI; null when Anki has no such file (or it is too big); undefined when not fetched yet. */
  get(name: string): string | null | undefined {
    const v = this.entries.get(name);
    if (v === undefined) return undefined;
    // Least recently used goes first: re-insert on use.
    this.entries.delete(name);
    this.entries.set(name, v);
    return v;
  }

  get size(): { files: number; bytes: number } {
    return { files: this.entries.size, bytes: this.bytes };
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private put(name: string, value: string | null): void {
    const old = this.entries.get(name);
    if (old) this.bytes -= old.length;
    this.entries.delete(name);
    this.entries.set(name, value);
    if (value) this.bytes += value.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      if (k === name) continue;
      this.entries.delete(k);
      if (v) this.bytes -= v.length;
    }
  }

  /** Fetches the names not cached yet in one request. Failures leave them unfetched (tried again later). */
  async fetch(api: AnkiApi, names: readonly string[]): Promise<void> {
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    const missing = [...new Set(names)].filter((n) => !this.entries.has(n));
    if (missing.length === 0) return;
    const run = async (): Promise<void> => {
      const entries = missing.map((n) => actions.retrieveMediaFile(n));
      this.requests++;
      const outcomes = parseOutcomes(entries, await api.multi(entries));
      outcomes.forEach((o, i) => {
        const name = missing[i] as string;
        if (!o.ok) return;
        const b64 = o.value;
        if (b64 === false || b64.length * 0.75 > this.maxFileBytes) this.put(name, null);
        else this.put(name, `data:${mimeOf(name)};base64,${b64}`);
      });
    };
    this.inFlight = run();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }
}
