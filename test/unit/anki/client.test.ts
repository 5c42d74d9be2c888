// Queue ordering, chunk splitting/merging, zod rejection of malformed results, multi entry reading, features.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { actions, parseOutcome, parseOutcomes } from '../../../src/anki/actions';
import { AnkiClient, readMultiEntry } from '../../../src/anki/client';
import { AnkiConnectError, AnkiProtocolError, AnkiUnsupportedError } from '../../../src/anki/errors';
import { SerialQueue } from '../../../src/anki/queue';
import { ok, scripted, type Captured, type Scripted } from './rawServer';

let srv: Scripted | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const bodyOf = (r: Captured | undefined) => r?.body as { action: string; params?: Record<string, unknown> };

function note(id: number, mod?: number) {
  return {
    noteId: id,
    profile: 'User 1',
    modelName: 'Basic',
    tags: ['t'],
    fields: { Front: { value: `f${id}`, order: 0 }, Back: { value: 'b', order: 1 } },
    ...(mod === undefined ? {} : { mod }),
    cards: [id + 1],
  };
}

describe('SerialQueue', () => {
  it('runs tasks one at a time in FIFO order, and a failure does not block the queue', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        setTimeout(() => {
          running--;
          log.push(`end ${name}`);
          if (fail) reject(new Error(name));
          else resolve(name);
        }, ms);
      });
    const a = q.run(task('a', 30));
    const b = q.run(task('b', 5, true));
    const c = q.run(task('c', 1));
    expect(q.size).toBe(3);
    await expect(a).resolves.toBe('a');
    await expect(b).rejects.toThrow('b');
    await expect(c).resolves.toBe('c');
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(q.size).toBe(0);
  });
});

describe('client queue', () => {
  it('keeps one request in flight; concurrent calls reach the server in call order', async () => {
    srv = await scripted(ok((r) => bodyOf(r).params?.query), { delayMs: 15 });
    const c = new AnkiClient({ url: srv.url });
    const calls = Array.from({ length: 8 }, (_, i) => c.invoke('findNotes', { query: `q${i}` }));
    expect(c.pending).toBe(8);
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 8 }, (_, i) => `q${i}`));
    expect(srv.requests.map((r) => bodyOf(r).params?.query)).toEqual(results);
    expect(srv.maxConcurrent).toBe(1);
  });

  it('a failing request does not stall the ones queued behind it', async () => {
    srv = await scripted((req, res) => {
      const fail = bodyOf(req).action === 'deleteNotes';
      const text = fail ? '{"result": null, "error": "nope"}' : '{"result": 6, "error": null}';
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
    const c = new AnkiClient({ url: srv.url });
    const [a, b, d] = await Promise.allSettled([c.version(), c.deleteNotes([1]), c.version()]);
    expect(a).toEqual({ status: 'fulfilled', value: 6 });
    expect(b.status).toBe('rejected');
    expect(d).toEqual({ status: 'fulfilled', value: 6 });
  });
});

