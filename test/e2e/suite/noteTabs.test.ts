// Tabs that follow the note, in the real VS Code (issue 9): a note moved to another deck — by editing `deck:`
// and saving, or by a drop on a deck in the Decks view (the same engine path Move to Deck takes) — keeps ONE
// tab, now at the note's new URI, with its selection and first visible line kept.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import { deckPath } from '../../../src/notes/paths';
import { activateExtension, anki, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, waitFor } from './helpers';

async function api(): Promise<AnkiFilesTestApi> {
  const ext = await activateExtension();
  const exported = ext.exports as AnkiFilesTestApi | undefined;
  assert.ok(exported?.fs, 'activate returned no test API (extensionMode must be Test)');
  return exported;
}

/** The text tabs (in every group) whose URI is a document of note `id`. */
function tabsOfNote(id: number): vscode.Uri[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .flatMap((t) => (t.input instanceof vscode.TabInputText && t.input.uri.path.endsWith(`.${id}.yaml`) ? [t.input.uri] : []));
}

interface Moving {
  id: number;
  deck: string;
  target: string;
  fields: Record<string, string>;
  editor: vscode.TextEditor;
  selection: vscode.Selection;
  top: number;
  lines: number;
}

/**
 * Note number `skip` from the end with two fields (other suites take the first notes), its last field made 120
 * lines long in Anki so its document scrolls; opened, the cursor put on line 70, scrolled down.
 */
async function openScrolled(skip: number): Promise<Moving> {
  const ids = await findNotes('deck:*');
  const infos = await notesInfo(ids.slice(-60));
  const info = infos.filter((n) => Object.keys(n.fields).length === 2).at(-1 - skip);
  assert.ok(info, 'no note with two fields near the end of the collection');
  const names = Object.entries(info.fields).sort((a, b) => a[1].order - b[1].order).map(([n]) => n);
  const fields = Object.fromEntries(Object.entries(info.fields).map(([n, f]) => [n, f.value]));
  const long = Array.from({ length: 120 }, (_, i) => `line ${i + 1} of a long answer`).join('\n');
  await anki('updateNoteFields', { note: { id: info.noteId, fields: { [names[1] as string]: long } } });
  const decks = (await anki('getDecks', { cards: info.cards })) as Record<string, number[]>;
  const deck = Object.keys(decks).find((d) => decks[d]?.includes(info.cards[0] as number));
  assert.ok(deck, 'the note has no deck');
  const target = deck === 'Default' ? 'Spanish::Verbs' : 'Default';
  const editor = await openEditor(await findNoteUri(info.noteId, vscode.Uri.from({ scheme: 'anki', path: deckPath(deck) })));
  // an earlier suite may have left this note's document loaded: the check for changes (as on focus) reloads it
  await (await api()).fs.checkForChanges();
  await waitFor(() => editor.document.lineCount > 100, 'the long document');
  const selection = new vscode.Selection(70, 3, 70, 8);
  editor.selection = selection;
  editor.revealRange(new vscode.Range(60, 0, 60, 0), vscode.TextEditorRevealType.AtTop);
  // scrolled down (how far depends on the window's height: VS Code stops at the last line)
  const top = await waitFor(() => {
    const line = editor.visibleRanges[0]?.start.line ?? 0;
    return line >= 20 ? line : undefined;
  }, `the editor to scroll down (first visible line ${editor.visibleRanges[0]?.start.line})`);
  return { id: info.noteId, deck, target, fields, editor, selection, top, lines: editor.document.lineCount };
}

/** One tab of the note, at its URI in `target`, active, with the selection and first visible line kept. */
async function assertFollowed(m: Moving): Promise<void> {
  const prefix = `${deckPath(m.target)}/`;
  const uri = await waitFor(() => {
    const tabs = tabsOfNote(m.id);
    return tabs.length === 1 && tabs[0]?.path.startsWith(prefix) && !tabs[0].path.slice(prefix.length).includes('/') ? tabs[0] : undefined;
  }, `one tab of note ${m.id} under ${prefix} (tabs: ${tabsOfNote(m.id).map((u) => u.path).join(', ')})`, 30000);
  assert.equal(uri.toString(), (await findNoteUri(m.id, vscode.Uri.from({ scheme: 'anki', path: deckPath(m.target) }))).toString());
  const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? vscode.window.activeTextEditor : undefined), 'the moved tab to be the active editor');
  assert.ok(editor.document.getText().includes(`deck: ${m.target}\n`), 'the document does not show the new deck');
  assert.equal(editor.document.isDirty, false);
  assert.deepEqual([editor.selection.anchor.line, editor.selection.anchor.character, editor.selection.active.line, editor.selection.active.character], [m.selection.anchor.line, m.selection.anchor.character, m.selection.active.line, m.selection.active.character]);
  const seen: number[] = [];
  await waitFor(() => {
    const line = editor.visibleRanges[0]?.start.line ?? -1;
    if (seen.at(-1) !== line) seen.push(line);
    return line === m.top ? true : undefined;
  }, `the first visible line to stay ${m.top}`).catch((e: unknown) => {
    throw new Error(`${String(e)}; first visible lines seen: ${seen.join(', ')}; lines ${editor.document.lineCount} (before: ${m.lines}); ranges ${JSON.stringify(editor.visibleRanges)}`);
  });
}

