// The AnkiConnect client (pure: no `vscode` import): node:http transport, one request in flight (FIFO),
// `version: 6` and `key` (only when configured) on every request and every `multi` sub-action, every
// result validated with zod.
import type {
  AnkiApi,
  AnkiFeatures,
  CardId,
  CardInfo,
  CardModTime,
  DeckConfig,
  MultiAction,
  MultiOutcome,
  NewNote,
  NoteId,
  NoteInfo,
  NoteModTime,
} from './api';
import { msg, type Message } from '../messages';
import { parseResult } from './actions';
import {
  AnkiConnectError,
  AnkiProtocolError,
  AnkiTransportError,
  AnkiUnsupportedError,
  describeAnkiError,
} from './errors';
import { SerialQueue } from './queue';
import { scanResultEntries } from './replyScan';
import { envelopeSchema, noteInfoEntrySchema, type KnownAction, type ResultOf } from './schemas';
import { parseTarget, postJson, type Target } from './transport';

export const DEFAULT_URL = 'http://127.0.0.1:8765';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
/**
 * Ids per `notesInfo` request for long id lists, chosen with test/bench/chunk-size.ts (notesInfo of 50,000
 * ids, test server under the `anki` latency profile, best of 3 on a loaded 2-core machine): the part of the
 * wall time the chunk size controls (wall − server work: ticks, transfer, parsing) falls from 3.6 s at 500 ids
 * (100 requests) to 1.8 s at 2,000–5,000, then rises again (2.1 s at 10k, 2.8 s at 50k) while the client's
 * peak heap grows (47 MiB up to 5k, 62 at 10k, 88 at 50k) and each request would freeze Anki's UI longer.
 * At 5,000 ids the request body is 68 KiB (far below the ~1 MB where the add-on's quadratic body reading
 * starts to cost) and the reply ~2 MiB.
 */
export const DEFAULT_NOTES_INFO_CHUNK = 5_000;
/**
 * Ids per `cardsInfo` request: cardsInfo renders both sides of every card (plus CSS), ~3.6× the bytes and
 * the server time of a notesInfo entry, so a quarter-ish of the notesInfo chunk keeps replies at ~1.5 MiB.
 */
export const DEFAULT_CARDS_INFO_CHUNK = 1_000;
/** Ids per `notesModTime` / `cardsModTime` request (tiny entries, ~45 bytes of reply; body ~14 bytes per id ⇒ ~280 KiB). */
export const DEFAULT_MOD_TIME_CHUNK = 20_000;
export const API_VERSION = 6;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What `onRequest` receives after every HTTP request (success or failure). */
export interface RequestEvent {
  action: string;
  /** Number of sub-actions of a `multi`. */
  subActions?: number;
  bytesOut: number;
  bytesIn: number;
  /** Wall time of the HTTP exchange (not the time spent waiting in the queue). */
  ms: number;
  ok: boolean;
  /** Plain-English error, when `ok` is false. */
  error?: string;
}

export interface AnkiClientOptions {
  url?: string;
  /** Sent as `key` on every request and sub-action; omitted entirely when not set. */
  apiKey?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Ids per notesInfo request (default `DEFAULT_NOTES_INFO_CHUNK`). */
  notesInfoChunk?: number;
  /** Ids per cardsInfo request (default `DEFAULT_CARDS_INFO_CHUNK`). */
  cardsInfoChunk?: number;
  /** Ids per notesModTime/cardsModTime request (default `DEFAULT_MOD_TIME_CHUNK`). */
  modTimeChunk?: number;
  onRequest?: (e: RequestEvent) => void;
}

/** The actions `features()` asks `apiReflect` about. */
const REFLECTED = ['notesModTime', 'cardsModTime', 'notesInfo', 'multi'] as const;

