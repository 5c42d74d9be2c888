// The conflict flow (issue 9): after a save was refused because the note changed in Anki (or after "Compare
// with Anki's Version"), the user finishes in one step, from the diff editor's title or the conflict message:
// - Keep Mine: the editor's text is written to Anki over Anki's version (Anki's current version is taken as
//   seen first, so the conflict guard lets it through), then the editor reloads what Anki now has;
// - Take Anki's: the editor reverts to Anki's version.
// Neither goes through VS Code's own save, so its "the content of the file is newer" dialog never comes up.
import { errorText } from './messages';
import * as vscode from 'vscode';
import { ANKI_CURRENT_SCHEME, type AnkiFileSystem } from '../fs/index';
import { Commands, SCHEME } from '../constants';
import { parsePath } from '../notes/paths';
import type { Session } from './session';

const t = vscode.l10n.t;
const encoder = new TextEncoder();

export interface ConflictDeps {
  session: Session;
  fs: Pick<AnkiFileSystem, 'provider' | 'onDidRefuseConflictingSave'>;
}

function uriArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg.scheme === SCHEME ? arg : undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  return active?.scheme === SCHEME ? active : undefined;
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === uri.toString());
}

/** Closes the "Anki's version ↔ yours" diff tabs of this note. */
async function closeCompareTabs(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) =>
    g.tabs.filter(
      (tab) =>
        tab.input instanceof vscode.TabInputTextDiff &&
        tab.input.original.scheme === ANKI_CURRENT_SCHEME &&
        tab.input.modified.toString() === uri.toString(),
    ),
  );
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/** Reloads the document from the file system (what Anki has now), dropping its unsaved text. */
async function reload(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

export function registerConflictCommands({ session, fs }: ConflictDeps): vscode.Disposable[] {
  const engine = fs.provider.engine;
  const keepMine = async (arg: unknown): Promise<void> => {
    const uri = uriArg(arg);
    const doc = uri ? openDocument(uri) : undefined;
    if (!uri || !doc) {
      void vscode.window.showInformationMessage(t('Open the Anki note first.'));
      return;
    }
    if (!doc.isDirty) {
      void vscode.window.showInformationMessage(t('The editor has no unsaved changes: there is nothing of yours to keep.'));
      return;
    }
    const text = doc.getText();
    try {
      await engine.compareBase(uri.path); // Anki's current version, seen: the save below replaces it knowingly
      await fs.provider.writeFile(uri, encoder.encode(text), { create: false, overwrite: true });
    } catch (e) {
      session.log.warn(`Keep Mine ${uri.path}: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(t('Your version was not saved: {0}', errorText(e)));
      return;
    }
    session.log.info(`Keep Mine: ${uri.path} saved over Anki's version.`);
    await closeCompareTabs(uri);
    await reload(doc);
    vscode.window.setStatusBarMessage(t('Saved your version to Anki'), 4000);
  };
  const takeAnkis = async (arg: unknown): Promise<void> => {
    const uri = uriArg(arg);
    const doc = uri ? openDocument(uri) : undefined;
    if (!uri || !doc) {
      void vscode.window.showInformationMessage(t('Open the Anki note first.'));
      return;
    }
    try {
      await engine.compareBase(uri.path); // fresh: the editor reloads Anki's version as it is now
    } catch (e) {
      void vscode.window.showErrorMessage(t('Could not read Anki\'s version: {0}', errorText(e)));
      return;
    }
    session.log.info(`Take Anki's: ${uri.path} reverted to Anki's version.`);
    await closeCompareTabs(uri);
    await reload(doc);
  };
  return [
    vscode.commands.registerCommand(Commands.keepMine, keepMine),
    vscode.commands.registerCommand(Commands.takeAnkis, takeAnkis),
    fs.onDidRefuseConflictingSave((uri) => {
      const p = parsePath(uri.path);
      const name = p.kind === 'note' ? p.label : uri.path.slice(uri.path.lastIndexOf('/') + 1);
      void offerConflictChoices(uri, t('"{0}" changed in Anki since you opened it. Keep your version, take Anki\'s, or compare them first. Your text is kept until you choose.', name));
    }),
  ];
}

/** The conflict message: what happened, and the three ways on. */
export async function offerConflictChoices(uri: vscode.Uri, message: string): Promise<void> {
  const compare = t('Compare');
  const mine = t('Keep Mine');
  const theirs = t('Take Anki\'s');
  const choice = await vscode.window.showWarningMessage(message, compare, mine, theirs);
  if (choice === compare) await vscode.commands.executeCommand(Commands.compareWithAnki, uri);
  else if (choice === mine) await vscode.commands.executeCommand(Commands.keepMine, uri);
  else if (choice === theirs) await vscode.commands.executeCommand(Commands.takeAnkis, uri);
}
