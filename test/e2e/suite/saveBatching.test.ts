// Save All is one batch under load: 100 dirty notes, several rounds, with CPU-burning processes competing with
// VS Code for the machine's cores. Each round must cost exactly 2 requests to the test server for the save (the
// conflict read, then ONE multi with every note's update and the verification), whatever the load: the saver
// sends when the last write VS Code announced (onWillSaveTextDocument) has arrived, not after a timer.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { activateExtension, ankiUri, closeAllEditors, control, notesInfo, waitFor } from './helpers';

interface LogEntry {
  action: string;
  subActions?: string[];
}

const WRITES = new Set(['updateNoteFields', 'updateNoteTags', 'changeDeck', 'addNote', 'addNotes', 'deleteNotes', 'addTags', 'removeTags', 'createDeck', 'deleteDecks']);
const actionsOf = (e: LogEntry): string[] => (e.action === 'multi' ? (e.subActions ?? []) : [e.action]);

async function controlLog(): Promise<LogEntry[]> {
  const s = await control('stats');
  const log = (s as { log?: unknown }).log;
  assert.ok(Array.isArray(log), 'control stats has no request log');
  return log as LogEntry[];
}

/** The document with one more tag (`tags:` is a flow list in our documents: `tags: []` or `tags: [a, b]`). */
function withTag(text: string, tag: string): string {
  if (/^tags: \[\]$/m.test(text)) return text.replace(/^tags: \[\]$/m, `tags: [${tag}]`);
  assert.match(text, /^tags: \[/m, 'the document has no flow-style tags line');
  return text.replace(/^tags: \[/m, `tags: [${tag}, `);
}

/** The first `count` note files found walking the file system breadth-first (one walk, through the provider). */
async function someNoteUris(count: number): Promise<Map<number, vscode.Uri>> {
  const found = new Map<number, vscode.Uri>();
  const queue: vscode.Uri[] = [ankiUri('/')];
  while (queue.length > 0 && found.size < count) {
    const dir = queue.shift() as vscode.Uri;
    for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
      const child = vscode.Uri.joinPath(dir, name);
      const m = /\.(\d+)\.yaml$/.exec(name);
      if (type === vscode.FileType.File && m && found.size < count) found.set(Number(m[1]), child);
      if (type === vscode.FileType.Directory) queue.push(child);
    }
  }
  return found;
}

/** Child processes that each keep one core busy until killed. */
function burnCpu(n: number): ChildProcess[] {
  const out: ChildProcess[] = [];
  for (let i = 0; i < n; i++) out.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', env: { ELECTRON_RUN_AS_NODE: '1' } }));
  return out;
}

describe('Save All under load', () => {
  const COUNT = 100;
  const ROUNDS = 3;
  let burners: ChildProcess[] = [];

  before(async () => {
    await activateExtension();
  });
  after(async function () {
    this.timeout(300_000);
    for (const b of burners) b.kill('SIGKILL');
    burners = [];
    await closeAllEditors();
  });

  it(`Save All of ${COUNT} dirty notes costs exactly 2 requests, in each of ${ROUNDS} rounds, with the CPU loaded`, async function () {
    this.timeout(600_000);
    const uris = await someNoteUris(COUNT);
    assert.equal(uris.size, COUNT, `the test collection has fewer than ${COUNT} notes`);
    const ids = [...uris.keys()];
    const docs: vscode.TextDocument[] = [];
    const originals = new Map<string, string>();
    for (const uri of uris.values()) {
      // in editors, as a user's Save All: VS Code may dispose documents that no editor shows
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
      docs.push(doc);
      originals.set(doc.uri.toString(), doc.getText());
    }
    const t0 = Date.now();
    burners = burnCpu(Math.max(2, os.cpus().length));
    const perRound: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const tag = `e2e-load-${round}`;
      // a clean document may be reloaded meanwhile (the canonical form published after the last save): VS Code
      // then refuses the edit as stale, and it is built again from the current text
      const applied = await waitFor(async () => {
        const edit = new vscode.WorkspaceEdit();
        for (const d of docs) edit.replace(d.uri, new vscode.Range(d.positionAt(0), d.positionAt(d.getText().length)), withTag(d.getText(), tag));
        return vscode.workspace.applyEdit(edit);
      }, `round ${round}: the edits to apply`, 30_000, 500);
      assert.ok(applied, 'the edits were not applied');
      assert.ok(docs.every((d) => d.isDirty), 'every document must be dirty before Save All');
      await control('resetStats');
      await vscode.commands.executeCommand('workbench.action.files.saveAll');
      await waitFor(() => docs.every((d) => !d.isDirty), `round ${round}: every document to be saved`, 240_000, 200);
      const log = await controlLog();
      const writes = log.map((e, i) => [e, i] as const).filter(([e]) => actionsOf(e).some((a) => WRITES.has(a)));
      assert.equal(writes.length, 1, `round ${round}: expected ONE apply request, got ${writes.length}: ${JSON.stringify(log.map(actionsOf))}`);
      const [apply, at] = writes[0] as readonly [LogEntry, number];
      assert.equal(actionsOf(apply).filter((a) => a === 'updateNoteTags').length, COUNT, `round ${round}: the apply request does not carry all ${COUNT} updates`);
      const check = log[at - 1];
      assert.ok(check && actionsOf(check).includes('notesInfo') && !actionsOf(check).some((a) => WRITES.has(a)), `round ${round}: no conflict read right before the apply: ${JSON.stringify(log.map(actionsOf))}`);
      // the saver's requests: its conflict reads (multi[notesInfo…, getDecks, deckNames(, getActiveProfile for the
      // journal)]) and its applies; other requests (a view refreshing its labels) only read
      const conflictReads = log.filter((e) => {
        const a = actionsOf(e);
        return e.action === 'multi' && a[0] === 'notesInfo' && a.includes('getDecks') && a.includes('deckNames') && !a.some((x) => WRITES.has(x));
      });
      const saveRequests = conflictReads.length + writes.length;
      perRound.push(saveRequests);
      assert.equal(saveRequests, 2, `round ${round}: the save cost ${saveRequests} requests: ${JSON.stringify(log.map(actionsOf))}`);
      console.log(`round ${round}: saved ${COUNT} notes in ${Date.now() - t0} ms since start; ${log.length} requests in all`);
      const infos = await notesInfo(ids);
      for (const n of infos) assert.ok(n.tags.includes(tag), `round ${round}: note ${n.noteId} lacks the tag ${tag}`);
    }
    console.log(`Save All of ${COUNT} notes under load (${burners.length} CPU burners): requests per round ${perRound.join(', ')}`);
    // Put the notes back as they were, through the extension (one more Save All), for the tests that follow.
    for (const b of burners) b.kill('SIGKILL');
    burners = [];
    // built again from the current text when VS Code refuses it as stale (a clean document reloaded meanwhile, as above)
    const restored = await waitFor(async () => {
      const restore = new vscode.WorkspaceEdit();
      for (const d of docs) restore.replace(d.uri, new vscode.Range(d.positionAt(0), d.positionAt(d.getText().length)), originals.get(d.uri.toString()) ?? d.getText());
      return vscode.workspace.applyEdit(restore);
    }, 'the restoring edits to apply', 30_000, 500);
    assert.ok(restored, 'the restoring edits were not applied');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await waitFor(() => docs.every((d) => !d.isDirty), 'the restoring Save All', 240_000, 200);
    for (const n of await notesInfo(ids)) assert.ok(!n.tags.some((t) => t.startsWith('e2e-load-')), `note ${n.noteId} kept a test tag`);
  });
});
