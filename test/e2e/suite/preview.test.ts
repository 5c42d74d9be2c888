// The card preview inside the real extension host: it opens beside the note editor, follows the active anki:
// editor (new-note drafts too), re-renders the unsaved text, keeps the last rendering with a banner when the
// document does not parse, and costs one request per note type (typing costs none).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import type { PreviewRendered } from '../../../src/ui/preview/index';
import { activateExtension, closeAllEditors, control, findNotes, findNoteUri, openEditor, replaceAll, stats } from './helpers';

async function api(): Promise<AnkiFilesTestApi> {
  const ext = await activateExtension();
  const exported = ext.exports as AnkiFilesTestApi | undefined;
  assert.ok(exported?.preview, 'activate returned no test API (extensionMode must be Test)');
  return exported;
}

/** The next rendering of `uri` that satisfies `pred` (driven by the preview's own event, no polling). */
function nextRender(preview: AnkiFilesTestApi['preview'], uri: vscode.Uri, pred: (r: PreviewRendered) => boolean, what: string): Promise<PreviewRendered> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no preview rendering of ${what} within 60 s`));
    }, 60000);
    const sub = preview.onDidRender((r) => {
      if (r.uri !== uri.toString() || !pred(r)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(r);
    });
  });
}

const previewTab = (): { tab: vscode.Tab; column: vscode.ViewColumn } | undefined => {
  for (const g of vscode.window.tabGroups.all) {
    for (const tab of g.tabs) if (tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('ankiFiles.preview')) return { tab, column: g.viewColumn };
  }
  return undefined;
};

describe('Card preview (extension host)', () => {
  afterEach(async () => {
    await closeAllEditors();
  });

  it('opens beside a Cloze note; one request for the note type; typing re-renders with no request', async () => {
    const { preview } = await api();
    const [id] = await findNotes('note:Cloze');
    assert.ok(id, 'the test collection has a Cloze note');
    const uri = await findNoteUri(id);
    const editor = await openEditor(uri);
    await control('resetStats');
    const first = nextRender(preview, uri, (r) => r.cards.length > 0, 'the Cloze note');
    await vscode.commands.executeCommand('ankiFiles.openPreview');
    const r1 = await first;
    assert.ok(r1.cards.every((c) => /^Cloze \d+$/.test(c)), `cloze cards: ${r1.cards.join(', ')}`);
    const tab = previewTab();
    assert.ok(tab, 'a preview tab');
    assert.notEqual(tab.column, editor.viewColumn, 'the preview opened beside the editor');
    const s1 = await stats();
    assert.equal(s1.actions.modelTemplates, 1, 'templates fetched once');
    assert.equal(s1.actions.modelStyling, 1, 'CSS fetched once');
    assert.ok(s1.requests <= 3, `requests for the first rendering: ${JSON.stringify(s1)}`);

    // A new cloze number, typed (not saved): a new card, no request.
    const text = editor.document.getText().replace(/^(\s+Text: .*)$/m, '$1 {{c9::nine}}');
    const typed = nextRender(preview, uri, (r) => r.cards.includes('Cloze 9'), 'the typed cloze');
    await replaceAll(editor, text);
    await typed;
    assert.ok(editor.document.isDirty);
    const s2 = await stats();
    assert.equal(s2.requests, s1.requests, 'typing sent no request');

    // Broken YAML: the last good rendering stays, with a banner naming the line.
    const broken = nextRender(preview, uri, (r) => r.banner !== undefined && /Line \d+/.test(r.banner), 'the banner');
    await replaceAll(editor, `${text}\n  - not yaml here: [`);
    const r3 = await broken;
    assert.ok(r3.cards.includes('Cloze 9'), 'the last good rendering is kept');
  });

  it('follows the active editor, including a new-note draft', async () => {
    const { preview, fs } = await api();
    const [id] = await findNotes('note:Basic');
    assert.ok(id);
    const uri = await findNoteUri(id);
    await openEditor(uri);
    const shown = nextRender(preview, uri, (r) => r.cards.length === 1, 'the Basic note');
    await vscode.commands.executeCommand('ankiFiles.openPreview');
    await shown;
    const draft = fs.createDraft('Default', 'Basic (and reversed card)', ['Front', 'Back']);
    const draftEditor = await openEditor(draft);
    const blank = await nextRender(preview, draft, () => true, 'the new draft');
    assert.deepEqual(blank.cards, ['Card 1', 'Card 2']);
    const filled = nextRender(preview, draft, (r) => r.question.includes('Draft front text'), 'the typed draft');
    await replaceAll(draftEditor, draftEditor.document.getText().replace(/^(\s+Front:).*$/m, '$1 Draft front text'));
    await filled;
  });
});
