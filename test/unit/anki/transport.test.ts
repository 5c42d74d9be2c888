// Transport errors: each failure mode gives its own kind and a specific message.
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import {
  AnkiConnectError,
  AnkiProtocolError,
  AnkiTransportError,
  describeAnkiError,
  type AnkiTransportKind,
} from '../../../src/anki/errors';
import { closedPort, rawReply, rawTcp, scripted } from './rawServer';
import { failure } from '../../support/failure';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});


async function transportKind(p: Promise<unknown>, kind: AnkiTransportKind): Promise<AnkiTransportError> {
  const e = await failure(p);
  expect(e).toBeInstanceOf(AnkiTransportError);
  const te = e as AnkiTransportError;
  expect(te.kind).toBe(kind);
  expect(describeAnkiError(te)).toEqual({ kind, message: te.message, msg: te.msg });
  return te;
}

describe('transport errors', () => {
  it('nothing listening ⇒ notRunning, naming host:port', async () => {
    const port = await closedPort();
    const e = await transportKind(new AnkiClient({ url: `http://127.0.0.1:${port}` }).version(), 'notRunning');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toBe(
      `Anki is not running or AnkiConnect is not installed (nothing listens on 127.0.0.1:${port}).`,
    );
  });

  it('connection reset before the reply ⇒ reset', async () => {
    const srv = await rawTcp((s) => s.once('data', () => s.resetAndDestroy()));
    cleanups.push(srv.close);
    const e = await transportKind(new AnkiClient({ url: srv.url }).deckNames(), 'reset');
    expect(e.message).toMatch(/closed the connection before answering \(/);
    // The action is the error's (for the log), not the user's message (issue 9: no operation names in messages).
    expect(e.action).toBe('deckNames');
    expect(e.message).not.toContain('deckNames');
  });

  it('socket closed without any reply (socket hang up) ⇒ reset', async () => {
    const srv = await rawTcp((s) => s.once('data', () => s.end()));
    cleanups.push(srv.close);
    await transportKind(new AnkiClient({ url: srv.url }).deckNames(), 'reset');
  });

  it('reply cut short of its Content-Length ⇒ reset', async () => {
    const srv = await rawTcp((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"result": [');
        setTimeout(() => s.destroy(), 20);
      }),
    );
    cleanups.push(srv.close);
    await transportKind(new AnkiClient({ url: srv.url }).deckNames(), 'reset');
  });

  it('no answer within requestTimeoutMs ⇒ timeout (request), naming the action', async () => {
    const srv = await rawTcp(() => undefined);
    cleanups.push(srv.close);
    const t0 = Date.now();
    const e = await transportKind(new AnkiClient({ url: srv.url, requestTimeoutMs: 150 }).findNotes('x'), 'timeout');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(e.message).toMatch(/did not answer within 0\.15 s/);
    expect(e.message).not.toContain('findNotes');
  });

  it('connect that never completes ⇒ timeout (connect), separate from the request timeout', async () => {
    // A listening socket with backlog 0 that never accepts: once one connection fills the queue,
    // further SYNs are dropped and connect() hangs (Linux). Needs python3.
    let child: ChildProcess;
    const port = await new Promise<number>((resolve, reject) => {
      child = spawn('python3', [
        '-c',
        'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)',
      ]);
      child.on('error', reject);
      child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    });
    cleanups.push(() => void child.kill());
    // Fill the accept queue.
    const filler = http.request({ host: '127.0.0.1', port, method: 'POST', agent: false });
    filler.on('error', () => undefined);
    filler.end();
    cleanups.push(() => void filler.destroy());
    await new Promise((r) => setTimeout(r, 100));
    const c = new AnkiClient({ url: `http://127.0.0.1:${port}`, connectTimeoutMs: 200, requestTimeoutMs: 60_000 });
    const e = await transportKind(c.version(), 'timeout');
    expect(e.message).toMatch(/Could not connect to AnkiConnect at 127\.0\.0\.1:\d+ within 0\.2 s/);
  });

  it('HTTP 403 ⇒ forbidden', async () => {
    const srv = await rawTcp((s) =>
      s.once('data', () =>
        s.end(
          'HTTP/1.1 403 Forbidden\r\nAccess-Control-Allow-Origin: http://localhost\r\nAccess-Control-Allow-Headers: *\r\n\r\n',
        ),
      ),
    );
    cleanups.push(srv.close);
    const e = await transportKind(new AnkiClient({ url: srv.url }).version(), 'forbidden');
    expect(e.status).toBe(403);
    expect(e.message).toMatch(/HTTP 403/);
  });

  it('other non-200 ⇒ http', async () => {
    const srv = await scripted(rawReply(404, 'not found'));
    cleanups.push(srv.close);
    const e = await transportKind(new AnkiClient({ url: srv.url }).version(), 'http');
    expect(e.status).toBe(404);
    expect(e.message).toMatch(/HTTP 404.*check that the URL points to AnkiConnect/);
  });

  it('non-JSON reply ⇒ protocol', async () => {
    const srv = await scripted(rawReply(200, 'AnkiConnect v.6'));
    cleanups.push(srv.close);
    const e = await transportKind(new AnkiClient({ url: srv.url }).version(), 'protocol');
    expect(e).toBeInstanceOf(AnkiProtocolError);
    expect(e.action).toBe('version');
    expect(e.message).toMatch(/not JSON: "AnkiConnect v\.6"/);
  });

  it('version banner instead of a result ⇒ protocol', async () => {
    const srv = await scripted(rawReply(200, '{"apiVersion": "AnkiConnect v.6"}'));
    cleanups.push(srv.close);
    const e = await transportKind(new AnkiClient({ url: srv.url }).deckNames(), 'protocol');
    expect(e.message).toMatch(/version banner/);
  });

  it('reply without the {result, error} envelope ⇒ protocol', async () => {
    const srv = await scripted(rawReply(200, '["Default"]'));
    cleanups.push(srv.close);
    await transportKind(new AnkiClient({ url: srv.url }).deckNames(), 'protocol');
  });

  it('unusable URL ⇒ badUrl, without throwing in the constructor', async () => {
    const c = new AnkiClient({ url: 'ftp://127.0.0.1:8765' });
    const e = await transportKind(c.version(), 'badUrl');
    expect(e.message).toMatch(/must start with http:\/\//);
    await transportKind(new AnkiClient({ url: 'not a url' }).version(), 'badUrl');
  });
});

describe('AnkiConnect errors (error !== null)', () => {
  it('maps the error string, keeping action and serverMessage', async () => {
    const srv = await scripted(rawReply(200, '{"result": null, "error": "Note was not found: 42"}'));
    cleanups.push(srv.close);
    const e = await failure(new AnkiClient({ url: srv.url }).updateNoteFields(42, { Front: 'x' }));
    expect(e).toBeInstanceOf(AnkiConnectError);
    const ae = e as AnkiConnectError;
    expect(ae.action).toBe('updateNoteFields');
    expect(ae.serverMessage).toBe('Note was not found: 42');
    expect(ae.isApiKey).toBe(false);
    expect(describeAnkiError(ae)).toEqual({
      kind: 'anki',
      message: 'Anki reported an error: Note was not found: 42',
      msg: { code: 'ankiReported', args: ['Note was not found: 42'] },
    });
  });

  it('api key error: isApiKey, message depends on whether a key is configured', async () => {
    const srv = await scripted(rawReply(200, '{"result": null, "error": "valid api key must be provided"}'));
    cleanups.push(srv.close);
    const without = (await failure(new AnkiClient({ url: srv.url }).version())) as AnkiConnectError;
    const wrong = (await failure(new AnkiClient({ url: srv.url, apiKey: 'nope' }).version())) as AnkiConnectError;
    expect(without.isApiKey && wrong.isApiKey).toBe(true);
    expect(describeAnkiError(without).kind).toBe('apiKey');
    expect(without.message).toMatch(/requires an API key/);
    expect(wrong.message).toMatch(/rejected the API key/);
  });

  it('unsupported action and missing collection get their own kinds', () => {
    expect(describeAnkiError(new AnkiConnectError('notesModTime', 'unsupported action'))).toEqual({
      kind: 'unsupportedAction',
      message: 'This version of AnkiConnect does not support the action "notesModTime"; update the AnkiConnect add-on.',
      msg: { code: 'unsupportedAction', args: ['notesModTime'] },
    });
    expect(describeAnkiError(new AnkiConnectError('deckNames', 'collection is not available')).kind).toBe('noCollection');
  });

  it('an error reply is recognised even with a malformed envelope', async () => {
    const srv = await scripted(rawReply(200, '{"error": "unsupported action"}'));
    cleanups.push(srv.close);
    const e = await failure(new AnkiClient({ url: srv.url }).version());
    expect(e).toBeInstanceOf(AnkiConnectError);
  });

  it('describeAnkiError handles foreign values', () => {
    expect(describeAnkiError(new Error('x'))).toEqual({ kind: 'unknown', message: 'x', msg: { code: 'text', args: ['x'] } });
    expect(describeAnkiError('text')).toEqual({ kind: 'unknown', message: 'text', msg: { code: 'text', args: ['text'] } });
    expect(describeAnkiError(undefined).kind).toBe('unknown');
  });
});