describe('chunking', () => {
  /** notesInfo/cardsInfo/modTime server: known ids are even; odd ids are unknown (`{}`). */
  async function infoServer(): Promise<Scripted> {
    return scripted(
      ok((r) => {
        const b = bodyOf(r);
        const ids = (b.params?.notes ?? b.params?.cards) as number[];
        return ids.map((id) => {
          if (id % 2 === 1) return {};
          switch (b.action) {
            case 'notesInfo':
              return note(id, 1000 + id);
            case 'notesModTime':
              return { noteId: id, mod: 1000 + id };
            case 'cardsModTime':
              return { cardId: id, mod: 2000 + id };
            default:
              return null;
          }
        });
      }),
    );
  }

  it('splits notesInfo into sequential chunks and merges them in input order, {} ⇒ undefined', async () => {
    srv = await infoServer();
    const c = new AnkiClient({ url: srv.url, notesInfoChunk: 3 });
    const ids = [10, 11, 4, 2, 8, 7, 6, 100];
    const out = await c.notesInfo(ids);
    expect(srv.requests.map((r) => bodyOf(r).params?.notes)).toEqual([
      [10, 11, 4],
      [2, 8, 7],
      [6, 100],
    ]);
    expect(out.map((n) => n?.noteId)).toEqual([10, undefined, 4, 2, 8, undefined, 6, 100]);
    expect(out[0]).toEqual({
      noteId: 10,
      modelName: 'Basic',
      tags: ['t'],
      fields: { Front: { value: 'f10', order: 0 }, Back: { value: 'b', order: 1 } },
      mod: 1010,
      cards: [11],
    });
    expect(srv.maxConcurrent).toBe(1);
  });

  it('cardsInfo has its own chunk size; a fractional or zero chunk size never loops', async () => {
    srv = await scripted(ok((r) => (bodyOf(r).params?.cards as number[]).map(() => ({}))));
    const c = new AnkiClient({ url: srv.url, notesInfoChunk: 2, cardsInfoChunk: 4 });
    expect(await c.cardsInfo([1, 2, 3, 4, 5])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(srv.requests.map((r) => (bodyOf(r).params?.cards as number[]).length)).toEqual([4, 1]);
    srv.requests.length = 0;
    await new AnkiClient({ url: srv.url, cardsInfoChunk: 0.5 }).cardsInfo([1, 2]);
    expect(srv.requests.map((r) => (bodyOf(r).params?.cards as number[]).length)).toEqual([1, 1]);
  });

  it('property: any id list and chunk size ⇒ ceil(n/size) sequential requests, results in input order', async () => {
    srv = await infoServer();
    const server = srv;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        async (ids, size) => {
          server.requests.length = 0;
          const out = await new AnkiClient({ url: server.url, notesInfoChunk: size }).notesInfo(ids);
          expect(out.map((n) => n?.noteId)).toEqual(ids.map((id) => (id % 2 === 1 ? undefined : id)));
          expect(server.requests.length).toBe(Math.ceil(ids.length / size));
          expect(server.requests.flatMap((r) => bodyOf(r).params?.notes as number[])).toEqual(ids);
        },
      ),
      { numRuns: 40 },
    );
    expect(server.maxConcurrent).toBe(1);
  });

  it('an exact multiple of the chunk size gives no empty trailing request', async () => {
    srv = await infoServer();
    const c = new AnkiClient({ url: srv.url, notesInfoChunk: 2 });
    await c.notesInfo([2, 4, 6, 8]);
    expect(srv.requests).toHaveLength(2);
  });

  it('a chunk reply with the wrong number of entries is a protocol error', async () => {
    srv = await scripted(ok(() => [note(2)]));
    const c = new AnkiClient({ url: srv.url, notesInfoChunk: 5 });
    const e = await c.notesInfo([2, 4]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnkiProtocolError);
    expect((e as AnkiProtocolError).message).toMatch(/asked for 2 entries, got 1/);
  });

  it('notesModTime uses notesModTime when apiReflect lists it, chunked by modTimeChunk', async () => {
    srv = await scripted((req, res) => {
      const b = bodyOf(req);
      let result: unknown;
      if (b.action === 'multi') {
        result = [
          { result: { scopes: ['actions'], actions: ['notesModTime', 'cardsModTime'] }, error: null },
          { result: [], error: null },
        ];
      } else {
        result = (b.params?.notes as number[]).map((id) => ({ noteId: id, mod: id * 10 }));
      }
      const text = JSON.stringify({ result, error: null });
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
    const c = new AnkiClient({ url: srv.url, modTimeChunk: 2 });
    expect(await c.notesModTime([1, 2, 3])).toEqual([
      { noteId: 1, mod: 10 },
      { noteId: 2, mod: 20 },
      { noteId: 3, mod: 30 },
    ]);
    expect(srv.requests.map((r) => bodyOf(r).action)).toEqual(['multi', 'notesModTime', 'notesModTime']);
    expect(await c.features()).toEqual({ notesModTime: true, notesInfoMod: true, cardsModTime: true, notesInfoQuery: true });
    expect(srv.requests).toHaveLength(3); // features cached
  });

  it('without notesModTime: degrades to notesInfo mod, or throws AnkiUnsupportedError when mod is absent', async () => {
    let withMod = true;
    srv = await scripted((req, res) => {
      const b = bodyOf(req);
      let result: unknown;
      if (b.action === 'multi') {
        result = [
          { result: { scopes: ['actions'], actions: ['notesInfo', 'multi'] }, error: null },
          { result: null, error: "notesInfo() got an unexpected keyword argument 'query'" },
        ];
      } else {
        result = (b.params?.notes as number[]).map((id) => (id === 0 ? {} : note(id, withMod ? id + 1 : undefined)));
      }
      const text = JSON.stringify({ result, error: null });
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
    const c = new AnkiClient({ url: srv.url });
    expect(await c.features()).toEqual({ notesModTime: false, notesInfoMod: false, cardsModTime: false, notesInfoQuery: false });
    expect(await c.notesModTime([5, 0])).toEqual([{ noteId: 5, mod: 6 }, undefined]);
    expect((await c.features()).notesInfoMod).toBe(true); // learnt from the notesInfo reply
    expect(srv.requests.map((r) => bodyOf(r).action)).toEqual(['multi', 'notesInfo']);
    withMod = false;
    const c2 = new AnkiClient({ url: srv.url });
    await expect(c2.notesModTime([5])).rejects.toBeInstanceOf(AnkiUnsupportedError);
  });

  it('features() reports an API key failure instead of caching "no features"', async () => {
    let calls = 0;
    srv = await scripted(
      ok(() => {
        calls++;
        return calls === 1
          ? [
              { result: null, error: 'valid api key must be provided' },
              { result: null, error: 'valid api key must be provided' },
            ]
          : [{ result: { scopes: ['actions'], actions: ['notesModTime'] }, error: null }, { result: [], error: null }];
      }),
    );
    const c = new AnkiClient({ url: srv.url, apiKey: 'bad' });
    const e = await c.features().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnkiConnectError);
    expect((e as AnkiConnectError).isApiKey).toBe(true);
    expect((await c.features()).notesModTime).toBe(true); // failure was not cached
  });
});

describe('zod validation of results', () => {
  const cases: Array<[string, (c: AnkiClient) => Promise<unknown>, unknown]> = [
    ['version', (c) => c.version(), '6'],
    ['deckNames', (c) => c.deckNames(), [1]],
    ['deckNamesAndIds', (c) => c.deckNamesAndIds(), { Default: 'one' }],
    ['findNotes', (c) => c.findNotes(''), [1.5]],
    ['findCards', (c) => c.findCards(''), null],
    ['notesInfo', (c) => c.notesInfo([1]), [{ noteId: 1, modelName: 'Basic', tags: 'a b', fields: {}, cards: [] }]],
    ['notesInfo', (c) => c.notesInfo([1]), [null]],
    ['cardsInfo', (c) => c.cardsInfo([1]), [{ cardId: 1 }]],
    ['getDecks', (c) => c.getDecks([1]), { Default: [1, 'x'] }],
    ['createDeck', (c) => c.createDeck('x'), 'id'],
    ['addNote', (c) => c.addNote({ deckName: 'D', modelName: 'Basic', fields: {} }), null],
    ['modelTemplates', (c) => c.modelTemplates('Basic'), { 'Card 1': { Front: 'x' } }],
    ['modelStyling', (c) => c.modelStyling('Basic'), 'css'],
    ['updateNoteFields', (c) => c.updateNoteFields(1, {}), true],
    ['guiBrowse', (c) => c.guiBrowse('x'), {}],
  ];
  it.each(cases)('%s rejects a malformed result with a protocol error that carries the action (for the log), not in its message', async (action, run, bad) => {
    srv = await scripted(ok(() => bad));
    const e = await run(new AnkiClient({ url: srv.url })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(AnkiProtocolError);
    expect((e as AnkiProtocolError).kind).toBe('protocol');
    expect((e as AnkiProtocolError).action).toBe(action);
    expect((e as AnkiProtocolError).message).not.toContain(`"${action}"`);
    expect((e as AnkiProtocolError).message).toMatch(/^AnkiConnect sent a reply that this extension does not understand/);
  });

  it('a schema issue names where it is', async () => {
    srv = await scripted(ok(() => [note(2), { ...note(4), fields: { Front: { value: 7, order: 0 } } }]));
    const e = (await new AnkiClient({ url: srv.url }).notesInfo([2, 4]).catch((x: unknown) => x)) as AnkiProtocolError;
    expect(e.detail).toMatch(/at \[1\]\.fields\.Front\.value/);
  });

  it('keeps cardsInfo extra keys and fills ord from fieldOrder on old builds', async () => {
    const card = { cardId: 5, note: 4, deckName: 'D', modelName: 'Basic', fieldOrder: 1, interval: 0, due: 3, queue: 0, type: 0, mod: 9, reps: 2 };
    srv = await scripted(ok(() => [card, {}]));
    const [c0, c1] = await new AnkiClient({ url: srv.url }).cardsInfo([5, 6]);
    expect(c0).toMatchObject({ cardId: 5, ord: 1, reps: 2 });
    expect(c1).toBeUndefined();
  });
});

describe('multi', () => {
  it('reads {result, error} entries, bare values and {error} entries', () => {
    expect(readMultiEntry({ result: ['D'], error: null })).toEqual({ ok: true, value: ['D'] });
    expect(readMultiEntry({ result: null, error: 'unsupported action' })).toEqual({ ok: false, error: 'unsupported action' });
    expect(readMultiEntry(['Default'])).toEqual({ ok: true, value: ['Default'] });
    expect(readMultiEntry(null)).toEqual({ ok: true, value: null });
    expect(readMultiEntry(1234)).toEqual({ ok: true, value: 1234 });
    expect(readMultiEntry({ error: 'boom' })).toEqual({ ok: false, error: 'boom' });
  });

  it('returns one outcome per entry even when some fail (not atomic)', async () => {
    srv = await scripted(
      ok(() => [['Default'], { result: ['Default'], error: null }, { result: null, error: 'unsupported action' }, 1234]),
    );
    const out = await new AnkiClient({ url: srv.url }).multi([
      { action: 'deckNames' },
      { action: 'deckNames' },
      { action: 'nope' },
      { action: 'createDeck', params: { deck: 'X' } },
    ]);
    expect(out).toEqual([
      { ok: true, value: ['Default'] },
      { ok: true, value: ['Default'] },
      { ok: false, error: 'unsupported action' },
      { ok: true, value: 1234 },
    ]);
  });

  it('a result list of the wrong length is a protocol error', async () => {
    srv = await scripted(ok(() => [null]));
    await expect(new AnkiClient({ url: srv.url }).multi([{ action: 'a' }, { action: 'b' }])).rejects.toBeInstanceOf(
      AnkiProtocolError,
    );
  });

  it('typed entries: build, send and parse with the action schema', async () => {
    srv = await scripted(
      ok(() => [
        { result: [note(2)], error: null },
        { result: null, error: 'Note was not found: 9' },
        { result: { Default: [3] }, error: null },
      ]),
    );
    const c = new AnkiClient({ url: srv.url, apiKey: 'k' });
    const entries = [actions.notesInfo([2]), actions.updateNoteFields(9, { Front: 'x' }), actions.getDecks([3])] as const;
    const [info, upd, decks] = parseOutcomes(entries, await c.multi([...entries]), { apiKeyConfigured: true });
    expect(bodyOf(srv.requests[0]).params?.actions).toEqual([
      { action: 'notesInfo', version: 6, key: 'k', params: { notes: [2] } },
      { action: 'updateNoteFields', version: 6, key: 'k', params: { note: { id: 9, fields: { Front: 'x' } } } },
      { action: 'getDecks', version: 6, key: 'k', params: { cards: [3] } },
    ]);
    expect(info.ok && info.value[0]?.noteId).toBe(2);
    expect(upd.ok).toBe(false);
    if (!upd.ok) {
      expect(upd.error).toBe('Note was not found: 9');
      expect(upd.cause.action).toBe('updateNoteFields');
    }
    expect(decks).toEqual({ ok: true, value: { Default: [3] } });
  });

  it('a typed entry whose value does not match its schema throws a protocol error that carries its action', () => {
    expect(() => parseOutcome(actions.createDeck('x'), { ok: true, value: 'id' })).toThrow(AnkiProtocolError);
    let thrown: unknown;
    try {
      parseOutcome(actions.createDeck('x'), { ok: true, value: 'id' });
    } catch (e) {
      thrown = e;
    }
    expect((thrown as AnkiProtocolError).action).toBe('createDeck');
  });
});
