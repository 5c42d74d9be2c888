// Media in the editor, in the real VS Code: the hover on [sound:…] (name, size, a play link trusted for that one
// command) answered through vscode.executeHoverProvider; Anki: Play Media writes the file Anki has and asks
// the system to open it; the paste provider (VS Code ≥ 1.97), called with a real DataTransfer, stores nothing
// until its resolve step, then inserts the tag of the name Anki answered, and a refused or failed upload
// leaves the text as it was.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, anki, closeAllEditors, control, findNotes, findNoteUri, openEditor, stats, waitFor } from './helpers';

interface PlayResult {
  file: string;
  path: string;
  opened: boolean;
}

/** What the test needs of the extension's paste provider (VS Code's own types are 1.90's here). */
interface PasteEditLike {
  insertText: string | vscode.SnippetString;
  additionalEdit?: vscode.WorkspaceEdit;
}
interface PasteProviderLike {
  provideDocumentPasteEdits(
    doc: vscode.TextDocument,
    ranges: readonly vscode.Range[],
    dt: vscode.DataTransfer,
    context: unknown,
    token: vscode.CancellationToken,
  ): Promise<PasteEditLike[] | undefined>;
  resolveDocumentPasteEdit(edit: PasteEditLike, token: vscode.CancellationToken): Promise<PasteEditLike>;
}

/** Opens a Basic note whose Back field is set to `back` first; the cursor goes to the end of that value. */
async function openWithBack(back: string, skip: number): Promise<{ id: number; editor: vscode.TextEditor; valueEnd: number }> {
  const ids = await findNotes('note:Basic');
  const id = ids[ids.length - 1 - skip];
  assert.ok(id, 'the test collection has too few Basic notes');
  await anki('updateNoteFields', { note: { id, fields: { Back: back } } });
  const editor = await openEditor(await findNoteUri(id));
  const text = editor.document.getText();
  const line = `  Back: ${back}`;
  const at = text.indexOf(line);
  assert.ok(at >= 0, `the document does not show Back as plain "${back}":\n${text}`);
  const pos = editor.document.positionAt(at + line.length);
  editor.selection = new vscode.Selection(pos, pos);
  return { id, editor, valueEnd: at + line.length };
}

async function hoverText(doc: vscode.TextDocument, offset: number): Promise<{ text: string; trusted: unknown[] }> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset));
  const parts = hovers.flatMap((h) => h.contents);
  return {
    text: parts.map((c) => (typeof c === 'string' ? c : c.value)).join('\n'),
    trusted: parts.map((c) => (c instanceof vscode.MarkdownString ? c.isTrusted : undefined)),
  };
}

/**
 * A DataTransfer holding one file item, as VS Code passes pasted picture data (named image.png, no uri). Like
 * VS Code's, its data can be read only until the paste's edits are provided: `release()` ends that.
 */
function fileTransfer(bytes: Uint8Array, name = 'image.png'): vscode.DataTransfer & { release(): void } {
  let released = false;
  class FileItem extends vscode.DataTransferItem {
    override asFile(): vscode.DataTransferFile {
      return { name, uri: undefined, data: async () => (released ? Promise.reject(new Error('No data transfer found')) : bytes) };
    }
  }
  const dt = new vscode.DataTransfer();
  dt.set('image/png', new FileItem(''));
  return Object.assign(dt, { release: () => void (released = true) });
}

/** The file names the missing-media warnings of `doc` point at. */
const missingMedia = (doc: vscode.TextDocument): string[] =>
  vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'missingMedia')
    .map((d) => doc.getText(d.range));

const storeCalls = async (): Promise<number> => (await stats()).actions.storeMediaFile ?? 0;
const token = new vscode.CancellationTokenSource().token;

