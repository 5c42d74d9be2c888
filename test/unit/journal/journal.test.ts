// The save journal on a real directory: append/replay, rotation within the bounds, torn and bad lines,
// newer format versions, concurrent appends.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FORMAT, type BatchRecord } from '../../../src/journal/format';
import { Journal, newBatchId } from '../../../src/journal/journal';

let dir: string;
const warnings: string[] = [];
const log = { warn: (m: string) => warnings.push(m) };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-journal-'));
  warnings.length = 0;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const KEY = { url: 'http://127.0.0.1:8765', profile: 'User 1' };

function batch(id: string, noteIds: number[], back = 'new', at = 1000): Omit<BatchRecord, 'v' | 't'> {
  return {
    id,
    at,
    key: KEY,
    kind: 'save',
    notes: noteIds.map((n) => ({
      id: n,
      before: { noteType: 'Basic', deck: 'D', tags: ['t'], fields: [['Front', `f${n}`], ['Back', 'old']], mod: 5 },
      change: { fields: { Back: back } },
    })),
  };
}

const segments = () => fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();

describe('append and replay', () => {
  it('a batch and its outcome survive a reopen, with the notes read back from disk', async () => {
    const j = new Journal({ dir, log });
    await j.appendBatch(batch('b1', [1, 2], 'héllo ✓'));
    await j.appendOutcome({ id: 'b1', at: 1001, notes: [{ id: 1, kind: 'saved', hash: 'h1' }, { id: 2, kind: 'conflict', message: 'm' }] });
    await j.appendBatch(batch('b2', [3]));
    await j.close();

    const k = new Journal({ dir, log });
    await k.open();
    expect(k.list().map((e) => e.id)).toEqual(['b2', 'b1']);
    expect(k.get('b1')?.outcome?.notes.map((n) => n.kind)).toEqual(['saved', 'conflict']);
    expect(k.get('b2')?.outcome).toBeUndefined();
    const rec = await k.readBatch('b1');
    expect(rec?.notes[0]?.change?.fields?.Back).toBe('héllo ✓');
    expect(rec?.notes[1]?.before?.fields).toEqual([['Front', 'f2'], ['Back', 'old']]);
    expect(k.interrupted().map((e) => e.id)).toEqual(['b2']);
    expect(warnings).toEqual([]);
  });

  it('list filters by URL and profile', async () => {
    const j = new Journal({ dir, log });
    await j.appendBatch(batch('a', [1]));
    await j.appendBatch({ ...batch('b', [1]), key: { url: KEY.url, profile: 'Other' } });
    await j.appendBatch({ ...batch('c', [1]), key: { url: 'http://127.0.0.1:9999' } });
    expect(j.list(KEY).map((e) => e.id)).toEqual(['a']);
    expect(j.list({ url: KEY.url, profile: 'Other' }).map((e) => e.id)).toEqual(['b']);
    expect(j.interrupted({ url: KEY.url }).map((e) => e.id)).toEqual(['b', 'a']);
    await j.close();
  });

  it('an acknowledged interrupted batch is not reported again; one of a live other process is not reported', async () => {
    const j = new Journal({ dir, log });
    await j.appendBatch(batch('a', [1]));
    await j.appendBatch({ ...batch('b', [2]), pid: 424242 });
    await j.acknowledge('a');
    await j.close();
    const k = new Journal({ dir, log });
    await k.open();
    expect(k.interrupted({ isAlive: (pid) => pid === 424242 }).map((e) => e.id)).toEqual([]);
    expect(k.interrupted({ isAlive: () => false }).map((e) => e.id)).toEqual(['b']);
  });

  it('a batch of this process without an outcome is in flight, not interrupted', async () => {
    const j = new Journal({ dir, log });
    await j.appendBatch({ ...batch('mine', [1]), pid: process.pid });
    expect(j.interrupted({ isAlive: () => false })).toEqual([]);
  });

  it('concurrent appends from two batches never interleave: every line is whole and each batch reads back', async () => {
    const j = new Journal({ dir, log });
    const big = 'x'.repeat(200_000);
    await Promise.all([
      j.appendBatch(batch('A', [1, 2, 3], big)),
      j.appendBatch(batch('B', [4, 5], 'small')),
      j.appendOutcome({ id: 'A', at: 2, notes: [{ id: 1, kind: 'saved' }] }),
      j.appendOutcome({ id: 'B', at: 2, notes: [{ id: 4, kind: 'saved' }] }),
    ]);
    await j.close();
    const lines = fs.readFileSync(path.join(dir, segments()[0] as string), 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { t: string; id: string }).t + ':' + (JSON.parse(l) as { id: string }).id)).toEqual([
      'batch:A',
      'batch:B',
      'outcome:A',
      'outcome:B',
    ]);
    const k = new Journal({ dir, log });
    await k.open();
    expect((await k.readBatch('A'))?.notes[2]?.change?.fields?.Back).toBe(big);
    expect((await k.readBatch('B'))?.notes.map((n) => n.id)).toEqual([4, 5]);
  });

  it('two Journal instances on one directory (two windows) append whole lines and each batch is readable', async () => {
    const a = new Journal({ dir, log });
    const b = new Journal({ dir, log });
    await Promise.all([a.appendBatch(batch('A1', [1])), b.appendBatch(batch('B1', [2])), a.appendBatch(batch('A2', [3])), b.appendBatch(batch('B2', [4]))]);
    expect((await a.readBatch('A2'))?.notes[0]?.id).toBe(3);
    expect((await b.readBatch('B2'))?.notes[0]?.id).toBe(4);
    await a.close();
    await b.close();
    const c = new Journal({ dir, log });
    await c.open();
    expect(c.list().map((e) => e.id).sort()).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(warnings).toEqual([]);
  });

  it('batch ids are unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newBatchId(5)));
    expect(ids.size).toBe(1000);
  });
});

