// Bulk actions on a selection in the real VS Code: Add Tags on two notes picked from the Decks view (request
// counts on the test server; Undo Last Save takes it back), Move to Deck of 3 notes (one open in a clean
// editor), Delete Notes (confirm: false) and Open Selected Notes as One Document from tree items.
// The tree's own multi-selection and context menu are clicked through in test/e2e/ui/bulkActions.test.mjs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import type { Element, NoteElement } from '../../../src/tree/items';
import { activateExtension, anki, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, waitFor, type NoteInfo } from './helpers';

const TAG = 'e2e-bulk-tag';
const DECK = 'E2E Bulk::Moved';

interface LogEntry {
  action: string;
  subActions?: string[];
}
interface TagResult {
  notes: number;
  saved: number;
  unchanged: number;
  failed: Array<{ id: number; reason: string }>;
}

async function api(): Promise<AnkiFilesTestApi> {
  const ext = await activateExtension();
  const exported = ext.exports as AnkiFilesTestApi | undefined;
  assert.ok(exported?.decks, 'activate returned no test API');
  return exported;
}

async function requestLog(): Promise<LogEntry[]> {
  const log = (await control('stats') as { log?: unknown }).log;
  assert.ok(Array.isArray(log), 'control stats has no request log');
  return log as LogEntry[];
}

const kindOf = (e: LogEntry): string => (e.action === 'multi' ? `multi[${[...new Set(e.subActions ?? [])].join(',')}]` : e.action);
/** The views may check the collection meanwhile (read-only multi[findNotes], multi[deckNamesAndIds…], notesModTime): not ours. */
const isViews = (k: string): boolean => k === 'multi[findNotes]' || k.startsWith('multi[deckNamesAndIds') || k.startsWith('multi[deckNames,findNotes') || k === 'deckNamesAndIds' || k.startsWith('multi[notesModTime');

/** The notes listed under the last deck (depth-first) that lists at least `n`, as tree elements. */
async function notesFromTree(n: number): Promise<NoteElement[]> {
  const { decks } = await api();
  await decks.refresh();
  const roots = await waitFor(async () => {
    const r = await decks.getChildren();
    return r.length > 0 ? r : undefined;
  }, 'the deck tree');
  const stack: Element[] = [...roots];
  let found: NoteElement[] | undefined;
  while (stack.length > 0) {
    const el = stack.shift() as Element;
    if (el.kind !== 'deck') continue;
    const children = await decks.getChildren(el);
    const notes = children.filter((c): c is NoteElement => c.kind === 'note');
    if (notes.length >= n) found = notes;
    stack.push(...children.filter((c) => c.kind === 'deck'));
  }
  assert.ok(found, `no deck lists ${n} notes`);
  return found.slice(-n);
}

