// Save journal benchmark: the cost the journal adds to a save (µs per append incl. fdatasync, bytes per note
// version) and the time to read a full journal back on start.
//
//   npx tsx test/bench/journal.ts [--runs 200] [--dir /tmp/…]
//
// Notes are taken from the sample collection (real field sizes). Each save appends two records: the batch
// record (before the write request; the saver waits for it) and the outcome record (after verification).
// The directory defaults to the OS temp dir: its file system decides the fsync cost (here: the machine's disk).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NoteSnapshot } from '../../src/notes/model';
import type { SaveOutcome } from '../../src/core/saver';
import { SaveHistory } from '../../src/journal/history';
import { Journal } from '../../src/journal/journal';
import { generateCollection } from '../server';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const RUNS = Math.max(10, Number(opt('runs', '200')));
const BASE = opt('dir', os.tmpdir());

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

const col = generateCollection({ notes: 2000, seed: 1 });
const notes: NoteSnapshot[] = [...col.notes.values()].slice(0, 1000).map((n) => ({
  id: n.id,
  deck: col.deckOf(n) ?? 'Default',
  noteType: col.modelOf(n)?.name ?? 'Basic',
  tags: [...n.tags],
  fields: Object.entries(col.fieldsOf(n)),
  mod: n.mod,
  cards: col.cardsOf(n.id).map((c) => c.id),
}));

function change(n: NoteSnapshot): { fields: Record<string, string> } {
  const [name, value] = n.fields[n.fields.length - 1] ?? ['Back', ''];
  return { fields: { [name]: `${value} (edited)` } };
}

function saved(n: NoteSnapshot): SaveOutcome {
  const c = change(n);
  return { kind: 'saved', note: { ...n, fields: n.fields.map(([k, v]) => [k, c.fields[k] ?? v]), mod: (n.mod ?? 0) + 1 }, fresh: true, unchanged: false, summary: '' };
}

async function run(sync: boolean, batchSize: number): Promise<{ recordUs: number[]; outcomeUs: number[]; bytesPerVersion: number }> {
  const dir = fs.mkdtempSync(path.join(BASE, 'anki-journal-bench-'));
  const journal = new Journal({ dir, sync });
  const history = new SaveHistory({ journal, url: () => 'http://127.0.0.1:8765' });
  await journal.open();
  const recordUs: number[] = [];
  const outcomeUs: number[] = [];
  const runs = batchSize === 1 ? RUNS : Math.max(5, Math.floor(RUNS / 20));
  for (let r = 0; r < runs; r++) {
    const batch = Array.from({ length: batchSize }, (_, i) => notes[(r * batchSize + i) % notes.length] as NoteSnapshot);
    let t = process.hrtime.bigint();
    const id = await history.record({ meta: {}, profile: 'User 1', notes: batch.map((n) => ({ before: n, change: change(n) })) });
    recordUs.push(Number(process.hrtime.bigint() - t) / 1000);
    t = process.hrtime.bigint();
    await history.outcome(id, batch.map((n) => ({ id: n.id, outcome: saved(n) })));
    outcomeUs.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const st = journal.stats();
  await journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { recordUs, outcomeUs, bytesPerVersion: st.bytes / st.versions };
}

async function replay(versions: number): Promise<{ ms: number; mb: number }> {
  const dir = fs.mkdtempSync(path.join(BASE, 'anki-journal-bench-'));
  const j = new Journal({ dir, sync: false });
  const h = new SaveHistory({ journal: j, url: () => 'http://127.0.0.1:8765' });
  for (let done = 0; done < versions; done += 100) {
    const batch = Array.from({ length: 100 }, (_, i) => notes[(done + i) % notes.length] as NoteSnapshot);
    const id = await h.record({ meta: {}, profile: 'User 1', notes: batch.map((n) => ({ before: n, change: change(n) })) });
    await h.outcome(id, batch.map((n) => ({ id: n.id, outcome: saved(n) })));
  }
  const mb = j.stats().bytes / 1024 / 1024;
  await j.close();
  const t = process.hrtime.bigint();
  const k = new Journal({ dir });
  await k.open();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  fs.rmSync(dir, { recursive: true, force: true });
  return { ms, mb };
}

async function main(): Promise<void> {
  console.log(`save journal in ${BASE} (${os.cpus().length} cores, node ${process.version}); ${RUNS} runs`);
  console.log('| batch | fsync | batch record (median / p95) | outcome record (median / p95) | per note (record + outcome, median) | bytes per note version |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
  for (const size of [1, 200]) {
    for (const sync of [true, false]) {
      const r = await run(sync, size);
      const rec = quantile(r.recordUs, 0.5);
      const out = quantile(r.outcomeUs, 0.5);
      console.log(
        `| ${size} | ${sync ? 'yes' : 'no'} | ${rec.toFixed(0)} µs / ${quantile(r.recordUs, 0.95).toFixed(0)} µs | ${out.toFixed(0)} µs / ${quantile(r.outcomeUs, 0.95).toFixed(0)} µs | ${((rec + out) / size).toFixed(0)} µs | ${r.bytesPerVersion.toFixed(0)} B |`,
      );
    }
  }
  const rp = await replay(50_000);
  console.log(`\nreading a journal of 50,000 note versions (${rp.mb.toFixed(1)} MB) on start: ${rp.ms.toFixed(0)} ms`);
}

void main();