describe('corrupt journals', () => {
  it('a torn last line is skipped with a warning, the rest is read, and the next append starts on a new line', async () => {
    const j = new Journal({ dir, log });
    await j.appendBatch(batch('ok1', [1]));
    await j.appendOutcome({ id: 'ok1', at: 2, notes: [{ id: 1, kind: 'saved' }] });
    await j.close();
    const file = path.join(dir, segments()[0] as string);
    const full = JSON.stringify({ v: JOURNAL_FORMAT, t: 'batch', ...batch('torn', [2]) });
    fs.appendFileSync(file, full.slice(0, full.length - 7)); // crash mid-write: no closing brace, no newline

    const k = new Journal({ dir, log });
    await k.open();
    expect(k.list().map((e) => e.id)).toEqual(['ok1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/line 3 skipped \(torn last line/);
    await k.appendBatch(batch('after', [3]));
    await k.close();

    warnings.length = 0;
    const m = new Journal({ dir, log });
    await m.open();
    expect(m.list().map((e) => e.id)).toEqual(['after', 'ok1']);
    expect((await m.readBatch('after'))?.notes[0]?.id).toBe(3);
    expect(warnings).toHaveLength(1); // the torn line is still there (nothing rewritten), now in the middle
    expect(warnings[0]).toMatch(/line 3 skipped/);
  });

  it('bad JSON, a wrong shape and a newer format version in the middle are each skipped with their own warning', async () => {
    const line = (o: unknown) => JSON.stringify(o) + '\n';
    fs.writeFileSync(
      path.join(dir, 'journal-00000001.jsonl'),
      line({ v: 1, t: 'batch', ...batch('first', [1]) }) +
        '{"v":1,"t":"batch", garbage\n' +
        line({ v: 1, t: 'batch', id: 'x' }) +
        line({ v: 2, t: 'batch', ...batch('future', [9]), extra: true }) +
        '\n' +
        line({ v: 1, t: 'outcome', id: 'first', at: 3, notes: [{ id: 1, kind: 'saved' }] }) +
        line({ v: 1, t: 'batch', ...batch('last', [2]) }),
    );
    const j = new Journal({ dir, log });
    await j.open();
    expect(j.list().map((e) => e.id)).toEqual(['last', 'first']);
    expect(j.get('first')?.outcome?.notes[0]?.kind).toBe('saved');
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/line 2 skipped/);
    expect(warnings[1]).toMatch(/line 3 skipped \(.*at/);
    expect(warnings[2]).toMatch(/line 4 skipped \(written by a newer version of Anki Files: format version 2/);
    expect(j.stats().skippedLines).toBe(3);
  });

  it('a journal that is entirely garbage gives an empty history and accepts new records', async () => {
    fs.writeFileSync(path.join(dir, 'journal-00000001.jsonl'), '\u0000\u0001garbage');
    const j = new Journal({ dir, log });
    await j.appendBatch(batch('new', [1]));
    expect(j.list().map((e) => e.id)).toEqual(['new']);
    expect(warnings).toHaveLength(1);
  });
});

describe('bounds', () => {
  it('rotation by note versions: the oldest segments go whole, the newest batches stay, nothing is rewritten', async () => {
    const j = new Journal({ dir, log, maxVersions: 80 }); // segments of 10 versions
    for (let i = 0; i < 50; i++) await j.appendBatch(batch(`b${i}`, [i * 3, i * 3 + 1, i * 3 + 2], 'v', i)); // 150 versions
    const s = j.stats();
    expect(s.versions).toBeLessThanOrEqual(80);
    expect(s.versions).toBeGreaterThanOrEqual(70 - 3);
    const ids = j.list().map((e) => e.id);
    expect(ids[0]).toBe('b49');
    // contiguous newest batches kept, oldest dropped
    const kept = ids.length;
    expect(ids).toEqual(Array.from({ length: kept }, (_, k) => `b${49 - k}`));
    expect(segments().length).toBe(s.segments);
    await j.close();
    const k = new Journal({ dir, log });
    await k.open();
    expect(k.list().map((e) => e.id)).toEqual(ids);
  });

  it('rotation by bytes', async () => {
    const j = new Journal({ dir, log, maxBytes: 64 * 1024 });
    for (let i = 0; i < 100; i++) await j.appendBatch(batch(`b${i}`, [i], 'y'.repeat(2000)));
    const s = j.stats();
    expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(s.bytes).toBeGreaterThan(48 * 1024);
    expect(j.list()[0]?.id).toBe('b99');
    const total = segments().reduce((a, n) => a + fs.statSync(path.join(dir, n)).size, 0);
    expect(total).toBe(s.bytes);
  });

  it('a single batch larger than the bounds is kept (the newest segment is never dropped)', async () => {
    const j = new Journal({ dir, log, maxVersions: 8 });
    await j.appendBatch(batch('small', [1]));
    await j.appendBatch(batch('huge', Array.from({ length: 20 }, (_, i) => i)));
    expect(j.list().map((e) => e.id)).toEqual(['huge']);
    expect((await j.readBatch('huge'))?.notes).toHaveLength(20);
  });
});
