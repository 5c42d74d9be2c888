// Single-save latency: Ctrl+S of one note through the `anki:` file-system engine (what the provider's writeFile
// runs: announced by onWillSaveTextDocument, parsed, planned, then the saver's 2 requests — conflict check, then
// apply + verify) against ONE plain request (`updateNoteFields`, the usual client's save), on the AnkiConnect test
// server in a child process, with both latency profiles.
//
//   npm run bench:single-save [-- --runs 30] [--no-write]
//
// Wall times are medians (and 90th percentiles) over the runs; each run edits the note again. Writes its table
// into test/bench/RESULTS.md between the `single-save:begin`/`single-save:end` markers.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnkiClient } from '../../src/anki/client';
import { notesCodec } from '../../src/core/codec';
import { FsEngine } from '../../src/core/fsEngine';
import { renderNote } from '../../src/notes/document';
import { notePath } from '../../src/notes/paths';
import { BaselineClient } from './baseline';

const argv = process.argv.slice(2);
const runsArg = argv.indexOf('--runs');
const RUNS = Math.max(3, Number(runsArg >= 0 ? argv[runsArg + 1] : 30) || 30);
const WRITE = !argv.includes('--no-write');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'RESULTS.md');

interface WorkerInfo {
  url: string;
}

function startWorker(latency: 'none' | 'anki'): Promise<{ child: ChildProcess; info: WorkerInfo }> {
  // server-worker.ts generates a sample collection and answers with {url} once listening
  const args = ['--notes', '1000', '--latency', latency, '--big-deck', 'Bench::Big deck', '--big-deck-size', '100'];
  const child = fork(path.join(HERE, 'server-worker.ts'), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server worker exited with ${String(code)}`)));
    child.on('message', (m: unknown) => {
      const msg = m as { type?: string; url?: string };
      if (msg.type === 'ready' && typeof msg.url === 'string') resolve({ child, info: { url: msg.url } });
    });
  });
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
};
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function measureProfile(latency: 'none' | 'anki'): Promise<string[]> {
  const { child, info } = await startWorker(latency);
  try {
    const client = new AnkiClient({ url: info.url });
    let requests = 0;
    const counting = new AnkiClient({ url: info.url, onRequest: () => requests++ });
    const ids = (await client.findNotes('deck:"Bench::Big deck"')).slice(0, 2);
    const [saveId, plainId] = ids;
    if (saveId === undefined || plainId === undefined) throw new Error('no notes to save');
    // warm up both paths (connection setup, JIT)
    const engine = new FsEngine({ client: () => counting, codec: notesCodec });
    const snaps = await engine.store.fetchMany([saveId], []);
    const snap = snaps.get(saveId);
    if (!snap) throw new Error('note missing');
    const p = notePath(snap.deck, snap.fields[0]?.[1] ?? '', saveId);
    let current = snap;
    engine.store.apply(current, { asBase: true });
    engine.store.markServed(saveId);
    const ours: number[] = [];
    const oursRequests = new Set<number>();
    for (let r = 0; r <= RUNS; r++) {
      const edited = { ...current, fields: current.fields.map(([k, v], i): [string, string] => [k, i === 1 ? `${v.replace(/ ·single-\d+$/, '')} ·single-${r}` : v]) };
      const bytes = new TextEncoder().encode(renderNote(edited));
      requests = 0;
      const t0 = performance.now();
      engine.willWrite([p]); // onWillSaveTextDocument of the one document
      await engine.writeFile(p, bytes, { create: false, overwrite: true });
      const wall = performance.now() - t0;
      if (r > 0) {
        ours.push(wall);
        oursRequests.add(requests);
      }
      await engine.settled();
      const next = engine.store.base(saveId);
      if (!next) throw new Error('base lost');
      current = next.snapshot;
    }
    engine.dispose();

    const base = new BaselineClient({ url: info.url });
    const plain: number[] = [];
    const [plainInfo] = await client.notesInfo([plainId]);
    const backName = Object.entries(plainInfo?.fields ?? {}).sort((a, b) => a[1].order - b[1].order)[1]?.[0] ?? 'Back';
    for (let r = 0; r <= RUNS; r++) {
      const t0 = performance.now();
      await base.saveEach([{ id: plainId, fields: { [backName]: `plain ${r}` } }]);
      if (r > 0) plain.push(performance.now() - t0);
    }
    const o50 = quantile(ours, 0.5);
    const p50 = quantile(plain, 0.5);
    return [
      `| \`${latency}\` | Ctrl+S of one note (announced; engine writeFile → saver) | ${[...oursRequests].join('–')} | ${ms(o50)} ms | ${ms(quantile(ours, 0.9))} ms | ${(o50 / p50).toFixed(1)}× |`,
      `| \`${latency}\` | one plain request (\`updateNoteFields\`) | 1 | ${ms(p50)} ms | ${ms(quantile(plain, 0.9))} ms | 1× |`,
    ];
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const latency of ['anki', 'none'] as const) {
    process.stderr.write(`single save, latency ${latency}…\n`);
    rows.push(...(await measureProfile(latency)));
  }
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
  const block = [
    '## Single-save latency (`npm run bench:single-save`)',
    '',
    `- ${new Date().toISOString()}, ${os.cpus().length} cores, load average ${load}, node ${process.version}; ${RUNS} runs per row (after one warm-up), median and 90th percentile`,
    '- "Ctrl+S" is what `writeFile` of one announced document does: parse + plan, then the saver sends at once (no',
    '  timer: before issue 15 it waited 40 ms for more writes) its 2 requests (conflict check; apply + verify). The',
    '  plain request is the usual client\'s save: one `updateNoteFields`, no conflict check, no verification.',
    '',
    '| server latency | operation | requests | wall (median) | wall (p90) | vs plain |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(block);
  if (WRITE) {
    const begin = '<!-- single-save:begin (written by npm run bench:single-save) -->';
    const end = '<!-- single-save:end -->';
    const text = fs.readFileSync(OUT, 'utf8');
    const i = text.indexOf(begin);
    const j = text.indexOf(end);
    const updated = i >= 0 && j > i ? `${text.slice(0, i + begin.length)}\n${block}\n${text.slice(j)}` : `${text.trimEnd()}\n\n${begin}\n${block}\n${end}\n`;
    fs.writeFileSync(OUT, updated);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
