// Session: client built from settings + SecretStorage, connection state driven by real request outcomes,
// automatic retries while Anki is down, rebuild on key/settings changes. The client is a scripted fake.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as vscode from 'vscode';
import { shimConfigApi } from '../../shim/vscode';
import type { AnkiApi } from '../../../src/anki/api';
import type { RequestEvent } from '../../../src/anki/client';
import { AnkiConnectError, AnkiTransportError, API_KEY_MESSAGE } from '../../../src/anki/errors';
import { SECRET_API_KEY } from '../../../src/constants';
import type { ConnectionState } from '../../../src/session';
import { formatRequestLog, Session, type ClientFactory } from '../../../src/ui/session';

class FakeSecrets {
  private readonly store_ = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<{ key: string }>();
  readonly onDidChange = this.emitter.event;
  async get(key: string): Promise<string | undefined> {
    return this.store_.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.store_.set(key, value);
    this.emitter.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.store_.delete(key);
    this.emitter.fire({ key });
  }
  seed(key: string, value: string): void {
    this.store_.set(key, value);
  }
}

function fakeLog() {
  const lines: string[] = [];
  const rec = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  const log = { info: rec('info'), debug: rec('debug'), warn: rec('warn'), error: rec('error'), trace: rec('trace'), show() {} };
  return { log: log as unknown as vscode.LogOutputChannel, lines };
}

/** Anki as the fake client sees it. */
let anki: 'up' | 'down' | 'key';
let expectedKey: string | undefined;
let built: Array<{ url: string; apiKey: string | undefined; requestTimeoutMs: number; onRequest: (e: RequestEvent) => void }>;
let versionCalls = 0;

const factory: ClientFactory = (opts) => {
  built.push(opts);
  const gate = (action: string): void => {
    if (anki === 'down') throw new AnkiTransportError('notRunning', action, 'Anki is not running');
    if (anki === 'key' || opts.apiKey !== expectedKey) throw new AnkiConnectError(action, API_KEY_MESSAGE, { apiKeyConfigured: !!opts.apiKey });
  };
  const api = {
    async version() {
      versionCalls++;
      gate('version');
      opts.onRequest({ action: 'version', bytesOut: 30, bytesIn: 30, ms: 2, ok: true });
      return 6;
    },
    async deckNames() {
      gate('deckNames');
      return ['Default'];
    },
    async findNotes(q: string) {
      gate('findNotes');
      if (q.includes('(')) throw new AnkiConnectError('findNotes', 'Invalid search: unbalanced');
      return [];
    },
  };
  return api as unknown as AnkiApi;
};

function track(session: Session): ConnectionState['kind'][] {
  const seen: ConnectionState['kind'][] = [];
  session.onDidChangeState((s) => seen.push(s.kind));
  return seen;
}

