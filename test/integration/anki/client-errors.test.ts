// Every error kind of the client against the test server over real HTTP (and one raw socket for 403,
// since the test server's origin check cannot be triggered by a Node client that sends no Origin).
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { describeAnkiError } from '../../../src/anki/errors';
import { AnkiConnectError, AnkiTransportError, AnkiUnsupportedError } from '../../../src/anki/errors';
import { startTestServer, type TestServer } from '../../server';
import { failure } from '../../support/failure';

const servers: TestServer[] = [];
async function server(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ port: 0, latency: 'none', notes: 20, seed: 3, ...opts });
  servers.push(s);
  return s;
}
afterEach(async () => {
  while (servers.length) await servers.pop()?.close();
});


async function kindOf(p: Promise<unknown>): Promise<string> {
  const e = await failure(p);
  expect(e).toBeInstanceOf(AnkiTransportError);
  return (e as AnkiTransportError).kind;
}

describe('transport errors against the test server', () => {
  it('server started then closed ⇒ notRunning with host:port', async () => {
    const srv = await server();
    const url = srv.url;
    await srv.close();
    const e = (await failure(new AnkiClient({ url }).version())) as AnkiTransportError;
    expect(e.kind).toBe('notRunning');
    expect(e.message).toBe(
      `Anki is not running or AnkiConnect is not installed (nothing listens on 127.0.0.1:${new URL(url).port}).`,
    );
  });

  it('refuseConnections ⇒ notRunning, and the client recovers when Anki is back', async () => {
    const srv = await server();
    const c = new AnkiClient({ url: srv.url });
    await srv.faults.refuseConnections(true);
    expect(await kindOf(c.version())).toBe('notRunning');
    await srv.faults.refuseConnections(false);
    expect(await c.version()).toBe(6);
  });

  it('delayNext past a short request timeout ⇒ timeout; the queue goes on', async () => {
    const srv = await server();
    const c = new AnkiClient({ url: srv.url, requestTimeoutMs: 200 });
    srv.faults.delayNext(1, 600);
    const t0 = Date.now();
    const [slow, next] = await Promise.allSettled([c.deckNames(), c.version()]);
    expect(slow.status).toBe('rejected');
    const e = (slow as PromiseRejectedResult).reason as AnkiTransportError;
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/did not answer within 0\.2 s/);
    expect(next).toEqual({ status: 'fulfilled', value: 6 });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('a delay shorter than the request timeout is fine', async () => {
    const srv = await server();
    srv.faults.delayNext(1, 150);
    expect(await new AnkiClient({ url: srv.url, requestTimeoutMs: 2000 }).version()).toBe(6);
  });

  it('resetNext ⇒ reset; the next request succeeds', async () => {
    const srv = await server();
    const c = new AnkiClient({ url: srv.url });
    srv.faults.resetNext(1);
    const e = (await failure(c.findNotes(''))) as AnkiTransportError;
    expect(e.kind).toBe('reset');
    expect(e.message).toMatch(/closed the connection before answering \(.*may or may not have been carried out/);
    expect((await c.findNotes('')).length).toBe(20);
  });

  it('HTTP 403 (disallowed origin, as the add-on sends it) ⇒ forbidden', async () => {
    // The add-on's exact 403 reply: no body, no Content-Length, connection closed.
    const raw = net.createServer((s) =>
      s.once('data', () =>
        s.end('HTTP/1.1 403 Forbidden\r\nAccess-Control-Allow-Origin: http://localhost\r\nAccess-Control-Allow-Headers: *\r\n\r\n'),
      ),
    );
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const port = (raw.address() as net.AddressInfo).port;
      const e = (await failure(new AnkiClient({ url: `http://127.0.0.1:${port}` }).version())) as AnkiTransportError;
      expect(e.kind).toBe('forbidden');
      expect(describeAnkiError(e).message).toMatch(/HTTP 403: origin not allowed/);
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('a server that is not AnkiConnect ⇒ protocol error', async () => {
    const raw = net.createServer((s) =>
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>')),
    );
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    try {
      const port = (raw.address() as net.AddressInfo).port;
      expect(await kindOf(new AnkiClient({ url: `http://127.0.0.1:${port}` }).version())).toBe('protocol');
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });
});

describe('API key', () => {
  it('missing key ⇒ AnkiConnectError isApiKey (kind apiKey)', async () => {
    const srv = await server({ apiKey: 'sesame' });
    const e = (await failure(new AnkiClient({ url: srv.url }).deckNames())) as AnkiConnectError;
    expect(e).toBeInstanceOf(AnkiConnectError);
    expect(e.isApiKey).toBe(true);
    expect(describeAnkiError(e)).toEqual({
      kind: 'apiKey',
      message: 'AnkiConnect requires an API key: set the key from AnkiConnect\'s config ("apiKey") in this extension.',
      msg: { code: 'apiKeyRequired', args: [] },
    });
  });

  it('wrong key ⇒ isApiKey with a "rejected" message', async () => {
    const srv = await server({ apiKey: 'sesame' });
    const e = (await failure(new AnkiClient({ url: srv.url, apiKey: 'wrong' }).deckNames())) as AnkiConnectError;
    expect(e.isApiKey).toBe(true);
    expect(e.message).toMatch(/rejected the API key/);
  });

  it('right key works for plain requests and every multi sub-action', async () => {
    const srv = await server({ apiKey: 'sesame' });
    const c = new AnkiClient({ url: srv.url, apiKey: 'sesame' });
    expect(await c.version()).toBe(6);
    const out = await c.multi([{ action: 'deckNames' }, { action: 'version' }]);
    expect(out).toEqual([
      { ok: true, value: expect.arrayContaining(['Default']) },
      { ok: true, value: 6 },
    ]);
    expect((await c.features()).notesModTime).toBe(true);
  });

  it('a key sent to a server without one is rejected (why the client sends none unless configured)', async () => {
    const srv = await server();
    const e = (await failure(new AnkiClient({ url: srv.url, apiKey: 'unneeded' }).version())) as AnkiConnectError;
    expect(e.isApiKey).toBe(true);
    expect(await new AnkiClient({ url: srv.url }).version()).toBe(6);
  });

  it('features() with a wrong key reports the key problem', async () => {
    const srv = await server({ apiKey: 'sesame' });
    const e = (await failure(new AnkiClient({ url: srv.url, apiKey: 'nope' }).features())) as AnkiConnectError;
    expect(e.isApiKey).toBe(true);
  });
});

describe('legacy add-on (pre mid-2024: no notesModTime, no mod in notesInfo)', () => {
  it('features say so; notesModTime throws a clear unsupported error; cardsModTime still works', async () => {
    const srv = await server({ addon: '2023' });
    const c = new AnkiClient({ url: srv.url });
    const f = await c.features();
    expect(f.notesModTime).toBe(false);
    expect(f.notesInfoMod).toBe(false);
    expect(f.cardsModTime).toBe(true);
    const ids = await c.findNotes('');
    const infos = await c.notesInfo(ids.slice(0, 3));
    expect(infos.every((n) => n !== undefined && n.mod === undefined)).toBe(true);
    expect((await c.features()).notesInfoMod).toBe(false);
    srv.stats.reset();
    const e = await failure(c.notesModTime(ids.slice(0, 3)));
    expect(e).toBeInstanceOf(AnkiUnsupportedError);
    expect(describeAnkiError(e)).toMatchObject({ kind: 'unsupported' });
    expect(srv.stats.actions.notesModTime).toBeUndefined(); // never sent the unsupported action
    const cards = infos.flatMap((n) => n?.cards ?? []);
    expect((await c.cardsModTime(cards)).map((m) => m?.cardId)).toEqual(cards);
  });

  it('calling notesModTime directly on a legacy server would fail with "unsupported action"', async () => {
    const srv = await server({ addon: '2023' });
    const out = await new AnkiClient({ url: srv.url }).multi([{ action: 'notesModTime', params: { notes: [1] } }]);
    expect(out).toEqual([{ ok: false, error: 'unsupported action' }]);
  });
});
