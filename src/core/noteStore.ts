// The note store: loads notes for the `anki:` file system and remembers, per note, the version served
// (pure: no `vscode` import).
//
// Per note it keeps two versions:
// - `current`: the latest version known from Anki (what `stat`/`readFile` report); its rendered bytes and a
//   synthetic mtime in ms that strictly increases whenever the bytes change;
// - `base`: the version the editor loaded (set when `readFile` serves the note, after a save, and after
//   "Compare with Anki's Version"). Saves are checked against it to catch edits made in Anki meanwhile.
import { msg, type Message } from '../messages';
import type { AnkiApi, CardId, NoteId, NoteInfo } from '../anki/api';
import { actions, parseOutcomes } from '../anki/actions';
import { deckQuery } from '../anki/query';
import type { NoteSnapshot } from '../notes/model';
import { isConnectionFailure } from './connection';
import { FsEngineError } from './fsErrors';
import { contentHash, deckByCard, sameContent, snapshotFromInfo } from './snapshot';

export interface StoredNote {
  readonly snapshot: NoteSnapshot;
  /** `contentHash` of the snapshot (note type, deck, tags, fields); computed when first read. */
  readonly hash: string;
  readonly text: string;
  readonly bytes: Uint8Array;
  /** Milliseconds; strictly increases whenever `bytes` change. */
  readonly mtime: number;
  /** Milliseconds (the note id is its creation time). */
  readonly ctime: number;
}

interface Entry {
  current: StoredNote;
  base: StoredNote | undefined;
  /** Served by `read` (an editor has it open, as far as we know): checked by `checkForChanges`. */
  served: boolean;
  /** Re-read from Anki on the next `get` (e.g. after a save whose outcome is unknown). */
  stale: boolean;
  /** When `current` was last read from (or confirmed by) Anki, ms. */
  at: number;
}

/** A note that no editor has open is re-read by `read` when its cached version is older than this (ms). */
export const UNSERVED_MAX_AGE_MS = 2000;

export interface NoteStoreOptions {
  /** The current client (the session may replace it when settings change). */
  client: () => AnkiApi;
  render: (note: NoteSnapshot) => string;
  now?: () => number;
}

export interface ChangeReport {
  /** Notes whose rendered bytes changed (mtime bumped). */
  changed: NoteId[];
  /** Notes deleted in Anki (dropped from the store). */
  deleted: NoteId[];
}

const encoder = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A stored version whose `hash` is computed on first use (a save compares content, not hashes). */
function storedNote(snapshot: NoteSnapshot, text: string, bytes: Uint8Array, mtime: number, ctime: number): StoredNote {
  let hash: string | undefined;
  return {
    snapshot,
    get hash(): string {
      return (hash ??= contentHash(snapshot));
    },
    text,
    bytes,
    mtime,
    ctime,
  };
}

function deletedMessage(id: NoteId): Message {
  return msg('noteDoesNotExist', id);
}

/** `notesInfo` entries of `multi` are not chunked by the client: keep each entry at most this many ids. */
export const MULTI_NOTES_INFO_CHUNK = 2000;

