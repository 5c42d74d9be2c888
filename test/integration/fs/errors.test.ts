// The one mapping from engine/client errors to FileSystemError kinds and messages (src/fs/errors.ts).
import { describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { AnkiConnectError, AnkiProtocolError, AnkiTransportError } from '../../../src/anki/errors';
import { FsEngineError, type FsErrorKind } from '../../../src/core/fsErrors';
import { toFileSystemError } from '../../../src/fs/errors';

describe('toFileSystemError', () => {
  it.each<[FsErrorKind, string]>([
    ['notFound', 'FileNotFound'],
    ['exists', 'FileExists'],
    ['isDirectory', 'FileIsADirectory'],
    ['notDirectory', 'FileNotADirectory'],
    ['noPermissions', 'NoPermissions'],
    ['unavailable', 'Unavailable'],
    ['invalid', 'Unknown'],
    ['conflict', 'Unknown'],
    ['failed', 'Unknown'],
  ])('engine %s -> %s, message kept', (kind, code) => {
    const e = toFileSystemError(new FsEngineError(kind, `the ${kind} message`), 'op', '/p');
    expect(e).toBeInstanceOf(vscode.FileSystemError);
    expect(e.code).toBe(code);
    expect(e.message).toBe(`the ${kind} message`);
  });

  it('client errors: Anki down/timeout/reset are Unavailable, 403 and API key NoPermissions', () => {
    const logged: string[] = [];
    const log = { warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
    const down = toFileSystemError(new AnkiTransportError('notRunning', 'multi', 'Anki is not running at 127.0.0.1:8765.'), 'stat', '/D', log);
    expect(down.code).toBe('Unavailable');
    expect(down.message).toMatch(/^Anki is not running at 127\.0\.0\.1:8765\. Start Anki/);
    expect(toFileSystemError(new AnkiTransportError('timeout', 'multi', 'No reply.'), 'stat', '/D').message).toMatch(/busy/);
    expect(toFileSystemError(new AnkiTransportError('reset', 'multi', 'Reset.'), 'stat', '/D').code).toBe('Unavailable');
    expect(toFileSystemError(new AnkiProtocolError('multi', 'bad'), 'stat', '/D').code).toBe('Unavailable');
    expect(toFileSystemError(new AnkiTransportError('forbidden', 'multi', 'Forbidden.'), 'stat', '/D').code).toBe('NoPermissions');
    const key = toFileSystemError(new AnkiConnectError('multi', 'valid api key must be provided'), 'readFile', '/D/x.1.yaml', log);
    expect(key.code).toBe('NoPermissions');
    expect(key.message).toMatch(/API key/);
    expect(toFileSystemError(new AnkiConnectError('multi', 'collection is not available'), 'stat', '/D').code).toBe('Unavailable');
    expect(toFileSystemError(new AnkiConnectError('deleteNotes', 'boom'), 'delete', '/D').message).toBe('AnkiConnect could not do "deleteNotes": boom');
    expect(logged.length).toBeGreaterThanOrEqual(2); // details go to the log
  });

  it('anything else becomes a generic FileSystemError naming the operation', () => {
    const e = toFileSystemError(new Error('weird'), 'rename', '/a');
    expect(e.code).toBe('Unknown');
    expect(e.message).toBe('rename failed: weird');
  });
});
