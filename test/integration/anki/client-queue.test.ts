// Queue behaviour under the `anki` latency profile (25 ms tick, one accept and one request per tick,
// backlog 5): many concurrent calls all succeed and reach the server one at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnkiClient, type RequestEvent } from '../../../src/anki/client';
import { startTestServer, type TestServer } from '../../server';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ port: 0, latency: 'anki', notes: 50, seed: 5 });
});
afterAll(async () => {
  await srv.close();
});

describe('FIFO queue against the anki latency profile', () => {
  it('20 concurrent calls all succeed, served one at a time in call order', async () => {
    srv.stats.reset();
    const spans: Array<{ action: string; start: number; end: number }> = [];
    const c = new AnkiClient({
      url: srv.url,
      onRequest: (e: RequestEvent) => {
        const end = performance.now();
        spans.push({ action: e.action, start: end - e.ms, end });
      },
    });
    const ids = await c.findNotes('');
    spans.length = 0;
    srv.stats.reset();
    const calls = ids.slice(0, 20).map((id, i) => (i % 2 === 0 ? c.notesInfo([id]) : c.findNotes(`nid:${id}`)));
    expect(c.pending).toBe(20);
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      const id = ids[i] as number;
      if (i % 2 === 0) expect((r as Array<{ noteId: number } | undefined>)[0]?.noteId).toBe(id);
      else expect(r).toEqual([id]);
    });
    expect(srv.stats.requests).toBe(20);
    expect(srv.stats.log.map((l) => l.action)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'notesInfo' : 'findNotes')));
    // Never two exchanges at once: each request starts after the previous one ended.
    expect(spans).toHaveLength(20);
    for (let i = 1; i < spans.length; i++) {
      expect((spans[i] as { start: number }).start).toBeGreaterThanOrEqual((spans[i - 1] as { end: number }).end - 0.5);
    }
  });
});
