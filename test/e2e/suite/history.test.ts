// The save history in the real VS Code: save, Undo Last Save, Redo Last Save through the commands (Anki and
// the open editor follow), a note edited in Anki after the save is skipped and named, and a note's history
// with three saved versions: diff of a version against the editor, Restore This Version, save.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, replaceAll, waitFor, type NoteInfo } from './helpers';

const firstField = (n: NoteInfo): [string, string] => {
  const [name, f] = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0] ?? ['', { value: '', order: 0 }];
  return [name, f.value];
};

/** `count` notes with a plain-text first field found in no other field, skipping `skip` matches (`all`: every one). */
async function plainNotes(count: number, skip: number, all = false): Promise<NoteInfo[]> {
  const ids = await findNotes('deck:*');
  const infos = await notesInfo(ids.slice(0, 300));
  const plain = infos.filter((n) => {
    const [name, value] = firstField(n);
    return /^\p{L}[\p{L}\p{N} ]{0,40}$/u.test(value) && Object.entries(n.fields).every(([k, f]) => k === name || !f.value.includes(value));
  });
  if (all) return plain;
  const picked = plain.slice(skip, skip + count);
  assert.equal(picked.length, count, `the test collection has fewer than ${skip + count} notes with a plain first field`);
  return picked;
}

interface Scripted {
  restored: number;
  skipped: Array<{ id: number; reason: string; detail?: string }>;
}

interface Version {
  side: string;
  kind: string;
  changes: string[];
  text: string;
}

async function firstValue(id: number): Promise<string | undefined> {
  const [info] = await notesInfo([id]);
  return info ? firstField(info)[1] : undefined;
}

async function saveEdit(editor: vscode.TextEditor, from: string, to: string): Promise<void> {
  await waitFor(() => editor.document.getText().includes(from), `the editor to show "${from}"`);
  await replaceAll(editor, editor.document.getText().replace(from, to));
  assert.equal(await editor.document.save(), true, `saving "${to}" failed`);
  await waitFor(() => !editor.document.isDirty, 'the document to be saved');
}

describe('save history: undo, redo and a note history', () => {
  // Three notes picked once, from the end of the plain ones (earlier suites edit notes from the start and can
  // make them non-plain; the media suite takes the last Basic notes, which are skipped here).
  let picked: NoteInfo[] = [];
  before(async () => {
    await activateExtension();
    const basic = new Set((await findNotes('note:Basic')).slice(-10));
    const plain = (await plainNotes(0, 0, true)).filter((n) => !basic.has(n.noteId));
    picked = plain.slice(-3);
    assert.equal(picked.length, 3, 'the test collection has fewer than 3 suitable notes');
  });
  afterEach(async () => {
    await control('clearFaults');
    await closeAllEditors();
  });

  it('save, Undo Last Save, Redo Last Save: Anki and the open editor follow each step', async () => {
    const n = picked[0];
    assert.ok(n);
    const [, value] = firstField(n);
    const editor = await openEditor(await findNoteUri(n.noteId));
    await saveEdit(editor, value, `${value} undo me`);
    assert.equal(await firstValue(n.noteId), `${value} undo me`);

    const undo = await vscode.commands.executeCommand<Scripted>('ankiFiles.undoLastSave');
    assert.deepEqual(undo && { restored: undo.restored, skipped: undo.skipped }, { restored: 1, skipped: [] });
    assert.equal(await firstValue(n.noteId), value);
    await waitFor(() => !editor.document.getText().includes('undo me') && editor.document.getText().includes(value), 'the clean editor to show the restored version');
    assert.equal(editor.document.isDirty, false);

    const redo = await vscode.commands.executeCommand<Scripted>('ankiFiles.redoLastSave');
    assert.deepEqual(redo && { restored: redo.restored, skipped: redo.skipped }, { restored: 1, skipped: [] });
    assert.equal(await firstValue(n.noteId), `${value} undo me`);
    await waitFor(() => editor.document.getText().includes(`${value} undo me`), 'the clean editor to show the redone version');

    // nothing left to redo
    const again = await vscode.commands.executeCommand<Scripted>('ankiFiles.redoLastSave');
    assert.deepEqual(again, { restored: 0, skipped: [] });
  });

  it('a note edited in Anki after the save is skipped and named; Anki keeps that edit', async () => {
    const n = picked[1];
    assert.ok(n);
    const [name, value] = firstField(n);
    const editor = await openEditor(await findNoteUri(n.noteId));
    await saveEdit(editor, value, `${value} then Anki`);
    await control('editInAnki', { noteId: n.noteId, fields: { [name]: 'edited in Anki meanwhile' } });
    const undo = await vscode.commands.executeCommand<Scripted>('ankiFiles.undoLastSave');
    assert.equal(undo?.restored, 0);
    assert.deepEqual(
      undo?.skipped.map((s) => ({ id: s.id, reason: s.reason })),
      [{ id: n.noteId, reason: 'changedSince' }],
    );
    assert.match(undo?.skipped[0]?.detail ?? '', new RegExp(`field ${name}`));
    assert.equal(await firstValue(n.noteId), 'edited in Anki meanwhile');
  });

  it('the history of a note saved three times: four versions, a diff of one against the editor, Restore This Version', async () => {
    const n = picked[2];
    assert.ok(n);
    const [name, value] = firstField(n);
    const uri = await findNoteUri(n.noteId);
    const editor = await openEditor(uri);
    await saveEdit(editor, value, `${value} v1`);
    await saveEdit(editor, `${value} v1`, `${value} v2`);
    await saveEdit(editor, `${value} v2`, `${value} v3`);

    const versions = await vscode.commands.executeCommand<Version[]>('ankiFiles.showNoteHistory', { uri, open: 2 });
    assert.ok(versions);
    const shown = versions.map((v) => [' v3', ' v2', ' v1'].find((s) => v.text.includes(`${value}${s}`)) ?? 'original');
    assert.deepEqual(shown, [' v3', ' v2', ' v1', 'original']);
    assert.deepEqual(versions.map((v) => v.side), ['after', 'after', 'after', 'before']);
    assert.deepEqual(versions[0]?.changes, [`field ${name}`]);

    // the diff: the saved version (read-only, left) against the note's editor (right)
    const left = await waitFor(
      () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'anki-history'),
      'the history diff to open',
    );
    assert.ok(left.document.getText().includes(`${value} v1`));
    assert.ok(!left.document.getText().includes(`${value} v3`));
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString()), 'the diff does not show the note');

    // Restore This Version: the editor gets that version as an unsaved change; saving writes it to Anki
    assert.equal(await vscode.commands.executeCommand<boolean>('ankiFiles.restoreNoteVersion'), true);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.isDirty, true, 'the restored version must be an unsaved change');
    assert.ok(doc.getText().includes(`${value} v1`) && !doc.getText().includes(`${value} v3`));
    assert.equal(await firstValue(n.noteId), `${value} v3`, 'nothing may be written before the user saves');
    assert.equal(await doc.save(), true);
    assert.equal(await firstValue(n.noteId), `${value} v1`);
  });
});
