// `npm run bench`: round trips, wall time, extension-side CPU and heap of Anki Files' own code paths at
// collection scale, side by side with the usual client pattern (test/bench/baseline.ts).
//
//   npm run bench [-- --sizes 1000,10000] [--full] [--no-baseline] [--no-documents] [--no-write] [--out FILE] [--only REGEX] [--runs N]
//   (--full adds 100,000 notes; --no-documents skips the pure render+parse of 50,000 documents; --only runs just
//   the rows whose "collection · operation" matches REGEX, e.g. --only 'Save All of 1,000|full listing', and
//   does not write RESULTS.md; --runs N runs every row N times, not written either)
//
// Per collection size a test server runs in a CHILD process (test/bench/server-worker.ts; `anki` latency
// profile: 25 ms tick, one request per tick), so `process.cpuUsage()` and the heap of this process measure
// only the extension-side code (client, listing, search, note store, saver, document codec). Requests are
// counted by the server. Each operation runs several times (fresh engines each run; setup not measured);
// wall and CPU are medians, the heap peak is the maximum of `heapUsed` sampled every 5 ms and after every
// reply. Run with `--expose-gc` (the npm script does) so each run starts from a collected heap.
// Writes the latest results into test/bench/RESULTS.md between the `bench:begin`/`bench:end` markers.
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { AnkiClient, DEFAULT_NOTES_INFO_CHUNK } from '../../src/anki/client';
import type { NoteId } from '../../src/anki/api';
import { deckQuery } from '../../src/anki/query';
import { SEARCH_DEBOUNCE_MS, SEARCH_PREVIEW_LIMIT, DEFAULT_PAGE_SIZE } from '../../src/constants';
import { notesCodec } from '../../src/core/codec';
import { FsEngine, type NoteCodec } from '../../src/core/fsEngine';
import { DeckListing, summarizeNote, type NoteSummary } from '../../src/core/listing';
import { SearchEngine, type SearchOutcome } from '../../src/core/search';
import { walkDecks } from '../../src/core/deckTree';
import { fastParseNote, fastRenderNote } from '../../src/notes/canonical';
import { parseNoteDocument, parseNoteDocumentYaml, renderNote, renderNoteYaml } from '../../src/notes/document';
import type { NoteSnapshot } from '../../src/notes/model';
import { notePath } from '../../src/notes/paths';
import { generateCollection } from '../server';
import { CollectionCache } from '../../src/lint/ankiContext';
import { CHECK_NOTES_CHUNK, checkNotes } from '../../src/lint/checkNotes';
import { placeFindings } from '../../src/lint/lint';
import { readStructure } from '../../src/lint/structure';
import { BaselineClient } from './baseline';

// ------------------------------------------------------------------ arguments

const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
if (flag('help')) {
  console.log('usage: npm run bench [-- --sizes 1000,10000,50000] [--full] [--no-baseline] [--no-documents] [--no-write] [--out FILE] [--only REGEX] [--runs N]');
  process.exit(0);
}
const SIZES = (option('sizes') ?? (flag('full') ? '1000,10000,50000,100000' : '1000,10000,50000'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
if (SIZES.length === 0) {
  console.error('bench: --sizes expects a comma-separated list of note counts, e.g. 1000,10000');
  process.exit(2);
}
const BASELINE = !flag('no-baseline');
const DOCUMENTS = !flag('no-documents');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = option('out') ?? path.join(HERE, 'RESULTS.md');
const ONLY_SOURCE = option('only');
/** Only the rows whose "collection · operation" matches (focused runs while profiling). */
const ONLY = ONLY_SOURCE === undefined ? undefined : new RegExp(ONLY_SOURCE);
const RUNS_OVERRIDE = option('runs') === undefined ? undefined : Math.max(1, Number(option('runs')) || 1);
const WRITE = !flag('no-write') && ONLY === undefined && RUNS_OVERRIDE === undefined;

/** The deck every size gets: this many notes (fewer when the collection is smaller). */
const BIG_DECK = 'Bench::Big deck';
const BIG_DECK_SIZE = 10_000;
const PAGE = DEFAULT_PAGE_SIZE;
/** The largest page size the `ankiFiles.pageSize` setting allows. */
const MAX_PAGE = 5000;
const KEYS = ['h', 'ha', 'hab', 'habl', 'habla'];
const KEY_GAP_MS = 120;
const SAVE_SIZES = [1, 100, 1000];
const OPEN_DOCS = 20;
const CHANGED_IN_ANKI = 10;
const PURE_DOCS = 50_000;
/** Documents for the yaml-only reference row (slow: ~0.4 ms each). */
const PURE_REFERENCE_DOCS = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
const started = performance.now();
const log = (msg: string): void => {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ heap sampling

let heapPeak = 0;
/** `heapUsed` (v8's used_heap_size; cheaper to read than process.memoryUsage()). */
const heapUsed = (): number => v8.getHeapStatistics().used_heap_size;
function sampleHeap(): void {
  const h = heapUsed();
  if (h > heapPeak) heapPeak = h;
}

// ------------------------------------------------------------------ the server child process

interface WorkerStats {
  requests: number;
  actions: Record<string, number>;
  cpuMs: number;
}

/**
 * Time this process's main thread spent runnable but waiting for a CPU (Linux /proc schedstat), ms; 0 where
 * unavailable. On a busy machine this is how much of the wall time other processes took.
 */
function runQueueWaitMs(): number {
  try {
    return Number(fs.readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}

interface Ready {
  type: 'ready';
  url: string;
  notes: number;
  cards: number;
  decks: number;
  bigDeck: string;
  bigDeckNotes: number;
  startMs: number;
}

class ServerWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly info: Ready,
  ) {
    child.on('message', (m: unknown) => {
      const msg = m as { id?: number; ok?: boolean; result?: unknown; error?: string };
      if (msg.id === undefined) return;
      const w = this.waiting.get(msg.id);
      if (!w) return;
      this.waiting.delete(msg.id);
      if (msg.ok) w.resolve(msg.result);
      else w.reject(new Error(`server worker: ${msg.error ?? 'failed'}`));
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`server worker exited (code ${code ?? 'null'})`));
      this.waiting.clear();
    });
  }

  static start(notes: number): Promise<ServerWorker> {
    const child = fork(path.join(HERE, 'server-worker.ts'), ['--notes', String(notes), '--big-deck', BIG_DECK, '--big-deck-size', String(BIG_DECK_SIZE)], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`server worker exited with code ${code ?? 'null'} before it was ready`));
      child.once('exit', onExit);
      child.on('message', function first(m: unknown) {
        const msg = m as Partial<Ready>;
        if (msg.type !== 'ready') return;
        child.off('message', first);
        child.off('exit', onExit);
        resolve(new ServerWorker(child, msg as Ready));
      });
    });
  }

  call<T>(op: string, extra: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.child.exitCode !== null || !this.child.connected) {
        reject(new Error('server worker is not running'));
        return;
      }
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ id, op, ...extra });
    });
  }

  stats(): Promise<WorkerStats> {
    return this.call<WorkerStats>('stats');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.disconnect();
      setTimeout(() => {
        if (this.child.exitCode === null) this.child.kill();
      }, 5000).unref();
    });
  }
}

