import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NoteSnapshot } from '../../../src/notes/model';
import { loadQueue, planFlush, SaveQueue, staysQueued, writeQueue, type QueuedSave } from '../../../src/offline/saveQueue';

const base = (id: number, front = `front ${id}`): NoteSnapshot => ({
  id,
  deck: 'Default',
  noteType: 'Basic',
  tags: ['t'],
  fields: [
    ['Front', front],
    ['Back', 'back'],
  ],
  mod: 1700000000 + id,
  cards: [id * 10],
});
const key = { url: 'http://127.0.0.1:8765', profile: 'User 1' };
const entry = (id: number, text = `text ${id}`, k = key): QueuedSave => ({ noteId: id, path: `/Default/front ${id}.${id}.yaml`, text, base: base(id), key: k, queuedAt: 1000 + id });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anki-queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SaveQueue', () => {
  it('keeps one entry per note and collection: queueing again replaces the text', () => {
    const q = new SaveQueue();
    q.add(entry(1));
    q.add(entry(2));
    q.add(entry(1, 'newer text'));
    expect(q.size).toBe(2);
    expect(q.entries.map((e) => [e.noteId, e.text])).toEqual([
      [1, 'newer text'],
      [2, 'text 2'],
    ]);
  });

  it('separates collections: the same note id of another profile or URL is another entry, flushed only there', () => {
    const q = new SaveQueue();
    const other = { url: key.url, profile: 'User 2' };
    q.add(entry(1));
    q.add(entry(1, 'of user 2', other));
    q.add(entry(3, 'elsewhere', { url: 'http://other:8765', profile: 'User 1' }));
    expect(q.forKey(key).map((e) => e.text)).toEqual(['text 1']);
    expect(q.forKey(other).map((e) => e.text)).toEqual(['of user 2']);
    expect(q.has(1, other)).toBe(true);
    expect(q.has(3, key)).toBe(false);
    expect(q.remove([1], other)).toBe(1);
    expect(q.entries.map((e) => e.text)).toEqual(['text 1', 'elsewhere']);
  });
});

describe('planFlush', () => {
  it('saves the queued text unless the note is open with unsaved changes: then the editor text wins', () => {
    const entries = [entry(1), entry(2), entry(3)];
    const editors = new Map([
      [1, { dirty: true, text: 'typed after queueing' }],
      [2, { dirty: false, text: 'reverted editor' }],
    ]);
    const plan = planFlush(entries, (e) => editors.get(e.noteId));
    expect(plan.map((p) => [p.entry.noteId, p.text, p.source])).toEqual([
      [1, 'typed after queueing', 'editor'],
      [2, 'text 2', 'queued'],
      [3, 'text 3', 'queued'],
    ]);
  });

  it('only an unreachable Anki keeps an entry queued', () => {
    expect(staysQueued('unavailable')).toBe(true);
    for (const v of ['saved', 'conflict', 'deleted', 'invalid', 'failed'] as const) expect(staysQueued(v), v).toBe(false);
  });
});

describe('queue file', () => {
  it('round-trips through the file (a VS Code restart reads the same queue back) and leaves no temp file', async () => {
    const file = path.join(dir, 'save-queue.json');
    const q = new SaveQueue([entry(1, 'line 1\nline "2" é'), entry(2)]);
    await writeQueue(file, q);
    expect(readdirSync(dir)).toEqual(['save-queue.json']);
    const r = await loadQueue(file, { warn: () => undefined });
    expect(r.kind).toBe('loaded');
    expect(r.queue.entries).toEqual(q.entries);
  });

  it('a missing file is an empty queue; an empty queue removes the file', async () => {
    const file = path.join(dir, 'save-queue.json');
    expect((await loadQueue(file, { warn: () => undefined })).kind).toBe('missing');
    await writeQueue(file, new SaveQueue([entry(1)]));
    await writeQueue(file, new SaveQueue());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a torn or mis-shaped file is set aside (kept for the user), logged, and the queue starts empty', async () => {
    const file = path.join(dir, 'save-queue.json');
    const full = new SaveQueue([entry(1)]).serialise();
    writeFileSync(file, full.slice(0, full.length - 7));
    const warnings: string[] = [];
    const r = await loadQueue(file, { warn: (m) => warnings.push(m) }, () => 42);
    expect(r.kind).toBe('setAside');
    expect(r.queue.size).toBe(0);
    expect(warnings[0]).toMatch(/is not valid JSON.*set aside as save-queue\.json\.unreadable-42/);
    expect(readFileSync(`${file}.unreadable-42`, 'utf8')).toBe(full.slice(0, full.length - 7));

    writeFileSync(file, JSON.stringify({ format: 1, entries: [{ noteId: 'x' }] }));
    const r2 = await loadQueue(file, { warn: (m) => warnings.push(m) }, () => 43);
    expect(r2.kind).toBe('setAside');
    expect(warnings[1]).toMatch(/does not have the expected shape/);
  });
});
