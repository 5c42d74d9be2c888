// The save journal, undo/redo and crash recovery through the real engine against the test server over real
// HTTP: request counts, what the journal holds, conflicts, crashes at the two hook points (a child process
// SIGKILLed there), added and deleted notes.
import { formatMessage } from '../../../src/messages';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { AnkiClient } from '../../../src/anki/client';
import { snapshotFromInfo } from '../../../src/core/snapshot';
import type { NoteSnapshot } from '../../../src/notes/model';
import { checkInterrupted, noteVersions, readProfile, SaveHistory, summarize } from '../../../src/journal/history';
import { Journal } from '../../../src/journal/journal';
import { Undoer } from '../../../src/journal/undo';
import { Collection, startTestServer, type TestServer } from '../../server';
import { basicNote, bytes, countRequests, makeFixture, text, uriOf, W, type Fixture } from '../fs/helpers';

const DECK = 'History';
let fx: Fixture | undefined;
let dir: string | undefined;
let srv: TestServer | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
  await srv?.close();
  srv = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setup(n: number, opts: { confirm?: boolean } = {}) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-history-'));
  const journal = new Journal({ dir });
  let history: SaveHistory | undefined;
  const ids: number[] = [];
  fx = await makeFixture({
    setup: (col) => {
      col.ensureDeck(DECK);
      for (let i = 0; i < n; i++) ids.push(basicNote(col, DECK, `Front ${i}`, `colour ${i}`, ['t']));
    },
    journal: (url) => (history = new SaveHistory({ journal, url: () => url, resolveProfile: () => readProfile(new AnkiClient({ url })) })),
  });
  const f = fx;
  const h = history as SaveHistory;
  const confirms: number[] = [];
  const undoer = new Undoer({
    history: h,
    engine: f.provider.engine,
    client: () => f.client,
    url: () => f.srv.url,
    confirmDelete: async (count) => {
      confirms.push(count);
      return opts.confirm ?? true;
    },
  });
  const uris = ids.map((id, i) => uriOf(DECK, `Front ${i}`, id));
  return { fx: f, ids, uris, journal, history: h, undoer, confirms };
}

const backOf = (f: Fixture, id: number) => {
  const n = f.srv.collection.getNote(id);
  return n ? f.srv.collection.fieldsOf(n).Back : undefined;
};

const newDoc = (front: string, back: string) => `deck: ${DECK}\nnoteType: Basic\ntags: []\nfields:\n  Front: ${front}\n  Back: "${back}"\n`;

async function bulkReplace(f: Fixture, ids: number[]) {
  const infos = await f.client.notesInfo(ids);
  return f.provider.engine.saveNotes(
    infos.map((info, i) => {
      const n = info as NonNullable<typeof info>;
      const snap = snapshotFromInfo(n, DECK);
      f.provider.engine.store.apply(snap, { asBase: true });
      return {
        noteId: n.noteId,
        edited: { id: n.noteId, deck: DECK, noteType: 'Basic', tags: snap.tags, fields: [['Front', `Front ${i}`], ['Back', `color ${i}`]] as [string, string][] },
        meta: { label: "find and replace 'colour' → 'color'" },
      };
    }),
  );
}