interface ReflectedFeatures {
  notesModTime: boolean;
  cardsModTime: boolean;
  notesInfoQuery: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads one `multi` entry: `{result, error}` (sub-action version ≥ 5), `{error}` or a bare value. */
export function readMultiEntry(v: unknown): MultiOutcome {
  if (isRecord(v) && 'error' in v) {
    const err = v.error;
    if (err !== null && err !== undefined) return { ok: false, error: typeof err === 'string' ? err : JSON.stringify(err) };
    if ('result' in v) return { ok: true, value: v.result };
  }
  return { ok: true, value: v };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class AnkiClient implements AnkiApi {
  readonly url: string;
  private readonly target: Target | { error: Message };
  private readonly apiKey: string | undefined;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly notesInfoChunk: number;
  private readonly cardsInfoChunk: number;
  private readonly modTimeChunk: number;
  private readonly onRequest: ((e: RequestEvent) => void) | undefined;
  private readonly queue = new SerialQueue();
  private reflected: Promise<ReflectedFeatures> | undefined;
  /** A notesInfo reply carried `mod` (builds since mid-2024). */
  private sawNotesInfoMod = false;

  constructor(opts: AnkiClientOptions = {}) {
    this.url = opts.url ?? DEFAULT_URL;
    this.target = parseTarget(this.url);
    this.apiKey = opts.apiKey === '' ? undefined : opts.apiKey;
    // setTimeout fires at once beyond 2^31-1 ms; clamp.
    this.requestTimeoutMs = Math.min(MAX_TIMER_MS, positive(opts.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS));
    this.connectTimeoutMs = Math.min(MAX_TIMER_MS, positive(opts.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS));
    this.notesInfoChunk = Math.max(1, Math.floor(positive(opts.notesInfoChunk, DEFAULT_NOTES_INFO_CHUNK)));
    this.cardsInfoChunk = Math.max(1, Math.floor(positive(opts.cardsInfoChunk, DEFAULT_CARDS_INFO_CHUNK)));
    this.modTimeChunk = Math.max(1, Math.floor(positive(opts.modTimeChunk, DEFAULT_MOD_TIME_CHUNK)));
    this.onRequest = opts.onRequest;
  }

  /** True when an API key is configured (it is then sent on every request and sub-action). */
  get hasApiKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** Requests queued or in flight. */
  get pending(): number {
    return this.queue.size;
  }

  // ---------------------------------------------------------------- low level

  /** The envelope fields of one (sub-)request: `version: 6` and `key` only when configured. */
  private envelope(action: string, params: Record<string, unknown> | undefined): Record<string, unknown> {
    const req: Record<string, unknown> = { action, version: API_VERSION };
    if (params !== undefined) req.params = params;
    if (this.apiKey !== undefined) req.key = this.apiKey;
    return req;
  }

  /**
   * Sends one action (queued behind every earlier request) and returns its raw `result`.
   * Throws `AnkiConnectError` for `error !== null`, `AnkiTransportError` otherwise.
   */
  invoke(action: string, params?: Record<string, unknown>, subActions?: number): Promise<unknown> {
    return this.queue.run(() => this.send(action, params, subActions));
  }

  private async send<R = unknown>(
    action: string,
    params: Record<string, unknown> | undefined,
    subActions?: number,
    read: (body: Buffer) => R = (body) => this.unwrap(action, body) as R,
  ): Promise<R> {
    const body = Buffer.from(JSON.stringify(this.envelope(action, params)), 'utf8');
    const started = performance.now();
    let bytesIn = 0;
    try {
      const target = this.target;
      if ('error' in target) throw new AnkiTransportError('badUrl', action, target.error);
      const reply = await postJson(target, action, body, {
        connectTimeoutMs: this.connectTimeoutMs,
        requestTimeoutMs: this.requestTimeoutMs,
      });
      bytesIn = reply.body.length;
      if (reply.status === 403) {
        throw new AnkiTransportError(
          'forbidden',
          action,
          msg('forbidden', target.hostPort),
          { status: 403 },
        );
      }
      if (reply.status !== 200) {
        throw new AnkiTransportError(
          'http',
          action,
          msg('httpStatus', target.hostPort, `${reply.status}${reply.statusMessage ? ` ${reply.statusMessage}` : ''}`),
          { status: reply.status },
        );
      }
      const result = read(reply.body);
      this.emit({ action, subActions, bytesOut: body.length, bytesIn, ms: performance.now() - started, ok: true });
      return result;
    } catch (e) {
      this.emit({
        action,
        subActions,
        bytesOut: body.length,
        bytesIn,
        ms: performance.now() - started,
        ok: false,
        error: describeAnkiError(e).message,
      });
      throw e;
    }
  }

  /** Parses the reply body: `{result, error}`; throws `AnkiConnectError` / `AnkiProtocolError`. */
  private unwrap(action: string, body: Buffer): unknown {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (e) {
      const head = body.subarray(0, 60).toString('utf8').replace(/\s+/g, ' ');
      throw new AnkiProtocolError(action, body.length === 0 ? 'empty reply' : `not JSON: "${head}"`, e);
    }
    if (isRecord(json) && 'apiVersion' in json && !('result' in json)) {
      throw new AnkiProtocolError(action, 'AnkiConnect answered with its version banner: the request body did not arrive');
    }
    const env = envelopeSchema.safeParse(json);
    if (!env.success) {
      // An error is always enveloped, whatever else is wrong.
      if (isRecord(json) && typeof json.error === 'string') {
        throw new AnkiConnectError(action, json.error, { apiKeyConfigured: this.hasApiKey });
      }
      throw new AnkiProtocolError(action, 'reply is not {"result", "error"}');
    }
    if (env.data.error !== null) throw new AnkiConnectError(action, env.data.error, { apiKeyConfigured: this.hasApiKey });
    return env.data.result;
  }

  private emit(e: RequestEvent): void {
    if (!this.onRequest) return;
    if (e.subActions === undefined) delete e.subActions;
    if (e.error === undefined) delete e.error;
    try {
      this.onRequest(e);
    } catch {
      // A failing logger must not break requests.
    }
  }

  /** Sends a known action and validates its result with the action's schema. */
  private async call<A extends KnownAction>(action: A, params?: Record<string, unknown>): Promise<ResultOf<A>> {
    return parseResult(action, await this.invoke(action, params));
  }

  /**
   * Runs a long id list as sequential requests of `size` ids (never in parallel), concatenating results
   * in input order; each reply must have one entry per id.
   */
  private async chunked<A extends 'notesInfo' | 'cardsInfo' | 'notesModTime' | 'cardsModTime'>(
    action: A,
    key: 'notes' | 'cards',
    ids: readonly number[],
    size: number,
  ): Promise<ResultOf<A>> {
    const out: unknown[] = [];
    for (const part of chunks(ids, size)) {
      const result = await this.call(action, { [key]: part });
      if (result.length !== part.length) {
        throw new AnkiProtocolError(action, `asked for ${part.length} entries, got ${result.length}`);
      }
      for (const r of result) out.push(r);
    }
    return out as ResultOf<A>;
  }

  // ---------------------------------------------------------------- misc

  async version(): Promise<number> {
    return this.call('version');
  }

  async apiReflect(actions: string[] | null): Promise<string[]> {
    return (await this.call('apiReflect', { scopes: ['actions'], actions })).actions;
  }

  /**
   * Optional features of this add-on build, asked once (one request: `multi[apiReflect, notesInfo{query}]`)
   * and cached; a failed probe is not cached. `notesInfoMod` also turns true once a notesInfo entry
   * carried `mod`.
   */
  async features(): Promise<AnkiFeatures> {
    if (!this.reflected) {
      const p = this.probeFeatures();
      this.reflected = p;
      p.catch(() => {
        if (this.reflected === p) this.reflected = undefined;
      });
    }
    const r = await this.reflected;
    return { ...r, notesInfoMod: r.notesModTime || this.sawNotesInfoMod };
  }

  private async probeFeatures(): Promise<ReflectedFeatures> {
    const [reflect, query] = await this.multi([
      { action: 'apiReflect', params: { scopes: ['actions'], actions: [...REFLECTED] } },
      // notesInfo accepts `query` since Nov 2024; older builds fail with a TypeError ("unexpected keyword").
      { action: 'notesInfo', params: { query: 'nid:0' } },
    ]);
    if (!reflect || !query) throw new AnkiProtocolError('multi', 'expected 2 results');
    let names: string[] = [];
    if (reflect.ok) {
      names = parseResult('apiReflect', reflect.value).actions;
    } else if (reflect.error !== 'unsupported action') {
      // e.g. a wrong API key: report it rather than pretend the features are missing.
      throw new AnkiConnectError('apiReflect', reflect.error, { apiKeyConfigured: this.hasApiKey });
    }
    return {
      notesModTime: names.includes('notesModTime'),
      cardsModTime: names.includes('cardsModTime'),
      notesInfoQuery: query.ok,
    };
  }

  // ---------------------------------------------------------------- decks

  async deckNames(): Promise<string[]> {
    return this.call('deckNames');
  }

  async deckNamesAndIds(): Promise<Record<string, number>> {
    return this.call('deckNamesAndIds');
  }

  /** Deck name -> card ids (unknown card ids land under "Default", as in Anki). `[]` gives `{}` without a request. */
  async getDecks(cards: CardId[]): Promise<Record<string, CardId[]>> {
    if (cards.length === 0) return {};
    return this.call('getDecks', { cards });
  }

  async createDeck(deck: string): Promise<number> {
    return this.call('createDeck', { deck });
  }

  /** Moves cards (creating the deck if needed). No cards: no request. */
  async changeDeck(cards: CardId[], deck: string): Promise<void> {
    if (cards.length === 0) return;
    await this.call('changeDeck', { cards, deck });
  }

  async deleteDecks(decks: string[], cardsToo: true): Promise<void> {
    if (decks.length === 0) return;
    await this.call('deleteDecks', { decks, cardsToo });
  }

  // ---------------------------------------------------------------- notes and cards

  async findNotes(query: string): Promise<NoteId[]> {
    return this.call('findNotes', { query });
  }

  async findCards(query: string): Promise<CardId[]> {
    return this.call('findCards', { query });
  }

  async notesInfo(notes: NoteId[]): Promise<Array<NoteInfo | undefined>> {
    const result = await this.chunked('notesInfo', 'notes', notes, this.notesInfoChunk);
    if (!this.sawNotesInfoMod && result.some((n) => n?.mod !== undefined)) this.sawNotesInfoMod = true;
    return result;
  }

  /**
   * `notesInfo` (same requests, same validation, same errors), each entry handed to `each` as soon as it is
   * read and validated; resolves with what `each` returned, in order. The reply is read entry by entry
   * (src/anki/replyScan.ts): neither its whole text nor its whole parsed tree is held, only `each`'s results.
   * A reply of another shape is parsed whole as usual, and `each` may then be called again for entries it
   * already saw (keep it free of side effects).
   */
  async notesInfoEach<T>(notes: NoteId[], each: (info: NoteInfo | undefined, index: number) => T): Promise<T[]> {
    const out: T[] = [];
    for (const part of chunks(notes, this.notesInfoChunk)) {
      const offset = out.length;
      const got = await this.queue.run(() =>
        this.send('notesInfo', { notes: part }, undefined, (body) => this.readNotesInfo(body, part.length, (info, i) => each(info, offset + i))),
      );
      for (const r of got) out.push(r);
    }
    return out;
  }

  /** One notesInfo reply read entry by entry; any other shape goes through `unwrap` + the schema. */
  private readNotesInfo<T>(body: Buffer, expected: number, each: (info: NoteInfo | undefined, index: number) => T): T[] {
    const results: T[] = [];
    let valid = true;
    const scanned = scanResultEntries(body, (json, i) => {
      if (!valid) return;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        valid = false; // not JSON: the full parse below reports it
        return;
      }
      const v = noteInfoEntrySchema.safeParse(value);
      if (!v.success) {
        valid = false; // the full parse below reports it, with its position
        return;
      }
      if (v.data?.mod !== undefined) this.sawNotesInfoMod = true;
      results.push(each(v.data, i));
    });
    if (scanned && valid && scanned.error === null && scanned.count === expected) return results;
    const all = parseResult('notesInfo', this.unwrap('notesInfo', body));
    if (all.length !== expected) throw new AnkiProtocolError('notesInfo', `asked for ${expected} entries, got ${all.length}`);
    if (!this.sawNotesInfoMod && all.some((n) => n?.mod !== undefined)) this.sawNotesInfoMod = true;
    return all.map((info, i) => each(info, i));
  }

  /**
   * Note modification times. On add-on builds without `notesModTime` (before mid-2024) this degrades to
   * `notesInfo` and maps its `mod`; if those notes carry no `mod` either, it throws `AnkiUnsupportedError`
   * (changes made in Anki cannot be detected without it; guessing would risk overwriting them).
   */
  async notesModTime(notes: NoteId[]): Promise<Array<NoteModTime | undefined>> {
    if (notes.length === 0) return [];
    if ((await this.features()).notesModTime) {
      return this.chunked('notesModTime', 'notes', notes, this.modTimeChunk);
    }
    const infos = await this.notesInfo(notes);
    return infos.map((n) => {
      if (n === undefined) return undefined;
      if (n.mod === undefined) {
        throw new AnkiUnsupportedError(
          'notesModTime',
          msg('noModTimes'),
        );
      }
      return { noteId: n.noteId, mod: n.mod };
    });
  }

  async cardsInfo(cards: CardId[]): Promise<Array<CardInfo | undefined>> {
    return this.chunked('cardsInfo', 'cards', cards, this.cardsInfoChunk);
  }

  /** Card modification times; degrades to `cardsInfo` (which always has `mod`) on builds without `cardsModTime`. */
  async cardsModTime(cards: CardId[]): Promise<Array<CardModTime | undefined>> {
    if (cards.length === 0) return [];
    if ((await this.features()).cardsModTime) {
      return this.chunked('cardsModTime', 'cards', cards, this.modTimeChunk);
    }
    const infos = await this.cardsInfo(cards);
    return infos.map((c) => (c === undefined ? undefined : { cardId: c.cardId, mod: c.mod }));
  }

  async updateNoteFields(note: NoteId, fields: Record<string, string>): Promise<void> {
    await this.call('updateNoteFields', { note: { id: note, fields } });
  }

  async updateNoteTags(note: NoteId, tags: string[]): Promise<void> {
    await this.call('updateNoteTags', { note, tags });
  }

  /** `tags` is one space-separated string. No notes: no request. */
  async addTags(notes: NoteId[], tags: string): Promise<void> {
    if (notes.length === 0) return;
    await this.call('addTags', { notes, tags });
  }

  async removeTags(notes: NoteId[], tags: string): Promise<void> {
    if (notes.length === 0) return;
    await this.call('removeTags', { notes, tags });
  }

  async addNote(note: NewNote): Promise<NoteId> {
    return this.call('addNote', { note });
  }

  async deleteNotes(notes: NoteId[]): Promise<void> {
    if (notes.length === 0) return;
    await this.call('deleteNotes', { notes });
  }

  // ---------------------------------------------------------------- note types, tags, GUI

  async modelNames(): Promise<string[]> {
    return this.call('modelNames');
  }

  async modelFieldNames(modelName: string): Promise<string[]> {
    return this.call('modelFieldNames', { modelName });
  }

  async modelTemplates(modelName: string): Promise<Record<string, { Front: string; Back: string }>> {
    return this.call('modelTemplates', { modelName });
  }

  async modelStyling(modelName: string): Promise<{ css: string }> {
    return this.call('modelStyling', { modelName });
  }

  async getTags(): Promise<string[]> {
    return this.call('getTags');
  }

  async getNoteTags(note: NoteId): Promise<string[]> {
    return this.call('getNoteTags', { note });
  }

  async replaceTags(notes: NoteId[], from: string, to: string): Promise<void> {
    await this.call('replaceTags', { notes, tag_to_replace: from, replace_with_tag: to });
  }

  async replaceTagsInAllNotes(from: string, to: string): Promise<void> {
    await this.call('replaceTagsInAllNotes', { tag_to_replace: from, replace_with_tag: to });
  }

  async clearUnusedTags(): Promise<void> {
    await this.call('clearUnusedTags');
  }

  async getDeckConfig(deck: string): Promise<DeckConfig | false> {
    return this.call('getDeckConfig', { deck });
  }

  async saveDeckConfig(config: Record<string, unknown>): Promise<boolean> {
    return this.call('saveDeckConfig', { config });
  }

  async setDeckConfigId(decks: string[], configId: number): Promise<boolean> {
    return this.call('setDeckConfigId', { decks, configId });
  }

  async cloneDeckConfigId(name: string, cloneFrom: number): Promise<number | false> {
    return this.call('cloneDeckConfigId', { name, cloneFrom });
  }

  async removeDeckConfigId(configId: number): Promise<boolean> {
    return this.call('removeDeckConfigId', { configId });
  }

  async getMediaFilesNames(pattern = '*'): Promise<string[]> {
    return this.call('getMediaFilesNames', { pattern });
  }

  async retrieveMediaFile(filename: string): Promise<string | false> {
    return this.call('retrieveMediaFile', { filename });
  }

  async storeMediaFile(filename: string, data: string): Promise<string> {
    const stored = await this.call('storeMediaFile', { filename, data, deleteExisting: false });
    if (stored === null) throw new AnkiProtocolError('storeMediaFile', 'Anki stored nothing (no file name returned)');
    return stored;
  }

  async getProfiles(): Promise<string[]> {
    return this.call('getProfiles');
  }

  async getActiveProfile(): Promise<string> {
    return this.call('getActiveProfile');
  }

  /** Opens Anki's browser on `query`; returns the matching card ids. */
  async guiBrowse(query: string): Promise<CardId[]> {
    return this.call('guiBrowse', { query });
  }

  // ---------------------------------------------------------------- multi

  /**
   * One request carrying every action (each with `version: 6` and `key`), one outcome per action, in order.
   * Not atomic: any entry may fail on its own. No actions: no request.
   */
  async multi(actions: MultiAction[]): Promise<MultiOutcome[]> {
    if (actions.length === 0) return [];
    const sub = actions.map((a) => this.envelope(a.action, a.params));
    const result = await this.invoke('multi', { actions: sub }, actions.length);
    if (!Array.isArray(result)) throw new AnkiProtocolError('multi', 'result is not a list');
    if (result.length !== actions.length) {
      throw new AnkiProtocolError('multi', `sent ${actions.length} actions, got ${result.length} results`);
    }
    return result.map(readMultiEntry);
  }
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}
