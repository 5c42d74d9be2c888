// One HTTP POST to AnkiConnect on node:http (pure: no `vscode` import).
// AnkiConnect closes the connection after every reply and reads bodies strictly by Content-Length, so:
// no agent (no pooling), a Content-Length header (never chunked), no `Expect: 100-continue`.
import * as http from 'node:http';
import * as https from 'node:https';
import { msg, type Message } from '../messages';
import { AnkiTransportError } from './errors';

export interface Target {
  protocol: 'http:' | 'https:';
  /** Host name without IPv6 brackets (for node:http). */
  hostname: string;
  port: number;
  path: string;
  /** `host:port` as shown in messages. */
  hostPort: string;
}

/** Parses the configured URL; returns an error message instead of throwing. */
export function parseTarget(url: string): Target | { error: Message } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { error: msg('badUrl', url) };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { error: msg('badUrlScheme', url) };
  }
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return {
    protocol: u.protocol,
    hostname,
    port,
    path: `${u.pathname || '/'}${u.search}`,
    hostPort: `${u.hostname}:${port}`,
  };
}

export interface HttpReply {
  status: number;
  statusMessage: string;
  body: Buffer;
}

export interface PostOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

const seconds = (ms: number): string => String(Math.round(ms / 10) / 100);

function errorCode(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

/** Maps a Node socket/HTTP error to an `AnkiTransportError` with a specific message. */
export function mapNetworkError(e: unknown, action: string, t: Target): AnkiTransportError {
  const code = errorCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  switch (code) {
    case 'ECONNREFUSED':
      return new AnkiTransportError(
        'notRunning',
        action,
        msg('notRunning', t.hostPort),
        { code, cause: e },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new AnkiTransportError(
        'notRunning',
        action,
        msg('hostUnreachable', t.hostPort, code),
        { code, cause: e },
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AnkiTransportError(
        'notRunning',
        action,
        msg('hostNotFound', t.hostname, code),
        { code, cause: e },
      );
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return resetError(action, t, code, e);
    default:
      if (/socket hang up|aborted/i.test(detail)) return resetError(action, t, code ?? 'ECONNRESET', e);
      return new AnkiTransportError(
        'reset',
        action,
        msg('connectionFailed', t.hostPort, code ?? detail),
        { code, cause: e },
      );
  }
}

function resetError(action: string, t: Target, code: string | undefined, cause: unknown): AnkiTransportError {
  return new AnkiTransportError(
    'reset',
    action,
    msg('connectionReset', t.hostPort),
    { code, cause },
  );
}

/**
 * POSTs `body` and resolves with the full reply of any status. Rejects only with `AnkiTransportError`
 * (`notRunning`, `timeout`, `reset`). Status handling is the caller's business.
 */
export function postJson(t: Target, action: string, body: Buffer, o: PostOptions): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let requestTimer: NodeJS.Timeout | undefined;
    const finish = (err: AnkiTransportError | undefined, reply?: HttpReply): void => {
      if (settled) return;
      settled = true;
      if (connectTimer) clearTimeout(connectTimer);
      if (requestTimer) clearTimeout(requestTimer);
      if (err) {
        req.destroy();
        reject(err);
      } else if (reply) {
        resolve(reply);
      }
    };

    const mod = t.protocol === 'https:' ? https : http;
    const req = mod.request({
      host: t.hostname,
      port: t.port,
      path: t.path,
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': body.length,
        Accept: 'application/json',
      },
    });

    connectTimer = setTimeout(() => {
      finish(
        new AnkiTransportError(
          'timeout',
          action,
          msg('connectTimeout', t.hostPort, seconds(o.connectTimeoutMs)),
          { code: 'ETIMEDOUT' },
        ),
      );
    }, o.connectTimeoutMs);

    req.on('socket', (socket) => {
      const connected = (): void => {
        if (connectTimer) clearTimeout(connectTimer);
        connectTimer = undefined;
        requestTimer = setTimeout(() => {
          finish(
            new AnkiTransportError(
              'timeout',
              action,
              msg('requestTimeout', seconds(o.requestTimeoutMs)),
              { code: 'ETIMEDOUT' },
            ),
          );
        }, o.requestTimeoutMs);
      };
      // `connecting` is false when node hands over an already-connected socket.
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });

    req.on('error', (e) => finish(mapNetworkError(e, action, t)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => finish(mapNetworkError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), action, t)));
      res.on('error', (e) => finish(mapNetworkError(e, action, t)));
      res.on('end', () => {
        if (!res.complete) {
          finish(mapNetworkError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), action, t));
          return;
        }
        finish(undefined, {
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(body);
  });
}
