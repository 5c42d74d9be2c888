// Browse benchmark: request counts and wall times for the Decks view and the search QuickPick.
//   npx tsx test/bench/browse.ts [--notes 20000] [--latency anki|none] [--page 200] [--url http://127.0.0.1:8765]
// Without --url it starts the test server in-process (sample collection, `anki` latency profile: 25 ms tick).
import { AnkiClient } from '../../src/anki/client';
import { walkDecks } from '../../src/core/deckTree';
import { DeckListing } from '../../src/core/listing';
import { SearchEngine } from '../../src/core/search';
import { startTestServer } from '../server';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
}

const notes = Number(arg('notes', '20000'));
const latency = arg('latency', 'anki') as 'anki' | 'none';
const pageSize = Number(arg('page', '200'));
const url = arg('url', '');

async function main(): Promise<void> {
  const srv = url ? undefined : await startTestServer({ port: 0, notes, latency, seed: 1 });
  let requests = 0;
  let bytesIn = 0;
  const client = new AnkiClient({
    url: url || srv!.url,
    onRequest: (e) => {
      requests++;
      bytesIn += e.bytesIn;
    },
  });

  const rows: Array<[string, number, number, number, string]> = [];
  async function measure<T>(name: string, f: () => Promise<T>, note: (r: T) => string = () => ''): Promise<T> {
    const r0 = requests;
    const b0 = bytesIn;
    const t0 = performance.now();
    const r = await f();
    rows.push([name, requests - r0, performance.now() - t0, bytesIn - b0, note(r)]);
    return r;
  }

  await client.features(); // one apiReflect, as any session does once
  const listing = new DeckListing(() => client);
  const tree = await measure('deck tree + counts', () => listing.loadTree(), (t) => `${walkDecks(t).length} decks`);
  const biggest = walkDecks(tree)
    .filter((d) => d.ownCount !== undefined)
    .sort((a, b) => b.ownCount! - a.ownCount!)[0]!;
  const first = await measure(`first page of "${biggest.name}"`, () => listing.notesOf(biggest.name, pageSize), (p) => `${p.items.length} of ${p.total}`);
  await measure(`all pages (${pageSize}/page)`, async () => {
    let p = first;
    while (p.hasMore) p = await listing.loadMore(biggest.name, pageSize);
    return p;
  }, (p) => `${p.items.length} notes`);
  await measure('focus change check (nothing changed)', () => listing.checkForChanges(), (r) => `${r.changedDecks.length} decks changed`);
  await client.addNote({ deckName: biggest.name, modelName: 'Basic', fields: { Front: `bench ${Date.now()}`, Back: 'x' } });
  await measure('focus change check (a note added in Anki)', () => listing.checkForChanges(), (r) => `${r.changedDecks.length} decks changed`);

  // Search: 5 keystrokes typed 120 ms apart, 250 ms debounce (as the QuickPick does), and the same without debounce.
  const engine = new SearchEngine({ api: () => client, deckOfNote: (id) => listing.deckOfNote(id) });
  const keys = ['h', 'ha', 'hab', 'habl', 'habla'];
  async function typeSequence(debounceMs: number, gapMs: number): Promise<string> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let shown = '';
    const done: Array<Promise<void>> = [];
    for (const value of keys) {
      engine.begin();
      if (timer) clearTimeout(timer);
      const run = (): void => {
        const seq = engine.begin();
        done.push(
          engine.run(value, seq, 50).then((o) => {
            if (o.kind === 'ok') shown = `"${o.query}": ${o.ids.length} hits`;
          }),
        );
      };
      if (debounceMs > 0) timer = setTimeout(run, debounceMs);
      else run();
      await new Promise((r) => setTimeout(r, gapMs));
    }
    await new Promise((r) => setTimeout(r, debounceMs + 10));
    await Promise.all(done);
    return shown;
  }
  await measure('search: 5 keystrokes, 250 ms debounce', () => typeSequence(250, 120), (s) => `shown ${s}`);
  await measure('search: 5 keystrokes, no debounce', () => typeSequence(0, 120), (s) => `shown ${s}`);
  await measure('search: one query "is:due"', async () => {
    const o = await engine.run('is:due', engine.begin(), 50);
    return o.kind === 'ok' ? `${o.ids.length} hits` : o.kind;
  }, (s) => s);

  console.log(`Browse benchmark — ${notes} notes, latency ${latency}, page size ${pageSize}${url ? `, ${url}` : ''}`);
  console.log('| step | requests | ms | KB in | notes |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const [name, req, ms, b, note] of rows) {
    console.log(`| ${name} | ${req} | ${ms.toFixed(0)} | ${(b / 1024).toFixed(0)} | ${note} |`);
  }
  await srv?.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
