// Open as One Document in the real VS Code: 50 notes in one YAML stream (2 requests), three edited blocks saved
// in one batch, and a conflict in one block that leaves the others saved and the document dirty.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import { whenDiagnostics } from './diagnostics';
import { activateExtension, anki, closeAllEditors, control, findNotes, notesInfo, waitFor, type NoteInfo } from './helpers';

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
    // (the save's outcome; the editing help's own checks of the blocks have source "Anki")
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Anki Files');
    assert.equal(diags.length, 1, diags.map((d) => d.message).join(' | '));
    assert.match(diags[0]?.message ?? '', /changed in Anki since you opened it/);
    const blockStart = doc.getText().split('\n').findIndex((l) => l === `id: ${conflicted.noteId}`);
    assert.ok(Math.abs((diags[0]?.range.start.line ?? -1) - blockStart) <= 2, `diagnostic at line ${diags[0]?.range.start.line}, block at ${blockStart}`);
    assert.ok(doc.getText().includes(`${firstField(conflicted)[1]} (second)`), 'the user text is kept');
  });

  const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

  it("the editing help checks each block: an unknown field in block 3 at block 3's line, its quick fix, field completion in block 2", async () => {
    const five = notes.slice(44, 49);
    const uri = (await vscode.commands.executeCommand('ankiFiles.openAsDocument', { query: `nid:${five.map((n) => n.noteId).join(',')}` })) as vscode.Uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const blockLine = (n: NoteInfo): number => doc.getText().split('\n').indexOf(`id: ${n.noteId}`);
    // blocks are in id order
    const inOrder = [...five].sort((a, b) => a.noteId - b.noteId);
    const third = inOrder[2] as NoteInfo;
    const second = inOrder[1] as NoteInfo;
    const [name, value] = firstField(third);
    const lines = doc.getText().split('\n');
    const fieldLine = lines.findIndex((l, i) => i > blockLine(third) && l === `  ${name}: ${value}`);
    assert.ok(fieldLine > blockLine(third), `the first field line of block 3 (${third.noteId})`);
    const we = new vscode.WorkspaceEdit();
    we.insert(uri, new vscode.Position(fieldLine, 2 + name.length), 'x');
    assert.ok(await vscode.workspace.applyEdit(we));
    const d = await whenDiagnostics(uri, (ds) => ds.find((x) => x.source === 'Anki' && codeOf(x) === 'unknownField'), 'an unknownField diagnostic');
    assert.equal(d.range.start.line, fieldLine, "at block 3's field line");
    assert.equal(doc.getText(d.range), `${name}x`);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    // every error is in block 3 (the unknown field, and its field now missing)
    const errors = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'Anki' && x.severity === vscode.DiagnosticSeverity.Error).map((x) => x.range.start.line);
    const [b3, b4] = [blockLine(third), blockLine(inOrder[3] as NoteInfo)];
    assert.ok(errors.length === 2 && errors.every((l) => l > b3 && l < b4), `errors at lines ${errors.join(', ')}; block 3 is lines ${b3}–${b4 - 2}`);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
    const rename = actions.find((a) => a.title === `Rename "${name}x" to "${name}"`);
    assert.ok(rename?.edit, `the rename fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(rename.edit));
    assert.equal(doc.getText().split('\n')[fieldLine], `  ${name}: ${value}`);
    await whenDiagnostics(uri, (ds) => !ds.some((x) => x.source === 'Anki' && codeOf(x) === 'unknownField'), 'the unknownField diagnostic to go');
    // Completion of a field name inside block 2: its first field's line emptied to the indentation.
    const [name2, value2] = firstField(second);
    const l2 = doc.getText().split('\n').findIndex((l, i) => i > blockLine(second) && l === `  ${name2}: ${value2}`);
    assert.ok(l2 > blockLine(second));
    const cut = new vscode.WorkspaceEdit();
    cut.replace(uri, new vscode.Range(l2, 2, l2, doc.lineAt(l2).text.length), '');
    assert.ok(await vscode.workspace.applyEdit(cut));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(l2, 2));
    const fields = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Field).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.deepEqual(fields, [name2], 'the field missing from block 2, and only it');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a block without id becomes a new note when saved; its id is written into the block and the document is clean; saving again adds nothing', async () => {
    const two = notes.slice(46, 48);
    const uri = (await vscode.commands.executeCommand('ankiFiles.openAsDocument', { query: `nid:${two.map((n) => n.noteId).join(',')}` })) as vscode.Uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const deck = /^deck: (.*)$/m.exec(doc.getText())?.[1] ?? '';
    const front = `added from a stream ${Date.now()}`;
    const end = doc.positionAt(doc.getText().length);
    const we = new vscode.WorkspaceEdit();
    we.insert(uri, end, `---\ndeck: ${deck}\nnoteType: Basic\ntags: [stream]\nfields:\n  Front: ${front}\n  Back: its back\n`);
    assert.ok(await vscode.workspace.applyEdit(we));
    const l0 = (await logSince(0)).length;
    // The save, then the id written back and the document saved again by itself (that save sends nothing).
    const clean = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.toString() === uri.toString() && /\nid: \d+\ndeck: .*\nnoteType: Basic\ntags: \[stream\]/.test(d.getText())) {
          sub.dispose();
          resolve();
        }
      });
    });
    assert.equal(await doc.save(), true);
    await clean;
    assert.equal(doc.isDirty, false);
    const found = await findNotes(`"Front:${front}"`);
    assert.equal(found.length, 1, 'added once');
    const id = found[0] as number;
    assert.ok(doc.getText().includes(`---\nid: ${id}\ndeck: ${deck}\nnoteType: Basic\ntags: [stream]\nfields:\n  Front: ${front}\n`), doc.getText().slice(-300));
    const [info] = await notesInfo([id]);
    assert.deepEqual(info?.tags, ['stream']);
    assert.equal(info?.fields.Back?.value, 'its back');
    // one addNote in all, and the save that wrote the id sent nothing
    const log = await logSince(l0);
    assert.equal(log.flatMap((e) => (e.action === 'multi' ? (e.subActions ?? []) : [e.action])).filter((a) => a === 'addNote').length, 1);
    const l1 = (await logSince(0)).length;
    assert.equal(await doc.save(), true);
    const again = await logSince(l1);
    assert.ok(!again.some((e) => e.action.startsWith('add') || (e.subActions ?? []).some((a) => /^(add|update)/.test(a))), JSON.stringify(again));
    assert.equal((await findNotes(`"Front:${front}"`)).length, 1);
    await anki('deleteNotes', { notes: [id] });
  });

  it('a failed save still writes the added note\'s id into its block and keeps the document dirty; saving again does not add it twice', async () => {
    const two = notes.slice(42, 44);
    const uri = (await vscode.commands.executeCommand('ankiFiles.openAsDocument', { query: `nid:${two.map((n) => n.noteId).join(',')}` })) as vscode.Uri;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    const conflicted = two[0] as NoteInfo;
    await edit(doc, [conflicted], ' (mine)');
    const [cname] = firstField(conflicted);
    await control('editInAnki', { noteId: conflicted.noteId, fields: { [cname]: 'changed in Anki again' } });
    const deck = /^deck: (.*)$/m.exec(doc.getText())?.[1] ?? '';
    const front = `added by a failing save ${Date.now()}`;
    const we = new vscode.WorkspaceEdit();
    we.insert(uri, doc.positionAt(doc.getText().length), `---\ndeck: ${deck}\nnoteType: Basic\ntags: []\nfields:\n  Front: ${front}\n  Back: b\n`);
    assert.ok(await vscode.workspace.applyEdit(we));
    const withId = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && /\nid: \d+\ndeck: .*\nnoteType: Basic\ntags: \[\]\nfields:\n {2}Front: added by a failing save/.test(e.document.getText())) {
          sub.dispose();
          resolve();
        }
      });
    });
    const l0 = (await logSince(0)).length;
    assert.equal(await doc.save(), false, 'the conflicted block fails the save');
    await withId;
    assert.equal(doc.isDirty, true);
    const found = await findNotes(`"Front:${front}"`);
    assert.equal(found.length, 1);
    assert.ok(doc.getText().includes(`id: ${found[0]}\ndeck: ${deck}\n`));
    assert.ok(doc.getText().includes(`${firstField(conflicted)[1]} (mine)`), 'the user text is kept');
    assert.equal(await doc.save(), false, 'still the conflict');
    const adds = (await logSince(l0)).flatMap((e) => (e.action === 'multi' ? (e.subActions ?? []) : [e.action])).filter((a) => a === 'addNote');
    assert.equal(adds.length, 1, 'added once over both saves');
    assert.equal((await findNotes(`"Front:${front}"`)).length, 1);
    await anki('deleteNotes', { notes: found });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
