// Save When Anki Is Back over real HTTP: Anki stops answering, two edited notes fail to save (the provider
// reports "not running", nothing sent) and are queued with the version each text is based on; one note is
// edited "in Anki" meanwhile; the queue is written to disk and read back by a new engine (a VS Code restart);
// Anki answers again: ONE batch (2 requests) saves the untouched note and refuses the other as a conflict,
// leaving Anki's edit in place.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import { AnkiFileSystemProvider } from '../../../src/fs/provider';
import { flushQueued } from '../../../src/offline/flush';
import { loadQueue, planFlush, SaveQueue, writeQueue } from '../../../src/offline/saveQueue';
import { basicNote, bytes, makeFixture, rejection, text, uriOf, W, type Fixture } from '../fs/helpers';

let fx: Fixture;
let dir: string;
let a: number;
let b: number;
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anki-flush-'));
  fx = await makeFixture({
    setup: (col) => {
      a = basicNote(col, 'Default', 'alpha', 'one');
      b = basicNote(col, 'Default', 'beta', 'two');
    },
  });
});
afterEach(async () => {
  await fx.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('save when Anki is back', () => {
  it('queued while down, read back after a restart, flushed as one batch: one saved, one conflict (Anki\'s edit kept)', async () => {
    const key = { url: fx.srv.url, profile: 'User 1' };
    const ua = uriOf('Default', 'alpha', a);
    const ub = uriOf('Default', 'beta', b);
    const ta = text(await fx.provider.readFile(ua)).replace('alpha', 'alpha (mine)');
    const tb = text(await fx.provider.readFile(ub)).replace('beta', 'beta (mine)');
    const failed: string[] = [];
    fx.provider.onDidFailWhileNotRunning((e) => failed.push(`${e.uri.path} ${text(e.content).includes('(mine)')}`));

    await fx.srv.faults.refuseConnections(true);
    const queue = new SaveQueue();
    for (const [uri, t, id] of [[ua, ta, a], [ub, tb, b]] as const) {
      fx.dirty.add(uri.toString());
      const err = await rejection(fx.provider.writeFile(uri, bytes(t), W));
      expect(err.message).toMatch(/not running/i);
      const base = fx.provider.engine.store.base(id);
      expect(base).toBeDefined();
      queue.add({ noteId: id, path: uri.path, text: t, base: base!.snapshot, key, queuedAt: Date.now() });
    }
    expect(failed).toEqual([`${ua.path} true`, `${ub.path} true`]);
    const file = path.join(dir, 'save-queue.json');
    await writeQueue(file, queue);
    // Anki is edited while the extension cannot see it (the server keeps its collection while it refuses).
    fx.srv.simulate.editInAnki(a, { fields: { Front: 'alpha (edited in Anki)' } });
    await fx.srv.faults.refuseConnections(false);

    // A restart: a new engine with nothing loaded; the queue comes back from disk.
    const restored = await loadQueue(file, { warn: (m) => expect.fail(m) });
    expect(restored.kind).toBe('loaded');
    const provider = new AnkiFileSystemProvider({ client: new AnkiClient({ url: fx.srv.url }), log: { info: () => undefined, warn: () => undefined, error: () => undefined } }, { codec: notesCodec });
    try {
      const items = planFlush(restored.queue.forKey(key), () => undefined);
      fx.srv.stats.reset();
      const results = await flushQueued(items, { parse: notesCodec.parse, saveNotes: (r) => provider.engine.saveNotes(r) });
      expect(fx.srv.stats.requests).toBe(2);
      expect(fx.srv.stats.log.map((l) => l.action)).toEqual(['multi', 'multi']);
      expect(fx.srv.stats.actions.updateNoteFields).toBe(1);
      expect(results.map((r) => [r.item.entry.noteId, r.verdict])).toEqual([
        [a, 'conflict'],
        [b, 'saved'],
      ]);
      expect(results[0]!.message).toMatch(/changed in Anki since you opened it/);
      const col = fx.srv.collection;
      expect(col.fieldsOf(col.getNote(a)!).Front).toBe('alpha (edited in Anki)');
      expect(col.fieldsOf(col.getNote(b)!).Front).toBe('beta (mine)');
    } finally {
      provider.dispose();
    }
  });

  it('while Anki is still down the flush sends nothing and the entry keeps waiting', async () => {
    const ua = uriOf('Default', 'alpha', a);
    const t = text(await fx.provider.readFile(ua)).replace('alpha', 'alpha 2');
    const base = fx.provider.engine.store.base(a)!.snapshot;
    await fx.srv.faults.refuseConnections(true);
    const items = planFlush([{ noteId: a, path: ua.path, text: t, base, key: { url: fx.srv.url, profile: '' }, queuedAt: 0 }], () => undefined);
    const [r] = await flushQueued(items, { parse: notesCodec.parse, saveNotes: (reqs) => fx.provider.engine.saveNotes(reqs) });
    expect(r!.verdict).toBe('unavailable');
    await fx.srv.faults.refuseConnections(false);
    expect(fx.srv.collection.fieldsOf(fx.srv.collection.getNote(a)!).Front).toBe('alpha');
  });
});