beforeEach(() => {
  anki = 'up';
  expectedKey = undefined;
  built = [];
  versionCalls = 0;
  shimConfigApi.clear();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Session', () => {
  it('probes: connecting, then connected with the version; logs requests at debug level', async () => {
    const { log, lines } = fakeLog();
    const s = new Session(new FakeSecrets() as unknown as vscode.SecretStorage, log, factory);
    const seen = track(s);
    expect(s.state.kind).toBe('unknown');
    expect(await s.check()).toEqual({ kind: 'connected', version: 6 });
    expect(seen).toEqual(['connecting', 'connected']);
    expect(built[0]!.url).toBe('http://127.0.0.1:8765');
    expect(lines).toContain('debug version 30 B out, 30 B in, 2 ms, ok');
    s.dispose();
  });

  it('reads the API key from SecretStorage before the first request', async () => {
    const secrets = new FakeSecrets();
    secrets.seed(SECRET_API_KEY, 'sekrit');
    expectedKey = 'sekrit';
    const s = new Session(secrets as unknown as vscode.SecretStorage, fakeLog().log, factory);
    await expect(s.client.deckNames()).resolves.toEqual(['Default']);
    expect(built.map((b) => b.apiKey)).toEqual(['sekrit']);
    expect(s.state.kind).toBe('connected');
    s.dispose();
  });

  it('any request failing at connection level moves the state; request-level errors do not', async () => {
    const s = new Session(new FakeSecrets() as unknown as vscode.SecretStorage, fakeLog().log, factory);
    await s.check();
    await expect(s.client.findNotes('(')).rejects.toThrow(/Invalid search/);
    expect(s.state.kind).toBe('connected');
    anki = 'down';
    await expect(s.client.deckNames()).rejects.toThrow();
    expect(s.state).toEqual({ kind: 'notRunning', message: 'Anki is not running' });
    s.dispose();
  });

  it('retries on its own while Anki is down (backing off), without flickering, and reconnects', async () => {
    vi.useFakeTimers();
    const s = new Session(new FakeSecrets() as unknown as vscode.SecretStorage, fakeLog().log, factory);
    anki = 'down';
    await s.check();
    const seen = track(s);
    const calls0 = versionCalls;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(versionCalls).toBe(calls0 + 1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(versionCalls).toBe(calls0 + 2);
    expect(seen).toEqual([]); // background probes keep "not running" on screen
    anki = 'up';
    await vi.advanceTimersByTimeAsync(10_000);
    expect(s.state.kind).toBe('connected');
    expect(seen).toEqual(['connected']);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(versionCalls).toBe(calls0 + 3); // no polling once connected
    s.dispose();
  });

  it('a rejected key is not retried automatically; setting the key rebuilds the client and reconnects', async () => {
    vi.useFakeTimers();
    const secrets = new FakeSecrets();
    const s = new Session(secrets as unknown as vscode.SecretStorage, fakeLog().log, factory);
    expectedKey = 'right';
    await s.check();
    expect(s.state.kind).toBe('apiKey');
    const calls0 = versionCalls;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(versionCalls).toBe(calls0);

    let clientChanged = 0;
    s.onDidChangeClient(() => clientChanged++);
    await s.setApiKey('right');
    await vi.advanceTimersByTimeAsync(0);
    expect(clientChanged).toBe(1);
    expect(built.at(-1)!.apiKey).toBe('right');
    expect(s.state.kind).toBe('connected');

    await s.setApiKey(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(built.at(-1)!.apiKey).toBeUndefined();
    expect(s.state.kind).toBe('apiKey');
    s.dispose();
  });

  it('settings changes rebuild the client with the new URL and timeout', async () => {
    const s = new Session(new FakeSecrets() as unknown as vscode.SecretStorage, fakeLog().log, factory);
    await s.check();
    shimConfigApi.setConfig('ankiFiles.url', 'http://127.0.0.1:9999');
    shimConfigApi.setConfig('ankiFiles.requestTimeout', 5000);
    await s.client.deckNames();
    expect(built.at(-1)).toMatchObject({ url: 'http://127.0.0.1:9999', requestTimeoutMs: 5000 });
    expect(s.url).toBe('http://127.0.0.1:9999');
    s.dispose();
  });

  it('page size comes from settings, with a sane fallback', () => {
    const s = new Session(new FakeSecrets() as unknown as vscode.SecretStorage, fakeLog().log, factory);
    expect(s.pageSize).toBe(200);
    shimConfigApi.setConfig('ankiFiles.pageSize', 50);
    expect(s.pageSize).toBe(50);
    shimConfigApi.setConfig('ankiFiles.pageSize', 0);
    expect(s.pageSize).toBe(200);
    s.dispose();
  });
});

describe('request log line', () => {
  it('names the action, sub-actions, bytes, time and outcome', () => {
    expect(formatRequestLog({ action: 'multi', subActions: 3, bytesOut: 120, bytesIn: 4000, ms: 12.4, ok: true })).toBe(
      'multi[3] 120 B out, 4000 B in, 12 ms, ok',
    );
    expect(formatRequestLog({ action: 'version', bytesOut: 10, bytesIn: 0, ms: 1, ok: false, error: 'refused' })).toContain('failed: refused');
  });
});
