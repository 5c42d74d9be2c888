/**
 * Run the AnkiConnect test server from the command line:
 *   npm run test-server -- --port 8765 --notes 2000 [--latency anki] [--api-key K] [--seed N] [--addon current|2023]
 *                          [--cors-origin O ...] [--control-port P]
 * With --control-port, a JSON control endpoint (POST {op, ...args}) lets out-of-process tests drive the server.
 */
import http from 'node:http';
import { ADDON_BUILDS, type AddonBuild } from './actions';
import { startTestServer, type TestServer } from './server';

interface CliOptions {
  port: number;
  notes: number;
  latency: 'none' | 'anki';
  apiKey: string | null;
  seed: number;
  addon: AddonBuild;
  corsOrigins: string[];
  controlPort: number | null;
}

function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = { port: 8765, notes: 2000, latency: 'none', apiKey: null, seed: 1, addon: 'current', corsOrigins: [], controlPort: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`missing value after ${a}`);
      return v;
    };
    const int = (): number => {
      const v = val();
      if (!/^\d+$/.test(v)) throw new Error(`${a} expects a non-negative integer, got ${v}`);
      return Number(v);
    };
    switch (a) {
      case '--port': o.port = int(); break;
      case '--notes': o.notes = int(); break;
      case '--seed': o.seed = int(); break;
      case '--latency': {
        const v = val();
        if (v !== 'none' && v !== 'anki') throw new Error(`--latency must be none or anki, got ${v}`);
        o.latency = v;
        break;
      }
      case '--api-key': o.apiKey = val(); break;
      case '--addon': {
        const v = val();
        const build = ADDON_BUILDS.find((b) => b === v);
        if (build === undefined) throw new Error(`--addon must be ${ADDON_BUILDS.join(' or ')}, got ${v}`);
        o.addon = build;
        break;
      }
      case '--cors-origin': o.corsOrigins.push(val()); break;
      case '--control-port': o.controlPort = int(); break;
      case '--help':
      case '-h':
        console.log('usage: tsx test/server/cli.ts [--port 8765] [--notes 2000] [--latency none|anki] [--api-key K] [--seed N] [--addon current|2023] [--cors-origin O] [--control-port P]');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  return o;
}

type Json = Record<string, unknown>;

async function control(srv: TestServer, body: Json): Promise<unknown> {
  const num = (k: string): number => {
    const v = body[k];
    if (typeof v !== 'number') throw new Error(`${k} must be a number`);
    return v;
  };
  switch (body.op) {
    case 'editInAnki':
      srv.simulate.editInAnki(num('noteId'), { fields: body.fields as Record<string, string> | undefined, tags: body.tags as string[] | undefined });
      return srv.collection.getNote(num('noteId'));
    case 'touch':
      srv.simulate.touch(num('noteId'));
      return srv.collection.getNote(num('noteId'));
    case 'deleteNote':
      srv.simulate.deleteNote(num('noteId'));
      return null;
    case 'openInBrowser':
      srv.simulate.openInBrowser(num('noteId'));
      return null;
    case 'closeBrowser':
      srv.simulate.closeBrowser();
      return null;
    case 'closeProfile':
      srv.simulate.closeProfile();
      return null;
    case 'openProfile':
      srv.simulate.openProfile();
      return null;
    case 'refuseConnections':
      await srv.faults.refuseConnections(Boolean(body.on));
      return null;
    case 'resetNext':
      srv.faults.resetNext(typeof body.n === 'number' ? body.n : 1);
      return null;
    case 'delayNext':
      srv.faults.delayNext(num('n'), num('ms'));
      return null;
    case 'failMultiEntry':
      srv.faults.failMultiEntry(num('index'), typeof body.message === 'string' ? body.message : undefined);
      return null;
    case 'clearFaults':
      srv.faults.clear();
      return null;
    case 'stats':
      return { requests: srv.stats.requests, actions: srv.stats.actions, log: srv.stats.log };
    case 'resetStats':
      srv.stats.reset();
      return null;
    case 'getNote': {
      const n = srv.collection.getNote(num('noteId'));
      if (!n) return null;
      return { ...n, fieldsByName: srv.collection.fieldsOf(n), deck: srv.collection.deckOf(n), cards: srv.collection.cardsOf(n.id).map((c) => c.id) };
    }
    case 'findNotes':
      return srv.collection.findNotes(typeof body.query === 'string' ? body.query : '');
    case 'createFilteredDeck': {
      if (typeof body.name !== 'string' || typeof body.query !== 'string') throw new Error('name and query must be strings');
      return srv.collection.createFilteredDeck(body.name, body.query, typeof body.limit === 'number' ? body.limit : undefined).id;
    }
    case 'lastGuiBrowse':
      return srv.collection.lastGuiBrowse;
    default:
      throw new Error(`unknown op ${String(body.op)}`);
  }
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`test-server: ${(e as Error).message}`);
    process.exit(2);
  }
  const t0 = performance.now();
  const srv = await startTestServer({
    port: opts.port,
    notes: opts.notes,
    seed: opts.seed,
    latency: opts.latency,
    apiKey: opts.apiKey,
    addon: opts.addon,
    corsOrigins: opts.corsOrigins.length > 0 ? opts.corsOrigins : undefined,
  });
  const s = srv.collection.summary();
  console.log(
    `AnkiConnect test server listening on ${srv.url} (${s.notes} notes, ${s.decks} decks, latency ${opts.latency}` +
      `${opts.apiKey ? ', api key set' : ''}${opts.addon !== 'current' ? `, add-on ${opts.addon}` : ''}) [${Math.round(performance.now() - t0)} ms]`,
  );
  let controlServer: http.Server | undefined;
  if (opts.controlPort !== null) {
    controlServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
            const result = await control(srv, body);
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ ok: true, result }));
          } catch (e) {
            res.writeHead(400, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ ok: false, error: (e as Error).message }));
          }
        })();
      });
    });
    const cs = controlServer;
    await new Promise<void>((resolve) => cs.listen(opts.controlPort as number, '127.0.0.1', () => resolve()));
    const addr = cs.address();
    console.log(`control endpoint on http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : opts.controlPort}`);
  }
  const stop = (): void => {
    console.log('stopping test server');
    controlServer?.close();
    void srv.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  const err = e as NodeJS.ErrnoException;
  console.error(`test-server: ${err.code === 'EADDRINUSE' ? 'port already in use: ' : ''}${err.message}`);
  process.exit(1);
});
