// Save When Anki Is Back in the real VS Code: Anki stops answering (the test server refuses connections and
// keeps its collection), two edited notes are queued, one of them is edited "in Anki" meanwhile; when Anki
// answers again the queue is sent as ONE batch: the untouched note is saved (its editor clean), the other is
// refused as a conflict (Anki's edit stays, the editor keeps the user's text, dirty).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import { activateExtension, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, replaceAll, waitFor, type NoteInfo } from './helpers';

interface LogEntry {
  action: string;
  subActions?: string[];
}

const firstField = (n: NoteInfo): [string, string] => {
  const [name, f] = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0] ?? ['', { value: '', order: 0 }];
  return [name, f.value];
};

/** Two notes with a plain first field found in no other field, from the end of the collection. */
async function plainNotesFromEnd(count: number, skip: number): Promise<NoteInfo[]> {
  const ids = await findNotes('deck:*');
  const infos = await notesInfo(ids);
  const plain = infos.reverse().filter((n) => {
    const [name, value] = firstField(n);
    return /^\p{L}[\p{L}\p{N} ]{0,40}$/u.test(value) && Object.entries(n.fields).every(([k, f]) => k === name || !f.value.includes(value));
  });
  const picked = plain.slice(skip, skip + count);
  assert.equal(picked.length, count, `not enough notes with a plain first field (${plain.length} of ${infos.length})`);
  return picked;
}

const waiting = async (): Promise<number> => {
  const r = (await vscode.commands.executeCommand('ankiFiles.discardWaitingSaves', { noteIds: [] })) as { discarded: number; waiting: number };
  assert.equal(r.discarded, 0);
  return r.waiting;
};

