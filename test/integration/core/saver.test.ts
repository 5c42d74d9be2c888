// The batched, conflict-safe saver through the provider, against the test server over real HTTP:
// request counts per batch, conflicts (including same-size edits), verification, per-note outcomes, faults.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { AnkiClient } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import { AnkiFileSystemProvider } from '../../../src/fs/provider';
import { ADDON_BUILDS, Collection, startTestServer } from '../../server';
import { basicNote, bytes, countRequests, fixtureDefaults, makeFixture, rejection, text, uriOf, W, type Fixture } from '../fs/helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DECK = 'Batch';

async function setupMany(n: number, opts: { announcedWriteTimeoutMs?: number } = {}) {
  const ids: number[] = [];
  fx = await makeFixture({
    ...opts,
    setup: (col) => {
      for (let i = 0; i < n; i++) ids.push(basicNote(col, DECK, `Front ${i}`, `Back ${i}`, ['t']));
    },
  });
  const uris = ids.map((id, i) => uriOf(DECK, `Front ${i}`, id));
  const docs: string[] = [];
  for (const u of uris) docs.push(text(await fx.provider.readFile(u)));
  return { fx, ids, uris, docs };
}

const fieldsOf = (f: Fixture, id: number) => {
  const n = f.srv.collection.getNote(id);
  return n ? f.srv.collection.fieldsOf(n) : undefined;
};