// ------------------------------------------------------------------ measuring

interface Sample {
  wallMs: number;
  cpuMs: number;
  serverCpuMs: number | undefined;
  requests: number | undefined;
  clientRequests: number;
  actions: Record<string, number>;
  heapPeak: number;
  heapBase: number;
  heapHeld: number;
  note: string;
}

interface Row {
  group: string;
  op: string;
  notes: number | undefined;
  runs: number;
  samples: Sample[];
  wallMs: number;
  cpuMs: number;
  serverCpuMs: number | undefined;
  requests: string;
  requestsMax: number | undefined;
  heapPeakMb: number;
  heapHeldMb: number;
  note: string;
  target?: { text: string; ok: boolean };
  /** Also reported: seconds from the last keystroke to its results, etc. */
  extra?: string;
}

const rows: Row[] = [];
let clientRequests = 0;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const mb = (b: number): number => b / 1024 / 1024;

interface OpSpec<C> {
  group: string;
  op: string;
  notes?: number;
  runs: number;
  worker?: ServerWorker;
  setup?: (run: number) => Promise<C>;
  /** The measured work. Its result is kept alive until the heap it holds was measured. */
  run: (ctx: C, run: number) => Promise<{ keep?: unknown; note?: string } | void>;
  cleanup?: (ctx: C) => Promise<void> | void;
  /** Append the server's action counts (multi sub-actions included) of the last run to the notes. */
  showActions?: boolean;
}

/** One measured run of an operation (see `measure`). */
async function measureRun<C>(spec: OpSpec<C>, i: number): Promise<Sample> {
  const ctx = spec.setup ? await spec.setup(i) : (undefined as C);
  gc?.();
  gc?.();
  let serverCpu0: number | undefined;
  if (spec.worker) {
    await spec.worker.call('reset');
    serverCpu0 = (await spec.worker.stats()).cpuMs;
  }
  const heapBase = heapUsed();
  heapPeak = heapBase;
  const sampler = setInterval(sampleHeap, 5);
  const c0 = clientRequests;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await spec.run(ctx, i);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  sampleHeap();
  const peak = heapPeak;
  gc?.();
  const heapHeld = heapUsed() - heapBase;
  const keep = out && 'keep' in out ? out.keep : undefined;
  void keep; // held until here on purpose
  let requests: number | undefined;
  let actions: Record<string, number> = {};
  let serverCpuMs: number | undefined;
  if (spec.worker) {
    const st = await spec.worker.stats();
    requests = st.requests;
    actions = st.actions;
    serverCpuMs = serverCpu0 === undefined ? undefined : st.cpuMs - serverCpu0;
  }
  const sample: Sample = {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs,
    requests,
    clientRequests: clientRequests - c0,
    actions,
    heapPeak: peak,
    heapBase,
    heapHeld,
    note: (out && out.note) ?? '',
  };
  if (spec.cleanup) await spec.cleanup(ctx);
  return sample;
}