describe('the journal records every save', () => {
  it('a save costs the same 2 requests; the record holds what Anki had before, the change, the profile and the outcome', async () => {
    const { fx, ids, uris, journal } = await setup(2);
    const doc = text(await fx.provider.readFile(uris[0] as vscode.Uri));
    fx.srv.stats.reset();
    await fx.provider.writeFile(uris[0] as vscode.Uri, bytes(doc.replace('Back: colour 0', 'Back: edited')), W);
    expect(fx.srv.stats.requests).toBe(2);
    const [entry, ...rest] = journal.list();
    expect(rest).toEqual([]);
    expect(entry?.key).toEqual({ url: fx.srv.url, profile: 'User 1' });
    expect(entry?.kind).toBe('save');
    expect(entry?.outcome?.notes).toMatchObject([{ id: ids[0], kind: 'saved' }]);
    const rec = await journal.readBatch(entry?.id as string);
    expect(rec?.notes).toEqual([
      {
        id: ids[0],
        before: expect.objectContaining({ deck: DECK, noteType: 'Basic', tags: ['t'], fields: [['Front', 'Front 0'], ['Back', 'colour 0']] }),
        change: { fields: { Back: 'edited' } },
      },
    ]);
    expect(typeof rec?.notes[0]?.before?.mod).toBe('number');
  });

  it('the record is on disk before the write request is sent', async () => {
    const { fx, uris, journal } = await setup(1);
    const doc = text(await fx.provider.readFile(uris[0] as vscode.Uri));
    const seen: Array<{ action: string; batches: number; lines: number }> = [];
    const lines = () =>
      fs
        .readdirSync(journal.dir)
        .map((n) => fs.readFileSync(path.join(journal.dir, n), 'utf8').split('\n').filter(Boolean).length)
        .reduce((a, b) => a + b, 0);
    fx.onRequest = (e) => seen.push({ action: e.action, batches: journal.list().length, lines: lines() });
    await fx.provider.writeFile(uris[0] as vscode.Uri, bytes(doc.replace('Back: colour 0', 'Back: x')), W);
    // onRequest runs when a request completed: the check (nothing journaled yet), then the apply, which was
    // sent after the batch line was on disk.
    expect(seen.map((s) => [s.action, s.lines])).toEqual([
      ['multi', 0],
      ['multi', 1],
    ]);
  });

  it('a journal that cannot be written stops the batch: nothing is sent, the save fails with the reason', async () => {
    const { fx, uris, journal } = await setup(1);
    const doc = text(await fx.provider.readFile(uris[0] as vscode.Uri));
    fs.rmSync(journal.dir, { recursive: true });
    fs.writeFileSync(journal.dir, 'not a directory');
    fx.srv.stats.reset();
    await expect(fx.provider.writeFile(uris[0] as vscode.Uri, bytes(doc.replace('Back: colour 0', 'Back: x')), W)).rejects.toThrow(
      /save journal .* could not be written.*Nothing was sent to Anki/,
    );
    expect(fx.srv.stats.requests).toBe(1); // the conflict check only
    expect(backOf(fx, fx.srv.collection.notes.keys().next().value as number)).toBe('colour 0');
    fs.rmSync(journal.dir);
  });
});

