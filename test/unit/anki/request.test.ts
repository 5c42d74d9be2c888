// Request shape: version 6, key only when configured (also on every multi sub-action), POST with
// Content-Length (never chunked), no Origin header; onRequest events.
import { afterEach, describe, expect, it } from 'vitest';
import { AnkiClient, DEFAULT_URL, type RequestEvent } from '../../../src/anki/client';
import { ok, scripted, type Scripted } from './rawServer';

let srv: Scripted | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('request shape', () => {
  it('defaults to 127.0.0.1:8765, never localhost', () => {
    expect(DEFAULT_URL).toBe('http://127.0.0.1:8765');
    expect(new AnkiClient().url).toBe(DEFAULT_URL);
  });

  it('sends {action, version: 6, params} without key when none is configured', async () => {
    srv = await scripted(ok((r) => ((r.body as { action: string }).action === 'findNotes' ? [1] : ['Default'])));
    const c = new AnkiClient({ url: srv.url });
    await c.findNotes('deck:Default');
    await c.deckNames();
    expect(srv.requests[0]?.body).toEqual({ action: 'findNotes', version: 6, params: { query: 'deck:Default' } });
    expect(srv.requests[1]?.body).toEqual({ action: 'deckNames', version: 6 });
    for (const r of srv.requests) expect(r.body).not.toHaveProperty('key');
  });

  it('treats an empty apiKey as none', async () => {
    srv = await scripted(ok(() => 6));
    await new AnkiClient({ url: srv.url, apiKey: '' }).version();
    expect(srv.requests[0]?.body).not.toHaveProperty('key');
  });

  it('sends the key on every request when configured', async () => {
    srv = await scripted(ok(() => 6));
    const c = new AnkiClient({ url: srv.url, apiKey: 's3cret' });
    await c.version();
    await c.version();
    expect(srv.requests.map((r) => r.body)).toEqual([
      { action: 'version', version: 6, key: 's3cret' },
      { action: 'version', version: 6, key: 's3cret' },
    ]);
  });

  it('puts version 6 and the key on every multi sub-action', async () => {
    srv = await scripted(ok(() => [{ result: ['Default'], error: null }, { result: null, error: null }]));
    const c = new AnkiClient({ url: srv.url, apiKey: 'k' });
    await c.multi([{ action: 'deckNames' }, { action: 'addTags', params: { notes: [1], tags: 'x' } }]);
    expect(srv.requests[0]?.body).toEqual({
      action: 'multi',
      version: 6,
      key: 'k',
      params: {
        actions: [
          { action: 'deckNames', version: 6, key: 'k' },
          { action: 'addTags', version: 6, key: 'k', params: { notes: [1], tags: 'x' } },
        ],
      },
    });
  });

  it('puts no key on sub-actions when none is configured', async () => {
    srv = await scripted(ok(() => [{ result: ['Default'], error: null }]));
    await new AnkiClient({ url: srv.url }).multi([{ action: 'deckNames' }]);
    expect(srv.requests[0]?.body).toEqual({
      action: 'multi',
      version: 6,
      params: { actions: [{ action: 'deckNames', version: 6 }] },
    });
  });

  it('POSTs JSON with a Content-Length, not chunked, without Origin or Expect', async () => {
    srv = await scripted(ok(() => 6));
    await new AnkiClient({ url: srv.url }).version();
    const r = srv.requests[0];
    expect(r?.method).toBe('POST');
    expect(r?.headers['content-length']).toBe(String(Buffer.byteLength(r?.rawBody ?? '')));
    expect(r?.headers['transfer-encoding']).toBeUndefined();
    expect(r?.headers.origin).toBeUndefined();
    expect(r?.headers.expect).toBeUndefined();
    expect(r?.headers['content-type']).toMatch(/^application\/json/);
  });

  it('encodes non-ASCII text as UTF-8 with a byte-exact Content-Length', async () => {
    srv = await scripted(ok(() => null));
    await new AnkiClient({ url: srv.url }).updateNoteFields(1, { Front: 'ñandú 日本 😀' });
    expect(srv.requests[0]?.body).toEqual({
      action: 'updateNoteFields',
      version: 6,
      params: { note: { id: 1, fields: { Front: 'ñandú 日本 😀' } } },
    });
  });

  it('reports every request to onRequest with sizes and outcome', async () => {
    srv = await scripted((req, res) => {
      const action = (req.body as { action: string }).action;
      const text = action === 'multi' ? '{"result": [1, 2], "error": null}' : '{"result": null, "error": "boom"}';
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
    const events: RequestEvent[] = [];
    const c = new AnkiClient({ url: srv.url, onRequest: (e) => events.push(e) });
    await c.multi([{ action: 'version' }, { action: 'version' }]);
    await expect(c.deleteNotes([1])).rejects.toThrow(/boom/);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ action: 'multi', subActions: 2, ok: true, bytesIn: 33 });
    expect(events[0]?.bytesOut).toBe(Buffer.byteLength(srv.requests[0]?.rawBody ?? ''));
    expect(events[0]).not.toHaveProperty('error');
    expect(events[1]).toMatchObject({ action: 'deleteNotes', ok: false });
    expect(events[1]?.error).toMatch(/boom/); // the action is logged beside it (action: 'deleteNotes')
    expect(events[1]).not.toHaveProperty('subActions');
    expect(events[1]?.ms).toBeGreaterThanOrEqual(0);
  });

  it('a throwing onRequest hook does not break requests', async () => {
    srv = await scripted(ok(() => 6));
    const c = new AnkiClient({
      url: srv.url,
      onRequest: () => {
        throw new Error('logger down');
      },
    });
    await expect(c.version()).resolves.toBe(6);
  });

  it('sends no request for empty id lists', async () => {
    srv = await scripted(ok(() => null));
    const c = new AnkiClient({ url: srv.url });
    expect(await c.notesInfo([])).toEqual([]);
    expect(await c.cardsInfo([])).toEqual([]);
    expect(await c.notesModTime([])).toEqual([]);
    expect(await c.getDecks([])).toEqual({});
    expect(await c.multi([])).toEqual([]);
    await c.deleteNotes([]);
    await c.addTags([], 'x');
    await c.changeDeck([], 'D');
    expect(srv.requests).toHaveLength(0);
  });
});
