/**
 * The AnkiConnect-compatible test server: raw HTTP over `net` exactly like the add-on's web.py,
 * optional Anki-like timing (25 ms tick, one accept and one request per tick, backlog 5), fault injection,
 * simulated edits in Anki, request statistics.
 */
import net from 'node:net';
import { AnkiConnect, Uncaught, type AddonBuild } from './actions';
import { Collection } from './collection';
import { generateCollection } from './generate';
import { previewMedia } from './previewMedia';
import { sampleMedia } from './sampleMedia';
import { pyDecodeUtf8, pyDumps, pyLoads, PyJsonError } from './pyjson';
import { validateRequest } from './schema';

export interface TestServerOptions {
  /** 0 (default) = random free port */
  port?: number;
  /** 'none' (default): answer at once; 'anki': 25 ms tick, one accept + one request per tick, backlog 5 */
  latency?: 'none' | 'anki';
  /** configured API key (default null = none) */
  apiKey?: string | null;
  /** generate a sample collection with this many notes (ignored when `collection` is given) */
  notes?: number;
  seed?: number;
  collection?: Collection;
  /**
   * The add-on build to behave like (default `current`). `2023`: a build from before 2024 — no notesModTime
   * (not in apiReflect either), notesInfo without `mod`/`profile`/`query`, no actions added since 2024,
   * plain-text version banner, addNotes answers `[id, null, …]` instead of failing as a whole (see
   * `AddonBuild` in actions.ts).
   */
  addon?: AddonBuild;
  /** @deprecated the same as `addon: '2023'` */
  legacy?: boolean;
  /** webCorsOriginList (default ["http://localhost"]) */
  corsOrigins?: string[];
  /** ignoreOriginList for requestPermission (default []) */
  ignoreOrigins?: string[];
  /** bind address (default 127.0.0.1) */
  host?: string;
}

export interface RequestLogEntry {
  /** top-level action ('' for banner/OPTIONS/403/parse errors) */
  action: string;
  subActions?: string[];
  /** findNotes / findCards: the query (so tests can tell whose search it was) */
  query?: string;
  bytesIn: number;
  /** from request complete to reply written, ms */
  ms: number;
}

export interface ServerStats {
  requests: number;
  actions: Record<string, number>;
  log: RequestLogEntry[];
  reset(): void;
}

export interface ServerFaults {
  /** close the listener (clients get ECONNREFUSED); re-listen on the same port when turned off */
  refuseConnections(on: boolean): Promise<void>;
  /** destroy the socket of the next n requests without a reply (RST) */
  resetNext(n?: number): void;
  /** hold the reply of the next n requests for ms */
  delayNext(n: number, ms: number): void;
  /** the next multi's entry at `index` answers {result:null,error:message} without running */
  failMultiEntry(index: number, message?: string): void;
  clear(): void;
}

export interface ServerSimulate {
  /** change content in "Anki" and bump mod (strictly increasing) */
  editInAnki(noteId: number, change: { fields?: Record<string, string>; tags?: string[] }): void;
  /** bump mod without content change */
  touch(noteId: number): void;
  deleteNote(noteId: number): void;
  /** while open, updateNoteFields on that note is silently not applied (issue #82) */
  openInBrowser(noteId: number): void;
  closeBrowser(): void;
  /** no profile open: collection actions fail with `collection is not available` until openProfile() */
  closeProfile(): void;
  openProfile(): void;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly collection: Collection;
  readonly stats: ServerStats;
  readonly faults: ServerFaults;
  readonly simulate: ServerSimulate;
  /** the dispatcher (for direct in-process calls: `srv.anki.handle({...})`) */
  readonly anki: AnkiConnect;
  restart(): Promise<void>;
  close(): Promise<void>;
}

const TICK_MS = 25;
const BACKLOG = 5;
const PARTIAL_READ_TIMEOUT_MS = 5000;

interface Conn {
  socket: net.Socket;
  chunks: Buffer[];
  received: number;
  /** bytes needed for the whole request once the headers are known */
  needed: number | null;
  /** performance.now() of the last data received */
  lastData: number;
  done: boolean;
  /** parsed request waiting to be run */
  request?: ParsedRequest;
  /** anki mode: SYN-retry emulation */
  retryDelay: number;
}

interface ParsedRequest {
  method: string;
  headers: Map<string, string | null>;
  body: Buffer;
  completedAt: number;
}

