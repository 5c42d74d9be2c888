// What the checks know about the collection (pure: uses only the `AnkiApi` interface): note types (fields,
// cloze or not, id), deck names, tags and media file names. Loaded once in 2 requests and kept until
// `refresh()` (the views' Refresh and the window-focus check call it), so typing never sends a request.
// Per-item facts for hovers (notes per tag / deck, a media file's bytes) are fetched on demand and cached.
import { z } from 'zod';
import type { AnkiApi } from '../anki/api';
import { readOutcome } from '../anki/actions';
import { AnkiProtocolError } from '../anki/errors';
import { summarizeIssues } from '../anki/schemas';
import { deckQuery } from '../anki/query';
import type { NoteTypeInfo } from './lint';

export interface CollectionFacts {
  noteTypes: ReadonlyMap<string, NoteTypeInfo>;
  decks: readonly string[];
  tags: readonly string[];
  media: ReadonlySet<string>;
}

const modelObjects = z.array(z.object({ id: z.number(), name: z.string(), type: z.number(), flds: z.array(z.object({ name: z.string(), ord: z.number() })) }));

/** Escapes a tag for a quoted `"tag:…"` search term (literal match, no wildcards). */
export function tagQuery(tag: string): string {
  return `"tag:${tag.replace(/[\\"*_]/g, (c) => `\\${c}`)}"`;
}

export class CollectionCache {
  private loading: Promise<CollectionFacts> | undefined;
  private loaded: CollectionFacts | undefined;
  private generation = 0;
  private readonly tagCounts = new Map<string, Promise<number>>();
  private readonly deckCounts = new Map<string, Promise<number>>();
  private readonly mediaFiles = new Map<string, Promise<Uint8Array | undefined>>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: () => AnkiApi) {}

  /** The facts if loaded (no request). */
  get facts(): CollectionFacts | undefined {
    return this.loaded;
  }

  /** Called after every (re)load. */
  onDidLoad(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The facts, loading them (2 requests) the first time; concurrent callers share one load. */
  get(): Promise<CollectionFacts> {
    if (this.loaded) return Promise.resolve(this.loaded);
    return this.load();
  }

  /** Forget everything and load again (views' refresh, window focus). */
  refresh(): Promise<CollectionFacts> {
    this.tagCounts.clear();
    this.deckCounts.clear();
    this.mediaFiles.clear();
    this.loading = undefined;
    return this.load();
  }

  /** A media file Anki Files just stored under `name` (no request): in the media names from now on. */
  mediaAdded(name: string): void {
    this.mediaFiles.delete(name);
    if (!this.loaded || this.loaded.media.has(name)) return;
    this.loaded = { ...this.loaded, media: new Set([...this.loaded.media, name]) };
    for (const l of this.listeners) l();
  }

  /** Forget everything without loading (the connection changed). */
  clear(): void {
    this.generation++;
    this.loaded = undefined;
    this.loading = undefined;
    this.tagCounts.clear();
    this.deckCounts.clear();
    this.mediaFiles.clear();
  }

  private load(): Promise<CollectionFacts> {
    if (this.loading) return this.loading;
    const generation = ++this.generation;
    const p = this.fetch().then((facts) => {
      if (generation === this.generation) {
        this.loaded = facts;
        for (const l of this.listeners) l();
      }
      return facts;
    });
    this.loading = p;
    p.catch(() => {
      if (this.loading === p) this.loading = undefined;
    });
    return p;
  }

  private async fetch(): Promise<CollectionFacts> {
    const api = this.api();
    const [models, decks, tags, media] = await api.multi([
      { action: 'modelNamesAndIds' },
      { action: 'deckNames' },
      { action: 'getTags' },
      { action: 'getMediaFilesNames', params: { pattern: '*' } },
    ]);
    const ids = readOutcome('modelNamesAndIds', models);
    const names = Object.keys(ids);
    const noteTypes = new Map<string, NoteTypeInfo>();
    if (names.length > 0) {
      const [found] = await api.multi([{ action: 'findModelsByName', params: { modelNames: names } }]);
      const parsed = found?.ok ? modelObjects.safeParse(found.value) : undefined;
      if (found?.ok && !parsed?.success) throw new AnkiProtocolError('findModelsByName', parsed?.error ? summarizeIssues(parsed.error) : 'no result');
      if (parsed?.success) {
        for (const m of parsed.data) {
          noteTypes.set(m.name, { id: m.id, isCloze: m.type === 1, fields: [...m.flds].sort((a, b) => a.ord - b.ord).map((f) => f.name) });
        }
      } else {
        // Add-ons before 2024-01 have no findModelsByName: field names and templates per note type (one request).
        const outcomes = await api.multi(names.flatMap((n) => [{ action: 'modelFieldNames', params: { modelName: n } }, { action: 'modelTemplates', params: { modelName: n } }]));
        names.forEach((n, i) => {
          const fields = readOutcome('modelFieldNames', outcomes[2 * i]);
          const tmpls = readOutcome('modelTemplates', outcomes[2 * i + 1]);
          const isCloze = Object.values(tmpls).some((t) => /\{\{cloze:/i.test(t.Front));
          noteTypes.set(n, { id: ids[n] ?? 0, isCloze, fields });
        });
      }
    }
    return { noteTypes, decks: readOutcome('deckNames', decks), tags: readOutcome('getTags', tags), media: new Set(readOutcome('getMediaFilesNames', media)) };
  }

  /** Notes carrying `tag` (or a child tag, as Anki's `tag:` search counts them); one request, cached. */
  notesWithTag(tag: string): Promise<number> {
    return this.memo(this.tagCounts, tag.toLowerCase(), async () => (await this.api().findNotes(tagQuery(tag))).length);
  }

  /** Notes in `deck` and its sub-decks; one request, cached. */
  notesInDeck(deck: string): Promise<number> {
    return this.memo(this.deckCounts, deck.toLowerCase(), async () => (await this.api().findNotes(deckQuery(deck, { includeSubdecks: true }))).length);
  }

  /** A media file's bytes (undefined when Anki has no such file); one request, cached. */
  mediaFile(name: string): Promise<Uint8Array | undefined> {
    return this.memo(this.mediaFiles, name, async () => {
      const [r] = await this.api().multi([{ action: 'retrieveMediaFile', params: { filename: name } }]);
      const v = readOutcome('retrieveMediaFile', r);
      return v === false ? undefined : new Uint8Array(Buffer.from(v, 'base64'));
    });
  }

  private memo<K, V>(map: Map<K, Promise<V>>, key: K, f: () => Promise<V>): Promise<V> {
    const hit = map.get(key);
    if (hit) return hit;
    const p = f();
    map.set(key, p);
    p.catch(() => {
      if (map.get(key) === p) map.delete(key);
    });
    return p;
  }
}
