// Session.recheckProfile (asked on window focus, src/ui/listeners.ts) over real HTTP: a profile switch made in Anki
// while the connection never failed is noticed — onDidLearnProfile fires with the new profile and the offline
// cache is keyed by it — and an unchanged profile fires nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type * as vscode from 'vscode';
import { shimConfigApi } from '../../shim/vscode';
import { AnkiClient } from '../../../src/anki/client';
import { OfflineCache } from '../../../src/ui/offlineCache';
import { Session, type ClientFactory } from '../../../src/ui/session';
import { Collection, startTestServer, type TestServer } from '../../server';
import { noSecrets, recordingLog } from '../../support/vscodeFakes';

let srv: TestServer;
let col: Collection;
let dir: string;
const log = recordingLog([]);
const memento = (() => {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] } as unknown as vscode.Memento;
})();
const factory: ClientFactory = (o) => new AnkiClient({ url: o.url, requestTimeoutMs: o.requestTimeoutMs, onRequest: o.onRequest });

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anki-profile-'));
  col = new Collection();
  col.profiles = ['User 1', 'User 2'];
  srv = await startTestServer({ port: 0, collection: col });
  shimConfigApi.setConfig('ankiFiles.url', srv.url);
});

afterEach(async () => {
  shimConfigApi.clear();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Session.recheckProfile', () => {
  it('notices a profile switched in Anki without a failed request, and nothing when the profile is the same', async () => {
    const session = new Session(noSecrets(), log, factory);
    const cache = new OfflineCache(dir, memento, log);
    session.attachOffline(cache);
    const learned: string[] = [];
    session.onDidLearnProfile((p) => learned.push(p));
    await session.check();
    for (let i = 0; i < 200 && session.activeProfile === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(session.activeProfile).toBe('User 1');
    expect(learned).toEqual(['User 1']);

    expect(await session.recheckProfile()).toBe(false);
    expect(learned).toEqual(['User 1']);

    col.profile = 'User 2';
    expect(await session.recheckProfile()).toBe(true);
    expect(session.activeProfile).toBe('User 2');
    expect(learned).toEqual(['User 1', 'User 2']);
    expect(cache.currentKey?.profile).toBe('User 2');
    session.dispose();
  });
});
