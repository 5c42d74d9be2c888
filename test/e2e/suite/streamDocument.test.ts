// Open as One Document in the real VS Code: 50 notes in one YAML stream (2 requests), three edited blocks saved
// in one batch, and a conflict in one block that leaves the others saved and the document dirty.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import { activateExtension, closeAllEditors, control, findNotes, notesInfo, waitFor, type NoteInfo } from './helpers';

interface LogEntry {
  action: string;
  subActions?: string[];
}

async function logSince(n: number): Promise<LogEntry[]> {
  const s = await control('stats');
  return ((s as { log?: LogEntry[] }).log ?? []).slice(n);
}

const firstField = (n: NoteInfo): [string, string] => {
  const [name, f] = Object.entries(n.fields).sort((a, b) => a[1].order - b[1].order)[0] ?? ['', { value: '', order: 0 }];
  return [name, f.value];
};

describe('open as one document', () => {
  let notes: NoteInfo[] = [];
  before(async () => {
    const ext = await activateExtension();
    // The Decks view loads its tree once connected (2 requests of its own): let it finish before counting ours.
    const api = ext.exports as AnkiFilesTestApi | undefined;
    await waitFor(() => api?.decks.listing.tree, 'the Decks view to load its tree');
    const ids = (await findNotes('deck:*')).sort((a, b) => b - a); // from the end: other tests use the first notes
    const infos = await notesInfo(ids.slice(0, 150));
    notes = infos
      .filter((n) => {
        const [name, value] = firstField(n);
        return /^\p{L}[\p{L}\p{N} ]{0,40}$/u.test(value) && !name.includes(':');
      })
      .slice(0, 50);
    assert.equal(notes.length, 50);
  });
  afterEach(async () => {
    await closeAllEditors();
  });

  const edit = async (doc: vscode.TextDocument, targets: NoteInfo[], suffix: string): Promise<void> => {
    const we = new vscode.WorkspaceEdit();
    for (const n of targets) {
      const [name, value] = firstField(n);
      const text = doc.getText();
      const idAt = text.indexOf(`\nid: ${n.noteId}\n`);
      assert.ok(idAt >= 0, `block of ${n.noteId}`);
      const line = `  ${name}: ${value}`;
      const at = text.indexOf(`\n${line}\n`, idAt) + 1;
      assert.ok(at > 0, `field line of ${n.noteId}`);
      const end = doc.positionAt(at + line.length);
      we.insert(doc.uri, end, suffix);
    }
    assert.ok(await vscode.workspace.applyEdit(we));
  };

  it('50 notes open in 2 requests; three edited blocks are saved as one batch (2 requests), the rest untouched', async () => {
    const ids = notes.map((n) => n.noteId);
    const l0 = (await logSince(0)).length;
    const uri = (await vscode.commands.executeCommand('ankiFiles.openAsDocument', { query: `nid:${ids.join(',')}` })) as vscode.Uri;
    // The document's own requests: its search and its notes (other features may read meanwhile, e.g. the Decks
    // view or the editing help refreshing what earlier tests changed).
    const kindOf = (e: LogEntry): string => (e.action === 'multi' ? `multi[${[...new Set(e.subActions ?? [])].join(',')}]` : e.action);
    const OWN = new Set(['multi[findNotes,findCards]', 'multi[notesInfo,getDecks]', 'findCards', 'notesInfo', 'getDecks']);
    const opened = (await logSince(l0)).filter((e) => OWN.has(kindOf(e)) || (e.action === 'findNotes' && (e as { query?: string }).query?.startsWith('nid:')));
    const kinds = opened.map(kindOf);
    assert.deepEqual(kinds, ['multi[findNotes,findCards]', 'multi[notesInfo,getDecks]']);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.getText().split('\n').filter((l) => l === '---').length, 50);
    const targets = [notes[3], notes[17], notes[41]] as NoteInfo[];
    await edit(doc, targets, ' (stream)');
    const startLog = (await logSince(0)).length;
    assert.equal(await doc.save(), true);
    const log = await logSince(startLog);
    const saveKinds = log.map((e) => (e.action === 'multi' ? `multi[${[...new Set(e.subActions ?? [])].join(',')}]` : e.action));
    // The saver's two requests (the views' own refresh after a save may follow; it writes nothing).
    // (the conflict read may also ask the profile for the save journal)
    const saver = saveKinds.filter((k) => k.includes('updateNoteFields') || k === 'multi[notesInfo,getDecks,deckNames]' || k === 'multi[notesInfo,getDecks,deckNames,getActiveProfile]');
    assert.equal(saver.length, 2, saveKinds.join(' | '));
    const writes = log.filter((e) => (e.subActions ?? []).includes('updateNoteFields'));
    assert.equal(writes.length, 1);
    assert.equal((writes[0]?.subActions ?? []).filter((a) => a === 'updateNoteFields').length, 3);
    const after = await notesInfo(ids);
    after.forEach((n, i) => {
      const before = notes[i] as NoteInfo;
      const [name, value] = firstField(before);
      const expected = targets.some((x) => x.noteId === n.noteId) ? `${value} (stream)` : value;
      assert.equal(n.fields[name]?.value, expected, `note ${n.noteId}`);
    });
    assert.equal(doc.isDirty, false);
  });

  it('a conflict in one block leaves the others saved; the document stays dirty with a diagnostic at that block', async () => {
    const ids = notes.map((n) => n.noteId);
    const uri = (await vscode.commands.executeCommand('ankiFiles.openAsDocument', { query: `nid:${ids.join(',')}` })) as vscode.Uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    const ok = notes[8] as NoteInfo;
    const conflicted = notes[30] as NoteInfo;
    await edit(doc, [ok, conflicted], ' (second)');
    const [cname] = firstField(conflicted);
    await control('editInAnki', { noteId: conflicted.noteId, fields: { [cname]: 'changed in Anki' } });
    assert.equal(await doc.save(), false);
    assert.equal(doc.isDirty, true);
    const [okAfter, conflictedAfter] = await notesInfo([ok.noteId, conflicted.noteId]);
    assert.equal(okAfter?.fields[firstField(ok)[0]]?.value, `${firstField(ok)[1]} (second)`);
    assert.equal(conflictedAfter?.fields[cname]?.value, 'changed in Anki');
    const diags = vscode.languages.getDiagnostics(uri);
    assert.equal(diags.length, 1, diags.map((d) => d.message).join(' | '));
    assert.match(diags[0]?.message ?? '', /changed in Anki since you opened it/);
    const blockStart = doc.getText().split('\n').findIndex((l) => l === `id: ${conflicted.noteId}`);
    assert.ok(Math.abs((diags[0]?.range.start.line ?? -1) - blockStart) <= 2, `diagnostic at line ${diags[0]?.range.start.line}, block at ${blockStart}`);
    assert.ok(doc.getText().includes(`${firstField(conflicted)[1]} (second)`), 'the user text is kept');
  });
});
