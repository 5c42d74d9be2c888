/** Raw-socket HTTP helpers for the test server's own conformance tests. */
import net from 'node:net';

export interface RawResponse {
  raw: Buffer;
  statusLine: string;
  /** header lines in order, exactly as sent */
  headerLines: string[];
  headers: Record<string, string>;
  body: string;
}

export function parseResponse(raw: Buffer): RawResponse {
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, sep < 0 ? raw.length : sep).toString('latin1');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of headerLines) {
    const i = l.indexOf(': ');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 2);
  }
  return { raw, statusLine, headerLines, headers, body: sep < 0 ? '' : raw.subarray(sep + 4).toString('utf8') };
}

/** Send raw bytes (optionally in several timed pieces) and collect everything until the server closes. */
export function rawRequest(port: number, pieces: Array<string | Buffer | { waitMs: number }>, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request timed out'));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.end();
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    socket.on('connect', () => {
      void (async () => {
        for (const p of pieces) {
          if (typeof p === 'object' && !Buffer.isBuffer(p)) await new Promise((r) => setTimeout(r, p.waitMs));
          else socket.write(p);
        }
      })();
    });
  });
}

export function httpRequest(body: string | Buffer, opts: { method?: string; path?: string; headers?: string[] } = {}): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head = [`${opts.method ?? 'POST'} ${opts.path ?? '/'} HTTP/1.1`, 'Host: 127.0.0.1', ...(opts.headers ?? []), `Content-Length: ${b.length}`];
  return Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), b]);
}

/** POST a JSON request (object or raw text) and return the parsed JSON reply. */
export async function call(port: number, req: unknown, headers: string[] = []): Promise<unknown> {
  const body = typeof req === 'string' ? req : JSON.stringify(req);
  const res = await rawRequest(port, [httpRequest(body, { headers })]);
  return JSON.parse(res.body) as unknown;
}

/** Call an action with version 6 and return `{result, error}`. */
export async function v6(port: number, action: string, params?: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ result: unknown; error: string | null }> {
  return (await call(port, { action, version: 6, ...(params ? { params } : {}), ...extra })) as { result: unknown; error: string | null };
}

/** Call an action with version 6; throw on error; return the result. */
export async function ok<T = unknown>(port: number, action: string, params?: Record<string, unknown>): Promise<T> {
  const r = await v6(port, action, params);
  if (r.error !== null) throw new Error(`${action}: ${r.error}`);
  return r.result as T;
}
