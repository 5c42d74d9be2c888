// Child process for the benchmark: runs the AnkiConnect test server (sample collection, `anki` latency
// profile) so that the benchmark process's CPU time and heap measure only the extension-side code.
//
// Started by test/bench/run.ts with `fork(…, { execArgv: ['--import', 'tsx'] })`; driven over the IPC channel:
//   → { id, op: 'stats' }              ← { requests, actions, cpuMs }   (cpuMs: this process, user+system)
//   → { id, op: 'reset' }              ← null                           (zero the request counters)
//   → { id, op: 'editInAnki', ids }    ← number (notes changed: 2nd field, mod bumped, as an edit in Anki)
// On start it sends { type: 'ready', url, notes, decks, bigDeck, bigDeckNotes, startMs }.
import { startTestServer } from '../server';
import type { Collection } from '../server';

interface Args {
  notes: number;
  seed: number;
  bigDeck: string;
  bigDeckSize: number;
  latency: 'anki' | 'none';
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
  };
  const latency = get('latency', 'anki');
  if (latency !== 'anki' && latency !== 'none') throw new Error(`--latency must be anki or none, got ${latency}`);
  return {
    notes: Number(get('notes', '1000')),
    seed: Number(get('seed', '1')),
    bigDeck: get('big-deck', 'Bench::Big deck'),
    bigDeckSize: Number(get('big-deck-size', '10000')),
    latency,
  };
}

/**
 * Moves every card of `size` notes (spread evenly over the collection, so the deck mixes note types) into
 * one deck of its own: the "10,000-note deck" the benchmark opens.
 */
function makeBigDeck(col: Collection, name: string, size: number): number {
  const deck = col.ensureDeck(name);
  const ids = [...col.notes.keys()].sort((a, b) => a - b);
  const k = Math.min(size, ids.length);
  if (k === 0) return 0;
  const step = ids.length / k;
  const chosen = new Set<number>();
  for (let i = 0; i < k; i++) chosen.add(ids[Math.floor(i * step)] as number);
  for (const card of col.cards.values()) if (chosen.has(card.nid)) card.did = deck.id;
  return chosen.size;
}

interface Request {
  id: number;
  op: string;
  ids?: number[];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const srv = await startTestServer({ port: 0, latency: args.latency, notes: args.notes, seed: args.seed });
  const bigDeckNotes = makeBigDeck(srv.collection, args.bigDeck, args.bigDeckSize);
  srv.stats.reset();
  let edits = 0;

  const handle = (req: Request): unknown => {
    switch (req.op) {
      case 'stats': {
        const cpu = process.cpuUsage();
        // The log is not sent (it can be large); counts are enough.
        return { requests: srv.stats.requests, actions: { ...srv.stats.actions }, cpuMs: (cpu.user + cpu.system) / 1000 };
      }
      case 'reset':
        srv.stats.reset();
        return null;
      case 'editInAnki': {
        for (const id of req.ids ?? []) {
          const note = srv.collection.getNote(id);
          if (!note) throw new Error(`note ${id} does not exist`);
          const fields = srv.collection.modelOf(note).fields;
          const field = fields[1] ?? fields[0];
          if (!field) throw new Error(`note ${id} has no fields`);
          const value = srv.collection.fieldsOf(note)[field.name] ?? '';
          srv.simulate.editInAnki(id, { fields: { [field.name]: `${value} (edited in Anki #${++edits})` } });
        }
        return req.ids?.length ?? 0;
      }
      default:
        throw new Error(`unknown op ${req.op}`);
    }
  };

  process.on('message', (msg: unknown) => {
    const req = msg as Request;
    try {
      process.send?.({ id: req.id, ok: true, result: handle(req) });
    } catch (e) {
      process.send?.({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
  process.on('disconnect', () => {
    void srv.close().then(() => process.exit(0));
  });
  const summary = srv.collection.summary();
  process.send?.({
    type: 'ready',
    url: srv.url,
    notes: summary.notes,
    cards: summary.cards,
    decks: summary.decks,
    bigDeck: args.bigDeck,
    bigDeckNotes,
    startMs: performance.now() - t0,
  });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
