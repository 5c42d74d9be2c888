// The offline cache over real HTTP: what was listed or opened while Anki answered can be browsed and read
// (read-only) when it stops answering; nothing else is invented, nothing is written, search says it needs
// Anki, and the cache survives a restart (a new session reading the same storage).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { shimConfigApi } from '../../shim/vscode';
import { AnkiClient } from '../../../src/anki/client';
import type { AnkiApi } from '../../../src/anki/api';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine } from '../../../src/core/fsEngine';
import { DeckListing } from '../../../src/core/listing';
import { AnkiFileSystemProvider } from '../../../src/fs/provider';
import { DecksView, type DecksFs } from '../../../src/tree/decksView';
import { OfflineCache } from '../../../src/ui/offlineCache';
import { Session } from '../../../src/ui/session';
import { startTestServer, type TestServer } from '../../server';
import { failure } from '../../support/failure';
import { noSecrets, recordingLog } from '../../support/vscodeFakes';

let srv: TestServer;
let dir: string;
const secrets = noSecrets();
const lines: string[] = [];
const log = recordingLog(lines);
const memento = (() => {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] } as unknown as vscode.Memento;
})();

function stack() {
  const session = new Session(secrets, log);
  const cache = new OfflineCache(dir, memento, log);
  session.attachOffline(cache);
  const provider = new AnkiFileSystemProvider(session, { codec: notesCodec });
  const listing = new DeckListing(() => session.client);
  const fs: DecksFs = {
    uriForNote: (deck, html, id) => vscode.Uri.from({ scheme: 'anki', path: provider.engine.pathForNote(deck, html, id) }),
    noteIdOf: (uri) => provider.engine.noteIdOf(uri.path),
    moveNotes: (ids, deck, opts) => provider.engine.moveNotes(ids, deck, opts),
  };
  const decks = new DecksView(listing, session, fs);
  const dispose = async () => {
    decks.dispose();
    provider.dispose();
    await cache.flushNow();
    cache.dispose();
    session.dispose();
  };
  return { session, cache, provider, listing, decks, dispose };
}