function parseRequest(data: Buffer): ParsedRequest | null {
  const sep = data.indexOf('\r\n\r\n');
  if (sep < 0) return null;
  const head = data.subarray(0, sep).toString('latin1');
  const lines = head.split('\r\n');
  const method = (lines[0] ?? '').split(' ')[0]?.toUpperCase() ?? '';
  const headers = new Map<string, string | null>();
  for (const line of lines.slice(1)) {
    const pair = line.split(': ');
    headers.set((pair[0] ?? '').toLowerCase(), pair.length > 1 ? (pair[1] as string) : null);
  }
  const headerLength = sep + 4;
  const cl = Number.parseInt(headers.get('content-length') ?? '0', 10);
  const bodyLength = Number.isFinite(cl) && cl > 0 ? cl : 0;
  if (headerLength + bodyLength > data.length) return null;
  return { method, headers, body: data.subarray(headerLength, headerLength + bodyLength), completedAt: performance.now() };
}

function isOriginAllowed(origin: string | undefined, list: string[]): [boolean, string] {
  if (list.includes('*')) return [true, '*'];
  if (origin === undefined) return [true, 'http://localhost'];
  if (list.includes(origin)) return [true, origin];
  if (
    list.includes('http://localhost') &&
    (origin === 'http://127.0.0.1' ||
      origin === 'https://127.0.0.1' ||
      origin.startsWith('http://127.0.0.1:') ||
      origin.startsWith('chrome-extension://') ||
      origin.startsWith('moz-extension://') ||
      origin.startsWith('safari-web-extension://'))
  ) {
    return [true, origin];
  }
  return [false, 'http://localhost'];
}

function buildResponse(headers: Array<[string, string | null]>, body: Buffer): Buffer {
  let head = '';
  for (const [k, v] of headers) head += v === null ? `${k}\r\n` : `${k}: ${v}\r\n`;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), body]);
}

