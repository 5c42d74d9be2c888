// The AnkiSession implementation: client from settings + SecretStorage, request log, connection state.
import { localize } from './messages';
import * as vscode from 'vscode';
import type { AnkiApi, NoteId, NoteInfo } from '../anki/api';
import { AnkiClient, type RequestEvent } from '../anki/client';
import { describeAnkiError } from '../anki/errors';
import { SECRET_API_KEY, SettingDefaults, Settings } from '../constants';
import { retryDelayMs, sameState, transition, type ConnEvent } from '../core/connection';
import type { AnkiSession, ConnectionState } from '../session';
import type { OfflineCache } from './offlineCache';

/** Builds the client for the current settings (tests substitute their own). */
export type ClientFactory = (opts: {
  url: string;
  apiKey: string | undefined;
  requestTimeoutMs: number;
  onRequest: (e: RequestEvent) => void;
}) => AnkiApi;

export const defaultClientFactory: ClientFactory = (o) =>
  new AnkiClient({ url: o.url, apiKey: o.apiKey, requestTimeoutMs: o.requestTimeoutMs, onRequest: o.onRequest });

export function formatRequestLog(e: RequestEvent): string {
  const sub = e.subActions !== undefined ? `[${e.subActions}]` : '';
  const outcome = e.ok ? 'ok' : `failed: ${e.error ?? 'unknown error'}`;
  return `${e.action}${sub} ${e.bytesOut} B out, ${e.bytesIn} B in, ${Math.round(e.ms)} ms, ${outcome}`;
}

/**
 * An `AnkiApi` that forwards to the session's current client, after the API key has been read from
 * SecretStorage, and reports every outcome to the connection state. Stable: callers may keep it.
 * With `cached`, reads that fail because Anki is closed are answered from the offline cache when it has them
 * (the connection state still says Anki is not running); `liveClient` never uses the cache (conflict checks).
 */
function gatedApi(session: Session, cached: boolean): AnkiApi {
  // notesInfo read entry by entry: each entry is recorded in the offline cache as it is read (as a notesInfo of
  // that note), and while Anki is closed the cached notes are handed to `each` as a notesInfo would answer.
  const notesInfoEach = async <T>(ids: NoteId[], each: (info: NoteInfo | undefined, index: number) => T): Promise<T[]> => {
    await session.ready;
    const client = session.currentClient;
    try {
      const out = client.notesInfoEach
        ? await client.notesInfoEach(ids, (info, i) => {
            if (info) session.offline?.record('notesInfo', [[info.noteId]], [info]);
            return each(info, i);
          })
        : (await client.notesInfo(ids)).map((info, i) => {
            if (info) session.offline?.record('notesInfo', [[info.noteId]], [info]);
            return each(info, i);
          });
      session.reportSuccess();
      return out;
    } catch (e) {
      session.reportFailure(e);
      if (cached && session.offline && describeAnkiError(e).kind === 'notRunning') {
        const a = await session.offline.answer('notesInfo', [ids]);
        if (a.hit) return (a.value as Array<NoteInfo | undefined>).map(each);
      }
      throw e;
    }
  };
  const handler: ProxyHandler<object> = {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      if (prop === 'then') return undefined; // not a thenable
      if (prop === 'notesInfoEach') return notesInfoEach;
      return async (...args: unknown[]): Promise<unknown> => {
        await session.ready;
        const client = session.currentClient as unknown as Record<string, unknown>;
        const fn = client[prop];
        if (typeof fn !== 'function') throw new TypeError(`AnkiApi has no method ${prop}`);
        try {
          const result: unknown = await (fn as (...a: unknown[]) => Promise<unknown>).apply(client, args);
          if (prop !== 'version') session.reportSuccess();
          session.offline?.record(prop, args, result);
          return result;
        } catch (e) {
          session.reportFailure(e);
          if (cached && session.offline && describeAnkiError(e).kind === 'notRunning') {
            const a = await session.offline.answer(prop, args);
            if (a.hit) return a.value;
          }
          throw e;
        }
      };
    },
  };
  return new Proxy({}, handler) as AnkiApi;
}

