// Shared setup for the `anki:` file-system integration tests: a test server with a small hand-made
// collection, a real client over HTTP, and the provider with a diagnostics sink and an event log.
import { AnkiClient, type RequestEvent } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import type { EngineJournal } from '../../../src/core/fsEngine';
import { AnkiFileSystemProvider, type DiagnosticsSink } from '../../../src/fs/provider';
import { notePath } from '../../../src/notes/paths';
import { Collection, startTestServer, type AddonBuild, type TestServer } from '../../server';
import * as vscode from 'vscode';

export interface Logged {
  level: string;
  message: string;
}

export interface Fixture {
  srv: TestServer;
  client: AnkiClient;
  provider: AnkiFileSystemProvider;
  logs: Logged[];
  events: vscode.FileChangeEvent[];
  collectionChanges: Array<{ decks?: string[]; notes?: number[] }>;
  diagnostics: Map<string, readonly vscode.Diagnostic[]>;
  /** URIs (as strings) whose editor the test declares dirty (unsaved changes). */
  dirty: Set<string>;
  /** URIs (as strings) the test declares open in an editor (dirty ones count as open too). */
  open: Set<string>;
  /** Notes the provider could not open because Anki was unreachable (`onOpenWhileUnreachable`). */
  unreachableOpens: string[];
  /** Called after every HTTP request the client makes (tests arm faults from here). */
  onRequest: ((e: RequestEvent) => void) | undefined;
  close(): Promise<void>;
}

/** The add-on build fixtures talk to unless a test says otherwise (suites run once per build: `describe.each(ADDON_BUILDS)`). */
export const fixtureDefaults: { addon: AddonBuild } = { addon: 'current' };

export function basicNote(col: Collection, deck: string, front: string, back: string, tags: string[] = []): number {
  const model = col.modelByName('Basic');
  if (!model) throw new Error('no Basic model');
  return col.addNote({ model, deck: col.ensureDeck(deck), fields: [front, back], tags }).id;
}

export async function makeFixture(
  opts: { addon?: AddonBuild; setup?: (col: Collection) => void; notes?: number; requestTimeoutMs?: number; announcedWriteTimeoutMs?: number; journal?: (url: string) => EngineJournal } = {},
): Promise<Fixture> {
  const col = new Collection();
  opts.setup?.(col);
  const srvOpts: Parameters<typeof startTestServer>[0] = { port: 0, latency: 'none', collection: col, addon: opts.addon ?? fixtureDefaults.addon };
  const srv = await startTestServer(srvOpts);
  const fixture: Partial<Fixture> & { onRequest: Fixture['onRequest'] } = { onRequest: undefined };
  const client = new AnkiClient({
    url: srv.url,
    onRequest: (e) => fixture.onRequest?.(e),
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
  });
  const logs: Logged[] = [];
  const log = {
    info: (m: string) => logs.push({ level: 'info', message: m }),
    warn: (m: string) => logs.push({ level: 'warn', message: m }),
    error: (m: string) => logs.push({ level: 'error', message: m }),
    debug: (m: string) => logs.push({ level: 'debug', message: m }),
  };
  const diagnostics = new Map<string, readonly vscode.Diagnostic[]>();
  const sink: DiagnosticsSink = {
    set: (uri, d) => diagnostics.set(uri.toString(), d),
    delete: (uri) => diagnostics.delete(uri.toString()),
  };
  const dirty = new Set<string>();
  const open = new Set<string>();
  const unreachableOpens: string[] = [];
  const provider = new AnkiFileSystemProvider(
    { client, log },
    {
      codec: notesCodec,
      diagnostics: sink,
      canonicalDelayMs: 30,
      isDirty: (uri) => dirty.has(uri.toString()),
      ...(opts.announcedWriteTimeoutMs !== undefined ? { announcedWriteTimeoutMs: opts.announcedWriteTimeoutMs } : {}),
      ...(opts.journal ? { journal: opts.journal(srv.url) } : {}),
      isOpen: (uri) => open.has(uri.toString()) || dirty.has(uri.toString()),
      onOpenWhileUnreachable: (uri) => void unreachableOpens.push(uri.path),
    },
  );
  const events: vscode.FileChangeEvent[] = [];
  provider.onDidChangeFile((e) => events.push(...e));
  const collectionChanges: Array<{ decks?: string[]; notes?: number[] }> = [];
  provider.onDidChangeCollection((c) => collectionChanges.push(c));
  Object.assign(fixture, {
    srv,
    client,
    provider,
    logs,
    events,
    collectionChanges,
    diagnostics,
    dirty,
    open,
    unreachableOpens,
    close: async () => {
      provider.dispose();
      await srv.close();
    },
  });
  return fixture as Fixture;
}

export function uriOf(deck: string, front: string, id: number): vscode.Uri {
  return vscode.Uri.from({ scheme: 'anki', path: notePath(deck, front, id) });
}

export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs `f` and returns how many HTTP requests the server received meanwhile. */
export async function countRequests<T>(srv: TestServer, f: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = srv.stats.requests;
  const value = await f();
  return { value, requests: srv.stats.requests - before };
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<vscode.FileSystemError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof vscode.FileSystemError) return e;
    throw new Error(`expected a FileSystemError, got ${String(e)}`);
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

export const W = { create: false, overwrite: true } as const;
