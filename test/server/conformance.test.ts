/**
 * Conformance of the test server with the real AnkiConnect add-on as described in
 * docs/ankiconnect.md (the AnkiConnect facts the client and this server rely on), over real HTTP on 127.0.0.1.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Collection, startTestServer, type TestServer } from './index';
import { call, httpRequest, ok, rawRequest, v6 } from './helpers';

let srv: TestServer;
let port: number;

async function fresh(opts: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  if (srv) await srv.close();
  srv = await startTestServer({ port: 0, ...opts });
  port = srv.port;
}

beforeEach(async () => {
  await fresh();
});
afterAll(async () => {
  await srv.close();
});

const basic = (front: string, back = 'back', extra: Record<string, unknown> = {}) => ({
  deckName: 'Default',
  modelName: 'Basic',
  fields: { Front: front, Back: back },
  ...extra,
});

describe('§1.2 / §8.1 raw HTTP', () => {
  it('answers with exactly the five headers, in order, then closes', async () => {
    const res = await rawRequest(port, [httpRequest('{"action":"version","version":6}')]);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headerLines).toEqual([
      'Content-Type: application/json',
      'Access-Control-Allow-Origin: http://localhost',
      'Access-Control-Allow-Headers: *',
      'Content-Length: 28',
    ]);
    expect(res.body).toBe('{"result": 6, "error": null}');
  });

  it.each([
    ['GET', '/'],
    ['PUT', '/anything?x=1'],
    ['DELETE', '/api'],
    ['POST', '/deep/path'],
  ])('method %s and path %s are ignored', async (method, path) => {
    const res = await rawRequest(port, [httpRequest('{"action":"deckNames","version":6}', { method, path })]);
    expect(res.body).toBe('{"result": ["Default"], "error": null}');
  });

  it('reads the body strictly by Content-Length: bytes beyond it (a pipelined request) are dropped', async () => {
    const two = Buffer.concat([httpRequest('{"action":"version"}'), httpRequest('{"action":"deckNames"}')]);
    const res = await rawRequest(port, [two]);
    expect(res.body).toBe('6');
    expect(srv.stats.requests).toBe(1);
  });

  it('waits for a body that arrives in pieces', async () => {
    const full = httpRequest('{"action":"version","version":6}');
    const res = await rawRequest(port, [full.subarray(0, 20), { waitMs: 50 }, full.subarray(20, 70), { waitMs: 50 }, full.subarray(70)]);
    expect(res.body).toBe('{"result": 6, "error": null}');
  });

  it('a chunked body is not understood: treated as empty, answered with the version banner', async () => {
    const body = '{"action":"deckNames","version":6}';
    const req = `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const res = await rawRequest(port, [req]);
    expect(res.body).toBe('{"apiVersion": "AnkiConnect v.6"}');
  });

  it('never answers Expect: 100-continue; the request runs once the body arrives', async () => {
    const body = '{"action":"version","version":6}';
    const head = `POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`;
    const received: string[] = [];
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('data', (c: Buffer) => received.push(c.toString()));
    await new Promise((r) => socket.once('connect', r));
    socket.write(head);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([]);
    socket.write(body);
    await new Promise((r) => socket.once('end', r));
    socket.destroy();
    expect(received.join('')).toContain('{"result": 6, "error": null}');
    expect(received.join('')).not.toContain('100 Continue');
  });

  it('OPTIONS: 200, empty body, the usual headers; Private-Network header only when asked', async () => {
    const plain = await rawRequest(port, [httpRequest('', { method: 'OPTIONS', headers: ['Origin: http://localhost'] })]);
    expect(plain.statusLine).toBe('HTTP/1.1 200 OK');
    expect(plain.body).toBe('');
    expect(plain.headers['content-length']).toBe('0');
    expect(plain.headers['access-control-allow-private-network']).toBeUndefined();
    const pn = await rawRequest(port, [
      httpRequest('', { method: 'OPTIONS', headers: ['Origin: http://localhost', 'Access-Control-Request-Private-Network: true'] }),
    ]);
    expect(pn.headerLines[pn.headerLines.length - 1]).toBe('Access-Control-Allow-Private-Network: true');
  });

  it.each([
    [null, true, 'http://localhost'],
    ['http://localhost', true, 'http://localhost'],
    ['http://127.0.0.1', true, 'http://127.0.0.1'],
    ['https://127.0.0.1', true, 'https://127.0.0.1'],
    ['http://127.0.0.1:5173', true, 'http://127.0.0.1:5173'],
    ['chrome-extension://abcdef', true, 'chrome-extension://abcdef'],
    ['moz-extension://1234', true, 'moz-extension://1234'],
    ['safari-web-extension://x', true, 'safari-web-extension://x'],
    ['http://localhost:3000', false, 'http://localhost'],
    ['https://127.0.0.1:8443', false, 'http://localhost'],
    ['vscode-webview://abc', false, 'http://localhost'],
    ['app://obsidian.md', false, 'http://localhost'],
    ['null', false, 'http://localhost'],
  ])('Origin %s → allowed %s, Access-Control-Allow-Origin %s', async (origin, allowed, acao) => {
    const res = await rawRequest(port, [httpRequest('{"action":"version","version":6}', { headers: origin === null ? [] : [`Origin: ${origin}`] })]);
    if (allowed) {
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      expect(res.headers['access-control-allow-origin']).toBe(acao);
      expect(res.body).toBe('{"result": 6, "error": null}');
    } else {
      expect(res.statusLine).toBe('HTTP/1.1 403 Forbidden');
      expect(res.headerLines).toEqual([`Access-Control-Allow-Origin: ${acao}`, 'Access-Control-Allow-Headers: *']);
      expect(res.body).toBe('');
    }
  });

  it('an Origin header without a space after the colon counts as no Origin', async () => {
    const res = await rawRequest(port, [httpRequest('{"action":"version","version":6}', { headers: ['Origin:http://evil.example'] })]);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
  });

  it('"*" in the CORS list allows every origin and answers "*"', async () => {
    await fresh({ corsOrigins: ['*'] });
    const res = await rawRequest(port, [httpRequest('{"action":"version","version":6}', { headers: ['Origin: vscode-webview://abc'] })]);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body).toBe('{"result": 6, "error": null}');
  });

  it('a custom CORS list allows exactly its origins (no localhost rules without http://localhost)', async () => {
    await fresh({ corsOrigins: ['http://example.com'] });
    const yes = await rawRequest(port, [httpRequest('{"action":"version"}', { headers: ['Origin: http://example.com'] })]);
    const no = await rawRequest(port, [httpRequest('{"action":"version"}', { headers: ['Origin: http://127.0.0.1'] })]);
    expect(yes.statusLine).toBe('HTTP/1.1 200 OK');
    expect(no.statusLine).toBe('HTTP/1.1 403 Forbidden');
  });

  it('requestPermission: denied for a foreign origin (200, its origin echoed), granted for an allowed one', async () => {
    const denied = await rawRequest(port, [httpRequest('{"action":"requestPermission","version":6}', { headers: ['Origin: http://localhost:3000'] })]);
    expect(denied.statusLine).toBe('HTTP/1.1 200 OK');
    expect(denied.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(denied.body).toBe('{"result": {"permission": "denied"}, "error": null}');
    const granted = await rawRequest(port, [httpRequest('{"action":"requestPermission","version":6}')]);
    expect(granted.body).toBe('{"result": {"permission": "granted", "requireApikey": false, "version": 6}, "error": null}');
  });

  it('serialises like Python json.dumps: ", " and ": " separators, non-ASCII as \\uXXXX (surrogate pairs for emoji)', async () => {
    await ok(port, 'createDeck', { deck: 'Ünïcødé 日本 🎌' });
    const res = await rawRequest(port, [httpRequest('{"action":"deckNames","version":6}')]);
    expect(res.body).toBe('{"result": ["Default", "\\u00dcn\\u00efc\\u00f8d\\u00e9 \\u65e5\\u672c \\ud83c\\udf8c"], "error": null}');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });
});

describe('§1.2 / §8.2 banner, JSON errors, schema errors', () => {
  it.each(['GET', 'POST'])('empty body (%s) → {"apiVersion": "AnkiConnect v.6"}', async (method) => {
    const res = await rawRequest(port, [httpRequest('', { method })]);
    expect(res.body).toBe('{"apiVersion": "AnkiConnect v.6"}');
  });

  it.each([
    ['not json', 'Expecting value: line 1 column 1 (char 0)'],
    ['{bad', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['{"action":"version","version":6} {}', 'Extra data: line 1 column 34 (char 33)'],
    ['{"action" "version"}', "Expecting ':' delimiter: line 1 column 11 (char 10)"],
    ['{"action":"version",\n "version":6,}', 'Expecting property name enclosed in double quotes: line 2 column 14 (char 34)'],
    ['["a" "b"]', "Expecting ',' delimiter: line 1 column 6 (char 5)"],
    ['{"action":"vers', 'Unterminated string starting at: line 1 column 11 (char 10)'],
  ])('bad JSON %j → enveloped Python error', async (body, message) => {
    expect(await call(port, body)).toEqual({ result: null, error: message });
  });

  it('invalid UTF-8 → enveloped codec error', async () => {
    const res = await rawRequest(port, [httpRequest(Buffer.from([0x7b, 0x22, 0xe7, 0x28, 0x22, 0x7d]))]);
    expect(JSON.parse(res.body)).toEqual({ result: null, error: "'utf-8' codec can't decode byte 0xe7 in position 2: invalid continuation byte" });
  });

  it.each([
    [{ version: 6 }, "'action' is a required property"],
    [{ action: 1 }, "1 is not of type 'string'"],
    [{ action: '' }, "'' should be non-empty"],
    [{ action: 'version', version: '6' }, "'6' is not of type 'integer'"],
    [{ action: 'version', version: 6.5 }, "6.5 is not of type 'integer'"],
    [{ action: 'version', version: true }, "True is not of type 'integer'"],
    [{ action: 'version', params: [] }, "[] is not of type 'object'"],
    [{ action: 'version', params: null }, "None is not of type 'object'"],
    [[], "[] is not of type 'object'"],
    ['just a string', "'just a string' is not of type 'object'"],
  ])('schema violation %j → enveloped jsonschema message whose first line is %j', async (req, first) => {
    const r = (await call(port, JSON.stringify(req))) as { result: unknown; error: string };
    expect(r.result).toBeNull();
    expect(r.error.split('\n')[0]).toBe(first);
    expect(r.error).toContain('Failed validating');
  });
});

describe('§1.3 / §8.3 versions and envelope', () => {
  it.each([
    [undefined, '6'],
    [3, '6'],
    [4, '6'],
    [5, '{"result": 6, "error": null}'],
    [6, '{"result": 6, "error": null}'],
    [99, '{"result": 6, "error": null}'],
  ])('version %s → %s', async (version, body) => {
    const res = await rawRequest(port, [httpRequest(JSON.stringify({ action: 'version', ...(version === undefined ? {} : { version }) }))]);
    expect(res.body).toBe(body);
  });

  it('void actions give a bare null with version ≤ 4 and {"result": null, "error": null} with 6', async () => {
    const id = await ok<number>(port, 'addNote', { note: basic('x') });
    const params = { note: { id, fields: { Back: 'y' } } };
    expect((await rawRequest(port, [httpRequest(JSON.stringify({ action: 'updateNoteFields', params }))])).body).toBe('null');
    expect((await rawRequest(port, [httpRequest(JSON.stringify({ action: 'updateNoteFields', version: 6, params }))])).body).toBe(
      '{"result": null, "error": null}',
    );
  });

  it.each([undefined, 4, 6])('errors are always enveloped (version %s)', async (version) => {
    expect(await call(port, { action: 'nope', ...(version === undefined ? {} : { version }) })).toEqual({ result: null, error: 'unsupported action' });
  });
});

describe('§1.5 / §8.4 API key', () => {
  it('no key configured: any non-null key fails, null or absent works', async () => {
    expect(await call(port, { action: 'version', version: 6, key: 'k' })).toEqual({ result: null, error: 'valid api key must be provided' });
    expect(await call(port, { action: 'version', version: 6, key: null })).toEqual({ result: 6, error: null });
  });

  it('key configured: absent/wrong fail, right works; the check runs before the action lookup', async () => {
    await fresh({ apiKey: 'secret' });
    expect(await call(port, { action: 'version', version: 6 })).toEqual({ result: null, error: 'valid api key must be provided' });
    expect(await call(port, { action: 'version', version: 6, key: 'SECRET' })).toEqual({ result: null, error: 'valid api key must be provided' });
    expect(await call(port, { action: 'nope', version: 6, key: 'wrong' })).toEqual({ result: null, error: 'valid api key must be provided' });
    expect(await call(port, { action: 'nope', version: 6, key: 'secret' })).toEqual({ result: null, error: 'unsupported action' });
    expect(await call(port, { action: 'version', version: 6, key: 'secret' })).toEqual({ result: 6, error: null });
  });

  it('every multi sub-action needs its own key', async () => {
    await fresh({ apiKey: 'secret' });
    const r = await call(port, {
      action: 'multi',
      version: 6,
      key: 'secret',
      params: { actions: [{ action: 'version', version: 6 }, { action: 'version', version: 6, key: 'secret' }] },
    });
    expect(r).toEqual({ result: [{ result: null, error: 'valid api key must be provided' }, { result: 6, error: null }], error: null });
  });

  it('requestPermission is exempt and reports requireApikey', async () => {
    await fresh({ apiKey: 'secret' });
    expect(await call(port, { action: 'requestPermission', version: 6 })).toEqual({
      result: { permission: 'granted', requireApikey: true, version: 6 },
      error: null,
    });
  });
});

describe('§2 / §8.5 multi', () => {
  it('reproduces the verified example of the reference', async () => {
    const res = await rawRequest(port, [
      httpRequest(
        JSON.stringify({
          action: 'multi',
          version: 6,
          params: {
            actions: [
              { action: 'deckNames' },
              { action: 'deckNames', version: 6 },
              { action: 'nope' },
              { action: 'updateNoteFields', version: 6, params: { note: { id: 1, fields: {} } } },
              { action: 'createDeck', params: { deck: 'New' } },
            ],
          },
        }),
      ),
    ]);
    const newId = srv.collection.deckByName('New')?.id;
    expect(newId).toBeGreaterThan(1e12);
    expect(res.body).toBe(
      `{"result": [["Default"], {"result": ["Default"], "error": null}, {"result": null, "error": "unsupported action"}, {"result": null, "error": "Note was not found: 1"}, ${newId}], "error": null}`,
    );
  });

  it('two void sub-actions without version give [null, null] (reference §5)', async () => {
    const id = await ok<number>(port, 'addNote', { note: basic('q') });
    const sub = { action: 'updateNoteFields', params: { note: { id, fields: { Back: 'z' } } } };
    expect(await call(port, { action: 'multi', version: 6, params: { actions: [sub, sub] } })).toEqual({ result: [null, null], error: null });
  });

  it('is sequential and not atomic: later entries see earlier effects, a failure rolls nothing back', async () => {
    const r = (await call(port, {
      action: 'multi',
      version: 6,
      params: {
        actions: [
          { action: 'createDeck', version: 6, params: { deck: 'A::B' } },
          { action: 'addNote', version: 6, params: { note: { ...basic('one'), deckName: 'A::B' } } },
          { action: 'addNote', version: 6, params: { note: { ...basic('one'), deckName: 'A::B' } } },
          { action: 'findNotes', version: 6, params: { query: 'deck:A' } },
        ],
      },
    })) as { result: Array<{ result: unknown; error: string | null }> };
    expect(r.result[2]).toEqual({ result: null, error: 'cannot create note because it is a duplicate' });
    expect(r.result[3]?.result).toEqual([r.result[1]?.result]);
  });

  it('empty list → []; nested multi works', async () => {
    expect(await call(port, { action: 'multi', version: 6, params: { actions: [] } })).toEqual({ result: [], error: null });
    const r = await call(port, {
      action: 'multi',
      version: 6,
      params: { actions: [{ action: 'multi', version: 6, params: { actions: [{ action: 'version' }] } }] },
    });
    expect(r).toEqual({ result: [{ result: [6], error: null }], error: null });
  });

  it.each([
    ['a string', "'str' object has no attribute 'get'"],
    [5, "'int' object has no attribute 'get'"],
    [null, "'NoneType' object has no attribute 'get'"],
  ])('a non-object element (%j) aborts the whole multi', async (bad, message) => {
    expect(await call(port, { action: 'multi', version: 6, params: { actions: [{ action: 'version' }, bad] } })).toEqual({
      result: null,
      error: message,
    });
  });

  it('sub-actions are not schema-validated: list params and string versions give Python errors', async () => {
    const r = (await call(port, {
      action: 'multi',
      version: 6,
      params: { actions: [{ action: 'version', params: [] }] },
    })) as { result: Array<{ error: string }> };
    expect(r.result[0]?.error).toMatch(/AnkiConnect\.version\(\) argument after \*\* must be a mapping, not list$/);
    // the action runs, then formatting its reply fails inside the add-on's try: that entry becomes an error
    expect(
      await call(port, {
        action: 'multi',
        version: 6,
        params: { actions: [{ action: 'createDeck', version: '6', params: { deck: 'Ran' } }, { action: 'version', version: null }, { action: 'nope', version: '6' }] },
      }),
    ).toEqual({
      result: [
        { result: null, error: "'<=' not supported between instances of 'str' and 'int'" },
        { result: null, error: "'<=' not supported between instances of 'NoneType' and 'int'" },
        { result: null, error: 'unsupported action' },
      ],
      error: null,
    });
    expect(srv.collection.deckByName('Ran')).toBeDefined();
  });

  it('requestPermission inside multi fails with the TypeError', async () => {
    expect(await call(port, { action: 'multi', version: 6, params: { actions: [{ action: 'requestPermission', version: 6 }] } })).toEqual({
      result: [{ result: null, error: "AnkiConnect.requestPermission() missing 2 required positional arguments: 'origin' and 'allowed'" }],
      error: null,
    });
  });
});

describe('§1.4 / §8.6 dispatch errors', () => {
  it.each([
    [{ action: 'nope' }, 'unsupported action'],
    [{ action: 'DeckNames' }, 'unsupported action'],
    [{ action: 'createDeck' }, "AnkiConnect.createDeck() missing 1 required positional argument: 'deck'"],
    [{ action: 'findNotes', params: { q: 'x' } }, "AnkiConnect.findNotes() got an unexpected keyword argument 'q'"],
    [{ action: 'changeDeck', params: {} }, "AnkiConnect.changeDeck() missing 2 required positional arguments: 'cards' and 'deck'"],
    [
      { action: 'replaceTags', params: {} },
      "AnkiConnect.replaceTags() missing 3 required positional arguments: 'notes', 'tag_to_replace', and 'replace_with_tag'",
    ],
    [{ action: 'deleteNotes' }, "AnkiConnect.deleteNotes() missing 1 required positional argument: 'notes'"],
    [{ action: 'notesInfo' }, 'Must provide either "notes" or a "query"'],
    [{ action: 'addNote', params: { note: { deckName: 'Default', modelName: 'Basic' } } }, "'fields'"],
    [{ action: 'addNote', params: { note: { modelName: 'Basic', fields: {} } } }, "'deckName'"],
    [{ action: 'updateNoteFields', params: { note: { fields: {} } } }, "'id'"],
  ])('%j → %s', async (req, error) => {
    expect(await call(port, { ...req, version: 6 })).toEqual({ result: null, error });
  });
});

describe('§3.1 miscellaneous actions', () => {
  it('apiReflect lists actions alphabetically, filters a given list in input order, validates its arguments', async () => {
    const all = (await ok<{ scopes: string[]; actions: string[] }>(port, 'apiReflect', { scopes: ['actions'], actions: null })).actions;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['notesModTime', 'multi', 'findNotes', 'updateNoteFields', 'canAddNotesWithErrorDetail']));
    expect(await ok(port, 'apiReflect', { scopes: ['actions', 'other'], actions: ['version', 'nope', 'notesModTime'] })).toEqual({
      scopes: ['actions'],
      actions: ['version', 'notesModTime'],
    });
    expect(await ok(port, 'apiReflect', { scopes: ['other'] })).toEqual({ scopes: [] });
    expect((await v6(port, 'apiReflect', { scopes: 'actions' })).error).toBe('scopes has invalid value');
    expect((await v6(port, 'apiReflect', { scopes: ['actions'], actions: 'x' })).error).toBe('actions has invalid value');
  });

  it('profiles, sync error, version', async () => {
    expect(await ok(port, 'getProfiles')).toEqual(['User 1']);
    expect(await ok(port, 'getActiveProfile')).toBe('User 1');
    expect(await v6(port, 'sync')).toEqual({ result: null, error: 'sync: auth not configured' });
    expect(await ok(port, 'version')).toBe(6);
  });
});

describe('§3.2 / §8.10 decks', () => {
  it.each([
    ['A::::B', 'A::blank::B'],
    ['  Padded  ::  Child ', 'Padded::Child'],
    ['Quote"d::Ctrl\u0007Char', 'Quoted::CtrlChar'],
    ['Cafe\u0301', 'Café'],
    ['', 'blank'],
  ])('createDeck(%j) normalises to %j and creates parents', async (input, expected) => {
    const id = await ok<number>(port, 'createDeck', { deck: input });
    const names = await ok<string[]>(port, 'deckNames');
    expect(names).toContain(expected);
    const parts = expected.split('::');
    for (let i = 1; i < parts.length; i++) expect(names).toContain(parts.slice(0, i).join('::'));
    expect((await ok<Record<string, number>>(port, 'deckNamesAndIds'))[expected]).toBe(id);
  });

  it('lookup is case-insensitive: createDeck("default") returns 1; existing decks keep their spelling', async () => {
    expect(await ok(port, 'createDeck', { deck: 'default' })).toBe(1);
    const id = await ok<number>(port, 'createDeck', { deck: 'Lang::French' });
    expect(await ok(port, 'createDeck', { deck: 'lang::FRENCH' })).toBe(id);
    await ok(port, 'createDeck', { deck: 'LANG::German' });
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'Lang', 'Lang::French', 'Lang::German']);
  });

  it('deckNames sorts case-insensitively with parents before children', async () => {
    for (const d of ['b', 'A::z', 'a b', 'A', 'A::B', 'Ab']) await ok(port, 'createDeck', { deck: d });
    expect(await ok(port, 'deckNames')).toEqual(['A', 'A::B', 'A::z', 'a b', 'Ab', 'b', 'Default']);
  });

  it('getDecks groups by current deck; unknown ids under Default; [] → {}', async () => {
    await ok(port, 'createDeck', { deck: 'X' });
    const nid = await ok<number>(port, 'addNote', { note: { ...basic('g'), deckName: 'X' } });
    const [cid] = srv.collection.cardsOf(nid).map((c) => c.id);
    expect(await ok(port, 'getDecks', { cards: [cid, 123] })).toEqual({ X: [cid], Default: [123] });
    expect(await ok(port, 'getDecks', { cards: [] })).toEqual({});
  });

  it('changeDeck creates the target deck and ignores unknown cards', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('c') });
    const cid = srv.collection.cardsOf(nid)[0]?.id as number;
    expect(await ok(port, 'changeDeck', { cards: [cid, 42], deck: 'New::Deck' })).toBeNull();
    expect(await ok(port, 'getDecks', { cards: [cid] })).toEqual({ 'New::Deck': [cid] });
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'New', 'New::Deck']);
  });

  it('deleteDecks needs cardsToo: true, skips names not matching exactly, deletes children and their notes', async () => {
    await ok(port, 'createDeck', { deck: 'P::C' });
    const nid = await ok<number>(port, 'addNote', { note: { ...basic('d'), deckName: 'P::C' } });
    expect((await v6(port, 'deleteDecks', { decks: ['P'] })).error).toBe(
      "Since Anki 2.1.28 it's not possible to delete decks without deleting cards as well",
    );
    await ok(port, 'deleteDecks', { decks: ['p'], cardsToo: true });
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'P', 'P::C']);
    await ok(port, 'deleteDecks', { decks: ['P'], cardsToo: true });
    expect(await ok(port, 'deckNames')).toEqual(['Default']);
    expect(await ok(port, 'notesInfo', { notes: [nid] })).toEqual([{}]);
  });

  it('deckNameFromId: known id → name, unknown → Default', async () => {
    const id = await ok<number>(port, 'createDeck', { deck: 'Known' });
    expect(await ok(port, 'deckNameFromId', { deckId: id })).toBe('Known');
    expect(await ok(port, 'deckNameFromId', { deckId: 999 })).toBe('Default');
  });
});

describe('§3.3 / §8.7 / §8.9 notes', () => {
  it('notesInfo: keys and order, {} for unknown ids, duplicates repeated, query wins; mod and profile present', async () => {
    const nid = await ok<number>(port, 'addNote', { note: { deckName: 'Default', modelName: 'Basic (and reversed card)', fields: { Front: 'f', Back: 'b' }, tags: ['t'] } });
    const info = await ok<Array<Record<string, unknown>>>(port, 'notesInfo', { notes: [nid, 5, nid] });
    expect(info[1]).toEqual({});
    expect(info[2]).toEqual(info[0]);
    const n = info[0] as Record<string, unknown>;
    expect(Object.keys(n)).toEqual(['noteId', 'profile', 'tags', 'fields', 'modelName', 'mod', 'cards']);
    expect(n.fields).toEqual({ Front: { value: 'f', order: 0 }, Back: { value: 'b', order: 1 } });
    expect(n.profile).toBe('User 1');
    expect(n.mod).toBe(srv.collection.getNote(nid)?.mod);
    const cards = srv.collection.cardsOf(nid);
    expect(cards.map((c) => c.ord)).toEqual([0, 1]);
    expect(n.cards).toEqual(cards.map((c) => c.id));
    expect(await ok(port, 'notesInfo', { notes: [5], query: `nid:${nid}` })).toEqual([n]);
  });

  it('notesModTime / cardsModTime: {} placeholders; cardsToNotes distinct', async () => {
    const nid = await ok<number>(port, 'addNote', { note: { deckName: 'Default', modelName: 'Basic (and reversed card)', fields: { Front: 'm', Back: 'n' } } });
    const note = srv.collection.getNote(nid);
    const cids = srv.collection.cardsOf(nid).map((c) => c.id);
    expect(await ok(port, 'notesModTime', { notes: [nid, 1] })).toEqual([{ noteId: nid, mod: note?.mod }, {}]);
    const cm = await ok<Array<Record<string, unknown>>>(port, 'cardsModTime', { cards: [cids[0], 2] });
    expect(cm[0]).toEqual({ cardId: cids[0], mod: expect.any(Number) });
    expect(cm[1]).toEqual({});
    expect(await ok(port, 'cardsToNotes', { cards: [...cids, 9] })).toEqual([nid]);
  });

  it('cardsInfo: every documented key, fieldOrder = ord, rendered question/answer with <style>; {} for unknown', async () => {
    const nid = await ok<number>(port, 'addNote', {
      note: { deckName: 'Default', modelName: 'Cloze', fields: { Text: 'A {{c1::cat}} and a {{c2::dog}}', 'Back Extra': 'x' } },
    });
    const cids = srv.collection.cardsOf(nid).map((c) => c.id);
    expect(cids).toHaveLength(2);
    const info = await ok<Array<Record<string, unknown>>>(port, 'cardsInfo', { cards: [cids[1], 3] });
    const c = info[0] as Record<string, unknown>;
    expect(Object.keys(c).sort()).toEqual(
      ['cardId', 'fields', 'fieldOrder', 'question', 'answer', 'modelName', 'ord', 'deckName', 'css', 'factor', 'interval', 'note', 'type', 'queue', 'due', 'reps', 'lapses', 'left', 'mod', 'nextReviews', 'flags'].sort(),
    );
    expect(c.ord).toBe(1);
    expect(c.fieldOrder).toBe(1);
    expect(c.note).toBe(nid);
    expect(String(c.question)).toMatch(/^<style>[\s\S]*\.cloze[\s\S]*<\/style>/);
    expect(String(c.question)).toContain('[...]');
    expect(String(c.answer)).toContain('dog');
    expect(c.type).toBe(0);
    expect(c.queue).toBe(0);
    expect(info[1]).toEqual({});
  });

  it('updateNoteFields: exact (case-sensitive) names, unknown names ignored, omitted kept, NFC, no-op keeps mod', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('front', 'back') });
    const note = srv.collection.getNote(nid);
    if (!note) throw new Error('missing');
    note.mod -= 100; // pretend it was created long ago
    const before = note.mod;
    await ok(port, 'updateNoteFields', { note: { id: nid, fields: { front: 'lower', Nope: 'x', Back: 'back' } } });
    expect(note.fields).toEqual(['front', 'back']);
    expect(note.mod).toBe(before);
    await ok(port, 'updateNoteFields', { note: { id: nid, fields: { Back: 'Cafe\u0301' } } });
    expect(note.fields).toEqual(['front', 'Café']);
    expect(note.mod).toBeGreaterThan(before);
    expect(await v6(port, 'updateNoteFields', { note: { id: 77, fields: {} } })).toEqual({ result: null, error: 'Note was not found: 77' });
    expect(await v6(port, 'updateNoteFields', { note: { id: nid } })).toEqual({ result: null, error: "'fields'" });
  });

  it('updateNote runs fields then tags; neither → error', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('u') });
    await ok(port, 'updateNote', { note: { id: nid, fields: { Back: 'new' }, tags: ['a', 'b'] } });
    expect(srv.collection.getNote(nid)?.fields[1]).toBe('new');
    expect(srv.collection.getNote(nid)?.tags).toEqual(['a', 'b']);
    expect((await v6(port, 'updateNote', { note: { id: nid } })).error).toBe('Must provide a "fields" or "tags" property.');
  });

  it('updateNoteTags: list or single string; non-strings rejected; unknown note', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('t', 'b', { tags: ['old', 'old::child'] }) });
    await ok(port, 'updateNoteTags', { note: nid, tags: ['x', 'y::z'] });
    expect(await ok(port, 'getNoteTags', { note: nid })).toEqual(['x', 'y::z']);
    await ok(port, 'updateNoteTags', { note: nid, tags: 'single' });
    expect(await ok(port, 'getNoteTags', { note: nid })).toEqual(['single']);
    expect((await v6(port, 'updateNoteTags', { note: nid, tags: [1] })).error).toBe('Must provide tags as a list of strings');
    expect((await v6(port, 'updateNoteTags', { note: 5, tags: [] })).error).toBe('Note was not found: 5');
  });

  it('addTags / removeTags take one space-separated string; removal is case-insensitive and removes children', async () => {
    const a = await ok<number>(port, 'addNote', { note: basic('a', 'b', { tags: ['Keep', 'drop::child', 'DROP'] }) });
    const b = await ok<number>(port, 'addNote', { note: basic('b') });
    await ok(port, 'addTags', { notes: [a, b, 404], tags: 'new1 new2' });
    expect(srv.collection.getNote(b)?.tags).toEqual(['new1', 'new2']);
    await ok(port, 'removeTags', { notes: [a], tags: 'drop NEW1' });
    expect(srv.collection.getNote(a)?.tags).toEqual(['Keep', 'new2']);
    expect(await ok(port, 'getTags')).toEqual(['DROP', 'drop::child', 'Keep', 'new1', 'new2']);
  });

  it('a new tag takes the case of an existing tag', async () => {
    await ok(port, 'addNote', { note: basic('x', 'y', { tags: ['Verb'] }) });
    const n = await ok<number>(port, 'addNote', { note: basic('z', 'y', { tags: ['verb'] }) });
    expect(srv.collection.getNote(n)?.tags).toEqual(['Verb']);
  });

  it('deleteNotes removes notes and cards, ignores unknown ids', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('del') });
    const cid = srv.collection.cardsOf(nid)[0]?.id as number;
    expect(await ok(port, 'deleteNotes', { notes: [nid, 3] })).toBeNull();
    expect(srv.collection.getNote(nid)).toBeUndefined();
    expect(await ok(port, 'cardsInfo', { cards: [cid] })).toEqual([{}]);
  });
});

describe('§3.3 / §8.8 adding notes', () => {
  it('checks the model, then the deck (deck not auto-created)', async () => {
    expect((await v6(port, 'addNote', { note: { deckName: 'Nope', modelName: 'Nope', fields: {} } })).error).toBe('model was not found: Nope');
    expect((await v6(port, 'addNote', { note: { deckName: 'Nope', modelName: 'Basic', fields: {} } })).error).toBe('deck was not found: Nope');
    expect(await ok(port, 'deckNames')).toEqual(['Default']);
  });

  it('ids are 13-digit millisecond timestamps, unique, increasing', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await ok<number>(port, 'addNote', { note: basic(`n${i}`) }));
    for (const id of ids) expect(String(id)).toMatch(/^\d{13}$/);
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
  });

  it('field names are matched case-insensitively; unknown names ignored', async () => {
    const nid = await ok<number>(port, 'addNote', { note: { deckName: 'default', modelName: 'basic', fields: { FRONT: 'F', back: 'B', Extra: 'e' } } });
    expect(srv.collection.getNote(nid)?.fields).toEqual(['F', 'B']);
  });

  it.each([
    ['dog', '<b>dog</b>', 'duplicate'],
    ['dog', 'dog&nbsp;', 'distinct'],
    ['<img src="a.png">', '<img src="b.png">', 'distinct'],
    ['<div>cat</div>', 'cat', 'duplicate'],
    ['Dog', 'dog', 'distinct'],
  ])('duplicate check strips HTML: %j then %j → %s', async (first, second, verdict) => {
    await ok(port, 'addNote', { note: basic(first) });
    const r = await v6(port, 'addNote', { note: basic(second) });
    if (verdict === 'duplicate') expect(r.error).toBe('cannot create note because it is a duplicate');
    else expect(r.error).toBeNull();
  });

  it('duplicates only count within the same note type, anywhere in the collection; allowDuplicate overrides', async () => {
    await ok(port, 'createDeck', { deck: 'Other' });
    await ok(port, 'addNote', { note: basic('same') });
    expect((await v6(port, 'addNote', { note: { ...basic('same'), deckName: 'Other' } })).error).toBe('cannot create note because it is a duplicate');
    expect((await v6(port, 'addNote', { note: { ...basic('same'), modelName: 'Basic (and reversed card)' } })).error).toBeNull();
    expect((await v6(port, 'addNote', { note: basic('same', 'b', { options: { allowDuplicate: true } }) })).error).toBeNull();
    expect((await v6(port, 'addNote', { note: basic('same', 'b', { options: { allowDuplicate: 'yes' } }) })).error).toBe(
      'option parameter "allowDuplicate" must be boolean',
    );
  });

  it('duplicateScope "deck" only looks in the target deck', async () => {
    await ok(port, 'createDeck', { deck: 'Other' });
    await ok(port, 'addNote', { note: basic('scoped') });
    expect((await v6(port, 'addNote', { note: { ...basic('scoped'), deckName: 'Other', options: { duplicateScope: 'deck' } } })).error).toBeNull();
    expect((await v6(port, 'addNote', { note: basic('scoped', 'x', { options: { duplicateScope: 'deck' } }) })).error).toBe(
      'cannot create note because it is a duplicate',
    );
  });

  it.each([
    [{ Front: '', Back: 'b' }, 'Basic', 'cannot create note because it is empty'],
    [{ Front: '<br> &nbsp; ', Back: 'b' }, 'Basic', 'cannot create note because it is empty'],
    [{ Front: '{{c1::x}}', Back: 'b' }, 'Basic', 'cannot create note for unknown reason'],
    [{ Text: 'no cloze here' }, 'Cloze', 'cannot create note for unknown reason'],
    [{ Text: 'ok {{c1::x}}', 'Back Extra': '{{c2::y}}' }, 'Cloze', 'cannot create note for unknown reason'],
  ])('fields %j on %s → %s', async (fields, modelName, error) => {
    expect((await v6(port, 'addNote', { note: { deckName: 'Default', modelName, fields } })).error).toBe(error);
  });

  it('card generation: reversed → 2 cards, optional reversed only with "Add Reverse", cloze one per number', async () => {
    const mk = async (modelName: string, fields: Record<string, string>) =>
      srv.collection.cardsOf(await ok<number>(port, 'addNote', { note: { deckName: 'Default', modelName, fields } })).map((c) => c.ord);
    expect(await mk('Basic (and reversed card)', { Front: 'a', Back: 'b' })).toEqual([0, 1]);
    expect(await mk('Basic (optional reversed card)', { Front: 'c', Back: 'd' })).toEqual([0]);
    expect(await mk('Basic (optional reversed card)', { Front: 'e', Back: 'f', 'Add Reverse': 'y' })).toEqual([0, 1]);
    expect(await mk('Cloze', { Text: '{{c1::a}} {{c3::b}} {{c1::c}}' })).toEqual([0, 2]);
  });

  it('addNotes is all-or-nothing with a Python list repr error', async () => {
    const r = await v6(port, 'addNotes', {
      notes: [basic('fine'), { deckName: 'Default', modelName: 'non_existent_model', fields: {} }, basic("it's", 'b'), basic('fine')],
    });
    expect(r).toEqual({
      result: null,
      error: "['model was not found: non_existent_model', 'cannot create note because it is a duplicate']",
    });
    expect(srv.collection.notes.size).toBe(0);
    const ids = await ok<number[]>(port, 'addNotes', { notes: [basic('x1'), basic('x2')] });
    expect(ids).toHaveLength(2);
  });

  it('canAddNotes judges against the collection only (intra-batch duplicates both true); with error detail', async () => {
    await ok(port, 'addNote', { note: basic('exists') });
    expect(await ok(port, 'canAddNotes', { notes: [basic('new'), basic('new'), basic('exists'), basic('')] })).toEqual([true, true, false, false]);
    expect(await ok(port, 'canAddNotesWithErrorDetail', { notes: [basic('new'), basic('exists')] })).toEqual([
      { canAdd: true },
      { canAdd: false, error: 'cannot create note because it is a duplicate' },
    ]);
    expect(srv.collection.notes.size).toBe(1);
  });

  it('media objects with data are stored and referenced in the listed fields', async () => {
    const nid = await ok<number>(port, 'addNote', {
      note: basic('media', '', { picture: [{ filename: 'p.png', data: Buffer.from('png').toString('base64'), fields: ['Back'] }] }),
    });
    expect(srv.collection.getNote(nid)?.fields[1]).toBe('<img src="p.png">');
    expect(await ok(port, 'retrieveMediaFile', { filename: 'p.png' })).toBe(Buffer.from('png').toString('base64'));
  });
});

describe('§3.5 models and §3.7 gui', () => {
  it('stock note types with fields, templates and styling', async () => {
    const names = await ok<string[]>(port, 'modelNames');
    expect(names).toEqual(expect.arrayContaining(['Basic', 'Basic (and reversed card)', 'Basic (optional reversed card)', 'Basic (type in the answer)', 'Cloze']));
    expect(await ok(port, 'modelFieldNames', { modelName: 'Basic (optional reversed card)' })).toEqual(['Front', 'Back', 'Add Reverse']);
    expect(await ok(port, 'modelFieldsOnTemplates', { modelName: 'Basic (and reversed card)' })).toEqual({
      'Card 1': [['Front'], ['Back']],
      'Card 2': [['Back'], ['Front']],
    });
    expect(await ok(port, 'modelFieldsOnTemplates', { modelName: 'Basic (type in the answer)' })).toEqual({ 'Card 1': [['Front', 'Back'], []] });
    expect(await ok(port, 'modelTemplates', { modelName: 'Cloze' })).toEqual({ Cloze: { Front: '{{cloze:Text}}', Back: '{{cloze:Text}}<br>\n{{Back Extra}}' } });
    expect(((await ok(port, 'modelStyling', { modelName: 'Basic' })) as { css: string }).css).toContain('.card {');
    const ids = await ok<Record<string, number>>(port, 'modelNamesAndIds');
    expect(Object.keys(ids).sort()).toEqual([...names].sort());
    expect((await v6(port, 'modelFieldNames', { modelName: 'Nope' })).error).toBe('model was not found: Nope');
  });

  it('guiBrowse returns card ids for the query and records it; guiSelectedNotes is [] with no browser', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('browse') });
    const cids = srv.collection.cardsOf(nid).map((c) => c.id);
    expect(await ok(port, 'guiBrowse', { query: `nid:${nid}` })).toEqual(cids);
    expect(srv.collection.lastGuiBrowse).toBe(`nid:${nid}`);
    expect(await ok(port, 'guiBrowse')).toEqual([]);
    expect(await ok(port, 'guiSelectedNotes')).toEqual([]);
  });
});

describe('§5 corrections to the seed doc', () => {
  it('error for a missing note is "Note was not found: <id>"; missing params give TypeErrors', async () => {
    expect((await v6(port, 'getNoteTags', { note: 12 })).error).toBe('Note was not found: 12');
    expect((await v6(port, 'deleteNotes', {})).error).toBe("AnkiConnect.deleteNotes() missing 1 required positional argument: 'notes'");
  });
});

describe('addon: 2023 (a build from before 2024, reference §3.3 "Older builds")', () => {
  it('has no notesModTime, and apiReflect lists none of the actions added since 2024', async () => {
    await fresh({ addon: '2023' });
    const nid = await ok<number>(port, 'addNote', { note: basic('old') });
    expect((await v6(port, 'notesModTime', { notes: [nid] })).error).toBe('unsupported action');
    const listed = ((await ok(port, 'apiReflect', { scopes: ['actions'] })) as { actions: string[] }).actions;
    for (const a of ['notesModTime', 'canAddNotesWithErrorDetail', 'findModelsByName', 'updateNoteModel', 'getActiveProfile', 'guiSelectCard', 'guiSelectNote']) {
      expect(listed).not.toContain(a);
      expect((await v6(port, a, {})).error).toBe('unsupported action');
    }
    expect(listed).toEqual(expect.arrayContaining(['notesInfo', 'multi', 'cardsModTime', 'updateNoteFields', 'apiReflect']));
  });

  it('notesInfo: no mod, no profile; `query` is an unexpected keyword and `notes` is required', async () => {
    await fresh({ addon: '2023' });
    const nid = await ok<number>(port, 'addNote', { note: basic('old', 'b', { tags: ['t'] }) });
    const info = await ok<Array<Record<string, unknown>>>(port, 'notesInfo', { notes: [nid, 1] });
    expect(Object.keys(info[0] ?? {}).sort()).toEqual(['cards', 'fields', 'modelName', 'noteId', 'tags']);
    expect(info[0]).toMatchObject({ noteId: nid, modelName: 'Basic', tags: ['t'], fields: { Front: { value: 'old', order: 0 }, Back: { value: 'b', order: 1 } } });
    expect(info[1]).toEqual({});
    expect((await v6(port, 'notesInfo', { query: `nid:${nid}` })).error).toBe("AnkiConnect.notesInfo() got an unexpected keyword argument 'query'");
    expect((await v6(port, 'notesInfo', {})).error).toBe("AnkiConnect.notesInfo() missing 1 required positional argument: 'notes'");
    // inside multi the same error is that entry's own outcome
    const multi = await ok<Array<{ result: unknown; error: string | null }>>(port, 'multi', {
      actions: [{ action: 'notesInfo', version: 6, params: { query: 'nid:0' } }, { action: 'notesInfo', version: 6, params: { notes: [nid] } }],
    });
    expect(multi[0]?.error).toBe("AnkiConnect.notesInfo() got an unexpected keyword argument 'query'");
    expect(multi[1]?.error).toBeNull();
  });

  it('cardsInfo has no nextReviews and no flags; the current build has both, and mod/profile/query in notesInfo', async () => {
    await fresh({ addon: '2023' });
    const nid = await ok<number>(port, 'addNote', { note: basic('c') });
    const [oldInfo] = await ok<Array<{ cards: number[] }>>(port, 'notesInfo', { notes: [nid] });
    const [oldCard] = await ok<Array<Record<string, unknown>>>(port, 'cardsInfo', { cards: oldInfo?.cards ?? [] });
    expect(oldCard).not.toHaveProperty('nextReviews');
    expect(oldCard).not.toHaveProperty('flags');
    await fresh({ addon: 'current' });
    const nid2 = await ok<number>(port, 'addNote', { note: basic('c') });
    const [cur] = await ok<Array<Record<string, unknown> & { cards: number[] }>>(port, 'notesInfo', { query: `nid:${nid2}` });
    expect(cur).toHaveProperty('mod');
    expect(cur).toHaveProperty('profile');
    const [curCard] = await ok<Array<Record<string, unknown>>>(port, 'cardsInfo', { cards: cur?.cards ?? [] });
    expect(curCard).toHaveProperty('nextReviews');
    expect(curCard).toHaveProperty('flags');
  });

  it('the deprecated `legacy: true` is the same build', async () => {
    await fresh({ legacy: true });
    expect((await v6(port, 'notesModTime', { notes: [] })).error).toBe('unsupported action');
    expect((await v6(port, 'notesInfo', { query: 'nid:0' })).error).toMatch(/unexpected keyword argument 'query'/);
  });
});

describe('faults, simulation, stats', () => {
  afterEach(() => srv.faults.clear());

  it('refuseConnections: ECONNREFUSED while on, same port works again when off', async () => {
    await srv.faults.refuseConnections(true);
    await expect(call(port, { action: 'version' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await srv.faults.refuseConnections(false);
    expect(await call(port, { action: 'version' })).toBe(6);
  });

  it('resetNext: the socket is reset without a reply and the action does not run', async () => {
    srv.faults.resetNext(1);
    await expect(call(port, { action: 'createDeck', params: { deck: 'Never' } })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(srv.collection.deckByName('Never')).toBeUndefined();
    expect(await call(port, { action: 'version' })).toBe(6);
  });

  it('delayNext holds the reply', async () => {
    srv.faults.delayNext(1, 150);
    const t0 = performance.now();
    await call(port, { action: 'version' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('failMultiEntry fails that entry of the next multi without running it', async () => {
    srv.faults.failMultiEntry(1, 'boom');
    const r = await call(port, {
      action: 'multi',
      version: 6,
      params: { actions: [{ action: 'createDeck', version: 6, params: { deck: 'One' } }, { action: 'createDeck', version: 6, params: { deck: 'Two' } }] },
    });
    expect((r as { result: unknown[] }).result[1]).toEqual({ result: null, error: 'boom' });
    expect(srv.collection.deckByName('Two')).toBeUndefined();
    expect(srv.collection.deckByName('One')).toBeDefined();
  });

  it('editInAnki changes content and strictly bumps mod, even twice in the same second; touch bumps only mod', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('sim') });
    const m0 = srv.collection.getNote(nid)?.mod as number;
    srv.simulate.editInAnki(nid, { fields: { Back: 'edited' }, tags: ['t1'] });
    const m1 = srv.collection.getNote(nid)?.mod as number;
    srv.simulate.touch(nid);
    const m2 = srv.collection.getNote(nid)?.mod as number;
    expect(m1).toBeGreaterThan(m0);
    expect(m2).toBeGreaterThan(m1);
    expect(await ok(port, 'notesInfo', { notes: [nid] })).toMatchObject([{ fields: { Back: { value: 'edited' } }, tags: ['t1'], mod: m2 }]);
    srv.simulate.deleteNote(nid);
    expect(await ok(port, 'notesInfo', { notes: [nid] })).toEqual([{}]);
  });

  it('openInBrowser: updateNoteFields on that note silently does nothing (issue #82) until closeBrowser', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('open') });
    srv.simulate.openInBrowser(nid);
    expect(await v6(port, 'updateNoteFields', { note: { id: nid, fields: { Back: 'lost' } } })).toEqual({ result: null, error: null });
    expect(srv.collection.getNote(nid)?.fields[1]).toBe('back');
    expect(await ok(port, 'guiSelectedNotes')).toEqual([nid]);
    srv.simulate.closeBrowser();
    await ok(port, 'updateNoteFields', { note: { id: nid, fields: { Back: 'kept' } } });
    expect(srv.collection.getNote(nid)?.fields[1]).toBe('kept');
  });

  it('stats count requests and actions (multi sub-actions too) and log each request', async () => {
    srv.stats.reset();
    await call(port, { action: 'multi', params: { actions: [{ action: 'version' }, { action: 'deckNames' }] } });
    await call(port, { action: 'version' });
    expect(srv.stats.requests).toBe(2);
    expect(srv.stats.actions).toEqual({ multi: 1, version: 2, deckNames: 1 });
    expect(srv.stats.log.map((e) => [e.action, e.subActions])).toEqual([
      ['multi', ['version', 'deckNames']],
      ['version', undefined],
    ]);
    expect(srv.stats.log[0]?.bytesIn).toBeGreaterThan(40);
  });

  it('restart keeps the port and the collection', async () => {
    await ok(port, 'createDeck', { deck: 'Persist' });
    await srv.restart();
    expect(srv.port).toBe(port);
    expect(await ok(port, 'deckNames')).toContain('Persist');
  });

  it('a supplied Collection is served as is', async () => {
    const col = new Collection();
    col.ensureDeck('Given::Deck');
    await fresh({ collection: col });
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'Given', 'Given::Deck']);
  });
});

describe('§6 / §8.11 anki latency profile', () => {
  beforeAll(() => undefined);
  it('serves 30 parallel connections serially, all successfully, one request per tick', async () => {
    await fresh({ latency: 'anki' });
    const replies = await Promise.all(Array.from({ length: 30 }, () => call(port, { action: 'version' })));
    expect(replies).toEqual(Array.from({ length: 30 }, () => 6));
    expect(srv.stats.requests).toBe(30);
  });
});

describe('more 2023-build and timing behaviour', () => {
  it('addon 2023: plain-text banner; addNotes answers [id, null] without rolling back', async () => {
    await fresh({ addon: '2023' });
    const banner = await rawRequest(port, [httpRequest('')]);
    expect(banner.body).toBe('AnkiConnect v.6');
    expect(banner.headers['content-type']).toBe('application/json');
    const r = await ok<Array<number | null>>(port, 'addNotes', { notes: [basic('l1'), { deckName: 'Default', modelName: 'Nope', fields: {} }, basic('l1')] });
    expect(r[0]).toEqual(expect.any(Number));
    expect(r.slice(1)).toEqual([null, null]);
    expect(srv.collection.notes.size).toBe(1);
  });

  it('anki profile: a client stalled mid-body blocks everyone else until its body completes', async () => {
    await fresh({ latency: 'anki' });
    const body = '{"action":"version","version":6}';
    const stalled = net.connect({ port, host: '127.0.0.1' });
    const stalledReply: Buffer[] = [];
    stalled.on('data', (c: Buffer) => stalledReply.push(c));
    await new Promise((r) => stalled.once('connect', r));
    stalled.write(`POST / HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 100)); // let the server accept it
    let otherDone = false;
    const other = call(port, { action: 'deckNames' }).then((x) => {
      otherDone = true;
      return x;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(otherDone).toBe(false);
    stalled.write(body.slice(10));
    await new Promise((r) => stalled.once('end', r));
    stalled.destroy();
    expect(Buffer.concat(stalledReply).toString()).toContain('{"result": 6, "error": null}');
    expect(await other).toEqual(['Default']);
  });

  it('a 2 MB request body is read completely', async () => {
    const notes = Array.from({ length: 400 }, (_, i) => basic(`big ${i}`, 'x'.repeat(5000)));
    const ids = await ok<number[]>(port, 'addNotes', { notes });
    expect(ids).toHaveLength(400);
    expect(srv.stats.log[srv.stats.log.length - 1]?.bytesIn).toBeGreaterThan(2_000_000);
  });
});

describe('more actions', () => {
  it('closeProfile: collection actions fail with "collection is not available"; version/apiReflect still work', async () => {
    srv.simulate.closeProfile();
    expect(await v6(port, 'deckNames')).toEqual({ result: null, error: 'collection is not available' });
    expect(await v6(port, 'version')).toEqual({ result: 6, error: null });
    expect((await v6(port, 'apiReflect', { scopes: ['actions'], actions: ['version'] })).error).toBeNull();
    srv.simulate.openProfile();
    expect(await ok(port, 'deckNames')).toEqual(['Default']);
  });

  it('updateNoteModel: validates, sets the type, fills given fields case-insensitively, replaces tags', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('um', 'b', { tags: ['old'] }) });
    expect((await v6(port, 'updateNoteModel', { note: { modelName: 'Cloze', fields: { Text: 'x' } } })).error).toBe('Note ID is required');
    expect((await v6(port, 'updateNoteModel', { note: { id: nid, fields: { Text: 'x' } } })).error).toBe('Model name is required');
    expect((await v6(port, 'updateNoteModel', { note: { id: nid, modelName: 'Cloze', fields: {} } })).error).toBe('Fields must be provided as a dictionary');
    expect((await v6(port, 'updateNoteModel', { note: { id: 3, modelName: 'Cloze', fields: { Text: 'x' } } })).error).toBe('Note was not found: 3');
    expect((await v6(port, 'updateNoteModel', { note: { id: nid, modelName: 'Nope', fields: { Text: 'x' } } })).error).toBe("Model 'Nope' not found");
    await ok(port, 'updateNoteModel', { note: { id: nid, modelName: 'Cloze', fields: { text: '{{c1::um}}' } } });
    expect(await ok(port, 'notesInfo', { notes: [nid] })).toMatchObject([
      { modelName: 'Cloze', tags: [], fields: { Text: { value: '{{c1::um}}', order: 0 }, 'Back Extra': { value: '', order: 1 } } },
    ]);
  });

  it('findModelsByName returns note-type objects; the first unknown name fails the call', async () => {
    const [m] = await ok<Array<Record<string, unknown>>>(port, 'findModelsByName', { modelNames: ['Basic'] });
    expect(m).toMatchObject({ name: 'Basic', type: 0, sortf: 0, css: expect.stringContaining('.card') });
    expect((m?.flds as Array<{ name: string }>).map((f) => f.name)).toEqual(['Front', 'Back']);
    expect((m?.tmpls as Array<{ qfmt: string }>)[0]?.qfmt).toBe('{{Front}}');
    expect((await v6(port, 'findModelsByName', { modelNames: ['Basic', 'Nope'] })).error).toBe('model was not found: Nope');
    const [byId] = await ok<Array<Record<string, unknown>>>(port, 'findModelsById', { modelIds: [m?.id] });
    expect(byId?.name).toBe('Basic');
  });

  it('suspend / unsuspend / areSuspended', async () => {
    const nid = await ok<number>(port, 'addNote', { note: basic('sus') });
    const cid = srv.collection.cardsOf(nid)[0]?.id as number;
    expect(await ok(port, 'suspend', { cards: [cid] })).toBe(true);
    expect(await ok(port, 'areSuspended', { cards: [cid, 5] })).toEqual([true, null]);
    expect(await ok(port, 'findCards', { query: 'is:suspended' })).toEqual([cid]);
    expect(await ok(port, 'unsuspend', { cards: [cid] })).toBe(true);
    expect(await ok(port, 'areSuspended', { cards: [cid] })).toEqual([false]);
  });
});

describe('filtered decks', () => {
  it('cards in a filtered deck: listed under it by getDecks, still found by deck:<home>, returned home on delete', async () => {
    await ok(port, 'createDeck', { deck: 'Home' });
    const a = await ok<number>(port, 'addNote', { note: { ...basic('fa'), deckName: 'Home' } });
    const b = await ok<number>(port, 'addNote', { note: { ...basic('fb'), deckName: 'Home' } });
    const [ca, cb] = [a, b].map((n) => srv.collection.cardsOf(n)[0]?.id as number);
    srv.collection.createFilteredDeck('Filtered Deck 1', `nid:${a}`);
    expect(await ok(port, 'deckNames')).toEqual(['Default', 'Filtered Deck 1', 'Home']);
    expect(await ok(port, 'getDecks', { cards: [ca, cb] })).toEqual({ 'Filtered Deck 1': [ca], Home: [cb] });
    expect(await ok(port, 'findCards', { query: 'deck:Home' })).toEqual([ca, cb]);
    expect(await ok(port, 'findCards', { query: 'deck:filtered' })).toEqual([ca]);
    expect(await ok(port, 'findCards', { query: '"deck:Filtered Deck 1"' })).toEqual([ca]);
    const info = await ok<Array<{ deckName: string }>>(port, 'cardsInfo', { cards: [ca] });
    expect(info[0]?.deckName).toBe('Filtered Deck 1');
    await ok(port, 'deleteDecks', { decks: ['Filtered Deck 1'], cardsToo: true });
    expect(await ok(port, 'getDecks', { cards: [ca] })).toEqual({ Home: [ca] });
    expect(srv.collection.getNote(a)).toBeDefined();
  });

  it('changeDeck takes a card out of its filtered deck', async () => {
    const a = await ok<number>(port, 'addNote', { note: basic('fc') });
    const ca = srv.collection.cardsOf(a)[0]?.id as number;
    srv.collection.createFilteredDeck('F', `cid:${ca}`);
    await ok(port, 'changeDeck', { cards: [ca], deck: 'Target' });
    expect(srv.collection.getCard(ca)).toMatchObject({ odid: 0, did: srv.collection.deckByName('Target')?.id });
    expect(await ok(port, 'findCards', { query: 'deck:filtered' })).toEqual([]);
  });
});

describe('ids of the wrong type', () => {
  it.each([
    ['notesInfo', { notes: ['1502298033753'] }, "'1502298033753' has type str, but expected one of: int"],
    ['notesModTime', { notes: [1.5] }, '1.5 has type float, but expected one of: int'],
    ['cardsInfo', { cards: [null] }, 'None has type NoneType, but expected one of: int'],
    ['updateNoteFields', { note: { id: '12', fields: {} } }, "'12' has type str, but expected one of: int"],
  ])('%s %j fails as a whole (protobuf TypeError), not with {} or "not found"', async (action, params, error) => {
    expect(await v6(port, action, params)).toEqual({ result: null, error });
  });
});