// Saving and conflict checks against both add-on builds: the current one, and one from before 2024 (no `mod`
// in notesInfo: conflicts are found by comparing content).
describe.each(ADDON_BUILDS)('add-on %s', (addon) => {
  beforeAll(() => {
    fixtureDefaults.addon = addon;
  });
  afterAll(() => {
    fixtureDefaults.addon = 'current';
  });

  describe('batching', () => {
    it('Save All of 500 edited notes costs exactly 2 requests and applies every change', async () => {
      const { fx, ids, uris, docs } = await setupMany(500);
      const r = await countRequests(fx.srv, () =>
        Promise.all(uris.map((u, i) => fx.provider.writeFile(u, bytes((docs[i] as string).replace(`Back: Back ${i}`, `Back: Edited ${i}`)), W))),
      );
      expect(r.requests).toBe(2);
      expect(fx.provider.engine.saver.stats.lastBatchSize).toBe(500);
      ids.forEach((id, i) => expect(fieldsOf(fx, id)?.Back).toBe(`Edited ${i}`));
    });

    it('saves arriving while a batch is in flight form the next batch (2 requests each)', async () => {
      const { fx, ids, uris, docs } = await setupMany(6);
      const before = fx.srv.stats.requests;
      fx.srv.faults.delayNext(1, 80); // hold the first batch's conflict check
      const first = Promise.all([0, 1, 2].map((i) => fx.provider.writeFile(uris[i] as vscode.Uri, bytes((docs[i] as string).replace(/Back: .*/, 'Back: A')), W)));
      while (fx.srv.stats.requests === before) await new Promise((r) => setTimeout(r, 2)); // batch 1 is in flight
      expect(fx.provider.engine.saver.stats.batches).toBe(1);
      const second = Promise.all([3, 4, 5].map((i) => fx.provider.writeFile(uris[i] as vscode.Uri, bytes((docs[i] as string).replace(/Back: .*/, 'Back: B')), W)));
      await Promise.all([first, second]);
      expect(fx.srv.stats.requests - before).toBe(4);
      expect(fx.provider.engine.saver.stats.batches).toBe(2);
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual(['A', 'A', 'A', 'B', 'B', 'B']);
    });

    it('saveBatch sends its notes at once as one batch of 2 requests, each with its own outcome', async () => {
      const { fx, ids } = await setupMany(3);
      const edited = (id: number, i: number) => ({ id, deck: DECK, noteType: 'Basic', tags: ['t'], fields: [['Front', `Front ${i}`], ['Back', `Bulk ${i}`]] as [string, string][] });
      fx.srv.simulate.editInAnki(ids[2] as number, { fields: { Back: 'changed in Anki' } });
      const r = await countRequests(fx.srv, () => fx!.provider.engine.saver.saveBatch(ids.map((id, i) => ({ noteId: id, edited: edited(id, i) }))));
      expect(r.requests).toBe(2);
      expect(r.value.map((o) => o.kind)).toEqual(['saved', 'saved', 'conflict']);
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual(['Bulk 0', 'Bulk 1', 'changed in Anki']);
    });

    it('two quick saves of the same note: the second builds on the first (no false conflict)', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      const u = uris[0] as vscode.Uri;
      const d = docs[0] as string;
      await Promise.all([fx.provider.writeFile(u, bytes(d.replace(/Back: .*/, 'Back: one')), W), fx.provider.writeFile(u, bytes(d.replace(/Back: .*/, 'Back: two')), W)]);
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('two');
    });
  });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const edit = (doc: string, back: string) => bytes(doc.replace(/Back: .*/, `Back: ${back}`));

  describe('batching driven by VS Code\'s save announcements', () => {
    it('announced writes arriving 50–400 ms apart form ONE batch of 2 requests', async () => {
      const { fx, ids, uris, docs } = await setupMany(5);
      const before = fx.srv.stats.requests;
      fx.provider.willSave(uris); // Save All: onWillSaveTextDocument for every document before any write
      const gaps = [0, 50, 400, 120, 300];
      const writes: Array<Promise<void>> = [];
      for (const [i, u] of uris.entries()) {
        await sleep(gaps[i] as number);
        writes.push(fx.provider.writeFile(u, edit(docs[i] as string, `Late ${i}`), W));
        if (i < uris.length - 1) expect(fx.srv.stats.requests - before).toBe(0); // held for the announced rest
      }
      await Promise.all(writes);
      expect(fx.srv.stats.requests - before).toBe(2);
      expect(fx.provider.engine.saver.stats).toMatchObject({ batches: 1, lastBatchSize: 5 });
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual([0, 1, 2, 3, 4].map((i) => `Late ${i}`));
    });

    it('an announced write that never comes releases the others after the bound; it is saved alone if it comes late', async () => {
      const { fx, ids, uris, docs } = await setupMany(3, { announcedWriteTimeoutMs: 300 });
      const before = fx.srv.stats.requests;
      fx.provider.willSave(uris);
      const started = Date.now();
      const two = Promise.all([0, 1].map((i) => fx.provider.writeFile(uris[i] as vscode.Uri, edit(docs[i] as string, `Kept ${i}`), W)));
      await sleep(100);
      expect(fx.srv.stats.requests - before).toBe(0); // still waiting for the third announced write
      await two;
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(fx.srv.stats.requests - before).toBe(2);
      expect(fx.provider.engine.saver.stats).toMatchObject({ batches: 1, lastBatchSize: 2 });
      expect(fx.provider.engine.saver.awaiting).toBe(0);
      // the third comes after all (unannounced now): saved at once in its own batch
      const r = await countRequests(fx.srv, () => fx.provider.writeFile(uris[2] as vscode.Uri, edit(docs[2] as string, 'Late'), W));
      expect(r.requests).toBe(2);
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual(['Kept 0', 'Kept 1', 'Late']);
    });

    it('announced writes that end before the saver (invalid, unchanged) do not hold the others', async () => {
      // a bound of a minute: waiting for it would time the test out
      const { fx, ids, uris, docs } = await setupMany(4, { announcedWriteTimeoutMs: 60_000 });
      fx.provider.willSave(uris);
      const results = await Promise.allSettled([
        fx.provider.writeFile(uris[0] as vscode.Uri, edit(docs[0] as string, 'A'), W),
        fx.provider.writeFile(uris[1] as vscode.Uri, bytes('fields: [unclosed'), W),
        fx.provider.writeFile(uris[2] as vscode.Uri, bytes(docs[2] as string), W),
        fx.provider.writeFile(uris[3] as vscode.Uri, edit(docs[3] as string, 'D'), W),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(fx.provider.engine.saver.stats).toMatchObject({ batches: 1, lastBatchSize: 2 });
      expect(fx.provider.engine.saver.awaiting).toBe(0);
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual(['A', 'Back 1', 'Back 2', 'D']);
    });

    it('a single announced save, a save announced twice (the second replaced a cancelled one) and an unannounced write are sent at once', async () => {
      const { fx, uris, docs } = await setupMany(3, { announcedWriteTimeoutMs: 60_000 });
      fx.provider.willSave([uris[0] as vscode.Uri]);
      expect((await countRequests(fx.srv, () => fx.provider.writeFile(uris[0] as vscode.Uri, edit(docs[0] as string, 'one'), W))).requests).toBe(2);
      fx.provider.willSave([uris[1] as vscode.Uri]);
      fx.provider.willSave([uris[1] as vscode.Uri]);
      expect((await countRequests(fx.srv, () => fx.provider.writeFile(uris[1] as vscode.Uri, edit(docs[1] as string, 'two'), W))).requests).toBe(2);
      expect((await countRequests(fx.srv, () => fx.provider.writeFile(uris[2] as vscode.Uri, edit(docs[2] as string, 'three'), W))).requests).toBe(2);
      expect(fx.provider.engine.saver.stats.batches).toBe(3);
    });

    it('announcements of other schemes and of non-note paths are ignored', async () => {
      const { fx, uris, docs } = await setupMany(1, { announcedWriteTimeoutMs: 60_000 });
      fx.provider.willSave([vscode.Uri.from({ scheme: 'untitled', path: 'Untitled-1' }), vscode.Uri.from({ scheme: 'anki', path: `/${DECK}` })]);
      expect(fx.provider.engine.saver.awaiting).toBe(0);
      await fx.provider.writeFile(uris[0] as vscode.Uri, edit(docs[0] as string, 'x'), W);
      expect(fx.provider.engine.saver.stats.batches).toBe(1);
    });
  });

  describe('conflicts', () => {
    it('a same-size edit in Anki is caught: that note is refused, its text kept, the others saved', async () => {
      const { fx, ids, uris, docs } = await setupMany(3);
      const victim = ids[1] as number;
      fx.srv.simulate.editInAnki(victim, { fields: { Back: 'Back X' } }); // same length as "Back 1"
      const results = await Promise.allSettled(
        uris.map((u, i) => fx.provider.writeFile(u, bytes((docs[i] as string).replace('Front: Front', 'Front: New')), W)),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const err = (results[1] as PromiseRejectedResult).reason as vscode.FileSystemError;
      expect(err.message).toBe(
        `"Front 1" changed in Anki since you opened it (field Back). Your text is kept: choose Keep Mine or Take Anki's (or compare them first) in the Anki Files message or in "Anki: Compare with Anki's Version".`,
      );
      expect(fieldsOf(fx, victim)).toEqual({ Front: 'Front 1', Back: 'Back X' });
      expect(fieldsOf(fx, ids[0] as number)?.Front).toBe('New 0');
      // Revert shows Anki's version; comparing then saving again goes through knowingly.
      expect(text(await fx.provider.readFile(uris[1] as vscode.Uri))).toContain('Back: Back X');
    });

    it('after Compare, a following save (Overwrite) goes through', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      const id = ids[0] as number;
      const u = uris[0] as vscode.Uri;
      fx.srv.simulate.editInAnki(id, { tags: ['u'] });
      const mine = bytes((docs[0] as string).replace('Back: Back 0', 'Back: Mine'));
      const e = await rejection(fx.provider.writeFile(u, mine, W));
      expect(e.message).toMatch(/changed in Anki since you opened it \(tags\)/);
      const cmp = await fx.provider.engine.compareBase(u.path);
      expect(cmp.text).toContain('tags: [u]');
      await fx.provider.writeFile(u, mine, W);
      expect(fieldsOf(fx, id)?.Back).toBe('Mine');
      expect(fx.srv.collection.getNote(id)?.tags).toEqual(['t']); // the user's document said [t]: knowingly overwritten
    });

    it('Anki already has exactly what the user wrote (e.g. a retry after an unknown outcome): success, nothing sent', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      fx.srv.simulate.editInAnki(ids[0] as number, { fields: { Back: 'Same as mine' } });
      const r = await countRequests(fx.srv, () =>
        fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace('Back: Back 0', 'Back: Same as mine')), W),
      );
      expect(r.requests).toBe(1); // the conflict check only
      expect(fx.srv.stats.actions.updateNoteFields ?? 0).toBe(0);
    });

    it('touched in Anki (mod moved, same content): the save goes through', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      fx.srv.simulate.touch(ids[0] as number);
      await fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace('Back: Back 0', 'Back: ok')), W);
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('ok');
    });

    it('deleted in Anki: FileNotFound saying so', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      fx.srv.simulate.deleteNote(ids[0] as number);
      const e = await rejection(fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace('Back: Back 0', 'Back: x')), W));
      expect(e.code).toBe('FileNotFound');
      expect(e.message).toMatch(/was deleted in Anki/);
    });
  });

  describe('verification and per-note outcomes', () => {
    it('open in Anki\'s browser: the edit is silently dropped, verification fails with the fix', async () => {
      const { fx, ids, uris, docs } = await setupMany(2);
      fx.srv.simulate.openInBrowser(ids[0] as number);
      const results = await Promise.allSettled(
        uris.map((u, i) => fx.provider.writeFile(u, bytes((docs[i] as string).replace(/Back: .*/, 'Back: changed')), W)),
      );
      expect(results[0]?.status).toBe('rejected');
      expect(results[1]?.status).toBe('fulfilled');
      const err = (results[0] as PromiseRejectedResult).reason as vscode.FileSystemError;
      expect(err.message).toMatch(/Anki did not keep the new field Back/);
      expect(err.message).toMatch(/Close the note in Anki's Browser or editor, then save again/);
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('Back 0');
      // After closing the browser the same save succeeds (no false conflict).
      fx.srv.simulate.closeBrowser();
      await fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace(/Back: .*/, 'Back: changed')), W);
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('changed');
    });

    it('open in Anki\'s browser with a tag change too: says the tags did apply', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      fx.srv.simulate.openInBrowser(ids[0] as number);
      const e = await rejection(
        fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace(/Back: .*/, 'Back: changed').replace('tags: [t]', 'tags: [t, u]')), W),
      );
      expect(e.message).toMatch(/^"Front 0" was not saved as written: Anki did not keep the new field Back: .* \(The tags did apply\.\) Your text is kept\.$/);
      expect(fx.srv.collection.getNote(ids[0] as number)?.tags).toEqual(['t', 'u']);
    });

    it('one failing multi entry: only that note fails, with its own message', async () => {
      const { fx, ids, uris, docs } = await setupMany(3);
      let n = 0;
      fx.onRequest = () => {
        if (++n === 1) fx.srv.faults.failMultiEntry(1, 'simulated failure'); // 2nd request's entry #1 = note 2's fields
      };
      const results = await Promise.allSettled(
        uris.map((u, i) => fx.provider.writeFile(u, bytes((docs[i] as string).replace(/Back: .*/, 'Back: new')), W)),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const err = (results[1] as PromiseRejectedResult).reason as vscode.FileSystemError;
      expect(err.message).toBe('"Front 1" was not saved: field Back NOT saved (AnkiConnect: simulated failure). Nothing was changed in Anki. Your text is kept.');
      expect(ids.map((id) => fieldsOf(fx, id)?.Back)).toEqual(['new', 'Back 1', 'new']);
    });

    it('partly applied: the message says exactly what applied, and a retry applies the rest', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      const edited = bytes((docs[0] as string).replace(/Back: .*/, 'Back: new').replace('tags: [t]', 'tags: [t, extra]'));
      let n = 0;
      fx.onRequest = () => {
        if (++n === 1) fx.srv.faults.failMultiEntry(1, 'tags broke'); // entry #1 = updateNoteTags
      };
      const e = await rejection(fx.provider.writeFile(uris[0] as vscode.Uri, edited, W));
      expect(e.message).toBe(
        'Saving "Front 0" only partly worked: field Back saved; tags NOT saved (AnkiConnect: tags broke). Your text is kept: fix the problem and save again to apply the rest.',
      );
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('new');
      expect(fx.srv.collection.getNote(ids[0] as number)?.tags).toEqual(['t']);
      fx.onRequest = undefined;
      await fx.provider.writeFile(uris[0] as vscode.Uri, edited, W);
      expect(fx.srv.collection.getNote(ids[0] as number)?.tags).toEqual(['extra', 't']);
    });

    it('connection reset during the apply request: Unavailable, says the outcome is unknown, never success', async () => {
      const { fx, uris, docs } = await setupMany(2);
      let n = 0;
      fx.onRequest = () => {
        if (++n === 1) fx.srv.faults.resetNext(1);
      };
      const results = await Promise.allSettled(
        uris.map((u, i) => fx.provider.writeFile(u, bytes((docs[i] as string).replace(/Back: .*/, 'Back: lost?')), W)),
      );
      for (const r of results) {
        expect(r.status).toBe('rejected');
        const err = (r as PromiseRejectedResult).reason as vscode.FileSystemError;
        expect(err.code).toBe('Unavailable');
        expect(err.message).toMatch(/may have been applied — it is not known which/);
        expect(err.message).toMatch(/Compare with Anki's Version/);
      }
    });

    it('timeout during the apply request (Anki applied it late): unknown outcome; the retry finds it applied', async () => {
      const ids: number[] = [];
      fx = await makeFixture({ requestTimeoutMs: 1000, setup: (col) => void ids.push(basicNote(col, DECK, 'Slow', 'before')) });
      const f = fx;
      const uri = uriOf(DECK, 'Slow', ids[0] as number);
      const edited = bytes(text(await f.provider.readFile(uri)).replace('Back: before', 'Back: after'));
      let n = 0;
      f.onRequest = () => {
        if (++n === 1) f.srv.faults.delayNext(1, 1800); // the apply request runs, its reply comes too late
      };
      const e = await rejection(f.provider.writeFile(uri, edited, W));
      expect(e.code).toBe('Unavailable');
      expect(e.message).toMatch(/may have been applied — it is not known which/);
      f.onRequest = undefined;
      await new Promise((r) => setTimeout(r, 1000)); // let the late reply go
      expect(fieldsOf(f, ids[0] as number)?.Back).toBe('after');
      const retry = await countRequests(f.srv, () => f.provider.writeFile(uri, edited, W));
      expect(retry.requests).toBeLessThanOrEqual(2); // re-read of the stale note + the conflict check; nothing re-sent
      expect(f.srv.stats.actions.updateNoteFields).toBe(1);
      // The editor's next edit builds on that version: no false conflict.
      await f.provider.writeFile(uri, bytes(text(edited).replace('Back: after', 'Back: again')), W);
      expect(fieldsOf(f, ids[0] as number)?.Back).toBe('again');
    });

    it('connection reset during the conflict check: Unavailable, nothing changed', async () => {
      const { fx, ids, uris, docs } = await setupMany(1);
      fx.srv.faults.resetNext(1);
      const e = await rejection(fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace(/Back: .*/, 'Back: x')), W));
      expect(e.code).toBe('Unavailable');
      expect(e.message).toMatch(/Nothing was changed in Anki/);
      expect(fieldsOf(fx, ids[0] as number)?.Back).toBe('Back 0');
    });

    it('Anki down: Unavailable with a specific message', async () => {
      const { fx, uris, docs } = await setupMany(1);
      await fx.srv.faults.refuseConnections(true);
      const e = await rejection(fx.provider.writeFile(uris[0] as vscode.Uri, bytes((docs[0] as string).replace(/Back: .*/, 'Back: x')), W));
      expect(e.code).toBe('Unavailable');
      expect(e.message).toMatch(/not saved/);
      expect(e.message).toMatch(/Start Anki|reach|running/i);
      await fx.srv.faults.refuseConnections(false);
    });
  });

  describe('API key', () => {
    it('a rejected API key is NoPermissions', async () => {
      const col = new Collection();
      const id = basicNote(col, DECK, 'Keyed', 'note');
      const srv = await startTestServer({ port: 0, latency: 'none', collection: col, apiKey: 'secret' });
      try {
        const good = new AnkiFileSystemProvider(
          { client: new AnkiClient({ url: srv.url, apiKey: 'secret' }), log: { info() {}, warn() {}, error() {} } },
          { codec: notesCodec },
        );
        const uri = uriOf(DECK, 'Keyed', id);
        const doc = text(await good.readFile(uri));
        const bad = new AnkiFileSystemProvider(
          { client: new AnkiClient({ url: srv.url, apiKey: 'wrong' }), log: { info() {}, warn() {}, error() {} } },
          { codec: notesCodec },
        );
        const e = await rejection(bad.readFile(uri));
        expect(e.code).toBe('NoPermissions');
        expect(e.message).toMatch(/API key/);
        // The key is changed in AnkiConnect while the note is open: the save is refused as NoPermissions.
        const session = { client: new AnkiClient({ url: srv.url, apiKey: 'secret' }), log: { info() {}, warn() {}, error() {} } };
        const p = new AnkiFileSystemProvider(session, { codec: notesCodec });
        const opened = text(await p.readFile(uri));
        session.client = new AnkiClient({ url: srv.url, apiKey: 'old' });
        const s = await rejection(p.writeFile(uri, bytes(opened.replace('Back: note', 'Back: changed')), W));
        expect(s.code).toBe('NoPermissions');
        expect(s.message).toMatch(/was not saved: .*API key/);
        const stored = col.getNote(id);
        expect(stored && col.fieldsOf(stored).Back).toBe('note');
        p.dispose();
        good.dispose();
        bad.dispose();
        expect(doc).toContain('Keyed');
      } finally {
        await srv.close();
      }
    });
  });
});
