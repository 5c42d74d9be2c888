// Helpers for the in-host e2e tests (they run inside the real VS Code extension host started by
// scripts/run-e2e.mjs). The runner passes the AnkiConnect test server through environment variables of the
// code-server process, which the extension host inherits:
//   ANKI_FILES_TEST_SERVER   http://127.0.0.1:PORT       (AnkiConnect API of the test server)
//   ANKI_FILES_TEST_CONTROL  http://127.0.0.1:CONTROL    (its control port: faults, simulated Anki edits, stats)
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'anki-files.anki-files';
export const SCHEME = 'anki';

export interface TestServer {
  url: string;
  controlUrl: string;
}

export function testServer(): TestServer {
  const url = process.env.ANKI_FILES_TEST_SERVER;
  const controlUrl = process.env.ANKI_FILES_TEST_CONTROL;
  if (!url || !controlUrl) {
    throw new Error('ANKI_FILES_TEST_SERVER / ANKI_FILES_TEST_CONTROL are not set: run these tests with `npm run test:e2e`');
  }
  return { url, controlUrl };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value (returned) or `timeoutMs` passes (throws, naming `what`). */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20000, intervalMs = 100): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * POST over a fresh connection each time (node:http, no agent): the test server, like AnkiConnect, closes a
 * connection after its reply, and a keep-alive client (fetch) that reuses the closed socket fails at random
 * ("fetch failed").
 */
function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
}

/**
 * One operation on the test server's control port (test/server/cli.ts): POST {op, ...args}; returns `result`.
 * Ops: editInAnki {noteId, fields?, tags?}, touch {noteId}, deleteNote {noteId}, openInBrowser {noteId},
 * closeBrowser, refuseConnections {on}, resetNext {n?}, delayNext {n, ms}, failMultiEntry {index, message?},
 * clearFaults, stats, resetStats, getNote {noteId}, findNotes {query}, lastGuiBrowse.
 */
export async function control(op: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const { status, json, text } = await postJson(testServer().controlUrl, { ...args, op });
  const error = field(json, 'error');
  if (json === undefined) throw new Error(`control ${op}: HTTP ${status}, answer is not JSON: ${text.slice(0, 200)}`);
  if (status !== 200 || (error !== null && error !== undefined)) throw new Error(`control ${op}: ${String(error ?? `HTTP ${status}`)}`);
  return field(json, 'result');
}

/** A direct AnkiConnect request to the test server (for test setup and checks, bypassing the extension). */
export async function anki(action: string, params?: Record<string, unknown>): Promise<unknown> {
  const body: Record<string, unknown> = { action, version: 6 };
  if (params !== undefined) body.params = params;
  const { json, text } = await postJson(testServer().url, body);
  if (json === undefined) throw new Error(`AnkiConnect ${action}: answer is not JSON: ${text.slice(0, 200)}`);
  const error = field(json, 'error');
  if (error !== null && error !== undefined) throw new Error(`AnkiConnect ${action}: ${String(error)}`);
  return field(json, 'result');
}

export interface NoteInfo {
  noteId: number;
  modelName: string;
  tags: string[];
  fields: Record<string, { value: string; order: number }>;
  cards: number[];
  mod: number;
}

export async function notesInfo(ids: number[]): Promise<NoteInfo[]> {
  const r = await anki('notesInfo', { notes: ids });
  assert.ok(Array.isArray(r), 'notesInfo returned no list');
  return r as NoteInfo[];
}

export async function findNotes(query: string): Promise<number[]> {
  const r = await anki('findNotes', { query });
  assert.ok(Array.isArray(r), 'findNotes returned no list');
  return r as number[];
}

/** Request statistics of the test server (control op `stats`): total requests and per-action counts. */
export interface ServerStats {
  requests: number;
  actions: Record<string, number>;
}
export async function stats(): Promise<ServerStats> {
  const s = await control('stats');
  const requests = field(s, 'requests');
  const actions = field(s, 'actions');
  assert.equal(typeof requests, 'number', `control stats: unexpected answer ${JSON.stringify(s)}`);
  return { requests: requests as number, actions: (actions ?? {}) as Record<string, number> };
}

/** Activates Anki Files (the development copy loaded by the runner) and returns it. */
export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  await ext.activate();
  return ext;
}

export const ankiUri = (path: string): vscode.Uri => vscode.Uri.from({ scheme: SCHEME, path });

/**
 * Finds the anki: URI of a note by walking the file system breadth-first (only through the provider, so this
 * needs no knowledge of the path encoding): the note file name ends in `.<noteId>.yaml`.
 */
export async function findNoteUri(noteId: number, start: vscode.Uri = ankiUri('/')): Promise<vscode.Uri> {
  const suffix = `.${noteId}.yaml`;
  const queue: vscode.Uri[] = [start];
  while (queue.length > 0) {
    const dir = queue.shift() as vscode.Uri;
    const entries = await vscode.workspace.fs.readDirectory(dir);
    for (const [name, type] of entries) {
      const child = vscode.Uri.joinPath(dir, name);
      if (type === vscode.FileType.File && name.endsWith(suffix)) return child;
      if (type === vscode.FileType.Directory) queue.push(child);
    }
  }
  throw new Error(`note ${noteId} not found under ${start.toString()}`);
}

/** Opens a document in an editor and returns the editor. */
export async function openEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Replaces the whole text of an editor (leaves the document dirty). */
export async function replaceAll(editor: vscode.TextEditor, text: string): Promise<void> {
  const doc = editor.document;
  const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const ok = await editor.edit((b) => b.replace(all, text));
  assert.ok(ok, 'editor edit was not applied');
}

/** Closes every editor without saving (reverting dirty ones), so tests do not leak state into each other. */
export async function closeAllEditors(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty && doc.uri.scheme === SCHEME) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export const decoder = new TextDecoder();
export const encoder = new TextEncoder();
