// Tabs that follow the note (glue): when a note's document path changes — the note moved to another deck by a
// `deck:` save, drag and drop, a move command, an undo or in Anki, or a new-note draft was saved — its tab moves
// to the note's own path, with the selections and the scroll position kept: one note, one tab.
// A note deleted through Anki Files (Delete Note, a deleted file, undoing an added note) closes its tabs.
//
// Every such change reaches this module through ONE event, `AnkiFileSystem.onDidChangeNotePaths` (fired by the
// engine, `FsEngine` option `onNotePathsChange`, for every move it makes or sees), so a new way of moving notes
// gets its tabs followed without code of its own.
//
// When the tab moves is decided by VS Code's own events, not by timers:
// - a document being saved (`onWillSaveTextDocument` seen, `onDidSaveTextDocument` not yet) moves once VS Code
//   has finished the save (it is clean then, and VS Code has recorded the version it wrote);
// - a clean document shown in an editor moves at once;
// - a clean document open in a background tab moves when VS Code shows it (its view state is restored then);
// - a document with unsaved text stays where it is, with its text (nothing of the user's is dropped).
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { SCHEME } from '../constants';
import type { NotePathChange } from '../core/fsEngine';
import { closeNoteTabs } from './editors';

export interface NoteTabsDeps {
  fs: {
    readonly onDidChangeNotePaths: vscode.Event<NotePathChange[]>;
    readonly onDidDeleteNotes: vscode.Event<NoteId[]>;
    noteIdOf(uri: vscode.Uri): NoteId | undefined;
  };
  log: { debug(message: string): void; info(message: string): void };
}

/** The text tabs (not diffs) that show `uri`, with their groups. */
function textTabsOf(uri: vscode.Uri): vscode.Tab[] {
  const key = uri.toString();
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
}

/**
 * The lines VS Code keeps visible above a line revealed at the top (its editor's scroll-off context): the larger
 * of `editor.cursorSurroundingLines` and, with sticky scroll on, `editor.stickyScroll.maxLineCount`, at most half
 * the viewport.
 */
function scrollOffContext(doc: vscode.TextDocument, viewLines: number): number {
  const cfg = vscode.workspace.getConfiguration('editor', doc);
  const surrounding = Math.max(cfg.get<number>('cursorSurroundingLines', 0), cfg.get<boolean>('stickyScroll.enabled', false) ? cfg.get<number>('stickyScroll.maxLineCount', 5) : 0);
  return Math.floor(Math.min(viewLines / 2, surrounding));
}

/**
 * Moves the tabs of `doc` that are shown in an editor to `target`, each in its own group with its selections
 * and first visible line. Returns whether tabs of `doc` remain that were not shown (background tabs).
 */
export async function moveShownTabs(doc: vscode.TextDocument, target: vscode.Uri): Promise<boolean> {
  let remaining = false;
  for (const tab of textTabsOf(doc.uri)) {
    const group = tab.group;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString() && e.viewColumn === group.viewColumn);
    if (!editor) {
      remaining = true;
      continue;
    }
    const selections = editor.selections;
    const top = editor.visibleRanges[0]?.start;
    const viewLines = top ? (editor.visibleRanges[0]?.end.line ?? top.line) - top.line + 1 : 0;
    const focused = vscode.window.activeTextEditor === editor;
    // No `selection` option: VS Code would reveal it (centred) after this resolves, undoing the scroll below.
    const opened = await vscode.window.showTextDocument(target, { viewColumn: group.viewColumn, preview: tab.isPreview, preserveFocus: !focused });
    opened.selections = selections;
    if (top) {
      // Revealing a line "at the top" leaves the editor's scroll-off context above it (sticky scroll's lines or
      // cursorSurroundingLines): reveal the line that far below, so the first visible line is the same as before.
      const line = Math.min(opened.document.lineCount - 1, top.line + scrollOffContext(doc, viewLines));
      opened.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.AtTop);
    }
    // The old tab of this group (a preview tab was already replaced by the new one).
    // The group's tabs as they are now (on VS Code 1.90 the Tab objects read before the new tab opened cannot be
    // closed any more: tabGroups.close rejects them).
    const now = vscode.window.tabGroups.all.find((g) => g.viewColumn === group.viewColumn) ?? group;
    const stale = now.tabs.filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString() && !t.isDirty);
    if (stale.length > 0) await vscode.window.tabGroups.close(stale, true);
  }
  return remaining;
}

export function registerNoteTabs({ fs, log }: NoteTabsDeps): vscode.Disposable[] {
  /** Documents VS Code is saving (between its will-save and did-save events). */
  const saving = new Set<string>();
  /** Documents to move once their save has finished, and background tabs to move once shown: uri → target. */
  const afterSave = new Map<string, vscode.Uri>();
  const whenShown = new Map<string, vscode.Uri>();

  const follow = (doc: vscode.TextDocument, target: vscode.Uri): void => {
    const key = doc.uri.toString();
    whenShown.delete(key);
    if (doc.isClosed || doc.isDirty) return;
    void moveShownTabs(doc, target).then(
      (remaining) => {
        if (remaining && !doc.isClosed) whenShown.set(key, target);
      },
      (e: unknown) => log.debug(`Moving the tab of ${doc.uri.path} to ${target.path} failed: ${String(e)}`),
    );
  };

  const onPathsChanged = (changes: readonly NotePathChange[]): void => {
    for (const change of changes) {
      const target = vscode.Uri.from({ scheme: SCHEME, path: change.path });
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.isClosed || doc.uri.scheme !== SCHEME || doc.uri.toString() === target.toString()) continue;
        if (fs.noteIdOf(doc.uri) !== change.id) continue;
        const key = doc.uri.toString();
        if (saving.has(key)) afterSave.set(key, target);
        else if (!doc.isDirty) follow(doc, target);
        else log.info(`Note ${change.id} is now at ${change.path}; its editor with unsaved changes stays at ${doc.uri.path}.`);
      }
    }
  };

  return [
    fs.onDidChangeNotePaths(onPathsChanged),
    // A note deleted through Anki Files (any way) closes its tabs; one with unsaved text stays, with its text.
    fs.onDidDeleteNotes((ids) => {
      void closeNoteTabs(ids, (uri) => fs.noteIdOf(uri)).catch((e: unknown) => log.debug(`Closing the tabs of deleted notes failed: ${String(e)}`));
    }),
    vscode.workspace.onWillSaveTextDocument((e) => {
      if (e.document.uri.scheme === SCHEME) saving.add(e.document.uri.toString());
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const key = doc.uri.toString();
      saving.delete(key);
      const target = afterSave.get(key);
      afterSave.delete(key);
      if (target) follow(doc, target);
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const e of editors) {
        const target = whenShown.get(e.document.uri.toString());
        if (target) follow(e.document, target);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (!doc.isClosed) return; // a language change, not a close
      const key = doc.uri.toString();
      saving.delete(key);
      afterSave.delete(key);
      whenShown.delete(key);
    }),
  ];
}