async function measure<C>(spec: OpSpec<C>): Promise<Row> {
  const samples: Sample[] = [];
  if (ONLY && !ONLY.test(`${spec.group} · ${spec.op}`)) {
    // Left out by --only: a row without samples, not reported.
    return { group: spec.group, op: spec.op, notes: spec.notes, runs: 0, samples, wallMs: NaN, cpuMs: NaN, serverCpuMs: undefined, requests: '—', requestsMax: undefined, heapPeakMb: NaN, heapHeldMb: NaN, note: '' };
  }
  if (RUNS_OVERRIDE !== undefined) spec = { ...spec, runs: RUNS_OVERRIDE };
  for (let i = 0; i < spec.runs; i++) {
    log(`${spec.group} · ${spec.op} · run ${i + 1}/${spec.runs}`);
    // One run per call: when it returns, nothing of the run's result is reachable any more (a result kept in
    // this loop's frame would still be alive during the next run and count in its peak heap).
    samples.push(await measureRun(spec, i));
  }
  const reqs = samples.map((s) => s.requests).filter((r): r is number => r !== undefined);
  const minR = reqs.length ? Math.min(...reqs) : undefined;
  const maxR = reqs.length ? Math.max(...reqs) : undefined;
  const row: Row = {
    group: spec.group,
    op: spec.op,
    notes: spec.notes,
    runs: spec.runs,
    samples,
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    serverCpuMs: spec.worker ? median(samples.map((s) => s.serverCpuMs ?? 0)) : undefined,
    requests: minR === undefined ? '—' : minR === maxR ? String(minR) : `${minR}–${maxR}`,
    requestsMax: maxR,
    heapPeakMb: mb(Math.max(...samples.map((s) => s.heapPeak))),
    heapHeldMb: mb(median(samples.map((s) => s.heapHeld))),
    note: samples[samples.length - 1]?.note ?? '',
  };
  const last = samples[samples.length - 1];
  if (spec.showActions && last) {
    const acts = Object.entries(last.actions)
      .sort((a, b) => b[1] - a[1])
      .map(([a, c]) => `${a} ${c}`)
      .join(', ');
    row.note += `; server actions (sub-actions included): ${acts}`;
  }
  const mismatch = samples.find((s) => s.requests !== undefined && s.requests !== s.clientRequests);
  if (mismatch) row.note += ` (client counted ${mismatch.clientRequests} requests, server ${mismatch.requests})`;
  rows.push(row);
  log(`  → ${row.requests} requests, ${fmtMs(row.wallMs)} wall, ${fmtMs(row.cpuMs)} CPU, peak heap ${row.heapPeakMb.toFixed(0)} MB`);
  log(
    `    runs (ext. CPU / server CPU / peak heap): ${samples.map((x) => `${fmtMs(x.cpuMs)} / ${x.serverCpuMs === undefined ? '—' : fmtMs(x.serverCpuMs)} / ${mb(x.heapPeak).toFixed(0)} MB`).join('; ')} (load average ${os.loadavg()[0]?.toFixed(1) ?? '?'})`,
  );
  return row;
}

function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function check(cond: boolean): string {
  return cond ? '✓' : '✗';
}

/** Adds a target to a row (a row may have several; it is met when all are). */
function addTarget(row: Row, text: string, ok: boolean): Row {
  row.target = row.target ? { text: `${row.target.text}; ${text}`, ok: row.target.ok && ok } : { text, ok };
  return row;
}

/** Issue 15: listing rows (deck tree, first page, full listing) at ≤ 15 % extension CPU of wall time. */
const LISTING_CPU_SHARE = 0.15;
function cpuShareTarget(row: Row): Row {
  const ok = row.cpuMs / row.wallMs <= LISTING_CPU_SHARE;
  return addTarget(row, `ext. CPU ≤ ${LISTING_CPU_SHARE * 100} % of wall ${check(ok)}`, ok);
}

function fail(msg: string): never {
  throw new Error(msg);
}

// ------------------------------------------------------------------ codec accounting

interface CodecUse {
  calls: number;
  ms: number;
}

/** The project's codec, with the calls and time spent in render / parse / diff counted (notes column). */
function countingCodec(): { codec: NoteCodec; use: Record<'render' | 'parse' | 'diff', CodecUse> } {
  const use = { render: { calls: 0, ms: 0 }, parse: { calls: 0, ms: 0 }, diff: { calls: 0, ms: 0 } };
  const timed =
    <A extends unknown[], R>(u: CodecUse, f: (...a: A) => R) =>
    (...a: A): R => {
      // Wall time inside each call (a few µs: a preemption rarely lands in one). Not process.cpuUsage(): its
      // two system calls per call cost ~1.5 µs idle and far more on a busy machine, 6,000 of them per Save All
      // of 1,000 notes, all counted as the extension's CPU time of the row.
      const t = performance.now();
      try {
        return f(...a);
      } finally {
        u.calls++;
        u.ms += performance.now() - t;
      }
    };
  const codec: NoteCodec = {
    ...notesCodec,
    render: timed(use.render, notesCodec.render),
    parse: timed(use.parse, notesCodec.parse),
    diff: timed(use.diff, notesCodec.diff),
  };
  return { codec, use };
}

function codecNote(use: Record<'render' | 'parse' | 'diff', CodecUse>, notes: number): string {
  const part = (name: string, u: CodecUse): string =>
    u.calls === 0 ? '' : `${name} ×${(u.calls / notes).toFixed(u.calls % notes === 0 ? 0 : 1)}/note, ${fmtMs(u.ms)}`;
  return [part('renderNote', use.render), part('parseNoteDocument', use.parse), part('planSave', use.diff)].filter(Boolean).join(', ');
}

// ------------------------------------------------------------------ one collection size

interface SizeResult {
  n: number;
  bigDeckNotes: number;
  list200?: Row;
  listMax?: Row;
  baselineList?: Row;
  saves: Map<number, Row>;
  baselineSaves: Map<number, Row>;
}

/** Edits the second field (the first when there is one field): appends a marker. */
function editSnapshot(s: NoteSnapshot, marker: string): NoteSnapshot {
  const k = s.fields.length > 1 ? 1 : 0;
  const fields = s.fields.map(([n, v], i): [string, string] => [n, i === k ? `${v} ${marker}` : v]);
  return { ...s, fields };
}

