// The offline cache store on a real temp directory: round trip, keys, atomic writes, bounds, damaged files.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_FORMAT, CacheStore, cacheFileName } from '../../../src/cache/cacheStore';
import { OfflineReads, emptyOfflineData, type OfflineData } from '../../../src/cache/offlineReads';
import type { NoteInfo } from '../../../src/anki/api';

let dir: string;
let warnings: string[];
const log = { warn: (m: string) => warnings.push(m) };
const key = { url: 'http://127.0.0.1:8765', profile: 'User 1' };

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anki-cache-'));
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const info = (id: number, back = 'B'): NoteInfo => ({
  noteId: id,
  modelName: 'Basic',
  tags: ['vocab'],
  fields: { Front: { value: `あいさつ ${id}`, order: 0 }, Back: { value: back, order: 1 } },
  mod: 1700000000 + id,
  cards: [id * 10],
});

function sample(): OfflineData {
  let t = 100;
  const reads = new OfflineReads(emptyOfflineData(), () => t);
  reads.record('deckNamesAndIds', [], { 'Japanese::JLPT N3': 1 });
  reads.record('modelTemplates', ['Basic'], { 'Card 1': { Front: '{{Front}}', Back: '{{FrontSide}}<hr>{{Back}}' } });
  reads.record('notesInfo', [[1, 2]], [info(1), info(2, 'line 1<br>\nline 2 🎌')]);
  t = 200;
  reads.record('getDecks', [[10, 20]], { 'Japanese::JLPT N3': [10, 20] });
  return reads.data;
}

describe('CacheStore', () => {
  it('round-trips everything it keeps, byte-exact field HTML included', async () => {
    const store = new CacheStore(dir, log);
    const data = sample();
    await store.save(key, data);
    const r = await store.load(key);
    expect(r.kind).toBe('loaded');
    expect(r.data).toEqual(sample());
    expect(warnings).toEqual([]);
  });

  it('a missing cache is empty, without a warning', async () => {
    const r = await new CacheStore(dir, log).load(key);
    expect(r).toEqual({ kind: 'missing', data: emptyOfflineData() });
    expect(warnings).toEqual([]);
  });

  it('keeps URL + profile apart: another profile never sees this one', async () => {
    const store = new CacheStore(dir, log);
    await store.save(key, sample());
    const other = await store.load({ ...key, profile: 'User 2' });
    expect(other.kind).toBe('missing');
    expect(cacheFileName(key)).not.toBe(cacheFileName({ ...key, profile: 'User 2' }));
    expect(cacheFileName(key)).not.toBe(cacheFileName({ url: 'http://127.0.0.1:8766', profile: 'User 1' }));
  });

  it('leaves no temporary file behind and replaces the old cache whole', async () => {
    const store = new CacheStore(dir, log);
    await store.save(key, sample());
    const d2 = sample();
    d2.calls = { 'getTags([])': ['changed'] };
    await store.save(key, d2);
    expect(readdirSync(dir)).toEqual([cacheFileName(key)]);
    expect((await store.load(key)).data.calls).toEqual({ 'getTags([])': ['changed'] });
  });

  it.each([
    ['a torn write (truncated JSON)', (t: string) => t.slice(0, Math.floor(t.length / 2)), 'is not valid JSON'],
    ['bad JSON', () => '{"format": 1, nope', 'is not valid JSON'],
    ['a file from a newer version', (t: string) => t.replace(`"format":${CACHE_FORMAT}`, '"format":99'), 'newer version'],
    ['a wrong shape', () => JSON.stringify({ format: CACHE_FORMAT, url: key.url, profile: key.profile, data: { notes: 'x' } }), 'expected shape'],
    ['another key written under this name', (t: string) => t.replace('"profile":"User 1"', '"profile":"Other"'), 'another AnkiConnect address or profile'],
  ])('%s is dropped with a log line, never a crash', async (_name, damage, why) => {
    const store = new CacheStore(dir, log);
    await store.save(key, sample());
    const file = store.fileOf(key);
    writeFileSync(file, damage(readFileSync(file, 'utf8')));
    const r = await store.load(key);
    expect(r.kind).toBe('dropped');
    expect(r.data).toEqual(emptyOfflineData());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(why);
    expect(readdirSync(dir)).toEqual([]); // dropped: the next save starts clean
  });

  it('stays under its bound by dropping the notes seen least recently', async () => {
    let t = 0;
    const reads = new OfflineReads(emptyOfflineData(), () => t);
    for (let i = 1; i <= 200; i++) {
      t = i;
      reads.record('notesInfo', [[i]], [info(i, 'x'.repeat(500))]);
    }
    const full = Buffer.byteLength(JSON.stringify({ format: CACHE_FORMAT, ...key, data: reads.data }));
    const bound = Math.floor(full / 2);
    const store = new CacheStore(dir, log, bound);
    const r = await store.save(key, reads.data);
    expect(r.bytes).toBeLessThanOrEqual(bound);
    expect(r.evicted).toBeGreaterThan(90);
    const kept = Object.keys((await store.load(key)).data.notes).map(Number).sort((a, b) => a - b);
    expect(kept.length).toBe(200 - r.evicted);
    expect(kept[0]).toBe(r.evicted + 1); // exactly the oldest were dropped
    expect(kept.at(-1)).toBe(200);
  });
});