export class Session implements AnkiSession, vscode.Disposable {
  readonly client: AnkiApi;
  /** The same client without offline answers: what a write's conflict check must read. */
  readonly liveClient: AnkiApi;
  /** The offline cache, once `attachOffline` ran (src/ui/offlineCache.ts). */
  offline: OfflineCache | undefined;
  private clientValue: AnkiApi | undefined;
  private stateValue: ConnectionState = { kind: 'unknown' };
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  private readonly clientEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidChangeClient = this.clientEmitter.event;
  private readonly profileEmitter = new vscode.EventEmitter<string>();
  /**
   * After Anki answered again (or first): its active profile was read and the offline cache switched to it
   * ('' when the add-on cannot tell). Queued saves and the catch-up wait for this (src/ui/saveQueue.ts).
   */
  readonly onDidLearnProfile = this.profileEmitter.event;
  /** The Anki profile of the current connection, once learned; undefined while not connected. */
  activeProfile: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private apiKey: string | undefined;
  /** Resolves once the API key has been read (the first client needs it). */
  ready: Promise<void>;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAttempt = 0;
  private probing: Promise<ConnectionState> | undefined;
  private disposed = false;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    readonly log: vscode.LogOutputChannel,
    private readonly factory: ClientFactory = defaultClientFactory,
  ) {
    this.client = gatedApi(this, true);
    this.liveClient = gatedApi(this, false);
    this.ready = this.loadKey();
    this.disposables.push(
      this.stateEmitter,
      this.clientEmitter,
      this.profileEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.url) || e.affectsConfiguration(Settings.requestTimeout)) {
          this.rebuild('settings changed');
        }
      }),
      secrets.onDidChange((e) => {
        if (e.key === SECRET_API_KEY) {
          this.ready = this.loadKey().then(() => this.rebuild('API key changed'));
        }
      }),
    );
  }

  private async loadKey(): Promise<void> {
    try {
      const key = await this.secrets.get(SECRET_API_KEY);
      this.apiKey = key === undefined || key === '' ? undefined : key;
    } catch (e) {
      this.log.warn(`Could not read the API key from secret storage: ${describeAnkiError(e).message}`);
      this.apiKey = undefined;
    }
  }

  /** The client for the current settings (built on first use). */
  get currentClient(): AnkiApi {
    if (!this.clientValue) this.clientValue = this.build();
    return this.clientValue;
  }

  private settings(): { url: string; requestTimeoutMs: number } {
    const cfg = vscode.workspace.getConfiguration(Settings.section);
    return {
      url: cfg.get<string>('url', SettingDefaults.url).trim() || SettingDefaults.url,
      requestTimeoutMs: cfg.get<number>('requestTimeout', SettingDefaults.requestTimeout),
    };
  }

  private build(): AnkiApi {
    const s = this.settings();
    this.log.info(`AnkiConnect at ${s.url}${this.apiKey ? ' (with API key)' : ''}, request timeout ${s.requestTimeoutMs} ms`);
    return this.factory({
      url: s.url,
      apiKey: this.apiKey,
      requestTimeoutMs: s.requestTimeoutMs,
      onRequest: (e) => {
        const line = formatRequestLog(e);
        if (e.ok) this.log.debug(line);
        else this.log.warn(line);
      },
    });
  }

  private rebuild(reason: string): void {
    if (this.disposed) return;
    this.log.info(`Reconnecting: ${reason}`);
    this.clientValue = undefined;
    this.apply({ type: 'reset' });
    this.clientEmitter.fire();
    void this.check();
  }

  get url(): string {
    return this.settings().url;
  }

  get hasApiKey(): boolean {
    return this.apiKey !== undefined;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get pageSize(): number {
    const n = vscode.workspace.getConfiguration(Settings.section).get<number>('pageSize', SettingDefaults.pageSize);
    return Number.isFinite(n) && n >= 1 ? Math.floor(n) : SettingDefaults.pageSize;
  }

  reportSuccess(): void {
    this.apply({ type: 'success' });
  }

  reportFailure(error: unknown): void {
    const d = describeAnkiError(error);
    this.apply({ type: 'failure', kind: d.kind, message: localize(d.msg) });
  }

  /** Probes AnkiConnect (`version`). Concurrent calls share one probe. */
  check(opts: { background?: boolean } = {}): Promise<ConnectionState> {
    if (this.probing) return this.probing;
    this.apply({ type: 'probe', background: opts.background === true });
    this.probing = (async () => {
      try {
        const version = await this.client.version();
        this.apply({ type: 'success', version });
      } catch {
        // reportFailure already ran inside the gated client.
        if (this.stateValue.kind === 'connecting') {
          this.apply({ type: 'failure', kind: 'unknown', message: '' });
        }
      } finally {
        this.probing = undefined;
      }
      this.scheduleRetry();
      return this.stateValue;
    })();
    return this.probing;
  }

  /** Stores (or clears, with `undefined`) the API key; the client is rebuilt by the change event. */
  async setApiKey(key: string | undefined): Promise<void> {
    if (key === undefined || key === '') await this.secrets.delete(SECRET_API_KEY);
    else await this.secrets.store(SECRET_API_KEY, key);
  }

  private apply(event: ConnEvent): void {
    if (this.disposed) return;
    const before = this.stateValue;
    let next = transition(before, event);
    // A probe that failed at request level (e.g. 'unknown') still has to leave the spinner.
    if (event.type === 'failure' && next.kind === 'connecting') {
      next = { kind: 'error', message: event.message || vscode.l10n.t('AnkiConnect did not answer as expected.') };
    }
    if (sameState(before, next)) return;
    this.stateValue = next;
    this.log.info(`Connection: ${describeState(next)}`);
    if (next.kind === 'connected' || before.kind === 'connected' || event.type === 'reset') this.retryAttempt = 0;
    this.scheduleRetry();
    this.stateEmitter.fire(next);
  }

  private scheduleRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.disposed || this.probing) return;
    const delay = retryDelayMs(this.stateValue, this.retryAttempt);
    if (delay === undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryAttempt++;
      void this.check({ background: true });
    }, delay);
  }

  /** Re-check now when not connected (e.g. on window focus). */
  nudge(): void {
    if (this.stateValue.kind !== 'connected' && this.stateValue.kind !== 'apiKey') void this.check({ background: true });
  }

  /** Records reads into `cache` and answers from it while Anki is closed; keyed by URL and Anki profile. */
  attachOffline(cache: OfflineCache): void {
    this.offline = cache;
    void cache.use(this.url);
    this.disposables.push(
      this.onDidChangeState((s) => {
        if (s.kind === 'connected') {
          cache.expectProfile();
          void this.learnProfile(cache);
        } else this.activeProfile = undefined;
      }),
      this.onDidChangeClient(() => void cache.use(this.url)),
    );
  }

  /** One `getActiveProfile` per connection (not through the gated client: not cached, not counted). */
  private async learnProfile(cache: OfflineCache): Promise<void> {
    let profile = '';
    try {
      profile = await this.currentClient.getActiveProfile();
    } catch (e) {
      this.log.debug(`getActiveProfile: ${describeAnkiError(e).message} (the offline cache is keyed by the address only)`);
    }
    await cache.use(this.url, profile);
    if (this.disposed || this.stateValue.kind !== 'connected') return;
    const before = this.activeProfile;
    this.activeProfile = profile;
    if (before !== profile) this.profileEmitter.fire(profile);
  }

  /** Reads are being answered from the offline cache: Anki is closed and the cache had what was asked. */
  get servingFromCache(): boolean {
    return this.cachedAt !== undefined;
  }

  get cachedAt(): number | undefined {
    return this.stateValue.kind === 'notRunning' ? this.offline?.cachedAt : undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const d of this.disposables) d.dispose();
  }
}

export function describeState(s: ConnectionState): string {
  switch (s.kind) {
    case 'connected':
      return `connected (AnkiConnect API ${s.version})`;
    case 'unknown':
    case 'connecting':
      return s.kind;
    default:
      return `${s.kind}: ${s.message}`;
  }
}
