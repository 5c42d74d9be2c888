// Save All batching (counted on the test server), and fault cases seen through VS Code's own APIs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activateExtension, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, replaceAll,
  stats, waitFor, type NoteInfo,
} from './helpers';

interface LogEntry {
  action: string;
  subActions?: string[];
}

const firstField = (n: NoteInfo): [string, string] => {
  const [name, f] = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0] ?? ['', { value: '', order: 0 }];
  return [name, f.value];
};

/** `count` notes with plain-text first fields, skipping `skip` matches (so tests use different notes). */
async function plainNotes(count: number, skip: number): Promise<NoteInfo[]> {
  const ids = await findNotes('deck:*');
  const infos = await notesInfo(ids.slice(0, 300));
  // plain text (letters of any script, digits, spaces; no HTML or YAML syntax) found in no other field, so a
  // text replacement in the document hits exactly that field
  const plain = infos.filter((n) => {
    const [name, value] = firstField(n);
    return /^\p{L}[\p{L}\p{N} ]{0,40}$/u.test(value) && Object.entries(n.fields).every(([k, f]) => k === name || !f.value.includes(value));
  });
  const picked = plain.slice(skip, skip + count);
  assert.equal(picked.length, count, `the test collection has fewer than ${skip + count} notes with a plain first field`);
  return picked;
}

const READ_ONLY = new Set(['notesInfo', 'getDecks', 'deckNames', 'getActiveProfile', 'deckNamesAndIds', 'findNotes', 'findCards', 'cardsInfo', 'notesModTime', 'modelNames', 'modelFieldNames', 'version', 'requestPermission']);
const actionsOf = (e: LogEntry): string[] => (e.action === 'multi' ? (e.subActions ?? []) : [e.action]);

async function controlLog(): Promise<LogEntry[]> {
  const s = await control('stats');
  const log = (s as { log?: unknown }).log;
  assert.ok(Array.isArray(log), 'control stats has no request log');
  return log as LogEntry[];
}

describe('saving several notes and fault cases', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await control('refuseConnections', { on: false });
    await control('clearFaults');
    await control('closeBrowser');
    await closeAllEditors();
  });

  it('Save All writes three edited notes at 2 requests per batch (conflict read + one multi), nothing else writes', async () => {
    const notes = await plainNotes(3, 5);
    const editors: vscode.TextEditor[] = [];
    for (const n of notes) {
      const editor = await openEditor(await findNoteUri(n.noteId));
      const [, value] = firstField(n);
      await replaceAll(editor, editor.document.getText().replace(value, `${value} saved together`));
      editors.push(editor);
    }
    await control('resetStats');
    await vscode.commands.executeCommand('workbench.action.files.saveAll');
    await waitFor(() => editors.every((e) => !e.document.isDirty), 'every edited document to be saved', 30000);
    const after = await notesInfo(notes.map((n) => n.noteId));
    for (const [i, n] of notes.entries()) {
      const [name, value] = firstField(n);
      assert.equal(after[i]?.fields[name]?.value, `${value} saved together`, `note ${n.noteId} was not updated`);
    }
    const log = await controlLog();
    // VS Code announces the three writes (onWillSaveTextDocument) before any of them: they form ONE batch, at
    // exactly 2 requests: a conflict read, then one apply multi.
    const applies = log.map((e, i) => [e, i] as const).filter(([e]) => actionsOf(e).includes('updateNoteFields'));
    const updates = applies.reduce((sum, [e]) => sum + actionsOf(e).filter((a) => a === 'updateNoteFields').length, 0);
    assert.equal(updates, 3, `expected 3 field updates in total: ${JSON.stringify(log)}`);
    assert.equal(applies.length, 1, `expected ONE apply request: ${JSON.stringify(log)}`);
    const batchIndexes = new Set<number>();
    for (const [, i] of applies) {
      const read = log[i - 1];
      assert.ok(read && actionsOf(read).includes('notesInfo') && actionsOf(read).every((a) => READ_ONLY.has(a)), `no conflict read right before the apply at ${i}: ${JSON.stringify(log)}`);
      batchIndexes.add(i).add(i - 1);
    }
    // anything else (e.g. a view refreshing labels after the save) only reads, and is at most one request
    const others = log.filter((_, i) => !batchIndexes.has(i));
    assert.ok(others.every((e) => actionsOf(e).every((a) => READ_ONLY.has(a))), `unexpected writes besides the batches: ${JSON.stringify(log)}`);
    // (on a 2023 add-on, E2E_ADDON=2023, the views' change check reads notesInfo too: no notesModTime there)
    const extraReads = process.env.ANKI_FILES_TEST_ADDON === '2023' ? 2 : 1;
    // plus the editing help's duplicate check of a first field typed just before the save (one findNotes per document at most)
    const views = others.filter((e) => e.action !== 'findNotes');
    assert.ok(views.length <= extraReads, `more than ${extraReads} extra request(s) around Save All: ${JSON.stringify(log)}`);
    assert.ok(others.length - views.length <= notes.length, `more duplicate checks than edited documents: ${JSON.stringify(log)}`);
    assert.equal((await stats()).requests, log.length);
  });

  it('saving while Anki is not running fails, keeps the text, and succeeds once Anki is back', async () => {
    const [n] = await plainNotes(1, 9);
    assert.ok(n);
    const [name, value] = firstField(n);
    const editor = await openEditor(await findNoteUri(n.noteId));
    await replaceAll(editor, editor.document.getText().replace(value, `${value} saved after restart`));
    await control('refuseConnections', { on: true });
    const saved = await editor.document.save().then(
      (ok) => ok,
      () => false,
    );
    assert.equal(saved, false, 'the save reported success while Anki refused connections');
    assert.equal(editor.document.isDirty, true, 'the unsaved text must stay in the editor');
    assert.ok(editor.document.getText().includes(`${value} saved after restart`));
    await control('refuseConnections', { on: false });
    assert.equal(await editor.document.save(), true, 'the save failed after Anki came back');
    const [after] = await notesInfo([n.noteId]);
    assert.equal(after?.fields[name]?.value, `${value} saved after restart`);
  });

  it('a save that Anki silently does not apply (note open in Anki\'s browser) fails instead of claiming success', async () => {
    const [n] = await plainNotes(1, 11);
    assert.ok(n);
    const [name, value] = firstField(n);
    const editor = await openEditor(await findNoteUri(n.noteId));
    await replaceAll(editor, editor.document.getText().replace(value, `${value} not applied`));
    await control('openInBrowser', { noteId: n.noteId });
    const saved = await editor.document.save().then(
      (ok) => ok,
      () => false,
    );
    assert.equal(saved, false, 'the save reported success although Anki did not apply it');
    const [after] = await notesInfo([n.noteId]);
    assert.equal(after?.fields[name]?.value, value);
    assert.equal(editor.document.isDirty, true, 'the unsaved text must stay in the editor');
  });

  it('a note deleted in Anki is reported as not found', async () => {
    const [n] = await plainNotes(1, 13);
    assert.ok(n);
    const uri = await findNoteUri(n.noteId);
    await control('deleteNote', { noteId: n.noteId });
    await waitFor(
      async () =>
        vscode.workspace.fs.readFile(uri).then(
          () => false,
          (e: unknown) => e instanceof vscode.FileSystemError && e.code === 'FileNotFound',
        ),
      'reading the deleted note to fail with FileNotFound',
      10000,
      250,
    );
  });
});
