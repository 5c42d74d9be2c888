// Benchmark: which notesInfo chunk size to use for long id lists.
// Starts the test server (separate process, `anki` latency profile) with a large sample collection and
// times `notesInfo` of 50,000 ids with several chunk sizes through the real client over HTTP.
//
//   node --expose-gc --import tsx test/bench/chunk-size.ts [--notes 60000] [--ids 50000] [--runs 3] [--sizes 500,1000,...]
//
// Prints, per chunk size: wall time (best and median of runs), server time (request received → reply
// written, summed, via the server's control endpoint), wall − server per run (ticks, transfer, client
// work: the part the chunk size controls; less sensitive to a loaded machine), client CPU time,
// requests, request body bytes, reply bytes per request, and the client's heap (peak while running, and the
// size of the result kept afterwards). Run with `node --expose-gc --import tsx` for meaningful heap figures.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { AnkiClient, type RequestEvent } from '../../src/anki/client';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const NOTES = Number(arg('notes', '60000'));
const IDS = Number(arg('ids', '50000'));
const RUNS = Number(arg('runs', '3'));
const SIZES = arg('sizes', '500,1000,2000,5000,10000,25000,50000').split(',').map(Number);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The test server's control endpoint (out of process): server-side time per request. */
async function control(port: number, op: string): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify({ op }) });
  const json = (await res.json()) as { ok: boolean; result?: unknown; error?: string };
  if (!json.ok) throw new Error(`control ${op}: ${json.error}`);
  return json.result;
}

async function serverMs(port: number): Promise<number> {
  const stats = (await control(port, 'stats')) as { log: Array<{ action: string; ms: number }> };
  return stats.log.filter((l) => l.action === 'notesInfo').reduce((s, l) => s + l.ms, 0);
}

const mb = (b: number): string => (b / 1024 / 1024).toFixed(1);
const kb = (b: number): string => (b / 1024).toFixed(1);

async function main(): Promise<void> {
  const port = await freePort();
  const controlPort = await freePort();
  const server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/server/cli.ts',
      '--port',
      String(port),
      '--notes',
      String(NOTES),
      '--latency',
      'anki',
      '--control-port',
      String(controlPort),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const stop = (): void => {
    server.kill();
  };
  process.on('exit', stop);
  const url = `http://127.0.0.1:${port}`;
  const probe = new AnkiClient({ url, connectTimeoutMs: 500 });
  const t0 = Date.now();
  for (;;) {
    try {
      await probe.version();
      break;
    } catch {
      if (Date.now() - t0 > 120_000) throw new Error('test server did not start');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const all = await probe.findNotes('');
  const ids = all.slice(0, IDS);
  console.log(
    `test server: ${all.length} notes, latency profile "anki"; notesInfo of ${ids.length} ids; best of ${RUNS} runs; ` +
      `node ${process.version}`,
  );
  console.log('');
  console.log(
    '| chunk | requests | wall time (s), best | wall time (s), median | server time (s) | wall − server (s) | client CPU (s) | body/request (KiB) | reply/request (MiB) | client heap peak (MiB) | result retained (MiB) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');

  interface Run {
    ms: number;
    /** Server time from request received to reply written, summed over the requests. */
    serverMs: number;
    cpuMs: number;
    events: RequestEvent[];
    peak: number;
    retained: number;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  const runs = new Map<number, Run[]>(SIZES.map((s) => [s, []]));
  // Round-robin over the sizes so that load changes on a shared machine hit every size alike.
  // One measurement in its own frame, so that nothing of a previous run stays reachable.
  const measure = async (size: number): Promise<Run> => {
    await control(controlPort, 'resetStats');
    gc?.();
    const base = process.memoryUsage().heapUsed;
    const events: RequestEvent[] = [];
    const client = new AnkiClient({ url, notesInfoChunk: size, requestTimeoutMs: 600_000, onRequest: (e) => events.push(e) });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }, 5);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const result = await client.notesInfo(ids);
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    gc?.();
    const retained = process.memoryUsage().heapUsed - base;
    if (result.length !== ids.length || result.some((n, i) => n?.noteId !== ids[i])) {
      throw new Error(`chunk ${size}: wrong result`);
    }
    return { ms, serverMs: await serverMs(controlPort), cpuMs: (cpu.user + cpu.system) / 1000, events, peak, retained };
  };
  // Round-robin over the sizes so that load changes on a shared machine hit every size alike.
  for (let run = 0; run < RUNS; run++) {
    for (const size of SIZES) runs.get(size)?.push(await measure(size));
  }
  for (const size of SIZES) {
    const rs = [...(runs.get(size) ?? [])].sort((a, b) => a.ms - b.ms);
    const best = rs[0] as Run;
    const median = rs[Math.floor((rs.length - 1) / 2)] as Run;
    const minCpu = Math.min(...rs.map((r) => r.cpuMs));
    const minServer = Math.min(...rs.map((r) => r.serverMs));
    // Per run, the part of the wall time that is not server work: ticks, transfer, client parse/validation.
    const minOverhead = Math.min(...rs.map((r) => r.ms - r.serverMs));
    const maxPeak = Math.max(...rs.map((r) => r.peak));
    const bodyAvg = best.events.reduce((s, e) => s + e.bytesOut, 0) / best.events.length;
    const replyAvg = best.events.reduce((s, e) => s + e.bytesIn, 0) / best.events.length;
    console.log(
      `| ${size} | ${best.events.length} | ${(best.ms / 1000).toFixed(2)} | ${(median.ms / 1000).toFixed(2)} | ` +
        `${(minServer / 1000).toFixed(2)} | ${(minOverhead / 1000).toFixed(2)} | ${(minCpu / 1000).toFixed(2)} | ${kb(bodyAvg)} | ${mb(replyAvg)} | ${mb(maxPeak)} | ${mb(best.retained)} |`,
    );
  }
  stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