async function benchSize(n: number, baselineListDone: Set<number>, baselineSaves: boolean): Promise<SizeResult> {
  log(`collection of ${n} notes: starting the test server (child process)… (load average ${os.loadavg()[0]?.toFixed(1) ?? "?"})`);
  const worker = await ServerWorker.start(n);
  const info = worker.info;
  log(`  ${info.notes} notes, ${info.cards} cards, ${info.decks} decks; "${info.bigDeck}" has ${info.bigDeckNotes} notes [${fmtMs(info.startMs)}]`);
  const client = new AnkiClient({
    url: info.url,
    requestTimeoutMs: 600_000,
    onRequest: () => {
      clientRequests++;
      sampleHeap();
    },
  });
  await client.features(); // once per session, as the extension does on connect
  const group = `${n.toLocaleString('en-US')} notes`;
  const K = info.bigDeckNotes;
  const deckLabel = `${K.toLocaleString('en-US')}-note deck`;
  const bigIds = [...(await client.findNotes(deckQuery(BIG_DECK, { includeSubdecks: false })))].sort((a, b) => a - b);
  if (bigIds.length !== K) fail(`the big deck has ${bigIds.length} notes, expected ${K}`);
  const result: SizeResult = { n, bigDeckNotes: K, saves: new Map(), baselineSaves: new Map() };
  const newListing = (): DeckListing => new DeckListing(() => client);

  // --- deck tree
  const treeRow = await measure({
    group,
    op: 'list the deck tree (names + counts)',
    notes: n,
    runs: 5,
    worker,
    run: async () => {
      const tree = await newListing().loadTree();
      const decks = walkDecks(tree);
      const total = decks.filter((d) => d.parent === undefined).reduce((s, d) => s + (d.totalCount ?? 0), 0);
      return { keep: tree, note: `${decks.length} decks, ${total} notes counted` };
    },
  });
  cpuShareTarget(treeRow);

  // --- open the big deck
  const firstPageTarget = (r: Row): Row => {
    if (K >= BIG_DECK_SIZE) addTarget(r, `first page ≤ 2 requests ${check((r.requestsMax ?? 99) <= 2)}`, (r.requestsMax ?? 99) <= 2);
    return cpuShareTarget(r);
  };
  firstPageTarget(
    await measure({
      group,
      op: `open the ${deckLabel}: first page (ids known from the tree)`,
      notes: n,
      runs: 5,
      worker,
      setup: async () => {
        const l = newListing();
        await l.loadTree();
        return l;
      },
      run: async (l) => {
        const p = await l.notesOf(BIG_DECK, PAGE);
        if (p.items.length !== Math.min(PAGE, K)) fail(`first page has ${p.items.length} notes`);
        return { keep: p, note: `${p.items.length} of ${p.total} notes` };
      },
    }),
  );
  firstPageTarget(
    await measure({
      group,
      op: `open the ${deckLabel}: first page (nothing cached)`,
      notes: n,
      runs: 5,
      worker,
      run: async () => {
        const p = await newListing().notesOf(BIG_DECK, PAGE);
        if (p.items.length !== Math.min(PAGE, K)) fail(`first page has ${p.items.length} notes`);
        return { keep: p, note: `${p.items.length} of ${p.total} notes` };
      },
    }),
  );
  const listAll = (pageSize: number, what: string) =>
    measure({
      group,
      op: `list all notes of the ${deckLabel} from scratch: tree + ${what}`,
      notes: n,
      runs: 3,
      worker,
      run: async () => {
        const l = newListing();
        await l.loadTree();
        let p = await l.notesOf(BIG_DECK, pageSize);
        while (p.hasMore) p = await l.loadMore(BIG_DECK, pageSize);
        if (p.items.length !== K) fail(`listed ${p.items.length} of ${K} notes`);
        return { keep: l, note: `${p.items.length} notes` };
      },
    });
  result.list200 = await listAll(PAGE, `first page + "Load more…" (${PAGE}/page)`);
  result.listMax = await listAll(MAX_PAGE, `pages of ${MAX_PAGE} (largest pageSize setting)`);

  if (BASELINE && !baselineListDone.has(K)) {
    baselineListDone.add(K);
    const base = new BaselineClient({
      url: info.url,
      onReply: () => {
        clientRequests++;
        sampleHeap();
      },
    });
    result.baselineList = await measure({
      group,
      op: `BASELINE list all notes of the ${deckLabel}: findNotes, notesInfo ×50 + 50 ms pauses, cardsInfo ×50 for decks`,
      notes: n,
      runs: 3,
      worker,
      run: async () => {
        const notes = await base.listDeck(BIG_DECK);
        if (notes.length !== K) fail(`baseline listed ${notes.length} of ${K} notes`);
        if (notes.some((x) => x.deckName !== BIG_DECK)) fail('baseline: wrong deck names');
        return { keep: notes, note: `${notes.length} notes` };
      },
    });
  }

  // --- Check Notes over the big deck (issue #10): ⌈N/5000⌉ + 2 requests; the pure checks of every note plus
  // placing the problems of the notes that have some (render + locate), as the command does for the Problems panel
  {
    const facts = await new CollectionCache(() => client).get();
    const budget = Math.ceil(K / CHECK_NOTES_CHUNK) + 2;
    const r = await measure({
      group,
      op: `Check Notes over the ${deckLabel}`,
      notes: K,
      runs: 3,
      worker,
      run: async () => {
        const out = await checkNotes(client, deckQuery(BIG_DECK, { includeSubdecks: false }), facts);
        let problems = 0;
        for (const c of out.checked) {
          const text = renderNote(c.snapshot);
          problems += placeFindings(text, readStructure(text), c.findings).length;
        }
        return { keep: out, note: `${out.notes} notes checked, ${problems} problems in ${out.checked.length} notes` };
      },
    });
    if (K >= BIG_DECK_SIZE) {
      const ok = (r.requestsMax ?? 99) <= budget && r.wallMs < 5000;
      r.target = { text: `≤ ${budget} requests and < 5 s ${check(ok)}`, ok };
    }
  }

  // --- full listing of the whole collection
  const chunkTarget = Math.ceil(n / DEFAULT_NOTES_INFO_CHUNK) + 2;
  const full = await measure({
    group,
    op: `full listing of all ${n.toLocaleString('en-US')} notes (search "deck:*", every hit loaded)`,
    notes: n,
    runs: n >= 100_000 ? 2 : 3,
    worker,
    run: async () => {
      const engine = new SearchEngine({ api: () => client, deckOfNote: () => undefined });
      const out = await engine.run('deck:*', engine.begin(), n);
      if (out.kind !== 'ok') fail(`full listing: ${out.kind}`);
      if (out.items.length !== n) fail(`full listing: ${out.items.length} of ${n} notes`);
      if (out.items.some((x) => x.deck === '')) fail('full listing: a note without deck');
      return { keep: out, note: `${out.items.length} notes with decks` };
    },
  });
  {
    const reqOk = (full.requestsMax ?? 1e9) <= chunkTarget;
    const parts = [`⌈N/${DEFAULT_NOTES_INFO_CHUNK}⌉+2 = ${chunkTarget} requests ${check(reqOk)}`];
    let ok = reqOk;
    if (n === 50_000) {
      const heapOk = full.heapPeakMb <= 100;
      parts.push(`peak heap ≤ 100 MB ${check(heapOk)}`);
      ok &&= heapOk;
    }
    full.target = { text: parts.join('; '), ok };
    cpuShareTarget(full);
  }

  // --- open one note
  const someNotes: NoteSummary[] = (await client.notesInfo(bigIds.filter((_, i) => i % 97 === 13).slice(0, 10))).flatMap((x) =>
    x ? [summarizeNote(x, BIG_DECK)] : [],
  );
  const pathOf = (s: NoteSummary): string => notePath(s.deck, s.sortFieldHtml, s.id);
  const newEngine = (): FsEngine => new FsEngine({ client: () => client, codec: notesCodec });
  await measure({
    group,
    op: 'open one note, cold (stat + readFile)',
    notes: n,
    runs: 5,
    worker,
    setup: async (i) => ({ fs: newEngine(), note: someNotes[i % someNotes.length] ?? fail('no note') }),
    run: async ({ fs: e, note }) => {
      await e.stat(pathOf(note));
      const bytes = await e.readFile(pathOf(note));
      if (bytes.length === 0) fail('empty document');
      return { note: `${bytes.length} bytes` };
    },
    cleanup: ({ fs: e }) => e.dispose(),
  });
  await measure({
    group,
    op: 'open one note, cached (stat + readFile again)',
    notes: n,
    runs: 5,
    worker,
    setup: async (i) => {
      const e = newEngine();
      const note = someNotes[i % someNotes.length] ?? fail('no note');
      await e.stat(pathOf(note));
      await e.readFile(pathOf(note));
      return { fs: e, note };
    },
    run: async ({ fs: e, note }) => {
      await e.stat(pathOf(note));
      const bytes = await e.readFile(pathOf(note));
      return { note: `${bytes.length} bytes` };
    },
    cleanup: ({ fs: e }) => e.dispose(),
  });

  // --- search as you type
  const searchSetup = async (): Promise<SearchEngine> => {
    const l = newListing();
    await l.loadTree();
    return new SearchEngine({ api: () => client, deckOfNote: (id) => l.deckOfNote(id) });
  };
  const finalNote = (o: SearchOutcome | undefined, lastKeyAt: number, doneAt: number): string =>
    o && o.kind === 'ok'
      ? `"${o.query}": ${o.ids.length} hits, ${o.items.length} shown; ${fmtMs(doneAt - lastKeyAt)} after the last keystroke`
      : `no result (${o?.kind ?? 'none'})`;
  await measure({
    group,
    op: `search as you type, 5 keystrokes ${KEY_GAP_MS} ms apart: engine run per keystroke, stale results dropped`,
    notes: n,
    runs: 3,
    worker,
    setup: searchSetup,
    run: async (engine) => {
      let shown: SearchOutcome | undefined;
      let shownAt = 0;
      let lastKeyAt = 0;
      const pending: Array<Promise<void>> = [];
      for (const [k, value] of KEYS.entries()) {
        lastKeyAt = performance.now();
        const seq = engine.begin();
        pending.push(
          engine.run(value, seq, SEARCH_PREVIEW_LIMIT).then((o) => {
            if (o.kind === 'stale' || !engine.isLatest(seq)) return;
            shown = o;
            shownAt = performance.now();
          }),
        );
        if (k < KEYS.length - 1) await sleep(KEY_GAP_MS);
      }
      await Promise.all(pending);
      return { note: finalNote(shown, lastKeyAt, shownAt) };
    },
  });
  await measure({
    group,
    op: `search as you type, 5 keystrokes ${KEY_GAP_MS} ms apart: QuickPick logic (${SEARCH_DEBOUNCE_MS} ms debounce, older runs marked stale)`,
    notes: n,
    runs: 3,
    worker,
    setup: searchSetup,
    run: async (engine) => {
      // The same steps as onDidChangeValue in src/ui/searchPick.ts (which imports vscode, so it is replayed here).
      let timer: ReturnType<typeof setTimeout> | undefined;
      let shown: SearchOutcome | undefined;
      let shownAt = 0;
      let lastKeyAt = 0;
      let done!: () => void;
      const finished = new Promise<void>((r) => (done = r));
      const runQuery = (query: string): void => {
        const seq = engine.begin();
        void engine.run(query, seq, SEARCH_PREVIEW_LIMIT).then((o) => {
          if (o.kind === 'stale' || !engine.isLatest(seq)) return;
          shown = o;
          shownAt = performance.now();
          done();
        });
      };
      for (const [k, value] of KEYS.entries()) {
        lastKeyAt = performance.now();
        if (timer) clearTimeout(timer);
        engine.begin();
        timer = setTimeout(() => runQuery(value), SEARCH_DEBOUNCE_MS);
        if (k < KEYS.length - 1) await sleep(KEY_GAP_MS);
      }
      await finished;
      return { note: finalNote(shown, lastKeyAt, shownAt) };
    },
  });

  // --- Save All
  let saveRound = 0;
  for (const m of SAVE_SIZES) {
    if (m > K) continue;
    const ids = bigIds.slice(0, m);
    const row = await measure({
      group,
      op:
        m === 1
          ? 'Ctrl+S of 1 edited note (announced as onWillSaveTextDocument does, FsEngine.writeFile → saver, sent at once)'
          : `Save All of ${m.toLocaleString('en-US')} edited notes (announced, FsEngine.writeFile ×${m} → batch saver)`,
      notes: n,
      runs: 3,
      worker,
      setup: async () => {
        const counted = countingCodec();
        const e = new FsEngine({ client: () => client, codec: counted.codec });
        // As if the documents had been opened: the store holds the version each editor loaded.
        const snaps = await e.store.fetchMany(ids, []);
        const marker = `·bench-${n}-${m}-${++saveRound}`;
        const writes = ids.map((id) => {
          const s = snaps.get(id) ?? fail(`note ${id} missing`);
          e.store.apply(s, { asBase: true });
          e.store.markServed(id);
          const edited = editSnapshot(s, marker);
          return { path: notePath(s.deck, s.fields[0]?.[1] ?? '', id), bytes: new TextEncoder().encode(renderNote(edited)) };
        });
        for (const u of Object.values(counted.use)) Object.assign(u, { calls: 0, ms: 0 });
        return { e, writes, use: counted.use };
      },
      run: async ({ e, writes, use }) => {
        // VS Code fires onWillSaveTextDocument for every document before any write (src/fs/index.ts)
        e.willWrite(writes.map((w) => w.path));
        const results = await Promise.all(writes.map((w) => e.writeFile(w.path, w.bytes, { create: false, overwrite: true })));
        const saved = results.filter((r) => !r.unchanged).length;
        if (saved !== writes.length) fail(`saved ${saved} of ${writes.length}`);
        return { note: `${saved} saved in ${e.saver.stats.batches} batch(es); ${codecNote(use, writes.length)}` };
      },
      cleanup: async ({ e }) => {
        await e.settled();
        e.dispose();
      },
    });
    if (m === 1000) {
      row.target = { text: `= 2 requests ${check(row.requests === '2')}`, ok: row.requests === '2' };
      // Issue 15: the extension, not Anki, was the bottleneck of a Save All.
      const ratio = row.cpuMs / (row.serverCpuMs ?? Infinity);
      addTarget(row, `ext. CPU ${ratio.toFixed(2)}× the server's (≤ 1.5×) ${check(ratio <= 1.5)}`, ratio <= 1.5);
    }
    result.saves.set(m, row);
  }

  if (BASELINE && baselineSaves) {
    const base = new BaselineClient({
      url: info.url,
      onReply: () => {
        clientRequests++;
        sampleHeap();
      },
    });
    for (const m of SAVE_SIZES) {
      if (m > K) continue;
      const ids = bigIds.slice(0, m);
      const row = await measure({
        group,
        op: `BASELINE save ${m.toLocaleString('en-US')} edited note${m === 1 ? '' : 's'}: one updateNoteFields request per note, in sequence`,
        notes: n,
        runs: m >= 1000 ? 1 : 3,
        worker,
        setup: async () => {
          const infos = await client.notesInfo(ids);
          const marker = `·baseline-${++saveRound}`;
          return infos.map((x) => {
            if (!x) fail('note missing');
            const fields = Object.entries(x.fields).sort((a, b) => a[1].order - b[1].order);
            const [name, f] = fields[fields.length > 1 ? 1 : 0] ?? fail('no field');
            return { id: x.noteId, fields: { [name]: `${f.value} ${marker}` } };
          });
        },
        run: async (updates) => {
          await base.saveEach(updates);
          return { note: `${updates.length} saved` };
        },
      });
      result.baselineSaves.set(m, row);
    }
  }

  // --- refresh after notes changed in Anki
  await measure({
    group,
    op: `refresh after ${CHANGED_IN_ANKI} notes changed in Anki (${OPEN_DOCS} notes open, first page shown): FsEngine + DeckListing checkForChanges, stale page reloaded`,
    notes: n,
    runs: 3,
    worker,
    setup: async () => {
      const l = newListing();
      await l.loadTree();
      const page = await l.notesOf(BIG_DECK, PAGE);
      const e = newEngine();
      const open = page.items.slice(0, OPEN_DOCS);
      for (const s of open) {
        await e.stat(pathOf(s));
        await e.readFile(pathOf(s));
      }
      const changed = open.slice(0, CHANGED_IN_ANKI).map((s) => s.id);
      await worker.call('editInAnki', { ids: changed });
      return { l, e, changed };
    },
    run: async ({ l, e, changed }) => {
      const files = await e.checkForChanges();
      const view = await l.checkForChanges();
      let reloaded = 0;
      for (const d of view.changedDecks) {
        if (l.peekPages(d)?.stale) {
          reloaded++;
          await l.notesOf(d, PAGE);
        }
      }
      const want = new Set<NoteId>(changed);
      if (files.changed.length !== changed.length || !files.changed.every((id) => want.has(id))) {
        fail(`file system reported ${files.changed.length} changed notes, expected ${changed.length}`);
      }
      if (view.changedNotes.length !== changed.length) fail(`Decks view reported ${view.changedNotes.length} changed notes`);
      return { note: `${files.changed.length} documents changed, ${view.changedNotes.length} shown notes changed, ${reloaded} page reloaded` };
    },
    cleanup: ({ e }) => e.dispose(),
    showActions: true,
  });

  await worker.stop();
  return result;
}

