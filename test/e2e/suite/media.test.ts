// Media in the real VS Code: Insert Media… and Add Media File… put Anki's own tags at the cursor inside a
// field (YAML kept valid), uploads go to Anki with storeMediaFile (a name clash keeps both files), and nothing
// is uploaded when the cursor is not in a field or the file is too large.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, anki, closeAllEditors, findNotes, findNoteUri, openEditor, stats } from './helpers';

interface MediaResult {
  inserted: string;
  file: string;
}

/** Opens a Basic note whose Back field is set to `back` first; the cursor goes to the end of that value. */
async function openWithBack(back: string, skip: number): Promise<{ id: number; editor: vscode.TextEditor }> {
  // From the end of the collection: notes no earlier test opened (VS Code may keep a closed document's model).
  const ids = await findNotes('note:Basic');
  const id = ids[ids.length - 1 - skip];
  assert.ok(id, 'the test collection has too few Basic notes');
  await anki('updateNoteFields', { note: { id, fields: { Back: back } } });
  const editor = await openEditor(await findNoteUri(id));
  const text = editor.document.getText();
  const at = text.indexOf(`  Back: ${back}`);
  assert.ok(at >= 0, `the document does not show Back as plain "${back}":\n${text}`);
  const pos = editor.document.positionAt(at + `  Back: ${back}`.length);
  editor.selection = new vscode.Selection(pos, pos);
  return { id, editor };
}

const storeCalls = async (): Promise<number> => (await stats()).actions.storeMediaFile ?? 0;

describe('media in note documents', () => {
  let tmp: string;
  before(async () => {
    await activateExtension();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anki-files-media-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  afterEach(closeAllEditors);

  it('Insert Media puts <img src> at the cursor inside the field; saving sends it to Anki', async () => {
    await anki('storeMediaFile', { filename: 'e2e cat.png', data: Buffer.from('png bytes').toString('base64') });
    const { id, editor } = await openWithBack('see the picture', 0);
    const r = (await vscode.commands.executeCommand('ankiFiles.insertMedia', { file: 'e2e cat.png' })) as MediaResult | undefined;
    assert.deepEqual(r, { inserted: '<img src="e2e%20cat.png">', file: 'e2e cat.png' });
    assert.ok(editor.document.isDirty);
    assert.ok(editor.document.getText().includes('  Back: see the picture<img src="e2e%20cat.png">\n'), editor.document.getText());
    assert.ok(await editor.document.save());
    const [info] = (await anki('notesInfo', { notes: [id] })) as Array<{ fields: Record<string, { value: string }> }>;
    assert.equal(info?.fields.Back?.value, 'see the picture<img src="e2e%20cat.png">');
  });

  it('Add Media File uploads the file (a different file of the same name is kept) and inserts the name Anki used', async () => {
    await anki('storeMediaFile', { filename: 'clash.png', data: Buffer.from('the one already in Anki').toString('base64') });
    const file = path.join(tmp, 'clash.png');
    fs.writeFileSync(file, 'a new picture');
    const { editor } = await openWithBack('two pictures', 1);
    const r = (await vscode.commands.executeCommand('ankiFiles.addMediaFile', { path: file })) as MediaResult | undefined;
    assert.ok(r, 'nothing was inserted');
    assert.match(r.file, /^clash-[0-9a-f]{8}\.png$/);
    assert.equal(await anki('retrieveMediaFile', { filename: r.file }), Buffer.from('a new picture').toString('base64'));
    assert.equal(await anki('retrieveMediaFile', { filename: 'clash.png' }), Buffer.from('the one already in Anki').toString('base64'));
    assert.ok(editor.document.getText().includes(`  Back: two pictures<img src="${r.file}">\n`), editor.document.getText());
  });

  it('a sound becomes [sound:…]; a value that then needs quotes stays valid YAML', async () => {
    const file = path.join(tmp, 'word.mp3');
    fs.writeFileSync(file, 'ID3 audio');
    const { id, editor } = await openWithBack('x', 2);
    // cursor before "x": the value would start with "[", which YAML reads as a list unless quoted
    const pos = editor.selection.active.translate(0, -1);
    editor.selection = new vscode.Selection(pos, pos);
    const r = (await vscode.commands.executeCommand('ankiFiles.addMediaFile', { path: file })) as MediaResult | undefined;
    assert.equal(r?.inserted, '[sound:word.mp3]');
    const text = editor.document.getText();
    assert.ok(text.includes(`  Back: "[sound:word.mp3]x"\n`) || text.includes(`  Back: '[sound:word.mp3]x'\n`), text);
    assert.ok(await editor.document.save(), 'the document did not save');
    const [info] = (await anki('notesInfo', { notes: [id] })) as Array<{ fields: Record<string, { value: string }> }>;
    assert.equal(info?.fields.Back?.value, '[sound:word.mp3]x');
  });

  it('nothing is uploaded when the cursor is not in a field value, or the file is too large', async () => {
    const file = path.join(tmp, 'small.png');
    fs.writeFileSync(file, 'tiny');
    const { editor } = await openWithBack('unchanged', 3);
    const before = editor.document.getText();
    const tagsLine = editor.document.positionAt(before.indexOf('tags:') + 2);
    editor.selection = new vscode.Selection(tagsLine, tagsLine);
    const calls = await storeCalls();
    assert.equal(await vscode.commands.executeCommand('ankiFiles.addMediaFile', { path: file }), undefined);
    assert.equal(await vscode.commands.executeCommand('ankiFiles.insertMedia', { file: 'small.png' }), undefined);
    const big = path.join(tmp, 'big.png');
    fs.writeFileSync(big, Buffer.alloc(200 * 1024, 1));
    const cfg = vscode.workspace.getConfiguration('ankiFiles');
    await cfg.update('media.maxUploadSizeMB', 0.1, vscode.ConfigurationTarget.Global);
    try {
      const end = editor.document.positionAt(before.indexOf('  Back: unchanged') + '  Back: unchanged'.length);
      editor.selection = new vscode.Selection(end, end);
      assert.equal(await vscode.commands.executeCommand('ankiFiles.addMediaFile', { path: big }), undefined);
    } finally {
      await cfg.update('media.maxUploadSizeMB', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(await storeCalls(), calls, 'a media file was sent to Anki');
    assert.equal(editor.document.getText(), before);
    assert.equal(editor.document.isDirty, false);
  });
});
