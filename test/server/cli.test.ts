/** The CLI: banner, real AnkiConnect port, control endpoint for out-of-process tests, clean Ctrl+C. */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './helpers';

let child: ChildProcess;
let port = 0;
let controlPort = 0;
const output: string[] = [];

async function control(body: Record<string, unknown>): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const res = await fetch(`http://127.0.0.1:${controlPort}/`, { method: 'POST', body: JSON.stringify(body) });
  return (await res.json()) as { ok: boolean; result?: unknown; error?: string };
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'test/server/cli.ts', '--port', '0', '--notes', '60', '--seed', '4', '--control-port', '0'], {
    cwd: new URL('../..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${output.join('')}`)), 20000);
    child.stdout?.on('data', (c: Buffer) => {
      output.push(c.toString());
      const text = output.join('');
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \((\d+) notes, (\d+) decks, latency none\)/.exec(text);
      const c2 = /control endpoint on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m && c2) {
        port = Number(m[1]);
        controlPort = Number(c2[1]);
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${output.join('')}`)));
  });
}, 30000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('cli.ts', () => {
  it('serves the generated collection', async () => {
    expect(output.join('')).toContain('(60 notes,');
    const decks = (await call(port, { action: 'deckNames', version: 6 })) as { result: string[] };
    expect(decks.result).toContain('Japanese::JLPT N3::Vocabulary');
  });

  it('control endpoint: findNotes, getNote, editInAnki, stats, faults', async () => {
    const found = await control({ op: 'findNotes', query: 'deck:Japanese' });
    const ids = found.result as number[];
    expect(ids.length).toBeGreaterThan(10);
    const id = ids[0] as number;
    const before = (await control({ op: 'getNote', noteId: id })).result as { mod: number; fieldsByName: Record<string, string> };
    const firstField = Object.keys(before.fieldsByName)[0] as string;
    await control({ op: 'resetStats' });
    await control({ op: 'editInAnki', noteId: id, fields: { [firstField]: 'changed out of process' } });
    const info = (await call(port, { action: 'notesInfo', version: 6, params: { notes: [id] } })) as { result: Array<{ mod: number; fields: Record<string, { value: string }> }> };
    expect(info.result[0]?.fields[firstField]?.value).toBe('changed out of process');
    expect(info.result[0]?.mod).toBeGreaterThan(before.mod);
    const stats = (await control({ op: 'stats' })).result as { requests: number; actions: Record<string, number> };
    expect(stats).toMatchObject({ requests: 1, actions: { notesInfo: 1 } });
    expect(await control({ op: 'nope' })).toEqual({ ok: false, error: 'unknown op nope' });
    await control({ op: 'refuseConnections', on: true });
    await expect(call(port, { action: 'version' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await control({ op: 'refuseConnections', on: false });
    expect(await call(port, { action: 'version' })).toBe(6);
  });

  it('--addon 2023 behaves like a build from before 2024; an unknown build is refused', async () => {
    const old = spawn(process.execPath, ['--import', 'tsx', 'test/server/cli.ts', '--port', '0', '--notes', '5', '--addon', '2023'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const text: string[] = [];
      const oldPort = await new Promise<number>((resolve, reject) => {
        old.stdout?.on('data', (c: Buffer) => {
          text.push(c.toString());
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+) \(5 notes, \d+ decks, latency none, add-on 2023\)/.exec(text.join(''));
          if (m) resolve(Number(m[1]));
        });
        old.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${text.join('')}`)));
      });
      expect(await call(oldPort, { action: 'notesModTime', version: 6, params: { notes: [] } })).toEqual({ result: null, error: 'unsupported action' });
    } finally {
      old.kill('SIGKILL');
    }
    const bad = spawn(process.execPath, ['--import', 'tsx', 'test/server/cli.ts', '--port', '0', '--addon', '2022'], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const err: string[] = [];
    bad.stderr?.on('data', (c: Buffer) => err.push(c.toString()));
    const code = await new Promise<number | null>((r) => bad.on('exit', r));
    expect(code).not.toBe(0);
    expect(err.join('')).toContain('--addon must be current or 2023, got 2022');
  }, 30000);

  it('stops cleanly on SIGINT', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
