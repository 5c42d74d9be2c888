// The conflict flow in the real VS Code (issue 9): after a save refused because the note changed in Anki,
// Keep Mine writes the editor's text over Anki's version and Take Anki's reverts to Anki's, each in one step
// (neither goes through VS Code's save, so no "file is newer" dialog), leaving a clean editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, replaceAll, waitFor } from './helpers';

async function plainNotes(skip: number): Promise<{ id: number; fieldName: string; value: string }> {
  const ids = await findNotes('deck:*');
  const infos = await notesInfo(ids.slice(0, 300));
  const plain = infos.flatMap((n) => {
    const first = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0];
    // plain text (earlier suites append words, some in parentheses, to the first plain notes)
    return first && /^[A-Za-z][A-Za-z0-9 ()]{3,80}$/.test(first[1].value) ? [{ id: n.noteId, fieldName: first[0], value: first[1].value }] : [];
  });
  const n = plain.at(-1 - skip); // from the end: other suites take the first ones
  assert.ok(n, 'not enough notes with a plain first field');
  return n;
}

/** An editor with unsaved text whose save was refused: the note changed in Anki meanwhile. */
async function conflicted(skip: number): Promise<{ editor: vscode.TextEditor; note: { id: number; fieldName: string; value: string }; mine: string; theirs: string }> {
  const note = await plainNotes(skip);
  const editor = await openEditor(await findNoteUri(note.id));
  const mine = `${note.value} mine`;
  const theirs = `${note.value} theirs`;
  await replaceAll(editor, editor.document.getText().replace(note.value, mine));
  await control('editInAnki', { noteId: note.id, fields: { [note.fieldName]: theirs } });
  const saved = await editor.document.save().then((ok) => ok, () => false);
  assert.equal(saved, false, 'the save went through although the note changed in Anki');
  return { editor, note, mine, theirs };
}

describe('one note, one tab', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await closeAllEditors();
  });

  it('opening a note that is already open under another path (an older label) reveals the open one', async () => {
    const ids = await findNotes('deck:*');
    const note = { id: ids[ids.length - 10] ?? 0 };
    const real = await findNoteUri(note.id);
    const other = real.with({ path: real.path.replace(/[^/]*(\.\d+\.yaml)$/, 'an older label$1') });
    assert.notEqual(other.toString(), real.toString());
    await openEditor(other);
    await vscode.commands.executeCommand('ankiFiles.openNoteById', note.id);
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === other.toString(), 'the open document to be revealed', 15000);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.path.endsWith(`.${note.id}.yaml`));
    assert.equal(tabs.length, 1, 'a second tab of the same note was opened');
  });
});

describe('the conflict flow: Keep Mine / Take Anki\'s', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await closeAllEditors();
  });

  it('Keep Mine saves the editor\'s text over Anki\'s version in one step; the editor is clean and shows it', async () => {
    const { editor, note, mine } = await conflicted(0);
    await vscode.commands.executeCommand('ankiFiles.keepMine', editor.document.uri);
    const [after] = await notesInfo([note.id]);
    assert.equal(after?.fields[note.fieldName]?.value, mine);
    await waitFor(() => !editor.document.isDirty, 'the editor to be clean after Keep Mine', 15000);
    assert.ok(editor.document.getText().includes(mine));
  });

  it('Take Anki\'s reverts the editor to Anki\'s version in one step; nothing is written', async () => {
    const { editor, note, theirs } = await conflicted(1);
    await vscode.commands.executeCommand('ankiFiles.takeAnkis', editor.document.uri);
    await waitFor(() => !editor.document.isDirty, 'the editor to be clean after Take Anki\'s', 15000);
    assert.ok(editor.document.getText().includes(theirs), 'the editor does not show Anki\'s version');
    const [after] = await notesInfo([note.id]);
    assert.equal(after?.fields[note.fieldName]?.value, theirs);
  });

  it('after Compare with Anki\'s Version, Keep Mine finishes in the diff editor and closes it', async () => {
    const { editor, note, mine } = await conflicted(2);
    await vscode.commands.executeCommand('ankiFiles.compareWithAnki', editor.document.uri);
    const isDiff = (): boolean => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff));
    await waitFor(() => isDiff(), 'the compare editor to open', 15000);
    await vscode.commands.executeCommand('ankiFiles.keepMine', editor.document.uri);
    const [after] = await notesInfo([note.id]);
    assert.equal(after?.fields[note.fieldName]?.value, mine);
    await waitFor(() => !isDiff(), 'the compare editor to close', 15000);
    await waitFor(() => !editor.document.isDirty, 'the editor to be clean', 15000);
  });
});