describe('undo and redo', () => {
  it('undo after a find and replace of 200 notes restores them all in 2 requests; redo re-applies them in 2', async () => {
    const { fx, ids, journal, undoer } = await setup(200);
    const outcomes = await bulkReplace(fx, ids);
    expect(outcomes.every((o) => o.kind === 'saved')).toBe(true);
    expect(ids.map((id) => backOf(fx, id))).toEqual(ids.map((_, i) => `color ${i}`));
    const last = await undoer.lastUndoable();
    expect(last?.label).toBe("find and replace 'colour' → 'color'");
    expect(summarize((await journal.readBatch(last?.id as string)) as NonNullable<Awaited<ReturnType<typeof journal.readBatch>>>)).toMatchObject({ notes: 200, fields: 200, tags: 0, deck: 0 });

    const u = await countRequests(fx.srv, () => undoer.undo());
    expect(u.requests).toBe(2);
    expect(u.value).toMatchObject({ restored: 200, skipped: [] });
    expect(ids.map((id) => backOf(fx, id))).toEqual(ids.map((_, i) => `colour ${i}`));
    expect(journal.list()[0]).toMatchObject({ kind: 'undo', of: last?.id });

    const r = await countRequests(fx.srv, () => undoer.redo());
    expect(r.requests).toBe(2);
    expect(r.value).toMatchObject({ restored: 200, skipped: [] });
    expect(ids.map((id) => backOf(fx, id))).toEqual(ids.map((_, i) => `color ${i}`));
    // nothing more to redo; undo now undoes the redo
    expect(await undoer.lastRedoable()).toBeUndefined();
    expect((await undoer.lastUndoable())?.kind).toBe('redo');
  });

  it('a note edited in Anki after the save is skipped and named; the others are restored', async () => {
    const { fx, ids, undoer } = await setup(3);
    await bulkReplace(fx, ids);
    fx.srv.simulate.editInAnki(ids[1] as number, { fields: { Back: 'edited in Anki' } });
    const r = await undoer.undo();
    expect(r.restored).toBe(2);
    expect(r.skipped).toEqual([{ id: ids[1], reason: 'changedSince', detail: 'field Back', name: 'Front 1' }]);
    expect(ids.map((id) => backOf(fx, id))).toEqual(['colour 0', 'edited in Anki', 'colour 2']);
  });

  it('a note changed by a later save is skipped by an undo of the earlier one', async () => {
    const { fx, ids, uris, undoer, journal } = await setup(2);
    await bulkReplace(fx, ids);
    const first = journal.list()[0]?.id as string;
    const doc = text(await fx.provider.readFile(uris[0] as vscode.Uri));
    await fx.provider.writeFile(uris[0] as vscode.Uri, bytes(doc.replace('Back: color 0', 'Back: later')), W);
    const r = await undoer.undo(first);
    expect(r).toMatchObject({ restored: 1, skipped: [{ id: ids[0], reason: 'changedSince' }] });
    expect(ids.map((id) => backOf(fx, id))).toEqual(['later', 'colour 1']);
  });

  it('an open clean document follows the undo (Changed event, new content); its next save is not a conflict', async () => {
    const { fx, ids, uris, undoer } = await setup(1);
    const u = uris[0] as vscode.Uri;
    const doc = text(await fx.provider.readFile(u));
    await fx.provider.writeFile(u, bytes(doc.replace('Back: colour 0', 'Back: one')), W);
    await fx.provider.engine.settled();
    fx.events.length = 0;
    await undoer.undo();
    expect(fx.events.some((e) => e.type === vscode.FileChangeType.Changed && e.uri.toString() === u.toString())).toBe(true);
    const reloaded = text(await fx.provider.readFile(u));
    expect(reloaded).toContain('Back: colour 0');
    await fx.provider.writeFile(u, bytes(reloaded.replace('Back: colour 0', 'Back: two')), W);
    expect(backOf(fx, ids[0] as number)).toBe('two');
  });

  it('undo of an added note deletes it after confirmation; undo of a deletion re-adds it with a new id', async () => {
    const { fx, undoer, confirms, journal } = await setup(1);
    const draft = fx.provider.createDraft(DECK, 'Basic', ['Front', 'Back']);
    await fx.provider.writeFile(draft, bytes(newDoc('brand new', 'b')), W);
    const added = fx.srv.collection.findNotes('Front:"brand new"')[0] as number;
    expect(added).toBeGreaterThan(0);
    expect(journal.list()[0]).toMatchObject({ kind: 'create' });
    const r = await undoer.undo();
    expect(confirms).toEqual([1]);
    expect(r).toMatchObject({ restored: 1, skipped: [], deleted: [added] });
    expect(fx.srv.collection.getNote(added)).toBeUndefined();

    // redo of that undo: the note comes back, with a new id
    const redo = await undoer.redo();
    expect(redo.restored).toBe(1);
    const back = redo.reAdded?.[0];
    expect(back?.oldId).toBe(added);
    expect(back?.newId).not.toBe(added);
    expect(fx.srv.collection.fieldsOf(fx.srv.collection.getNote(back?.newId as number) as never)).toEqual({ Front: 'brand new', Back: 'b' });

    // a deletion through the file system, undone
    const target = back?.newId as number;
    await fx.provider.delete(uriOf(DECK, 'brand new', target));
    expect(fx.srv.collection.getNote(target)).toBeUndefined();
    const u = await undoer.undo();
    expect(u.reAdded?.[0]?.oldId).toBe(target);
    const again = u.reAdded?.[0]?.newId as number;
    expect(fx.srv.collection.fieldsOf(fx.srv.collection.getNote(again) as never)).toEqual({ Front: 'brand new', Back: 'b' });
  });

  it('a move by drag and drop is journaled and undone (the cards go back to their deck)', async () => {
    const { fx, ids, undoer, journal } = await setup(2);
    fx.srv.collection.ensureDeck('Elsewhere');
    const report = await fx.provider.engine.moveNotes(ids, 'Elsewhere');
    expect(report.moved).toEqual(ids);
    expect(ids.map((id) => fx.srv.collection.deckOf(fx.srv.collection.getNote(id) as never))).toEqual(['Elsewhere', 'Elsewhere']);
    expect(journal.list()[0]).toMatchObject({ kind: 'save', label: 'move to "Elsewhere"' });
    const r = await countRequests(fx.srv, () => undoer.undo());
    expect(r.value).toMatchObject({ restored: 2, skipped: [] });
    expect(r.requests).toBe(2);
    expect(ids.map((id) => fx.srv.collection.deckOf(fx.srv.collection.getNote(id) as never))).toEqual([DECK, DECK]);
  });

  it('declining the confirmation deletes nothing', async () => {
    const { fx, undoer } = await setup(0, { confirm: false });
    const draft = fx.provider.createDraft(DECK, 'Basic', ['Front', 'Back']);
    await fx.provider.writeFile(draft, bytes(newDoc('keep me', '')), W);
    const added = fx.srv.collection.findNotes('Front:"keep me"')[0] as number;
    const r = await undoer.undo();
    expect(r).toMatchObject({ restored: 0, skipped: [{ id: added, reason: 'notConfirmed' }] });
    expect(fx.srv.collection.getNote(added)).toBeDefined();
  });
});

