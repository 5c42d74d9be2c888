// The anki: FileSystemProvider through VS Code's own APIs (workspace.fs, TextDocument save), against the
// AnkiConnect test server over real HTTP.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, ankiUri, closeAllEditors, control, decoder, findNotes, findNoteUri, notesInfo, openEditor, replaceAll, waitFor } from './helpers';

/** A note whose first field is plain text (no HTML, no YAML-special characters), so a text edit is unambiguous. */
async function plainNote(): Promise<{ id: number; fieldName: string; value: string }> {
  const ids = await findNotes('deck:*');
  assert.ok(ids.length > 0, 'the test server has no notes');
  const infos = await notesInfo(ids.slice(0, 200));
  for (const n of infos) {
    const first = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0];
    if (first && /^[A-Za-z][A-Za-z0-9 ]{3,40}$/.test(first[1].value)) return { id: n.noteId, fieldName: first[0], value: first[1].value };
  }
  throw new Error('no note with a plain-text first field in the first 200 notes of the test collection');
}

describe('anki: file system', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await closeAllEditors();
  });

  it('lists decks at the root as directories', async () => {
    const entries = await vscode.workspace.fs.readDirectory(ankiUri('/'));
    const dirs = entries.filter(([, t]) => t === vscode.FileType.Directory);
    assert.ok(dirs.length > 0, `no deck directories at anki:/ (entries: ${JSON.stringify(entries)})`);
  });

  it('reads a note as a YAML document carrying its id and field text', async () => {
    const note = await plainNote();
    const uri = await findNoteUri(note.id);
    const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
    assert.ok(text.includes(String(note.id)), `document does not mention note id ${note.id}:\n${text}`);
    assert.ok(text.includes(note.value), `document does not contain the field text "${note.value}":\n${text}`);
    const st = await vscode.workspace.fs.stat(uri);
    assert.equal(st.type, vscode.FileType.File);
    assert.equal(st.size, Buffer.byteLength(text, 'utf8'));
  });

  it('saving an edited document updates the note in Anki', async () => {
    const note = await plainNote();
    const uri = await findNoteUri(note.id);
    const editor = await openEditor(uri);
    const edited = `${note.value} edited in e2e`;
    await replaceAll(editor, editor.document.getText().replace(note.value, edited));
    assert.equal(editor.document.isDirty, true);
    assert.equal(await editor.document.save(), true, 'document.save() reported failure');
    const [after] = await notesInfo([note.id]);
    assert.equal(after?.fields[note.fieldName]?.value, edited);
    assert.equal(editor.document.isDirty, false);
  });

  it('a note changed in Anki after it was opened is not overwritten by a save (conflict)', async () => {
    const note = await plainNote();
    const uri = await findNoteUri(note.id);
    const editor = await openEditor(uri);
    const inAnki = `${note.value} changed in Anki`;
    await replaceAll(editor, editor.document.getText().replace(note.value, `${note.value} changed in VS Code`));
    // while the editor holds unsaved text, the note changes in Anki
    await control('editInAnki', { noteId: note.id, fields: { [note.fieldName]: inAnki } });
    const saved = await editor.document.save().then(
      (ok) => ok,
      () => false,
    );
    assert.equal(saved, false, 'the save went through although the note changed in Anki');
    const [after] = await notesInfo([note.id]);
    assert.equal(after?.fields[note.fieldName]?.value, inAnki, 'the change made in Anki was clobbered');
    // the user's text is kept in the (still dirty) editor
    await waitFor(() => editor.document.isDirty && editor.document.getText().includes('changed in VS Code'), 'the edited text to stay in the editor', 5000);
  });
});