describe('media in the editor: sound hover and play, paste', () => {
  before(activateExtension);
  afterEach(closeAllEditors);

  it('hover on [sound:…]: its name, size and a play link trusted for ankiFiles.playMedia only; Play Media writes the file and opens it', async () => {
    const bytes = Buffer.from('ID3 e2e sound bytes');
    await anki('storeMediaFile', { filename: 'e2e hover&word.mp3', data: bytes.toString('base64') });
    const { editor } = await openWithBack('hear [sound:e2e hover&amp;word.mp3]', 4);
    const doc = editor.document;
    const at = doc.getText().indexOf('e2e hover') + 2;
    const h = await hoverText(doc, at);
    assert.match(h.text, /\*\*e2e hover&word\\\.mp3\*\*: 19 bytes/);
    const link = /\]\((command:ankiFiles\.playMedia\?[^ )]+)/.exec(h.text);
    assert.ok(link, `no play link in the hover:\n${h.text}`);
    const args = JSON.parse(decodeURIComponent((link[1] as string).split('?')[1] as string)) as unknown[];
    assert.deepEqual(args, [{ file: 'e2e hover&word.mp3' }]);
    assert.ok(
      h.trusted.some((x) => typeof x === 'object' && x !== null && JSON.stringify(x) === JSON.stringify({ enabledCommands: ['ankiFiles.playMedia'] })),
      `the hover is not trusted for exactly the play command: ${JSON.stringify(h.trusted)}`,
    );
    // What the link runs:
    const r = (await vscode.commands.executeCommand('ankiFiles.playMedia', args[0])) as PlayResult | undefined;
    assert.ok(r, 'Play Media did not answer');
    assert.equal(r.file, 'e2e hover&word.mp3');
    assert.ok(r.path.endsWith('e2e hover&word.mp3'), r.path);
    assert.deepEqual(fs.readFileSync(r.path), bytes);
    assert.equal(typeof r.opened, 'boolean');
  });

  it('hover on a [sound:…] Anki does not have says so, with no play link; Play Media of it answers nothing', async () => {
    const { editor } = await openWithBack('hear [sound:e2e-missing-sound.mp3]', 5);
    const doc = editor.document;
    const h = await hoverText(doc, doc.getText().indexOf('e2e-missing') + 3);
    assert.match(h.text, /\*\*e2e\\-missing\\-sound\\\.mp3\*\*: not in Anki's media folder/);
    assert.doesNotMatch(h.text, /command:/);
    assert.equal(await vscode.commands.executeCommand('ankiFiles.playMedia', { file: 'e2e-missing-sound.mp3' }), undefined);
  });

  it('paste (VS Code ≥ 1.97): nothing is stored until resolve; then the picture is in Anki and its tag at the cursor', async function () {
    const api = (await activateExtension()).exports as { mediaPaste?: PasteProviderLike } | undefined;
    const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
    if (major === 1 && minor < 97) {
      // 1.90–1.96: the paste API is only proposed there; the extension activates without it
      assert.equal(api?.mediaPaste, undefined, `a paste provider on VS Code ${vscode.version}`);
      assert.ok((await vscode.commands.getCommands(true)).includes('ankiFiles.insertMedia'), 'activation went on');
      this.skip();
    }
    const paste = api?.mediaPaste;
    assert.ok(paste, 'no paste provider on a VS Code that has the paste API');
    const png = Buffer.from('\x89PNG e2e pasted picture');
    const dt = new vscode.DataTransfer();
    dt.set('image/png', new vscode.DataTransferItem(png)); // not a file: no upload offered
    const { id, editor, valueEnd } = await openWithBack('pasted here <img src="e2e-absent.png">', 6);
    const doc = editor.document;
    // The editing help has Anki's media names: the absent file is flagged.
    await waitFor(() => missingMedia(doc).length === 1, 'the missing-media warning of e2e-absent.png');
    const range = new vscode.Range(doc.positionAt(valueEnd), doc.positionAt(valueEnd));
    assert.equal(await paste.provideDocumentPasteEdits(doc, [range], dt, {}, token), undefined);

    // A file item, as VS Code gives clipboard picture data: named "image.png", no uri.
    const withFile = fileTransfer(new Uint8Array(png));
    const calls = await storeCalls();
    const edits = await paste.provideDocumentPasteEdits(doc, [range], withFile, {}, token);
    withFile.release();
    assert.equal(edits?.length, 1);
    const edit = edits?.[0] as PasteEditLike;
    assert.equal(edit.insertText, '');
    assert.equal(edit.additionalEdit, undefined);
    assert.equal(await storeCalls(), calls, 'stored before the paste was applied');
    const resolved = await paste.resolveDocumentPasteEdit(edit, token);
    assert.equal(await storeCalls(), calls + 1);
    assert.ok(resolved.additionalEdit, 'no edit after the upload');
    assert.ok(await vscode.workspace.applyEdit(resolved.additionalEdit));
    const names = (await anki('getMediaFilesNames', { pattern: 'paste-*.png' })) as string[];
    const expected = `paste-${createHash('sha1').update(png).digest('hex')}.png`;
    assert.ok(names.includes(expected), `${expected} not in ${names.join(', ')}`);
    assert.equal(await anki('retrieveMediaFile', { filename: expected }), png.toString('base64'));
    const back = `pasted here <img src="e2e-absent.png"><img src="${expected}">`;
    assert.ok(doc.getText().includes(`  Back: ${back}\n`), doc.getText());
    // Checked now (the code actions check the current version first): the stored file is known, no request needed.
    await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    assert.deepEqual(missingMedia(doc), ['e2e-absent.png']);
    assert.ok(await doc.save());
    const [info] = (await anki('notesInfo', { notes: [id] })) as Array<{ fields: Record<string, { value: string }> }>;
    assert.equal(info?.fields.Back?.value, back);
  });

  it('paste: a refused (too large) or failed upload leaves the text unchanged; outside a field nothing is offered', async function () {
    const api = (await activateExtension()).exports as { mediaPaste?: PasteProviderLike } | undefined;
    const paste = api?.mediaPaste;
    if (!paste) this.skip();
    const { editor, valueEnd } = await openWithBack('stays as it is', 7);
    const doc = editor.document;
    const before = doc.getText();
    const at = doc.positionAt(valueEnd);
    const transfer = fileTransfer;
    const calls = await storeCalls();
    // outside a field value: no edit offered (and nothing stored)
    const tagsAt = doc.positionAt(before.indexOf('tags:') + 2);
    assert.equal(await paste.provideDocumentPasteEdits(doc, [new vscode.Range(tagsAt, tagsAt)], transfer(new Uint8Array([1, 2, 3])), {}, token), undefined);
    // too large
    const cfg = vscode.workspace.getConfiguration('ankiFiles');
    await cfg.update('media.maxUploadSizeMB', 0.1, vscode.ConfigurationTarget.Global);
    try {
      const bigData = transfer(new Uint8Array(200 * 1024).fill(7));
      const [big] = (await paste.provideDocumentPasteEdits(doc, [new vscode.Range(at, at)], bigData, {}, token)) ?? [];
      bigData.release();
      assert.ok(big);
      const r = await paste.resolveDocumentPasteEdit(big, token);
      assert.equal(r.insertText, '');
      assert.equal(r.additionalEdit, undefined);
    } finally {
      await cfg.update('media.maxUploadSizeMB', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(await storeCalls(), calls, 'a too large file was sent');
    // the upload fails (connection reset)
    const small = transfer(new Uint8Array([9, 9, 9]));
    const [edit] = (await paste.provideDocumentPasteEdits(doc, [new vscode.Range(at, at)], small, {}, token)) ?? [];
    small.release();
    assert.ok(edit);
    await control('resetNext', { n: 1 });
    try {
      const r = await paste.resolveDocumentPasteEdit(edit, token);
      assert.equal(r.additionalEdit, undefined);
      assert.equal(r.insertText, '');
    } finally {
      await control('clearFaults');
    }
    assert.equal(doc.getText(), before);
    assert.equal(doc.isDirty, false);
  });
});