function okHeaders(corsOrigin: string, body: Buffer): Array<[string, string | null]> {
  return [
    ['HTTP/1.1 200 OK', null],
    ['Content-Type', 'application/json'],
    ['Access-Control-Allow-Origin', corsOrigin],
    ['Access-Control-Allow-Headers', '*'],
    ['Content-Length', String(body.length)],
  ];
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const host = opts.host ?? '127.0.0.1';
  const latency = opts.latency ?? 'none';
  const collection = opts.collection ?? (opts.notes !== undefined && opts.notes > 0 ? generateCollection({ notes: opts.notes, seed: opts.seed ?? 1 }) : new Collection());
  const corsOrigins = opts.corsOrigins ?? ['http://localhost'];
  const ignoreOrigins = opts.ignoreOrigins ?? [];

  // ----- stats -----
  const stats: ServerStats = {
    requests: 0,
    actions: {},
    log: [],
    reset() {
      stats.requests = 0;
      stats.actions = {};
      stats.log = [];
    },
  };

  // ----- faults -----
  let resetCount = 0;
  let delayCount = 0;
  let delayMs = 0;
  let multiFailure: { index: number; message: string } | undefined;

  const addon: AddonBuild = opts.addon ?? (opts.legacy ? '2023' : 'current');
  const anki = new AnkiConnect(
    collection,
    { apiKey: opts.apiKey ?? null, addon, ignoreOrigins },
    {
      onAction: (name) => {
        stats.actions[name] = (stats.actions[name] ?? 0) + 1;
      },
      takeMultiFailure: () => {
        const f = multiFailure;
        multiFailure = undefined;
        return f;
      },
    },
  );
  // The sample collection's media files (the card preview fetches them with retrieveMediaFile).
  if (!opts.collection && opts.notes !== undefined && opts.notes > 0) for (const [name, data] of previewMedia()) anki.media.set(name, data);

  // The sample collection comes with the media its notes reference (a few sounds stay missing).
  if (!opts.collection) for (const [name, data] of sampleMedia(collection)) anki.media.set(name, data);

  // ----- HTTP handling (web.py handlerWrapper) -----
  const handleHttp = (req: ParsedRequest): { response: Buffer; entry: RequestLogEntry } => {
    const entry: RequestLogEntry = { action: '', bytesIn: req.body.length, ms: 0 };
    const originHeader = req.headers.get('origin');
    const [allowed, cors] = isOriginAllowed(originHeader ?? undefined, corsOrigins);
    let corsOrigin = cors;
    if (req.method === 'OPTIONS') {
      const body = Buffer.alloc(0);
      const headers = okHeaders(corsOrigin, body);
      if (req.headers.get('access-control-request-private-network') === 'true') headers.push(['Access-Control-Allow-Private-Network', 'true']);
      return { response: buildResponse(headers, body), entry };
    }
    let params: unknown;
    try {
      params = pyLoads(pyDecodeUtf8(req.body));
      const schemaError = validateRequest(params);
      if (schemaError !== null) throw new PyJsonError(schemaError);
    } catch (e) {
      if (allowed) {
        let text: string;
        if (req.body.length === 0) {
          // builds before Feb 2025 (so the 2023 one) sent the banner as plain text
          text = addon === '2023' ? 'AnkiConnect v.6' : pyDumps({ apiVersion: 'AnkiConnect v.6' });
        } else text = pyDumps({ result: null, error: e instanceof Error ? e.message : String(e) });
        const body = Buffer.from(text, 'utf8');
        return { response: buildResponse(okHeaders(corsOrigin, body), body), entry };
      }
      params = {};
    }
    const request = params as Record<string, unknown>;
    const action = typeof request.action === 'string' ? request.action : '';
    if (allowed || action === 'requestPermission') {
      entry.action = action;
      if (action === 'findNotes' || action === 'findCards') {
        const q = request.params && typeof request.params === 'object' ? (request.params as Record<string, unknown>).query : undefined;
        if (typeof q === 'string') entry.query = q;
      }
      if (action === 'multi') {
        const p = request.params;
        const list = p && typeof p === 'object' && Array.isArray((p as Record<string, unknown>).actions) ? ((p as Record<string, unknown>).actions as unknown[]) : [];
        entry.subActions = list.map((x) => (x && typeof x === 'object' && typeof (x as Record<string, unknown>).action === 'string' ? ((x as Record<string, unknown>).action as string) : ''));
      }
      if (action === 'requestPermission') {
        const inner = request.params && typeof request.params === 'object' ? { ...(request.params as object) } : {};
        (inner as Record<string, unknown>).allowed = allowed;
        (inner as Record<string, unknown>).origin = originHeader ?? '';
        request.params = inner;
        if (!allowed) corsOrigin = originHeader ?? '';
      }
      let reply: unknown;
      try {
        reply = anki.handle(request);
      } catch (e) {
        // an exception outside the add-on's try/except: the real add-on would log it; reply as an error
        reply = { result: null, error: e instanceof Uncaught || e instanceof Error ? e.message : String(e) };
      }
      const body = Buffer.from(pyDumps(reply), 'utf8');
      return { response: buildResponse(okHeaders(corsOrigin, body), body), entry };
    }
    const headers: Array<[string, string | null]> = [
      ['HTTP/1.1 403 Forbidden', null],
      ['Access-Control-Allow-Origin', corsOrigin],
      ['Access-Control-Allow-Headers', '*'],
    ];
    return { response: buildResponse(headers, Buffer.alloc(0)), entry };
  };

  // ----- connections and scheduling -----
  const conns = new Set<Conn>();
  const pendingAccept: Conn[] = [];
  const deferred: Array<{ conn: Conn; at: number }> = [];
  const accepted: Conn[] = [];
  let busyUntil = 0;

  const finish = (conn: Conn): void => {
    conn.done = true;
    conns.delete(conn);
    const i = accepted.indexOf(conn);
    if (i >= 0) accepted.splice(i, 1);
    const j = pendingAccept.indexOf(conn);
    if (j >= 0) pendingAccept.splice(j, 1);
  };

  /** Run the parsed request of a connection and write the reply (or apply a fault). */
  const run = (conn: Conn): void => {
    const req = conn.request as ParsedRequest;
    conn.request = undefined;
    if (resetCount > 0) {
      resetCount--;
      stats.requests++;
      finish(conn);
      conn.socket.resetAndDestroy();
      return;
    }
    const { response, entry } = handleHttp(req);
    stats.requests++;
    const send = (): void => {
      entry.ms = performance.now() - req.completedAt;
      stats.log.push(entry);
      finish(conn);
      if (!conn.socket.destroyed) conn.socket.end(response);
    };
    if (delayCount > 0) {
      delayCount--;
      if (latency === 'anki') busyUntil = performance.now() + delayMs;
      setTimeout(send, delayMs);
    } else send();
  };

  const onData = (conn: Conn, chunk: Buffer): void => {
    if (conn.done || conn.request) return;
    conn.chunks.push(chunk);
    conn.received += chunk.length;
    conn.lastData = performance.now();
    if (conn.needed === null) {
      // headers not complete yet: look for the blank line (cheap: header blocks are small)
      const all = conn.chunks.length === 1 ? (conn.chunks[0] as Buffer) : Buffer.concat(conn.chunks);
      conn.chunks = [all];
      const sep = all.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /\r\ncontent-length: ([^\r]*)/i.exec(all.subarray(0, sep).toString('latin1'));
      const cl = m ? Number.parseInt(m[1] as string, 10) : 0;
      conn.needed = sep + 4 + (Number.isFinite(cl) && cl > 0 ? cl : 0);
    }
    if (conn.received < conn.needed) return;
    const req = parseRequest(conn.chunks.length === 1 ? (conn.chunks[0] as Buffer) : Buffer.concat(conn.chunks));
    conn.chunks = [];
    if (!req) return;
    conn.request = req;
    if (latency === 'none') run(conn);
  };

  const onConnection = (socket: net.Socket): void => {
    socket.setNoDelay(true);
    const conn: Conn = { socket, chunks: [], received: 0, needed: null, lastData: performance.now(), done: false, retryDelay: 1000 };
    conns.add(conn);
    socket.on('data', (chunk: Buffer) => onData(conn, chunk));
    socket.on('error', () => finish(conn));
    socket.on('close', () => finish(conn));
    // a client that never completes its request is dropped after a while
    socket.setTimeout(30000, () => {
      finish(conn);
      socket.destroy();
    });
    if (latency === 'anki') {
      if (pendingAccept.length <= BACKLOG) pendingAccept.push(conn);
      else deferred.push({ conn, at: performance.now() + conn.retryDelay });
    }
  };

  const tick = (): void => {
    const now = performance.now();
    // SYN retries of connections that found the backlog full
    for (let i = 0; i < deferred.length; ) {
      const d = deferred[i] as { conn: Conn; at: number };
      if (d.conn.done) deferred.splice(i, 1);
      else if (d.at <= now) {
        deferred.splice(i, 1);
        if (pendingAccept.length <= BACKLOG) pendingAccept.push(d.conn);
        else {
          d.conn.retryDelay *= 2;
          deferred.push({ conn: d.conn, at: now + d.conn.retryDelay });
        }
      } else i++;
    }
    if (now < busyUntil) return;
    // an accepted client that sent part of a request blocks the (single-threaded) add-on in recv()
    // until the rest arrives, for at most 5 s per read; then it is dropped without a reply
    const stuck = accepted.find((c) => !c.done && !c.request && c.received > 0);
    if (stuck) {
      if (now - stuck.lastData < PARTIAL_READ_TIMEOUT_MS) return;
      finish(stuck);
      stuck.socket.destroy();
      return;
    }
    // accept at most one connection per tick
    const next = pendingAccept.shift();
    if (next && !next.done) accepted.push(next);
    // run at most one request per tick
    const ready = accepted.find((c) => c.request && !c.done);
    if (ready) run(ready);
  };

  const server = net.createServer({ pauseOnConnect: false }, onConnection);
  let port = opts.port ?? 0;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      server.once('error', onError);
      server.listen({ port, host, backlog: BACKLOG }, () => {
        server.off('error', onError);
        const addr = server.address();
        if (addr && typeof addr === 'object') port = addr.port;
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const dropAll = (): void => {
    for (const c of [...conns]) {
      finish(c);
      c.socket.destroy();
    }
    pendingAccept.length = 0;
    deferred.length = 0;
    accepted.length = 0;
  };

  await listen();
  let timer: NodeJS.Timeout | undefined = latency === 'anki' ? setInterval(tick, TICK_MS) : undefined;

  const faults: ServerFaults = {
    async refuseConnections(on: boolean) {
      if (on) await stopListening();
      else if (!server.listening) await listen();
    },
    resetNext(n = 1) {
      resetCount += n;
    },
    delayNext(n: number, ms: number) {
      delayCount = n;
      delayMs = ms;
    },
    failMultiEntry(index: number, message = 'simulated failure') {
      multiFailure = { index, message };
    },
    clear() {
      resetCount = 0;
      delayCount = 0;
      delayMs = 0;
      multiFailure = undefined;
    },
  };

  const noteOrThrow = (id: number) => {
    const n = collection.getNote(id);
    if (!n) throw new Error(`simulate: note ${id} does not exist`);
    return n;
  };
  const simulate: ServerSimulate = {
    editInAnki(noteId, change) {
      const n = noteOrThrow(noteId);
      const before = n.mod;
      if (change.fields) {
        const names = new Set(collection.modelOf(n).fields.map((f) => f.name));
        for (const k of Object.keys(change.fields)) if (!names.has(k)) throw new Error(`simulate: note ${noteId} has no field ${k}`);
        collection.setFields(n, change.fields);
      }
      if (change.tags) collection.setTags(n, change.tags);
      n.mod = Math.max(collection.nowSec(), before + 1);
    },
    touch(noteId) {
      const n = noteOrThrow(noteId);
      n.mod = Math.max(collection.nowSec(), n.mod + 1);
    },
    deleteNote(noteId) {
      collection.deleteNotes([noteId]);
    },
    openInBrowser(noteId) {
      collection.browserNoteId = noteId;
    },
    closeBrowser() {
      collection.browserNoteId = null;
    },
    closeProfile() {
      collection.available = false;
    },
    openProfile() {
      collection.available = true;
    },
  };

  const srv: TestServer = {
    get url() {
      return `http://${host}:${port}`;
    },
    get port() {
      return port;
    },
    collection,
    stats,
    faults,
    simulate,
    anki,
    async restart() {
      dropAll();
      await stopListening();
      await listen();
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      dropAll();
      await stopListening();
    },
  };
  return srv;
}
