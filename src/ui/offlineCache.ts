// The offline cache in VS Code: which AnkiConnect address and profile it belongs to, loading it at start,
// writing it back (atomically, bounded) after changes, and telling the views when reads come from it.
import * as vscode from 'vscode';
import { CacheStore, type CacheKey } from '../cache/cacheStore';
import type { NoteId, NoteInfo } from '../anki/api';
import { OfflineReads, type Answer } from '../cache/offlineReads';
import { SettingDefaults, Settings } from '../constants';

/** globalState key: the last Anki profile seen per AnkiConnect URL (the key to use while Anki is closed). */
const LAST_PROFILE_KEY = 'ankiFiles.offline.lastProfile';
/** Writes are batched: the cache is written at most this often while reads keep coming (cost, not correctness). */
const WRITE_DELAY_MS = 2000;

export class OfflineCache implements vscode.Disposable {
  private reads = new OfflineReads();
  private key: CacheKey | undefined;
  private loading: Promise<void> | undefined;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private writtenGeneration = 0;
  private writing: Promise<void> = Promise.resolve();
  /** Live answers recorded after Anki answered and before its profile is known (they belong to that profile). */
  private pending: Array<[string, readonly unknown[], unknown]> | undefined;
  /** When the cached answers were recorded, while reads are being answered from the cache. */
  private servingSince: number | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fired when answering from the cache starts or stops. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly storageDir: string,
    private readonly memento: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  private store(): CacheStore {
    const mb = vscode.workspace.getConfiguration().get<number>(Settings.offlineCacheMaxSizeMB, SettingDefaults.offlineCacheMaxSizeMB);
    return new CacheStore(this.storageDir, this.log, Math.max(1, mb) * 1024 * 1024);
  }

  /** Uses the cache of `url` + `profile` (undefined: the last profile seen at that URL). */
  use(url: string, profile?: string): Promise<void> {
    const profiles = this.memento.get<Record<string, string>>(LAST_PROFILE_KEY, {});
    const p = profile ?? profiles[url] ?? '';
    if (profile !== undefined && profiles[url] !== profile) void this.memento.update(LAST_PROFILE_KEY, { ...profiles, [url]: profile });
    const held = profile !== undefined ? this.pending : undefined;
    if (profile !== undefined) this.pending = undefined;
    const replay = (): void => {
      for (const [m, a, v] of held ?? []) this.record(m, a, v);
    };
    if (this.key?.url === url && this.key.profile === p) {
      const loading = this.loading ?? Promise.resolve();
      return loading.then(replay);
    }
    const key = { url, profile: p };
    this.flushNow();
    this.key = key;
    this.reads = new OfflineReads();
    this.writtenGeneration = 0;
    this.setServing(undefined);
    this.loading = this.store()
      .load(key)
      .then((r) => {
        if (this.key !== key) return;
        // Keep what was recorded while loading; the file fills in the rest.
        const live = this.reads.data;
        this.reads = new OfflineReads({
          savedAt: Math.max(r.data.savedAt, live.savedAt),
          calls: { ...r.data.calls, ...live.calls },
          notes: { ...r.data.notes, ...live.notes },
          cardDecks: { ...r.data.cardDecks, ...live.cardDecks },
        });
        if (r.kind === 'loaded') this.log.info(`Offline cache for ${url}${p ? ` (profile ${p})` : ''}: ${Object.keys(r.data.notes).length} notes`);
      })
      .then(replay);
    return this.loading;
  }

  /** Anki answers again: hold what is recorded until `use(url, profile)` says whose collection it is. */
  expectProfile(): void {
    this.pending ??= [];
  }

  record(method: string, args: readonly unknown[], value: unknown): void {
    if (this.pending) {
      this.pending.push([method, args, value]);
      return;
    }
    if (!this.key) return;
    this.reads.record(method, args, value);
    this.setServing(undefined);
    this.scheduleWrite();
  }

  /** A read answered from the cache (after a live request found Anki closed). */
  async answer(method: string, args: readonly unknown[]): Promise<Answer> {
    await this.loading;
    const a = this.reads.answer(method, args);
    if (a.hit) this.setServing(this.reads.data.savedAt);
    return a;
  }

  /** The notes of the cache in use, as last read (what the catch-up after an outage checks). */
  async cachedNotes(): Promise<NoteInfo[]> {
    await this.loading;
    return this.reads.cachedNotes();
  }

  /** Notes Anki no longer has: dropped from the cache. */
  forgetNotes(ids: readonly NoteId[]): void {
    if (this.reads.forgetNotes(ids) > 0) this.scheduleWrite();
  }

  /** The AnkiConnect URL + Anki profile whose cache is in use (the collection open documents came from). */
  get currentKey(): CacheKey | undefined {
    return this.key;
  }

  /** While reads are answered from the cache: when those answers were recorded (ms since the epoch). */
  get cachedAt(): number | undefined {
    return this.servingSince;
  }

  private setServing(at: number | undefined): void {
    if (this.servingSince === at) return;
    this.servingSince = at;
    this.emitter.fire();
  }

  private scheduleWrite(): void {
    if (this.writeTimer !== undefined) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.flushNow();
    }, WRITE_DELAY_MS);
  }

  /** Writes the cache if it changed since the last write. */
  flushNow(): Promise<void> {
    if (this.writeTimer !== undefined) clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const key = this.key;
    const reads = this.reads;
    if (!key || reads.generation === this.writtenGeneration) return this.writing;
    const generation = reads.generation;
    this.writing = this.writing
      .then(() => this.store().save(key, reads.data))
      .then(
        () => {
          if (this.reads === reads) this.writtenGeneration = generation;
        },
        (e: unknown) => this.log.warn(`Writing the offline cache failed: ${e instanceof Error ? e.message : String(e)}`),
      );
    return this.writing;
  }

  dispose(): void {
    void this.flushNow();
    this.emitter.dispose();
  }
}
