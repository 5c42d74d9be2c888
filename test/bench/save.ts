// Save All benchmark: request count and wall time for saving 1, 100, 500 and 1000 edited notes through the
// `anki:` file-system engine (writeFile × N arriving together → batch saver), against the AnkiConnect test
// server with the `anki` latency profile (25 ms tick, one request per tick, like the real add-on).
//
//   npx tsx test/bench/save.ts [--sizes 1,100,500,1000] [--runs 3]
//
// Setup (not measured): the notes are loaded into the engine's store as if their documents were open.
// The server runs in this process (its CPU time is part of the wall time); "parse+plan" is the time the
// writeFile calls spend before handing their notes to the saver (YAML parse + planning, all notes).
import { AnkiClient } from '../../src/anki/client';
import { notesCodec } from '../../src/core/codec';
import { FsEngine } from '../../src/core/fsEngine';
import { renderNote } from '../../src/notes/document';
import { notePath } from '../../src/notes/paths';
import { Collection, startTestServer } from '../server';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const SIZES = opt('sizes', '1,100,500,1000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Math.max(1, Number(opt('runs', '3')));
const DECK = 'Bench::Save';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const max = Math.max(...SIZES);
  const col = new Collection();
  const basic = col.modelByName('Basic');
  if (!basic) throw new Error('no Basic note type');
  const deck = col.ensureDeck(DECK);
  const ids: number[] = [];
  for (let i = 0; i < max; i++) {
    ids.push(col.addNote({ model: basic, deck, fields: [`Front ${i} 日本語`, `Back ${i} <b>bold</b>`], tags: ['bench'] }).id);
  }
  const srv = await startTestServer({ port: 0, latency: 'anki', collection: col });
  const client = new AnkiClient({ url: srv.url });
  console.log(`Save All through FsEngine.writeFile → batch saver; test server latency "anki" (25 ms tick); ${RUNS} run(s) per size, median shown`);
  console.log('notes  | requests | wall (ms) | per note (ms) | parse+plan (ms) | batches | verified');
  console.log('------ | -------- | --------- | ------------- | --------------- | ------- | --------');
  let round = 0;
  try {
    for (const n of SIZES) {
      const walls: number[] = [];
      const reqs: number[] = [];
      const queued: number[] = [];
      let batches = 0;
      let verified = true;
      for (let r = 0; r < RUNS; r++) {
        const engine = new FsEngine({ client: () => client, codec: notesCodec });
        const subset = ids.slice(0, n);
        const snaps = await engine.store.fetchMany(subset, []);
        const marker = `edit ${++round}`;
        const writes = subset.map((id) => {
          const s = snaps.get(id);
          if (!s) throw new Error(`note ${id} missing`);
          engine.store.apply(s, { asBase: true });
          engine.store.markServed(id);
          const edited = { ...s, fields: s.fields.map(([k, v], i): [string, string] => [k, i === 1 ? `${v} ${marker}` : v]) };
          return { id, path: notePath(s.deck, s.fields[0]?.[1] ?? '', id), bytes: new TextEncoder().encode(renderNote(edited)), back: edited.fields[1]?.[1] };
        });
        const before = srv.stats.requests;
        const t0 = performance.now();
        const pending = writes.map((w) => engine.writeFile(w.path, w.bytes, { create: false, overwrite: true }));
        // writeFile parses and plans synchronously up to the saver: the time until here is that CPU work.
        queued.push(performance.now() - t0);
        await Promise.all(pending);
        walls.push(performance.now() - t0);
        reqs.push(srv.stats.requests - before);
        batches = engine.saver.stats.batches;
        for (const w of writes) {
          const note = col.getNote(w.id);
          if (!note || col.fieldsOf(note).Back !== w.back) verified = false;
        }
        await engine.settled();
        engine.dispose();
      }
      const wall = median(walls);
      console.log(
        `${String(n).padEnd(6)} | ${String(median(reqs)).padEnd(8)} | ${wall.toFixed(0).padEnd(9)} | ${(wall / n).toFixed(2).padEnd(13)} | ${median(queued).toFixed(0).padEnd(15)} | ${String(batches).padEnd(7)} | ${verified ? 'yes' : 'NO'}`,
      );
    }
  } finally {
    await srv.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