// ------------------------------------------------------------------ pure: render + parse

async function benchDocuments(): Promise<void> {
  log(`render + parse: building ${PURE_DOCS} note snapshots from a generated collection (not measured)…`);
  const col = generateCollection({ notes: PURE_DOCS, seed: 2 });
  const snaps: NoteSnapshot[] = [];
  for (const note of col.notes.values()) {
    const model = col.modelOf(note);
    const s: NoteSnapshot = {
      id: note.id,
      deck: col.deckOf(note) ?? 'Default',
      noteType: model.name,
      tags: [...note.tags],
      fields: model.fields.map((f): [string, string] => [f.name, note.fields[f.ord] ?? '']),
      mod: note.mod,
      cards: col.cardsOf(note.id).map((c) => c.id),
    };
    snaps.push(s);
  }
  const perDoc = (row: Row, docs: number): string => {
    const cpu = median(row.samples.map((x) => x.cpuMs));
    return `${((row.wallMs * 1000) / docs).toFixed(1)} µs per document (wall), ${((cpu * 1000) / docs).toFixed(1)} µs CPU`;
  };
  const row = await measure({
    group: 'pure (no server)',
    op: `render + parse of ${PURE_DOCS.toLocaleString('en-US')} note documents (renderNote, parseNoteDocument)`,
    notes: PURE_DOCS,
    runs: 3,
    run: async () => {
      let bytes = 0;
      for (const s of snaps) {
        const text = renderNote(s);
        bytes += text.length;
        const r = parseNoteDocument(text, s);
        if (!r.ok) fail(`note ${s.id}: ${r.problems[0]?.message ?? 'parse failed'}`);
      }
      return { note: `${(bytes / 1024 / 1024).toFixed(1)} MB of YAML` };
    },
  });
  // Which path the codec took (counted outside the measurement).
  let fastRendered = 0;
  let fastParsed = 0;
  for (const s of snaps) {
    const text = fastRenderNote(s);
    if (text === undefined) continue;
    fastRendered++;
    if (fastParseNote(text, s)) fastParsed++;
  }
  // Judged on CPU time: this pure loop's wall time is its CPU time plus whatever the machine's other work
  // took from it (on the shared 2-core machine the wall time was up to 5× the CPU time).
  const us = (median(row.samples.map((x) => x.cpuMs)) * 1000) / PURE_DOCS;
  row.extra = `${us.toFixed(1)} µs CPU per document`;
  row.note += `; ${perDoc(row, PURE_DOCS)}; fast path: ${fastRendered} rendered, ${fastParsed} parsed`;
  addTarget(row, `≤ 40 µs CPU per document ${check(us <= 40)}`, us <= 40);

  // The same documents through the yaml library only (the reference the fast path must equal), fewer of them.
  const refDocs = snaps.slice(0, PURE_REFERENCE_DOCS);
  const ref = await measure({
    group: 'pure (no server)',
    op: `REFERENCE render + parse of ${refDocs.length.toLocaleString('en-US')} note documents through the yaml library only (renderNoteYaml, parseNoteDocumentYaml)`,
    notes: refDocs.length,
    runs: 3,
    run: async () => {
      let same = 0;
      for (const s of refDocs) {
        const text = renderNoteYaml(s);
        const r = parseNoteDocumentYaml(text, s);
        if (!r.ok) fail(`note ${s.id}: ${r.problems[0]?.message ?? 'parse failed'}`);
        if (text === renderNote(s)) same++; // the check adds ~3 % to the reference
      }
      if (same !== refDocs.length) fail(`the fast renderer differs from the yaml library on ${refDocs.length - same} documents`);
      return { note: `byte-identical to renderNote for all ${same}` };
    },
  });
  const refUs = (median(ref.samples.map((x) => x.cpuMs)) * 1000) / refDocs.length;
  ref.extra = `${refUs.toFixed(0)} µs CPU per document`;
  ref.note += `; ${perDoc(ref, refDocs.length)}; ${(refUs / us).toFixed(1)}× the default path's CPU`;
}

