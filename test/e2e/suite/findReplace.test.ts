// Find and Replace in Notes in the real VS Code: the scripted command over 200 notes (exact changes, request
// counts on the test server), an open clean editor following the change, validation before anything is sent,
// (the refactor preview is clicked through in test/e2e/ui/findReplace.test.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, anki, closeAllEditors, control, findNotes, findNoteUri, notesInfo, openEditor, stats, waitFor, type NoteInfo } from './helpers';

const TAG = 'e2e-find-replace';
const MARK = 'ZQX-E2E';

interface LogEntry {
  action: string;
  subActions?: string[];
}
interface Result {
  notes: number;
  replacements: number;
  saved: number;
  failed: Array<{ id: number; reason: string }>;
}

async function logSince(n: number): Promise<LogEntry[]> {
  const s = await control('stats');
  const log = (s as { log?: unknown }).log;
  assert.ok(Array.isArray(log), 'control stats has no request log');
  return (log as LogEntry[]).slice(n);
}

const fieldValues = (n: NoteInfo): Record<string, string> => Object.fromEntries(Object.entries(n.fields).map(([k, f]) => [k, f.value]));
const count = (s: string, find: string): number => s.split(find).length - 1;

describe('find and replace', () => {
  let ids: number[] = [];
  before(async () => {
    await activateExtension();
    ids = (await findNotes('deck:*')).sort((a, b) => a - b).slice(0, 200);
    assert.equal(ids.length, 200);
    await anki('addTags', { notes: ids, tags: TAG });
  });
  after(async () => {
    await closeAllEditors();
    await anki('removeTags', { notes: ids, tags: TAG });
  });

  it('scripted, preview: false: 200 notes get exactly the expected changes; read 2 requests, save 2; an open clean editor follows', async () => {
    const before = await notesInfo(ids);
    for (const n of before) for (const v of Object.values(fieldValues(n))) assert.ok(!v.includes(MARK), 'marker already in the collection');
    const find = 'e';
    const expected = new Map(before.map((n) => [n.noteId, Object.fromEntries(Object.entries(fieldValues(n)).map(([k, v]) => [k, v.split(find).join(MARK)]))]));
    const changedIds = before.filter((n) => Object.values(fieldValues(n)).some((v) => v.includes(find))).map((n) => n.noteId);
    const replacements = before.reduce((k, n) => k + Object.values(fieldValues(n)).reduce((j, v) => j + count(v, find), 0), 0);
    assert.ok(changedIds.length > 100, `only ${changedIds.length} notes contain "${find}"`);
    const open = changedIds[0] as number;
    const editor = await openEditor(await findNoteUri(open));

    const start = (await stats()).requests;
    const startLog = (await logSince(0)).length;
    const result = (await vscode.commands.executeCommand('ankiFiles.findAndReplace', {
      query: `tag:${TAG}`,
      find,
      replace: MARK,
      matchCase: true,
      preview: false,
    })) as Result;
    const requests = (await stats()).requests - start;
    const log = await logSince(startLog);

    assert.deepEqual(result, { notes: changedIds.length, replacements, saved: changedIds.length, failed: [] });
    // Read: multi[findNotes, findCards], multi[notesInfo, getDecks]; save: the conflict check, then ONE multi.
    const kinds = log.map((e) => (e.action === 'multi' ? `multi[${[...new Set(e.subActions ?? [])].join(',')}]` : e.action));
    // The views may check the collection meanwhile (multi[findNotes], multi[deckNamesAndIds, …]): read-only, not ours.
    const isViews = (k: string): boolean => k === 'multi[findNotes]' || k.startsWith('multi[deckNamesAndIds');
    const ownLog = log.filter((_, i) => !isViews(kinds[i] ?? ''));
    const own = kinds.filter((k) => !isViews(k));
    assert.equal(own.length, 4, `requests: ${kinds.join(' | ')} (${requests} in all)`);
    assert.deepEqual(own.slice(0, 2), ['multi[findNotes,findCards]', 'multi[notesInfo,getDecks]']);
    const afterRead = ownLog.slice(2);
    assert.ok(afterRead.length <= 3, `${afterRead.length} requests after the read`);
    const writes = afterRead.filter((e) => (e.subActions ?? [e.action]).includes('updateNoteFields'));
    assert.equal(writes.length, 1, 'every change in one multi');
    assert.equal((writes[0]?.subActions ?? []).filter((a) => a === 'updateNoteFields').length, changedIds.length);

    const after = await notesInfo(ids);
    for (const n of after) assert.deepEqual(fieldValues(n), expected.get(n.noteId), `note ${n.noteId}`);
    // The open editor (clean) reloads Anki's new version.
    await waitFor(() => editor.document.getText().includes(MARK), 'the open editor to show the replaced text');
    assert.equal(editor.document.isDirty, false);

    // Put everything back (the marker appears nowhere else), through the same command.
    const back = (await vscode.commands.executeCommand('ankiFiles.findAndReplace', { query: `tag:${TAG}`, find: MARK, replace: find, matchCase: true, preview: false })) as Result;
    assert.equal(back.saved, changedIds.length);
    const restored = await notesInfo(ids);
    restored.forEach((n, i) => assert.deepEqual(fieldValues(n), fieldValues(before[i] as NoteInfo)));
  });

  it('invalid input is refused before anything is written, with a specific message', async () => {
    const start = await stats();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ankiFiles.findAndReplace', { query: `tag:${TAG}`, find: '(a', replace: 'x', regex: true, preview: false })),
      /Invalid regular expression: .*Unterminated group/,
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ankiFiles.findAndReplace', { query: 'tag:no-such-tag-e2e', find: 'a', replace: 'x', preview: false })),
      /No notes match tag:no-such-tag-e2e/,
    );
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('ankiFiles.findAndReplace', { query: `tag:${TAG}`, find: 'a', replace: 'x', bogus: 1 })),
      /expects .*bogus/,
    );
    const end = await stats();
    assert.equal(end.actions.updateNoteFields ?? 0, start.actions.updateNoteFields ?? 0);
  });
});
