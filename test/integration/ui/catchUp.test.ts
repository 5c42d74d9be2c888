// The catch-up after an outage over real HTTP: notes listed and opened while Anki answered are cached; Anki stops
// answering (the test server refuses connections and keeps its collection); meanwhile a listed, open note is
// edited, another is deleted and a note is added "in Anki"; Anki answers again: ONE multi (deck list, listed
// decks' ids, cached notes' mod times — content on the 2023 add-on) and ONE notesInfo of exactly the notes that
// changed or were added. The listing, the offline cache and the open documents follow; nothing is reloaded.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { shimConfigApi } from '../../shim/vscode';
import { AnkiClient } from '../../../src/anki/client';
import type { AnkiApi } from '../../../src/anki/api';
import { notesCodec } from '../../../src/core/codec';
import { DeckListing, type NoteSummary } from '../../../src/core/listing';
import { AnkiFileSystemProvider } from '../../../src/fs/provider';
import { DecksView, type DecksFs } from '../../../src/tree/decksView';
import { catchUpNow } from '../../../src/ui/catchUp';
import { OfflineCache } from '../../../src/ui/offlineCache';
import { Session, type ClientFactory } from '../../../src/ui/session';
import { startTestServer, type AddonBuild, type TestServer } from '../../server';
import { noSecrets, recordingLog } from '../../support/vscodeFakes';

let srv: TestServer;
let dir: string;
const lines: string[] = [];
const log = recordingLog(lines);
const memento = (() => {
  const m = new Map<string, unknown>();
  return { get: (k: string, d?: unknown) => (m.has(k) ? m.get(k) : d), update: async (k: string, v: unknown) => void m.set(k, v), keys: () => [...m.keys()] } as unknown as vscode.Memento;
})();

/** Client calls as made by the extension (method and note ids asked), to see exactly what is refetched. */
const calls: string[] = [];
const factory: ClientFactory = (o) => {
  const client = new AnkiClient({ url: o.url, requestTimeoutMs: o.requestTimeoutMs, onRequest: o.onRequest });
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (prop === 'notesInfo') calls.push(`notesInfo(${(args[0] as number[]).join(',')})`);
        if (prop === 'multi') calls.push(`multi[${(args[0] as Array<{ action: string }>).map((a) => a.action).join(',')}]`);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as AnkiApi;
};

const until = async (probe: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(probe(), what).toBe(true);
};

afterEach(async () => {
  shimConfigApi.clear();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each<AddonBuild>(['current', '2023'])('catch-up when Anki is back (add-on %s)', (addon) => {
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anki-catchup-'));
    srv = await startTestServer({ port: 0, notes: 120, seed: 5, addon });
    shimConfigApi.setConfig('ankiFiles.url', srv.url);
  });

  it('one multi + one notesInfo of exactly the edited and added notes; listing, cache and open documents follow', async () => {
    const session = new Session(noSecrets(), log, factory);
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
    // What registerCatchUp does on reconnect is called by hand below (requests counted from there).
    decks.catchUp = async () => true;
    const events: vscode.FileChangeEvent[] = [];
    provider.onDidChangeFile((e) => events.push(...e));
    try {
      await session.check();
      await decks.getChildren();
      const deck = listing.tree!.roots.find((d) => (listing.ownIds().get(d.name)?.length ?? 0) >= 3)!.name;
      const listed = (await decks.getChildren(decks.deckElement(deck))).flatMap((e) => (e.kind === 'note' ? [e.note] : []));
      expect(listed.length).toBeGreaterThanOrEqual(3);
      const [edited, deleted] = listed as [NoteSummary, NoteSummary];
      const uriOf = (n: NoteSummary) => vscode.Uri.from({ scheme: 'anki', path: provider.engine.pathForNote(n.deck, n.sortFieldHtml, n.id) });
      await provider.readFile(uriOf(edited));
      await provider.readFile(uriOf(deleted));
      await cache.flushNow();

      // The client's one-time feature probe (any change check makes it; asked once per client).
      await session.client.features();
      await srv.faults.refuseConnections(true);
      await session.check();
      expect(session.state.kind).toBe('notRunning');
      await until(() => decks.view.description !== undefined, 'the Decks view shows the cached tree');
      const col = srv.collection;
      const front = col.modelOf(col.getNote(edited.id)!).fields[0]!.name;
      srv.simulate.editInAnki(edited.id, { fields: { [front]: 'edited while Anki Files could not see it' } });
      srv.simulate.deleteNote(deleted.id);
      const added = col.addNote({ model: col.modelByName('Basic')!, deck: col.deckByName(deck)!, fields: ['added while away', 'x'], tags: [] }).id;
      await srv.faults.refuseConnections(false);
      const learned = new Promise<string>((resolve) => session.onDidLearnProfile(resolve));
      await session.check();
      expect(session.state.kind).toBe('connected');
      // The new connection's profile read (what registerCatchUp waits for before catching up).
      expect(await learned).toBe(addon === 'current' ? 'User 1' : '');
      srv.stats.reset();
      calls.length = 0;
      events.length = 0;

      const r = await catchUpNow({ session, fs: { provider, noteIdOf: (u) => provider.engine.noteIdOf(u.path), checkForChanges: () => provider.checkForChanges() }, decks, listing });

      expect(srv.stats.log.map((l) => l.action), JSON.stringify(calls)).toEqual(['multi', 'notesInfo']);
      expect(calls[0]).toMatch(addon === 'current' ? /^multi\[deckNamesAndIds,findNotes(,findNotes)*,notesModTime(,notesModTime)*\]$/ : /^multi\[deckNamesAndIds,findNotes(,findNotes)*,notesInfo(,notesInfo)*\]$/);
      // exactly the notes that changed (on the 2023 add-on the multi already read the cached ones: only the added one)
      expect(calls[1]).toBe(addon === 'current' ? `notesInfo(${[edited.id, added].sort((a, b) => a - b).join(',')})` : `notesInfo(${added})`);
      expect(calls).toHaveLength(2);
      expect(r.modTimes).toBe(addon === 'current');
      expect(r.diff.edited).toEqual([edited.id]);
      expect(r.diff.deleted).toEqual([deleted.id]);
      expect(r.diff.added.get(deck)).toEqual([added]);

      // The listing: the edited note shows its new label, the deleted one is gone, the added one is listed.
      const page = listing.peekPages(deck)!;
      expect(page.ids).toContain(added);
      expect(page.ids).not.toContain(deleted.id);
      expect(page.stale).toBe(false);
      expect(page.items.find((n) => n.id === edited.id)?.label).toBe('edited while Anki Files could not see it');
      expect(page.items.some((n) => n.id === deleted.id)).toBe(false);
      // The cache: the deleted note dropped, the edited one as Anki has it now.
      const cachedNow = await cache.cachedNotes();
      expect(cachedNow.some((n) => n.noteId === deleted.id)).toBe(false);
      expect(Object.values(cachedNow.find((n) => n.noteId === edited.id)!.fields).some((f) => f.value === 'edited while Anki Files could not see it')).toBe(true);
      // Open documents: Changed for the edited one (clean editors reload), Deleted for the deleted one.
      expect(events.map((e) => [e.type, e.uri.path])).toEqual([
        [vscode.FileChangeType.Changed, uriOf(edited).path],
        [vscode.FileChangeType.Deleted, uriOf(deleted).path],
      ]);
      expect(new TextDecoder().decode(await provider.readFile(uriOf(edited)))).toContain('edited while Anki Files could not see it');
    } finally {
      decks.dispose();
      provider.dispose();
      await cache.flushNow();
      cache.dispose();
      session.dispose();
    }
  });
});
