// Deck rename/delete and the Tags view in the real extension host, through the scripted command contracts,
// checked against the test server's own answers. The suite makes its own decks and notes and removes them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import type { DeckDeleteCommandResult, DeckRenameCommandResult, TagCommandResult } from '../../../src/ui/decksAndTags';
import { activateExtension, anki, closeAllEditors, findNotes, findNoteUri, notesInfo, openEditor, stats, waitFor } from './helpers';

async function api(): Promise<Required<AnkiFilesTestApi>> {
  const ext = await activateExtension();
  const exported = ext.exports as AnkiFilesTestApi | undefined;
  const tags = exported?.tags;
  assert.ok(exported && tags, 'activate returned no Tags view in the test API');
  return { ...exported, tags };
}

const labelOf = (item: vscode.TreeItem): string => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

async function addNote(deck: string, front: string, tags: string[]): Promise<number> {
  return (await anki('addNote', { note: { deckName: deck, modelName: 'Basic', fields: { Front: front, Back: 'b' }, tags } })) as number;
}

describe('Decks and tags (rename, delete, Tags view)', () => {
  const FROM = 'E2E Rename Me';
  const TO = 'E2E Moved::Renamed';
  let ids: number[] = [];
  let preset = 0;

  before(async () => {
    await api();
    await anki('createDeck', { deck: `${FROM}::Sub` });
    ids = [
      await addNote(FROM, 'e2e rename one', ['e2eDeckTag']),
      await addNote(FROM, 'e2e rename two', ['e2eDeckTag::child']),
      await addNote(`${FROM}::Sub`, 'e2e rename three', ['e2eDeckTag::child', 'other']),
    ];
    preset = (await anki('cloneDeckConfigId', { name: 'E2E preset', cloneFrom: 1 })) as number;
    assert.equal(await anki('setDeckConfigId', { decks: [`${FROM}::Sub`], configId: preset }), true);
  });

  after(async () => {
    await closeAllEditors();
    await anki('deleteDecks', { decks: [FROM, 'E2E Moved'], cardsToo: true });
    await anki('removeDeckConfigId', { configId: preset });
  });

  it('Rename Deck moves a deck with its sub-deck: tree, cards, options preset, old decks gone; an open note follows', async () => {
    const { decks } = await api();
    const editor = await openEditor(await findNoteUri(ids[0] as number));
    assert.match(editor.document.getText(), /^deck: E2E Rename Me$/m);
    const before = (await stats()).requests;
    const r = (await vscode.commands.executeCommand('ankiFiles.renameDeck', { from: FROM, to: TO })) as DeckRenameCommandResult;
    const requests = (await stats()).requests - before;
    assert.ok(r && r.ok, `rename refused: ${JSON.stringify(r)}`);
    assert.equal(r.movedCards, 3);
    assert.equal(r.notes, 3);
    assert.deepEqual(r.deleted, [FROM, `${FROM}::Sub`]);
    assert.deepEqual(r.kept, []);
    assert.deepEqual(r.failures, []);
    // 5 for the rename itself; the views' refresh after it is counted too (Decks view reload)
    assert.ok(requests <= 12, `rename + refresh cost ${requests} requests`);
    const names = (await anki('deckNames')) as string[];
    assert.ok(!names.some((n) => n === FROM || n.startsWith(`${FROM}::`)), `old decks still there: ${names.join(', ')}`);
    assert.deepEqual((await findNotes(`"deck:${TO}" -"deck:${TO}::*"`)).sort(), [ids[0], ids[1]].sort());
    assert.deepEqual(await findNotes(`"deck:${TO}::Sub"`), [ids[2]]);
    const conf = (await anki('getDeckConfig', { deck: `${TO}::Sub` })) as { id: number };
    assert.equal(conf.id, preset);
    // The Decks view shows the new hierarchy
    await decks.refresh();
    const roots = await decks.getChildren();
    const moved = roots.find((e) => e.kind === 'deck' && e.name === 'E2E Moved');
    assert.ok(moved, 'E2E Moved is not in the Decks view');
    assert.ok(!roots.some((e) => e.kind === 'deck' && e.name === FROM), 'the old deck is still in the Decks view');
    const children = await decks.getChildren(moved);
    assert.deepEqual(children.filter((c) => c.kind === 'deck').map((c) => (c.kind === 'deck' ? c.name : '')), [TO]);
    // The open document of a moved note shows its new deck (VS Code re-reads it on the engine's change event)
    await waitFor(() => /^deck: E2E Moved::Renamed$/m.test(editor.document.getText()) || undefined, 'the open note to show its new deck');
    assert.equal(editor.document.isDirty, false);
  });

  it('the Tags view lists the hierarchy with note counts; a click searches tag:…', async () => {
    const { tags } = await api();
    await tags.refresh();
    const roots = await tags.getChildren();
    const el = roots.find((e) => e.kind === 'tag' && e.node.name === 'e2eDeckTag');
    assert.ok(el && el.kind === 'tag', 'e2eDeckTag is not in the Tags view');
    const item = tags.getTreeItem(el);
    assert.equal(labelOf(item), 'e2eDeckTag');
    assert.equal(item.description, String((await findNotes('tag:e2eDeckTag')).length));
    assert.equal(item.description, '3');
    assert.equal(item.command?.command, 'ankiFiles.searchTag');
    const kids = await tags.getChildren(el);
    assert.deepEqual(kids.map((k) => (k.kind === 'tag' ? k.node.name : '')), ['e2eDeckTag::child']);
  });

  it('Rename Tag renames the tag and its child tags in every note (undoable); Remove Tag takes it (and children) from every note', async () => {
    const r = (await vscode.commands.executeCommand('ankiFiles.renameTag', { from: 'e2eDeckTag', to: 'e2eRenamedTag' })) as TagCommandResult;
    assert.deepEqual(r, { ok: true, notes: 3, saved: 3, failed: [] });
    const after = await notesInfo(ids);
    assert.deepEqual(after.map((n) => n.tags), [['e2eRenamedTag'], ['e2eRenamedTag::child'], ['e2eRenamedTag::child', 'other']]);
    const tagList = (await anki('getTags')) as string[];
    assert.ok(!tagList.some((t) => t.toLowerCase().startsWith('e2edecktag')), `old tag still listed: ${tagList.join(' ')}`);
    // A tag rename is a save batch of the save journal: Undo Last Save puts the old tags back, Redo renames again
    const undone = (await vscode.commands.executeCommand('ankiFiles.undoLastSave')) as { restored: number };
    assert.equal(undone.restored, 3);
    assert.deepEqual((await notesInfo(ids)).map((n) => n.tags), [['e2eDeckTag'], ['e2eDeckTag::child'], ['e2eDeckTag::child', 'other']]);
    const redone = (await vscode.commands.executeCommand('ankiFiles.redoLastSave')) as { restored: number };
    assert.equal(redone.restored, 3);
    assert.deepEqual((await notesInfo(ids)).map((n) => n.tags), [['e2eRenamedTag'], ['e2eRenamedTag::child'], ['e2eRenamedTag::child', 'other']]);
    const { tags } = await api();
    await tags.refresh();
    assert.ok((await tags.getChildren()).some((e) => e.kind === 'tag' && e.node.name === 'e2eRenamedTag'));
    const rm = (await vscode.commands.executeCommand('ankiFiles.removeTag', { tag: 'e2eRenamedTag', confirm: false })) as TagCommandResult;
    assert.deepEqual(rm, { ok: true, notes: 3, saved: 3, failed: [] });
    assert.deepEqual((await notesInfo(ids)).map((n) => n.tags), [[], [], ['other']]);
  });

  it('Delete Deck deletes the deck, its sub-decks and their cards (scripted, confirm: false)', async () => {
    const r = (await vscode.commands.executeCommand('ankiFiles.deleteDeck', { deck: 'E2E Moved', confirm: false })) as DeckDeleteCommandResult;
    assert.deepEqual(r, { ok: true, deck: 'E2E Moved', cards: 3, deletedNotes: 3, keptNotes: 0 });
    const names = (await anki('deckNames')) as string[];
    assert.ok(!names.some((n) => n.startsWith('E2E Moved')), `still there: ${names.join(', ')}`);
    assert.deepEqual((await notesInfo(ids)).map((n) => Object.keys(n).length), [0, 0, 0]);
  });
});
