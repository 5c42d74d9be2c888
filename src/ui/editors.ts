// Editors and tabs that follow the notes (glue): a new-note draft opens pinned with the cursor in its first
// field; the tabs of notes deleted through Anki Files close (unless they hold unsaved text).
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';

/** The line of a draft's first field (`  <name>:` under `fields:`), or undefined. Plain YAML text, no HTML. */
export function firstFieldLine(lines: readonly string[], fieldName: string | undefined): number | undefined {
  const fieldsAt = lines.findIndex((l) => /^fields:\s*$/.test(l));
  if (fieldsAt < 0) return undefined;
  for (let i = fieldsAt + 1; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (!/^\s/.test(l)) break;
    const m = /^\s+("?)(.*)\1:\s*$/.exec(l);
    if (m && (fieldName === undefined || m[2] === fieldName)) return i;
  }
  return fieldName === undefined ? undefined : firstFieldLine(lines, undefined);
}

/**
 * Opens a new-note draft pinned (not as a preview tab) with the cursor on its first field's value: a space
 * after `<first field>:` is typed for the user, so what they type next is the value.
 */
export async function openDraft(uri: vscode.Uri, firstField: string | undefined): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== uri.toString()) return;
  const doc = editor.document;
  const lines = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
  const line = firstFieldLine(lines, firstField);
  if (line === undefined) return;
  const text = lines[line] ?? '';
  const end = new vscode.Position(line, text.length);
  if (!text.endsWith(' ')) await editor.edit((b) => b.insert(end, ' '), { undoStopBefore: false, undoStopAfter: false });
  const at = new vscode.Position(line, doc.lineAt(line).text.length);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at));
}

/** Closes the tabs of these notes that have no unsaved text (dirty ones stay, so no text is lost). */
export async function closeNoteTabs(ids: readonly NoteId[], noteIdOf: (uri: vscode.Uri) => NoteId | undefined): Promise<void> {
  const gone = new Set(ids);
  const tabs = vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter((tab) => {
      const input = tab.input;
      const uri = input instanceof vscode.TabInputText ? input.uri : input instanceof vscode.TabInputTextDiff ? input.modified : undefined;
      const id = uri ? noteIdOf(uri) : undefined;
      return id !== undefined && gone.has(id) && !tab.isDirty;
    }),
  );
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