/** Puts the note back: its deck and fields as they were. */
async function restore(m: Moving | undefined): Promise<void> {
  if (!m) return;
  await closeAllEditors();
  const [info] = await notesInfo([m.id]);
  if (!info) return;
  await anki('changeDeck', { cards: info.cards, deck: m.deck });
  await anki('updateNoteFields', { note: { id: m.id, fields: m.fields } });
  await (await api()).fs.checkForChanges();
}

describe('tabs follow a moved note (one note, one tab)', () => {
  let moving: Moving | undefined;
  before(async () => {
    await api();
  });
  afterEach(async () => {
    await restore(moving);
    moving = undefined;
  });

  it('editing deck: and saving moves the tab to the note\'s new path, selection and scroll kept', async () => {
    moving = await openScrolled(0);
    const m = moving;
    const doc = m.editor.document;
    const line = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i)).find((l) => l.text === `deck: ${m.deck}`);
    assert.ok(line, 'no deck: line');
    // only the deck line changes: the selection and the scroll stay as they are
    assert.ok(await m.editor.edit((b) => b.replace(line.range, `deck: ${m.target}`)));
    assert.equal(m.editor.visibleRanges[0]?.start.line, m.top);
    assert.equal(await doc.save(), true);
    await assertFollowed(m);
  });

  it('a drop on another deck in the Decks view moves the tab to the note\'s new path, selection and scroll kept', async () => {
    const { decks } = await api();
    moving = await openScrolled(1);
    const m = moving;
    const data = new vscode.DataTransfer();
    data.set('text/uri-list', new vscode.DataTransferItem(m.editor.document.uri.toString()));
    await decks.handleDrop({ kind: 'deck', name: m.target }, data, new vscode.CancellationTokenSource().token);
    const [after] = await notesInfo([m.id]);
    const inTarget = (await anki('getDecks', { cards: after?.cards ?? [] })) as Record<string, number[]>;
    assert.ok(inTarget[m.target]?.includes(after?.cards[0] as number), 'the note was not moved');
    await assertFollowed(m);
  });
});

describe('a note deleted in Anki while open', () => {
  afterEach(async () => {
    await closeAllEditors();
  });

  /** A note near the end of the collection with two fields (other suites take the first ones), opened. */
  async function openNote(skip: number): Promise<{ id: number; editor: vscode.TextEditor; back: string }> {
    const ids = await findNotes('deck:*');
    const infos = await notesInfo(ids.slice(-90, -60));
    const info = infos.filter((n) => Object.keys(n.fields).length === 2).at(-1 - skip);
    assert.ok(info, 'no note with two fields near the end of the collection');
    const back = Object.entries(info.fields).sort((a, b) => a[1].order - b[1].order)[1]?.[0] ?? '';
    return { id: info.noteId, editor: await openEditor(await findNoteUri(info.noteId)), back };
  }

  it('stays open, read-only, showing its last version under "Deleted in Anki"', async () => {
    const { fs } = await api();
    const { id, editor } = await openNote(0);
    const shown = editor.document.getText();
    await control('deleteNote', { noteId: id });
    await fs.checkForChanges();
    await waitFor(() => editor.document.getText().startsWith('# Deleted in Anki'), 'the document to show the notice', 20000);
    const tabs = tabsOfNote(id);
    assert.equal(tabs.length, 1, 'the tab was closed or duplicated');
    assert.equal(tabs[0]?.toString(), editor.document.uri.toString());
    assert.equal((await vscode.workspace.fs.stat(editor.document.uri)).permissions, vscode.FilePermission.Readonly);
    assert.equal(editor.document.getText().split('\n').slice(1).join('\n'), shown.split('\n').slice(1).join('\n'));
    assert.equal(editor.document.isDirty, false);
  });

  it('with unsaved text: saving fails as deleted in Anki, nothing is added back, the text stays in the editor', async () => {
    const { fs } = await api();
    const { id, editor, back } = await openNote(1);
    const line = Array.from({ length: editor.document.lineCount }, (_, i) => editor.document.lineAt(i)).find((l) => l.text.startsWith(`  ${back}:`));
    assert.ok(line, `no ${back} line`);
    assert.ok(await editor.edit((b) => b.insert(line.range.end, ' (kept)')));
    const mine = editor.document.getText();
    await control('deleteNote', { noteId: id });
    await fs.checkForChanges();
    const saved = await editor.document.save().then((ok) => ok, () => false);
    assert.equal(saved, false, 'the save of a note deleted in Anki succeeded');
    assert.equal(editor.document.isDirty, true);
    assert.equal(editor.document.getText(), mine);
    assert.deepEqual(await findNotes(`nid:${id}`), []);
  });
});

describe('a note deleted through Anki Files', () => {
  afterEach(async () => {
    await closeAllEditors();
  });

  it('closes its tab, whichever way it is deleted (here: deleting its file)', async () => {
    const ids = await findNotes('deck:*');
    const id = ids[ids.length - 95] as number;
    const editor = await openEditor(await findNoteUri(id));
    assert.equal(tabsOfNote(id).length, 1);
    await vscode.workspace.fs.delete(editor.document.uri);
    assert.deepEqual(await findNotes(`nid:${id}`), []);
    await waitFor(() => (tabsOfNote(id).length === 0 ? true : undefined), 'the tab of the deleted note to close', 20000);
  });
});