const until = async (probe: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(probe(), what).toBe(true);
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anki-offline-'));
  srv = await startTestServer({ port: 0, notes: 200, seed: 11 });
  shimConfigApi.setConfig('ankiFiles.url', srv.url);
});
afterAll(async () => {
  shimConfigApi.clear();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('offline cache', () => {
  it('reads what was listed or opened while Anki is closed, read-only; nothing else; writes and search need Anki; survives a restart', async () => {
    const a = stack();
    await a.session.check();
    const roots = await a.decks.getChildren();
    expect(roots.length).toBeGreaterThan(0);
    const deck = a.listing.tree!.roots[0]!.name;
    const notes = (await a.decks.getChildren(a.decks.deckElement(deck))).filter((e) => e.kind === 'note');
    expect(notes.length).toBeGreaterThan(0);
    const note = notes[0]!.kind === 'note' ? notes[0]!.note : undefined;
    const uri = vscode.Uri.from({ scheme: 'anki', path: a.provider.engine.pathForNote(note!.deck, note!.sortFieldHtml, note!.id) });
    const live = new TextDecoder().decode(await a.provider.readFile(uri));
    const listed = new Set(notes.map((n) => (n.kind === 'note' ? n.note.id : 0)));
    const unseen = (await a.session.client.findNotes('deck:*')).find((id) => !listed.has(id));
    expect(unseen).toBeDefined();
    expect((await a.provider.stat(uri)).permissions).toBeUndefined();
    await a.dispose(); // writes the cache

    // "Restart" with Anki closed: a new session on the same storage.
    srv.faults.refuseConnections(true);
    const b = stack();
    await b.session.check();
    expect(b.session.state.kind).toBe('notRunning');
    await until(() => b.decks.view.description !== undefined, 'the Decks view shows the cached tree');
    expect(b.decks.view.description).toMatch(/^offline · cached /);
    expect((await b.decks.getChildren()).map((e) => (e.kind === 'deck' ? e.name : e.kind))).toEqual(roots.map((e) => (e.kind === 'deck' ? e.name : e.kind)));
    const before = srv.stats.requests;
    expect(new TextDecoder().decode(await b.provider.readFile(uri))).toBe(live);
    expect((await b.provider.stat(uri)).permissions).toBe(vscode.FilePermission.Readonly);
    expect(b.session.servingFromCache).toBe(true);
    // A note never read is not invented, and search needs Anki (even a query run before).
    const e = await failure(b.provider.readFile(vscode.Uri.from({ scheme: 'anki', path: `/${deck}/x.${unseen}.yaml` })));
    expect(String((e as Error).message)).toMatch(/not running|nothing answers/i);
    expect(String(((await failure(b.session.liveClient.findNotes('deck:*'))) as Error).message)).toMatch(/not running|nothing answers/i);
    // A save while offline is refused, nothing reaches Anki (the conflict check reads Anki, not the cache).
    const edited = live.replace(/^( {2}\w+: )(.*)$/m, '$1$2 edited offline');
    const w = await failure(b.provider.writeFile(uri, new TextEncoder().encode(edited), { create: false, overwrite: true }));
    expect(String((w as Error).message)).toMatch(/not running|nothing answers/i);
    expect(srv.stats.requests).toBe(before); // refused connections are not requests
    await b.dispose();

    // Anki back: live reads again, not read-only.
    srv.faults.refuseConnections(false);
    const c = stack();
    await c.session.check();
    expect(c.session.state.kind).toBe('connected');
    expect((await c.provider.stat(uri)).permissions).toBeUndefined();
    expect(c.session.servingFromCache).toBe(false);
    await c.dispose();
  });

  it('a save reads its conflict check and writes through the live client, never the cache', async () => {
    const live = new AnkiClient({ url: srv.url });
    const used: string[] = [];
    const writes = new Proxy(live, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          used.push(String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as AnkiApi;
    const engine = new FsEngine({ client: () => live, writeClient: () => writes, codec: notesCodec });
    const [id] = await live.findNotes('deck:*');
    const [info] = await live.notesInfo([id!]);
    const path = engine.pathForNote('Default', Object.values(info!.fields)[0]!.value, id!);
    const text = new TextDecoder().decode(await engine.readFile(path));
    expect(used).toEqual([]);
    await engine.writeFile(path, new TextEncoder().encode(text.replace(/^( {2}\w+: )(.*)$/m, '$1$2 (saved)')), { create: false, overwrite: true });
    expect(used).toContain('multi');
    expect(used.every((m) => m === 'multi' || m === 'getDecks' || m === 'features' || m === 'notesInfo')).toBe(true);
    engine.dispose();
  });
  it("a deck's notes listed while Anki answered (read entry by entry) are listed the same while it is closed", async () => {
    srv.faults.refuseConnections(false);
    const a = stack();
    await a.session.check();
    await a.decks.getChildren();
    const deck = a.listing.tree!.roots[0]!.name;
    const live = (await a.decks.getChildren(a.decks.deckElement(deck))).flatMap((e) => (e.kind === 'note' ? [e.note] : []));
    expect(live.length).toBeGreaterThan(0);
    await a.dispose();

    srv.faults.refuseConnections(true);
    const b = stack();
    await b.session.check();
    expect(b.session.state.kind).toBe('notRunning');
    await until(() => b.decks.view.description !== undefined, 'the Decks view shows the cached tree');
    await b.decks.getChildren();
    const offline = (await b.decks.getChildren(b.decks.deckElement(deck))).flatMap((e) => (e.kind === 'note' ? [e.note] : []));
    expect(offline).toEqual(live);
    await b.dispose();
    srv.faults.refuseConnections(false);
  });
});
