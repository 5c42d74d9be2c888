// Deck rename and tag rename over real HTTP against the test server (latency none, or --latency anki for the
// add-on's ~25 ms tick): requests and wall time for a deck of N notes with a sub-deck, and a tag on N notes.
//
//   npx tsx test/bench/decksTags.ts [--notes 2000] [--latency none|anki]
import { AnkiClient } from '../../src/anki/client';
import { notesCodec } from '../../src/core/codec';
import { FsEngine } from '../../src/core/fsEngine';
import { runTagChange } from '../../src/tags/tags';
import { Collection, startTestServer } from '../server';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const N = Number(opt('notes', '2000'));
const latency = opt('latency', 'none') === 'anki' ? 'anki' : 'none';

const col = new Collection();
const model = col.modelByName('Basic');
if (!model) throw new Error('no Basic');
for (let i = 0; i < N; i++) {
  col.addNote({ model, deck: col.ensureDeck(i % 4 === 0 ? 'Bench::Sub' : 'Bench'), fields: [`front ${i}`, 'back'], tags: [i % 2 === 0 ? 'bench::even' : 'bench'] });
}
async function main(): Promise<void> {
  const srv = await startTestServer({ port: 0, latency, collection: col });
  const client = new AnkiClient({ url: srv.url });
  const engine = new FsEngine({ client: () => client, codec: notesCodec });

  srv.stats.reset();
  let t0 = performance.now();
  const r = await engine.renameDeck('Bench', 'Renamed::Bench');
  const deckMs = performance.now() - t0;
  if (!r.ok) throw new Error(JSON.stringify(r.problem));
  console.log(`deck rename, ${N} notes (2 decks): ${srv.stats.requests} requests, ${deckMs.toFixed(0)} ms, ${r.report.movedCards} cards moved, deleted ${r.report.deleted.length} old decks`);

  srv.stats.reset();
  t0 = performance.now();
  const t = await runTagChange(client, (reqs) => engine.saveNotes(reqs), { kind: 'rename', from: 'bench', to: 'renamed' });
  const tagMs = performance.now() - t0;
  console.log(`tag rename, ${t.notes} notes (tag + child tag): ${srv.stats.requests} requests, ${tagMs.toFixed(0)} ms, ${t.saved} saved, ${t.failed.length} failed`);

  engine.dispose();
  await srv.close();
}

void main();