// ------------------------------------------------------------------ report

function table(): string {
  const lines = [
    '| collection | operation | requests | wall (median) | ext. CPU | CPU / wall | server CPU | peak heap | held after | target | notes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const r of rows) {
    const served = r.serverCpuMs !== undefined && (r.requestsMax ?? 0) > 0;
    const pct = (100 * r.cpuMs) / r.wallMs;
    const share = !served ? '—' : `${pct.toFixed(1)} %${r.op.startsWith('BASELINE') ? '' : ` ${check(pct <= 10)}`}`;
    lines.push(
      `| ${r.group} | ${r.op} (${r.runs} run${r.runs === 1 ? '' : 's'}) | ${r.requests} | ${fmtMs(r.wallMs)} | ${fmtMs(r.cpuMs)} | ${share} | ${
        r.serverCpuMs === undefined ? '—' : fmtMs(r.serverCpuMs)
      } | ${r.heapPeakMb.toFixed(0)} MB | ${r.heapHeldMb.toFixed(1)} MB | ${r.target?.text ?? ''} | ${r.note.replace(/\|/g, '\\|')} |`,
    );
  }
  return lines.join('\n');
}

function ratios(results: SizeResult[]): string {
  const lines = [
    '| collection | operation | ours: requests / wall | baseline: requests / wall | requests ratio | wall ratio (baseline ÷ ours) | target |',
    '| --- | --- | --- | --- | ---: | ---: | --- |',
  ];
  const byDeck = new Map<number, Row>();
  for (const r of results) if (r.baselineList) byDeck.set(r.bigDeckNotes, r.baselineList);
  const saveBase = new Map<number, Row>();
  for (const r of results) for (const [m, row] of r.baselineSaves) saveBase.set(m, row);
  const line = (group: string, what: string, ours: Row, base: Row, target?: string): void => {
    if (ours.samples.length === 0 || base.samples.length === 0) return; // left out by --only
    const rq = (ours.requestsMax ?? 0) > 0 ? `${((base.requestsMax ?? 0) / (ours.requestsMax ?? 1)).toFixed(0)}×` : '—';
    lines.push(
      `| ${group} | ${what} | ${ours.requests} / ${fmtMs(ours.wallMs)} | ${base.requests} / ${fmtMs(base.wallMs)} | ${rq} | ${(base.wallMs / ours.wallMs).toFixed(1)}× | ${target ?? ''} |`,
    );
  };
  for (const r of results) {
    const base = byDeck.get(r.bigDeckNotes);
    const group = `${r.n.toLocaleString('en-US')} notes`;
    const deck = `list a ${r.bigDeckNotes.toLocaleString('en-US')}-note deck`;
    if (base && r.list200) {
      const ratio = base.wallMs / r.list200.wallMs;
      const t = r.bigDeckNotes >= BIG_DECK_SIZE ? `≥ 10× ${check(ratio >= 10)}` : undefined;
      line(group, `${deck} (${PAGE}/page)`, r.list200, base, t);
    }
    if (base && r.listMax) {
      const ratio = base.wallMs / r.listMax.wallMs;
      const t = r.bigDeckNotes >= BIG_DECK_SIZE ? `≥ 10× ${check(ratio >= 10)}` : undefined;
      line(group, `${deck} (${MAX_PAGE}/page)`, r.listMax, base, t);
    }
    for (const [m, ours] of r.saves) {
      const b = saveBase.get(m);
      if (b) line(group, m === 1 ? 'save 1 note (Ctrl+S) vs one plain request' : `save ${m.toLocaleString('en-US')} notes`, ours, b);
    }
  }
  return lines.join('\n');
}