describe('bulk actions on a selection', () => {
  before(async () => {
    await activateExtension();
    // Results an earlier suite left in the Search Results view would be re-read after each action.
    await vscode.commands.executeCommand('ankiFiles.clearSearchResults');
  });
  after(async () => {
    await closeAllEditors();
  });

  it('Add Tags on two notes from the tree: read, conflict check and ONE multi writing both; Undo Last Save takes it back', async () => {
    const [a, b] = await notesFromTree(2);
    assert.ok(a && b);
    const ids = [a.note.id, b.note.id];
    const before = await notesInfo(ids);
    for (const n of before) assert.ok(!n.tags.includes(TAG), 'tag already there');
    const start = (await requestLog()).length;
    const result = await vscode.commands.executeCommand<TagResult>('ankiFiles.addTags', { noteIds: ids, tags: [TAG] });
    const log = (await requestLog()).slice(start);
    assert.deepEqual(result, { notes: 2, saved: 2, unchanged: 0, failed: [] });
    const after = await notesInfo(ids);
    after.forEach((n, i) => {
      assert.deepEqual([...n.tags].sort(), [...(before[i] as NoteInfo).tags, TAG].sort());
      assert.deepEqual(n.fields, (before[i] as NoteInfo).fields, 'only the tags change');
    });
    const own = log.filter((e) => !isViews(kindOf(e)));
    const writes = own.filter((e) => (e.subActions ?? [e.action]).includes('updateNoteTags'));
    assert.equal(writes.length, 1, `every tag change in one request: ${own.map(kindOf).join(' | ')}`);
    assert.equal(writes[0]?.subActions?.filter((s) => s === 'updateNoteTags').length, 2);
    // The read of the selection (from ids alone: notesInfo + getDecks, then getDecks of the first cards), the
    // saver's conflict check, the write with its verification.
    assert.deepEqual(own.map(kindOf), [
      'multi[notesInfo,getDecks]',
      'getDecks',
      'multi[notesInfo,getDecks,deckNames,getActiveProfile]',
      'multi[updateNoteTags,notesInfo,getDecks]',
    ]);
    assert.ok(!own.some((e) => ['addTags', 'removeTags', 'updateNoteFields', 'changeDeck'].some((w) => (e.subActions ?? [e.action]).includes(w))), 'nothing else written');

    const undo = await vscode.commands.executeCommand<{ restored: number }>('ankiFiles.undoLastSave');
    assert.equal(undo?.restored, 2);
    for (const n of await notesInfo(ids)) assert.ok(!n.tags.includes(TAG), `note ${n.noteId} still has the tag after undo`);
  });

  it('a note whose document has unsaved changes is left out of Add Tags and named; its editor keeps the text, still dirty', async () => {
    const [a, b] = await notesFromTree(2);
    assert.ok(a && b);
    const editor = await openEditor(await findNoteUri(a.note.id));
    const typed = 'unsaved text kept by the bulk action';
    const ok = await editor.edit((e) => e.insert(new vscode.Position(editor.document.lineCount - 1, 0), `# ${typed}\n`));
    assert.ok(ok && editor.document.isDirty);
    const result = await vscode.commands.executeCommand<TagResult>('ankiFiles.addTags', { noteIds: [a.note.id, b.note.id], tags: [TAG] });
    assert.equal(result?.saved, 1);
    assert.deepEqual(result?.failed.map((f) => f.id), [a.note.id]);
    assert.match(result?.failed[0]?.reason ?? '', /unsaved changes/);
    assert.ok(editor.document.isDirty);
    assert.ok(editor.document.getText().includes(typed));
    const [ia, ib] = await notesInfo([a.note.id, b.note.id]);
    assert.ok(!ia?.tags.includes(TAG) && ib?.tags.includes(TAG));
    await anki('removeTags', { notes: [b.note.id], tags: TAG });
    await closeAllEditors();
  });

  it('Remove Tags with a tag the notes do not all have: only those that have it are written', async () => {
    const [a, b, c] = await notesFromTree(3);
    assert.ok(a && b && c);
    await anki('addTags', { notes: [a.note.id, c.note.id], tags: TAG });
    const result = await vscode.commands.executeCommand<TagResult>('ankiFiles.removeTags', { noteIds: [a.note.id, b.note.id, c.note.id], tags: [TAG] });
    assert.deepEqual(result, { notes: 3, saved: 2, unchanged: 1, failed: [] });
    assert.deepEqual((await findNotes(`tag:${TAG}`)).length, 0);
  });

  it('Move to Deck of 3 notes: ONE changeDeck with their cards; the open clean editor shows the new deck', async () => {
    const notes = await notesFromTree(3);
    const ids = notes.map((n) => n.note.id);
    const cards = (await notesInfo(ids)).flatMap((n) => n.cards);
    const decksBefore = (await anki('getDecks', { cards })) as Record<string, number[]>;
    const editor = await openEditor(await findNoteUri(ids[0] as number));
    assert.match(editor.document.getText(), new RegExp(`^deck: `, 'm'));
    const start = (await requestLog()).length;
    const result = await vscode.commands.executeCommand<{ notes: number; moved: number; failed: unknown[] }>('ankiFiles.moveToDeck', { noteIds: ids, deck: DECK });
    const log = (await requestLog()).slice(start);
    assert.equal(result?.moved, 3);
    assert.deepEqual(result?.failed, []);
    const changes = log.filter((e) => (e.subActions ?? [e.action]).includes('changeDeck'));
    assert.equal(changes.length, 1, 'one changeDeck for all three');
    const moved = await findNotes(`"deck:${DECK}"`);
    assert.deepEqual([...moved].sort(), [...ids].sort());
    await waitFor(() => editor.document.getText().includes(`deck: ${DECK}`), 'the clean editor to show the new deck');
    assert.equal(editor.document.isDirty, false);
    // Every card back where it was (keeps the collection as other suites expect it).
    for (const [deck, cs] of Object.entries(decksBefore)) await anki('changeDeck', { cards: cs, deck });
    await anki('deleteDecks', { decks: [DECK.split('::')[0]], cardsToo: true });
    assert.deepEqual(await anki('getDecks', { cards }), decksBefore);
  });

  it('an invalid argument is refused with the reason and nothing is sent', async () => {
    const start = (await requestLog()).length;
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ankiFiles.addTags', { noteIds: [1], tags: ['two words'] })), /contains a space/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ankiFiles.moveToDeck', { noteIds: [], deck: 'X' })), /noteIds/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ankiFiles.deleteNotes', { noteIds: [1], confirm: 'no' })), /confirm/);
    const log = (await requestLog()).slice(start);
    assert.deepEqual(log.filter((e) => !isViews(kindOf(e))).map(kindOf), []);
  });

  it('Open Selected Notes as One Document from tree items (item, selectedItems): one block per selected note', async () => {
    const [a, b] = await notesFromTree(2);
    assert.ok(a && b);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('ankiFiles.openSelectionAsDocument', a, [a, b]);
    assert.ok(uri, 'no document');
    const doc = await waitFor(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()), 'the stream document');
    const text = doc.getText();
    assert.equal(text.match(/^id: /gm)?.length, 2);
    for (const id of [a.note.id, b.note.id]) assert.match(text, new RegExp(`^id: ${id}$`, 'm'));
  });

  it('Delete Notes (confirm: false) deletes the notes and their cards in ONE deleteNotes; Undo adds them again', async () => {
    const model = 'Basic';
    const made: number[] = [];
    for (const front of ['bulk delete one', 'bulk delete two']) {
      made.push((await anki('addNote', { note: { deckName: 'Default', modelName: model, fields: { Front: front, Back: 'x' }, tags: [TAG] } })) as number);
    }
    const start = (await requestLog()).length;
    const result = await vscode.commands.executeCommand<{ notes: number; deleted: number; failed: unknown[] }>('ankiFiles.deleteNotes', { noteIds: made, confirm: false });
    const log = (await requestLog()).slice(start);
    assert.deepEqual(result, { notes: 2, deleted: 2, failed: [] });
    assert.equal(log.filter((e) => (e.subActions ?? [e.action]).includes('deleteNotes')).length, 1);
    assert.deepEqual(await findNotes(`tag:${TAG}`), []);
    const undo = await vscode.commands.executeCommand<{ restored: number }>('ankiFiles.undoLastSave');
    assert.equal(undo?.restored, 2);
    const again = await findNotes(`tag:${TAG}`);
    assert.equal(again.length, 2);
    await anki('deleteNotes', { notes: again });
  });
});