export function chunkIds<T>(ids: readonly T[], size = MULTI_NOTES_INFO_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export class NoteStore {
  private readonly entries = new Map<NoteId, Entry>();
  /** Last mtime handed out per note; survives `forget` so a re-opened note never goes back in time. */
  private readonly lastMtime = new Map<NoteId, number>();
  private readonly loading = new Map<NoteId, Promise<StoredNote>>();
  private readonly opts: NoteStoreOptions;
  private readonly now: () => number;
  /** `read` re-reads a note no editor has open when its cached version is older than this (ms). */
  unservedMaxAgeMs = UNSERVED_MAX_AGE_MS;

  constructor(opts: NoteStoreOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  // --- reading

  /** The cached current version, if any (no request). */
  peek(id: NoteId): StoredNote | undefined {
    return this.entries.get(id)?.current;
  }

  /** The version the editor loaded (or, if never served, the current one). */
  base(id: NoteId): StoredNote | undefined {
    const e = this.entries.get(id);
    return e?.base ?? e?.current;
  }

  /**
   * The current version: from the cache (0 requests), else loaded (concurrent calls share one load).
   * `deckHint` (the deck from the path) lets a cold load confirm the deck in the same round trip.
   */
  get(id: NoteId, deckHint?: string, maxAgeMs?: number): Promise<StoredNote> {
    const e = this.entries.get(id);
    if (e && !e.stale && (maxAgeMs === undefined || this.now() - e.at < maxAgeMs)) return Promise.resolve(e.current);
    const pending = this.loading.get(id);
    if (pending) return pending;
    const p = this.load(id, deckHint).finally(() => {
      if (this.loading.get(id) === p) this.loading.delete(id);
    });
    this.loading.set(id, p);
    return p;
  }

  /**
   * `get` + remember this version as the one the editor loaded. With `adoptAsBase: false` (the reader is not
   * the editor: its document has unsaved changes, so what it shows is still based on the old version) the
   * base stays where it is and the conflict check keeps guarding that editor's save.
   */
  async read(id: NoteId, deckHint?: string, opts: { adoptAsBase?: boolean } = {}): Promise<StoredNote> {
    // A note no editor has open may have been cached long ago (e.g. by a stat): re-read it then.
    const served = this.entries.get(id)?.served === true;
    const cur = await this.get(id, deckHint, served ? undefined : this.unservedMaxAgeMs);
    const e = this.entries.get(id);
    if (e) {
      if (opts.adoptAsBase !== false || e.base === undefined) e.base = e.current;
      e.served = true;
      return e.current;
    }
    return cur;
  }

  /**
   * The editor shows `text` with no unsaved changes (it was reverted or reloaded): if that is the current
   * version's text, it is now the version the editor is based on.
   */
  shown(id: NoteId, text: string): boolean {
    const e = this.entries.get(id);
    if (!e || e.current.text !== text || e.base === e.current) return false;
    e.base = e.current;
    return true;
  }

  /** Loads a note from Anki without caching it (e.g. for "Compare with Anki's Version"). */
  async fetchFresh(id: NoteId, deckHint?: string): Promise<NoteSnapshot> {
    return this.fetchOne(id, deckHint);
  }

  private async load(id: NoteId, deckHint: string | undefined): Promise<StoredNote> {
    try {
      const snap = await this.fetchOne(id, deckHint);
      return this.apply(snap).stored;
    } catch (e) {
      if (e instanceof FsEngineError && e.kind === 'notFound') this.entries.delete(id);
      throw e;
    }
  }

  /** One request with a deck hint (`multi[notesInfo, findCards(nid + exact deck)]`), else two. */
  private async fetchOne(id: NoteId, deckHint: string | undefined): Promise<NoteSnapshot> {
    const client = this.opts.client();
    let info: NoteInfo | undefined;
    let deck: string | undefined;
    if (deckHint !== undefined && deckHint !== '') {
      const entries = [
        actions.notesInfo([id]),
        // `-deck:filtered`: a card in a filtered deck also matches its original deck, but getDecks (used by the
        // conflict check) reports the filtered deck; such notes take the getDecks path so both agree.
        actions.findCards(`nid:${id} ${deckQuery(deckHint, { includeSubdecks: false })} -deck:filtered`),
      ] as const;
      const [infoOut, cardsOut] = parseOutcomes(entries, await client.multi([...entries]));
      if (!infoOut.ok) throw infoOut.cause;
      info = infoOut.value[0];
      if (info && cardsOut.ok && info.cards[0] !== undefined && cardsOut.value.includes(info.cards[0])) deck = deckHint;
    } else {
      info = (await client.notesInfo([id]))[0];
    }
    if (!info) throw new FsEngineError('notFound', deletedMessage(id));
    if (deck === undefined) deck = await this.deckOfFirstCard(client, info, deckHint);
    return snapshotFromInfo(info, deck);
  }

  private async deckOfFirstCard(client: AnkiApi, info: NoteInfo, fallback: string | undefined): Promise<string> {
    const first = info.cards[0];
    if (first === undefined) return fallback ?? 'Default';
    let decks: Map<CardId, string>;
    try {
      decks = deckByCard(await client.getDecks([first]));
    } catch (e) {
      // Read from the offline cache (Anki closed) without the card's deck: the deck the path names will do
      // for reading; a save checks the real deck with Anki first.
      if (fallback !== undefined && isConnectionFailure(e)) return fallback;
      throw e;
    }
    return decks.get(first) ?? fallback ?? 'Default';
  }

  /**
   * Current snapshots of several notes in ONE request (`multi[notesInfo…, getDecks(knownCards)]`);
   * notes whose first card is not among the known cards need one more `getDecks` (rare: cards added).
   * `undefined` = the note does not exist.
   */
  async fetchMany(ids: readonly NoteId[], knownCards: readonly CardId[]): Promise<Map<NoteId, NoteSnapshot | undefined>> {
    const client = this.opts.client();
    const chunks = chunkIds(ids);
    const entries = [...chunks.map((c) => actions.notesInfo(c)), actions.getDecks([...knownCards])];
    const outcomes = await client.multi(entries);
    const parsed = parseOutcomes(entries, outcomes);
    const infos: Array<NoteInfo | undefined> = [];
    for (let i = 0; i < chunks.length; i++) {
      const o = parsed[i];
      if (!o) continue;
      if (!o.ok) throw o.cause;
      infos.push(...(o.value as Array<NoteInfo | undefined>));
    }
    const decksOut = parsed[chunks.length];
    const decks = decksOut && decksOut.ok ? deckByCard(decksOut.value as Record<string, CardId[]>) : new Map<CardId, string>();
    if (decksOut && !decksOut.ok) throw decksOut.cause;
    return this.snapshotsFrom(client, ids, infos, decks);
  }

  /** Pairs notesInfo entries with decks; asks `getDecks` for first cards missing from `decks`. */
  async snapshotsFrom(
    client: AnkiApi,
    ids: readonly NoteId[],
    infos: ReadonlyArray<NoteInfo | undefined>,
    decks: Map<CardId, string>,
  ): Promise<Map<NoteId, NoteSnapshot | undefined>> {
    const missing = infos.flatMap((n) => (n && n.cards[0] !== undefined && !decks.has(n.cards[0]) ? [n.cards[0]] : []));
    if (missing.length > 0) for (const [c, d] of deckByCard(await client.getDecks(missing))) decks.set(c, d);
    const out = new Map<NoteId, NoteSnapshot | undefined>();
    ids.forEach((id, i) => {
      const n = infos[i];
      if (!n) {
        out.set(id, undefined);
        return;
      }
      const first = n.cards[0];
      const prev = this.entries.get(id)?.current.snapshot.deck;
      const deck = (first !== undefined ? decks.get(first) : undefined) ?? prev ?? 'Default';
      out.set(id, snapshotFromInfo(n, deck));
    });
    return out;
  }

  // --- updating

  /**
   * Records `snapshot` as the current version. When the rendered bytes change, mtime becomes
   * `max(mod*1000, last+1)`; unchanged bytes keep the mtime. `text` overrides the rendering (used right after
   * a save to keep serving the bytes the user wrote until the canonical form is published).
   */
  apply(snapshot: NoteSnapshot, opts: { text?: string; asBase?: boolean } = {}): { stored: StoredNote; changed: boolean } {
    const id = snapshot.id;
    const e = this.entries.get(id);
    const text = opts.text ?? this.opts.render(snapshot);
    const bytes = encoder.encode(text);
    let stored: StoredNote;
    let changed: boolean;
    if (e && sameBytes(e.current.bytes, bytes)) {
      stored = storedNote(snapshot, text, e.current.bytes, e.current.mtime, e.current.ctime);
      changed = false;
    } else {
      const last = this.lastMtime.get(id);
      const fromAnki = snapshot.mod !== undefined ? snapshot.mod * 1000 : this.now();
      const mtime = last === undefined ? fromAnki : Math.max(fromAnki, last + 1);
      this.lastMtime.set(id, mtime);
      stored = storedNote(snapshot, text, bytes, mtime, Number.isSafeInteger(id) && id > 0 ? id : mtime);
      changed = e !== undefined;
    }
    const at = this.now();
    if (e) {
      e.current = stored;
      e.stale = false;
      e.at = at;
      if (opts.asBase) e.base = stored;
    } else {
      this.entries.set(id, { current: stored, base: opts.asBase ? stored : undefined, served: false, stale: false, at });
    }
    return { stored, changed };
  }

  /** The editor now knowingly holds a version based on the current one (after Compare, or a save). */
  acknowledge(id: NoteId): void {
    const e = this.entries.get(id);
    if (e) e.base = e.current;
  }

  /** Sets the base to a given snapshot (e.g. what Anki has after a partly applied save). */
  setBase(snapshot: NoteSnapshot): void {
    const e = this.entries.get(snapshot.id);
    if (!e) return;
    if (sameContent(e.current.snapshot, snapshot)) e.base = e.current;
    else e.base = storedNote(snapshot, e.current.text, e.current.bytes, e.current.mtime, e.current.ctime);
  }

  markServed(id: NoteId): void {
    const e = this.entries.get(id);
    if (e) e.served = true;
  }

  markStale(id: NoteId): void {
    const e = this.entries.get(id);
    if (e) e.stale = true;
  }

  /** Drops a note (its document closed, or it was deleted). Its last mtime is kept. */
  forget(id: NoteId): void {
    this.entries.delete(id);
  }

  /** Drops everything except mtimes (the client changed). */
  clear(): void {
    this.entries.clear();
  }

  /** Notes served to an editor. */
  servedIds(): NoteId[] {
    return [...this.entries].filter(([, e]) => e.served).map(([id]) => id);
  }

  has(id: NoteId): boolean {
    return this.entries.has(id);
  }

  // --- changes made in Anki

  /**
   * For the served notes: ONE request for their mod times (`notesModTime`; where the add-on lacks it, the
   * full `multi[notesInfo, getDecks]` compared by content), then a re-read of the changed ones.
   */
  async checkForChanges(): Promise<ChangeReport> {
    const ids = this.servedIds();
    const report: ChangeReport = { changed: [], deleted: [] };
    if (ids.length === 0) return report;
    const client = this.opts.client();
    const features = await client.features();
    let fresh: Map<NoteId, NoteSnapshot | undefined>;
    if (features.notesModTime) {
      const mods = await client.notesModTime(ids);
      const suspects: NoteId[] = [];
      fresh = new Map();
      ids.forEach((id, i) => {
        const m = mods[i];
        const cur = this.entries.get(id)?.current.snapshot;
        if (!m) fresh.set(id, undefined);
        else if (cur?.mod === undefined || cur.mod !== m.mod) suspects.push(id);
      });
      if (suspects.length > 0) {
        const cards = suspects.flatMap((id) => this.entries.get(id)?.current.snapshot.cards ?? []);
        for (const [id, s] of await this.fetchMany(suspects, cards)) fresh.set(id, s);
      }
    } else {
      const cards = ids.flatMap((id) => this.entries.get(id)?.current.snapshot.cards ?? []);
      fresh = await this.fetchMany(ids, cards);
    }
    for (const [id, snap] of fresh) {
      if (!this.entries.has(id)) continue; // forgotten meanwhile
      if (snap === undefined) {
        this.entries.delete(id);
        report.deleted.push(id);
        continue;
      }
      if (this.apply(snap).changed) report.changed.push(id);
    }
    return report;
  }
}
