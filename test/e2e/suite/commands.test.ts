// Commands that open notes, driven from the extension host (the quick pick is accepted through VS Code's own
// `workbench.action.acceptSelectedQuickOpenItem`, as a keyboard user would press Enter).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, findNotes, notesInfo, sleep, waitFor } from './helpers';

const activeNoteId = (): number | undefined => {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (uri?.scheme !== 'anki') return undefined;
  const m = /\.(\d+)\.yaml$/.exec(uri.path);
  return m ? Number(m[1]) : undefined;
};

describe('note commands', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await closeAllEditors();
  });

  it('Anki: Open Note by ID opens that note as a document', async () => {
    const ids = await findNotes('deck:Spanish');
    const id = ids[3];
    assert.ok(id, 'the test collection has no Spanish notes');
    await vscode.commands.executeCommand('ankiFiles.openNoteById', id);
    await waitFor(() => activeNoteId() === id, `note ${id} to become the active editor`, 20000);
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    const [info] = await notesInfo([id]);
    assert.ok(info);
    for (const f of Object.values(info.fields).filter((x) => /^[\p{L}\p{N} ,.'-]{1,60}$/u.test(x.value))) {
      assert.ok(text.includes(f.value), `the document lacks the field text "${f.value}":\n${text}`);
    }
  });

  it('Anki: Open Note by ID explains an unknown id instead of opening anything', async () => {
    await vscode.commands.executeCommand('ankiFiles.openNoteById', 42);
    await sleep(1500);
    assert.equal(activeNoteId(), undefined, 'an editor opened for a note that does not exist');
  });

  it('Anki: Search Notes… with a query finds the note, and accepting the pick opens it', async () => {
    const ids = await findNotes('deck:Medicine');
    const id = ids[0];
    assert.ok(id, 'the test collection has no Medicine notes');
    const end = Date.now() + 30000;
    while (activeNoteId() !== id) {
      assert.ok(Date.now() < end, `search "nid:${id}" did not open note ${id}`);
      await vscode.commands.executeCommand('ankiFiles.search', `nid:${id}`);
      await sleep(1500); // debounce + one search request
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await waitFor(() => activeNoteId() === id, 'the search result to open', 3000).catch(() => undefined);
    }
  });
});
