/**
 * Measures the test server's timing profiles (prints figures, asserts nothing):
 *   npx tsx test/server/measure.ts
 * - sequential `version` requests under 'none' and 'anki'
 * - 20 and 50 parallel requests under 'anki'
 * - generator and search cost on a big collection
 */
import net from 'node:net';
import os from 'node:os';
import { generateCollection } from './generate';
import { startTestServer } from './server';

function once(port: number, body: string): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    const req = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const s = net.connect({ port, host: '127.0.0.1' }, () => s.write(req));
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve({ ok: Buffer.concat(chunks).toString().startsWith('HTTP/1.1 200') }));
    s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
  });
}

async function sequential(latency: 'none' | 'anki', n: number): Promise<void> {
  const srv = await startTestServer({ latency });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once(srv.port, '{"action":"version","version":6}');
  const s = (performance.now() - t0) / 1000;
  console.log(`sequential version, latency ${latency}: ${n} requests in ${s.toFixed(2)} s = ${(n / s).toFixed(1)} req/s (${((s * 1000) / n).toFixed(1)} ms each)`);
  await srv.close();
}

async function parallel(n: number): Promise<void> {
  const srv = await startTestServer({ latency: 'anki' });
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: n }, () => once(srv.port, '{"action":"version","version":6}')));
  const s = (performance.now() - t0) / 1000;
  const failed = results.filter((r) => !r.ok);
  const kinds = [...new Set(failed.map((f) => f.error))].join(', ');
  console.log(`${n} parallel version, latency anki: ${s.toFixed(2)} s, ${n - failed.length} ok, ${failed.length} failed${kinds ? ` (${kinds})` : ''}`);
  await srv.close();
}

async function bigCollection(): Promise<void> {
  for (const n of [2000, 20000, 100000]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const col = generateCollection({ notes: n, seed: 1 });
    const gen = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const s = col.summary();
    console.log(
      `generate ${n} notes: ${gen.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${s.cards} cards, ${s.decks} decks)`,
    );
    if (n === 100000) {
      const srv = await startTestServer({ collection: col });
      const time = async (label: string, body: object): Promise<void> => {
        const t = performance.now();
        const c = process.cpuUsage();
        const r = await once(srv.port, JSON.stringify(body));
        const cpu = process.cpuUsage(c);
        console.log(`  ${label}: ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU${r.ok ? '' : ' FAILED'}`);
      };
      await time('findNotes "deck:Japanese::JLPT N3::Vocabulary"', { action: 'findNotes', version: 6, params: { query: '"deck:Japanese::JLPT N3::Vocabulary"' } });
      await time('findNotes "deck:*"', { action: 'findNotes', version: 6, params: { query: 'deck:*' } });
      await time('findNotes bare word "station" (cold: builds the per-note text cache)', { action: 'findNotes', version: 6, params: { query: 'station' } });
      await time('findNotes bare word "river" (warm)', { action: 'findNotes', version: 6, params: { query: 'river' } });
      await time('findNotes "front:*a*" (field search)', { action: 'findNotes', version: 6, params: { query: 'front:*a*' } });
      await time('findCards "is:due -is:suspended tag:jlpt"', { action: 'findCards', version: 6, params: { query: 'is:due -is:suspended tag:jlpt' } });
      const ids = col.findNotes('"deck:Japanese::JLPT N3::Vocabulary"').slice(0, 1000);
      await time('notesInfo 1000 ids', { action: 'notesInfo', version: 6, params: { notes: ids } });
      await time('notesModTime 45000 ids', { action: 'notesModTime', version: 6, params: { notes: col.findNotes('"deck:Japanese::JLPT N3::Vocabulary"') } });
      const cids = col.findCards(`nid:${ids.slice(0, 100).join(',')}`);
      await time(`cardsInfo ${cids.length} ids`, { action: 'cardsInfo', version: 6, params: { cards: cids } });
      await time('getDecks 1000 cards', { action: 'getDecks', version: 6, params: { cards: col.findCards('deck:Spanish').slice(0, 1000) } });
      await srv.close();
    }
  }
}

async function main(): Promise<void> {
  await sequential('none', 500);
  await sequential('anki', 80);
  await parallel(20);
  await parallel(50);
  await parallel(200);
  await bigCollection();
}

console.log(`machine load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores shared)`);
void main();
