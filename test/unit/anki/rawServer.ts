// A tiny scripted HTTP endpoint for the client's unit tests (request shape, transport edge cases).
// It is NOT an AnkiConnect double: integration tests use test/server.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';

export interface Captured {
  method: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export type Responder = (req: Captured, res: http.ServerResponse) => void;

export interface Scripted {
  url: string;
  port: number;
  requests: Captured[];
  /** Highest number of requests being handled at the same time. */
  maxConcurrent: number;
  close(): Promise<void>;
}

/** Replies `{result, error: null}` with `result(req)`. */
export const ok =
  (result: (req: Captured) => unknown): Responder =>
  (req, res) => {
    const text = JSON.stringify({ result: result(req), error: null });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

export function rawReply(status: number, text: string): Responder {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
}

export async function scripted(respond: Responder, opts: { delayMs?: number } = {}): Promise<Scripted> {
  const requests: Captured[] = [];
  let active = 0;
  const state = { maxConcurrent: 0 };
  const server = http.createServer((req, res) => {
    active++;
    state.maxConcurrent = Math.max(state.maxConcurrent, active);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const cap: Captured = { method: req.method ?? '', headers: req.headers, rawBody, body };
      requests.push(cap);
      const go = (): void => {
        res.on('close', () => active--);
        respond(cap, res);
      };
      if (opts.delayMs) setTimeout(go, opts.delayMs);
      else go();
    });
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A raw TCP server: `onConnection` gets each socket (to reset it, write a raw reply, or stay silent). */
export async function rawTcp(onConnection: (s: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