describe('a note history', () => {
  it('three saves give four versions, newest first, each with what changed', async () => {
    const { fx, ids, uris, journal } = await setup(1);
    const u = uris[0] as vscode.Uri;
    for (const [from, to] of [
      ['colour 0', 'v1'],
      ['v1', 'v2'],
      ['v2', 'v3'],
    ] as const) {
      const doc = text(await fx.provider.readFile(u));
      await fx.provider.writeFile(u, bytes(doc.replace(`Back: ${from}`, `Back: ${to}`)), W);
      await fx.provider.engine.settled();
    }
    const entries = journal.list().reverse();
    const records = await Promise.all(entries.map(async (e) => ({ rec: (await journal.readBatch(e.id)) as NonNullable<Awaited<ReturnType<typeof journal.readBatch>>>, outcome: e.outcome })));
    const versions = noteVersions(ids[0] as number, records);
    expect(versions.map((v) => v.state.fields[1]?.[1])).toEqual(['v3', 'v2', 'v1', 'colour 0']);
    expect(versions.map((v) => v.changes.map((c) => formatMessage(c)))).toEqual([['field Back'], ['field Back'], ['field Back'], []]);
  });
});

// ------------------------------------------------------------------ crashes

async function runChild(mode: 'afterRecord' | 'afterApply', url: string, journalDir: string, notes: Array<{ id: number; front: string }>, done: { id: number; front: string }) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'crashChild.ts')], {
    env: { ...process.env, URL: url, MODE: mode, DIR: journalDir, DECK, NOTES: JSON.stringify(notes), DONE: JSON.stringify(done) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const hook = mode === 'afterRecord' ? 'RECORDED' : 'APPLIED';
  const batchId = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = new RegExp(`${hook} (\\S+)\\n`).exec(out);
      if (m) resolve(m[1] as string);
      if (/ERROR|UNEXPECTED/.test(out)) reject(new Error(`child: ${out}\n${err}`));
    });
    child.on('exit', (code) => reject(new Error(`child exited (${String(code)}) before the hook: ${out}\n${err}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return batchId;
}

describe('a crash mid-save is reported on restart', () => {
  for (const mode of ['afterRecord', 'afterApply'] as const) {
    it(`killed ${mode === 'afterRecord' ? 'between the journal record and the write request' : 'between the write request and the outcome'}: exactly that batch is reported, and Check tells ${mode === 'afterRecord' ? 'nothing was applied' : 'all were applied'}`, async () => {
      const col = new Collection();
      const ids = [0, 1, 2, 3].map((i) => basicNote(col, DECK, `Front ${i}`, `Back ${i}`));
      srv = await startTestServer({ port: 0, latency: 'none', collection: col });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-crash-'));
      const notes = ids.slice(1).map((id) => ({ id, front: `Front ${ids.indexOf(id)}` }));
      const crashed = await runChild(mode, srv.url, dir, notes, { id: ids[0] as number, front: 'Front 0' });
      const back = (id: number) => col.fieldsOf(col.getNote(id) as never).Back;
      expect(back(ids[0] as number)).toBe(`finished ${ids[0]}`);
      if (mode === 'afterRecord') expect(notes.map((n) => back(n.id))).toEqual(['Back 1', 'Back 2', 'Back 3']);
      else expect(notes.map((n) => back(n.id))).toEqual(notes.map((n) => `crash ${n.id}`));

      // "restart": a new journal on the same directory
      const journal = new Journal({ dir });
      await journal.open();
      expect(journal.list()).toHaveLength(2);
      const interrupted = journal.interrupted({ url: srv.url });
      expect(interrupted.map((e) => e.id)).toEqual([crashed]);
      expect(interrupted[0]?.noteIds).toEqual(notes.map((n) => n.id));

      // Check: re-read the notes and compare with the record
      const rec = await journal.readBatch(crashed);
      const client = new AnkiClient({ url: srv.url });
      const infos = await client.notesInfo(notes.map((n) => n.id));
      const current = new Map<number, NoteSnapshot>(infos.flatMap((i) => (i ? [[i.noteId, snapshotFromInfo(i, DECK)] as [number, NoteSnapshot]] : [])));
      const check = checkInterrupted(rec as NonNullable<typeof rec>, (id) => current.get(id));
      const all = notes.map((n) => n.id);
      expect(check).toEqual(mode === 'afterRecord' ? { applied: [], notApplied: all, other: [], missing: [] } : { applied: all, notApplied: [], other: [], missing: [] });

      // reported once: acknowledged, it is not reported again
      await journal.acknowledge(crashed);
      await journal.close();
      const again = new Journal({ dir });
      await again.open();
      expect(again.interrupted({ url: srv.url })).toEqual([]);
    }, 60_000);
  }
});