describe('offline: save when Anki is back', () => {
  before(async () => {
    await activateExtension();
  });
  afterEach(async () => {
    await control('refuseConnections', { on: false });
    await control('clearFaults');
    await closeAllEditors();
  });

  it('queued saves are flushed as one batch on reconnect: one saved, a note edited in Anki meanwhile goes to the conflict flow', async () => {
    const [n1, n2] = await plainNotesFromEnd(2, 3);
    assert.ok(n1 && n2);
    const [f1, v1] = firstField(n1);
    const [f2, v2] = firstField(n2);
    const e1 = await openEditor(await findNoteUri(n1.noteId));
    await replaceAll(e1, e1.document.getText().replace(v1, `${v1} queued`));
    const e2 = await openEditor(await findNoteUri(n2.noteId));
    await replaceAll(e2, e2.document.getText().replace(v2, `${v2} queued`));
    const mine2 = e2.document.getText();
    assert.equal(await waiting(), 0);

    await control('refuseConnections', { on: true });
    const saved = await e1.document.save().then(
      (ok) => ok,
      () => false,
    );
    assert.equal(saved, false, 'the save reported success while Anki refused connections');
    const r1 = (await vscode.commands.executeCommand('ankiFiles.saveWhenAnkiIsBack', { uri: e1.document.uri })) as { queued: boolean; waiting: number };
    assert.deepEqual(r1, { queued: true, waiting: 1 });
    const r2 = (await vscode.commands.executeCommand('ankiFiles.saveWhenAnkiIsBack', { uri: e2.document.uri.toString() })) as { queued: boolean; waiting: number };
    assert.deepEqual(r2, { queued: true, waiting: 2 });
    assert.ok(e1.document.isDirty && e2.document.isDirty, 'queued documents stay dirty until they are saved');

    // Edited in Anki while the extension cannot reach it.
    await control('editInAnki', { noteId: n2.noteId, fields: { [f2]: `${v2} edited in Anki` } });
    await control('resetStats');
    await control('refuseConnections', { on: false });
    await vscode.commands.executeCommand('ankiFiles.retryConnection');

    await waitFor(async () => (await waiting()) === 0, 'the queue to be sent', 30000);
    await waitFor(() => !e1.document.isDirty, 'the saved note\'s editor to be clean', 20000);
    const [a1, a2] = await notesInfo([n1.noteId, n2.noteId]);
    assert.equal(a1?.fields[f1]?.value, `${v1} queued`, 'the queued note was not saved');
    assert.equal(a2?.fields[f2]?.value, `${v2} edited in Anki`, 'the note edited in Anki was overwritten');
    assert.ok(e1.document.getText().includes(`${v1} queued`));
    assert.equal(e2.document.isDirty, true, 'the conflicting note\'s editor must keep the user\'s text');
    assert.equal(e2.document.getText(), mine2);

    // ONE batch: one apply request, holding only the untouched note's update, right after its conflict read.
    const log = (await control('stats')) as { log: LogEntry[] };
    const actionsOf = (e: LogEntry): string[] => (e.action === 'multi' ? (e.subActions ?? []) : [e.action]);
    const applies = log.log.filter((e) => actionsOf(e).some((a) => a === 'updateNoteFields' || a === 'updateNoteTags' || a === 'changeDeck'));
    assert.equal(applies.length, 1, `expected ONE apply request: ${JSON.stringify(log.log)}`);
    assert.deepEqual(actionsOf(applies[0]!).filter((a) => a === 'updateNoteFields'), ['updateNoteFields']);
  });

  it('on reconnect one incremental catch-up: a clean editor shows the edit made in Anki meanwhile, a dirty one keeps its text and its save meets the conflict check', async () => {
    const ext = await activateExtension();
    const testApi = ext.exports as AnkiFilesTestApi | undefined;
    assert.ok(testApi, 'the extension exports no test API');
    await testApi.decks.refresh();
    assert.ok(testApi.decks.listing.tree, 'the Decks view has no tree');
    const [n3, n4] = await plainNotesFromEnd(2, 8);
    assert.ok(n3 && n4);
    const [f3, v3] = firstField(n3);
    const [f4, v4] = firstField(n4);
    const e3 = await openEditor(await findNoteUri(n3.noteId));
    const e4 = await openEditor(await findNoteUri(n4.noteId));
    await replaceAll(e4, e4.document.getText().replace(v4, `${v4} mine`));
    const mine4 = e4.document.getText();

    await control('refuseConnections', { on: true });
    await vscode.commands.executeCommand('ankiFiles.retryConnection');
    await waitFor(() => testApi.decks.view.description !== undefined, 'the Decks view to show the cached tree', 20000);
    await control('editInAnki', { noteId: n3.noteId, fields: { [f3]: `${v3} edited in Anki` } });
    await control('editInAnki', { noteId: n4.noteId, fields: { [f4]: `${v4} edited in Anki` } });
    await control('resetStats');
    await control('refuseConnections', { on: false });
    await vscode.commands.executeCommand('ankiFiles.retryConnection');

    await waitFor(() => e3.document.getText().includes(`${v3} edited in Anki`), 'the clean editor to show Anki\'s edit', 30000);
    assert.equal(e3.document.isDirty, false);
    assert.equal(e4.document.isDirty, true);
    assert.equal(e4.document.getText(), mine4, 'the dirty editor must keep the user\'s text');
    // Not a reload: the deck list is read inside the catch-up's multi, never alone (as a full tree load does).
    const log = (await control('stats')) as { log: LogEntry[] };
    assert.ok(!log.log.some((e) => e.action === 'deckNamesAndIds'), `a full reload ran: ${JSON.stringify(log.log)}`);
    assert.ok(log.log.some((e) => e.action === 'multi' && (e.subActions ?? []).includes('deckNamesAndIds')), `no catch-up multi: ${JSON.stringify(log.log)}`);

    const saved = await e4.document.save().then(
      (ok) => ok,
      () => false,
    );
    assert.equal(saved, false, 'the dirty editor overwrote the edit made in Anki');
    const [a4] = await notesInfo([n4.noteId]);
    assert.equal(a4?.fields[f4]?.value, `${v4} edited in Anki`);
  });
});