function cpuSummary(): string {
  // Operations that send no request (a cached open) are pure CPU by definition: not counted.
  const served = rows.filter((r) => r.serverCpuMs !== undefined && !r.op.startsWith('BASELINE') && (r.requestsMax ?? 0) > 0);
  const over = served.filter((r) => r.cpuMs / r.wallMs > 0.1);
  const worst = [...served].sort((a, b) => b.cpuMs / b.wallMs - a.cpuMs / a.wallMs)[0];
  const head = `Extension-side CPU ≤ 10 % of wall time: met by ${served.length - over.length} of ${served.length} server-backed operations ${check(over.length === 0)}`;
  const detail = over.map((r) => `  - ✗ ${r.group} · ${r.op}: ${fmtMs(r.cpuMs)} CPU in ${fmtMs(r.wallMs)} (${((100 * r.cpuMs) / r.wallMs).toFixed(0)} %)`);
  const w = worst ? `  (highest: ${((100 * worst.cpuMs) / worst.wallMs).toFixed(1)} % — ${worst.group} · ${worst.op})` : '';
  return [head + w, ...detail].join('\n');
}

const loadAtStart = os.loadavg();

function machine(): string {
  const cpus = os.cpus();
  const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(' / ');
  return [
    `- load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(os.loadavg())}: other work on the machine inflates wall times (not CPU times)`,
    `- date: ${new Date().toISOString()}`,
    `- machine: ${os.availableParallelism()} cores (\`nproc\`), ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ${os.platform()} ${os.release()}`,
    `- node ${process.version}; collection sizes ${SIZES.join(', ')}; notesInfo chunk ${DEFAULT_NOTES_INFO_CHUNK}; page size ${PAGE}; test server latency profile \`anki\` (25 ms tick) in a child process`,
    `- the whole run took ${fmtMs(performance.now() - started)}; this process's main thread waited ${fmtMs(runQueueWaitMs())} of it for a CPU taken by other work`,
    `- command: \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\`${gc ? '' : ' (without --expose-gc: heap figures include uncollected garbage)'}`,
  ].join('\n');
}

function writeResults(body: string): void {
  const BEGIN = '<!-- bench:begin (written by npm run bench; edit outside these markers) -->';
  const END = '<!-- bench:end -->';
  let text = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8') : '';
  const block = `${BEGIN}\n${body}\n${END}`;
  const i = text.indexOf('<!-- bench:begin');
  const j = text.indexOf(END);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + END.length);
  else text = `# Benchmark results\n\n${block}\n${text ? `\n${text}` : ''}`;
  fs.writeFileSync(OUT, text);
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  log(`Anki Files benchmark: sizes ${SIZES.join(', ')}${BASELINE ? ', with baseline' : ''}${gc ? '' : ' (run with --expose-gc for clean heap figures)'}`);
  const results: SizeResult[] = [];
  const baselineListDone = new Set<number>();
  // The baseline saves do not depend on the collection size: run them once, at 10k notes (or the largest size).
  const saveAt = SIZES.includes(10_000) ? 10_000 : Math.max(...SIZES);
  for (const n of SIZES) results.push(await benchSize(n, baselineListDone, n === saveAt));
  if (DOCUMENTS) await benchDocuments();

  const body = [
    '## Latest run',
    '',
    machine(),
    '',
    table(),
    '',
    '### Ours vs the baseline',
    '',
    ratios(results),
    '',
    '### Targets',
    '',
    ...rows.filter((r) => r.target).map((r) => `- ${r.target?.ok ? '✓' : '✗'} ${r.group} · ${r.op}: ${r.target?.text ?? ''} (measured ${r.requests} request${r.requests === '1' ? '' : 's'}, ${fmtMs(r.wallMs)}, peak heap ${r.heapPeakMb.toFixed(0)} MB)`),
    `- ${cpuSummary().replace(/\n/g, '\n')}`,
  ].join('\n');
  console.log(`\n${body}\n`);
  if (WRITE) {
    writeResults(body);
    log(`results written to ${path.relative(process.cwd(), OUT)}`);
  }
  log('done');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
