// Media in note documents: Insert Media… (a file already in Anki's media folder), Add Media File… (upload a
// file from disk) and dropping files into a note editor (Shift+drop in VS Code). Each inserts the tag Anki's
// editor would write at the cursor, inside the field's value, keeping the YAML valid (src/notes/fieldEdit.ts).
// Nothing is uploaded before the user chose the file (dialog, command argument) or dropped it; a failed upload
// leaves the text unchanged and says why.
import { errorText } from './messages';
import * as vscode from 'vscode';
import { describeAnkiError } from '../anki/errors';
import { Commands, SCHEME, SettingDefaults, Settings } from '../constants';
import { checkUpload, mediaKind, mediaTag, uploadName, type UploadProblem } from '../media/mediaTags';
import { insertIntoField, type FieldInsertResult } from '../notes/fieldEdit';
import type { Session } from './session';

const t = vscode.l10n.t;

export interface MediaDeps {
  session: Session;
  /** Told the name of every file stored in Anki (the editing help's media names). */
  onStored?: (name: string) => void;
}

/** What the media commands resolve to (scripts and tests): the tag inserted and the name Anki stored. */
export interface MediaInsertResult {
  inserted: string;
  file: string;
}

function maxUploadBytes(): number {
  const mb = vscode.workspace.getConfiguration().get<number>(Settings.mediaMaxUploadSizeMB, SettingDefaults.mediaMaxUploadSizeMB);
  return Math.max(0.01, mb) * 1024 * 1024;
}

function uploadProblemMessage(name: string, p: UploadProblem): string {
  switch (p.code) {
    case 'tooLarge':
      return t(
        '"{0}" is {1} MB; Anki Files sends files up to {2} MB (setting ankiFiles.media.maxUploadSizeMB): AnkiConnect freezes Anki while it reads a large upload. Add it in Anki instead.',
        name,
        (p.size / 1024 / 1024).toFixed(1),
        (p.limit / 1024 / 1024 / (4 / 3)).toFixed(1),
      );
    case 'empty':
      return t('"{0}" is empty; nothing was sent to Anki.', name);
    case 'noName':
      return t('The file has no usable name; nothing was sent to Anki.');
  }
}

export function notInFieldMessage(r: Extract<FieldInsertResult, { ok: false }>): string {
  return r.reason === 'invalidDocument'
    ? t('The note document has a problem to fix first (see the Problems panel); nothing was inserted.')
    : t('Put the cursor inside a field\'s value (under "fields:") to insert media there.');
}

function activeNoteEditor(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor?.document.uri.scheme === SCHEME ? editor : undefined;
}

/** Inserts `tag` at the editor's cursor inside its field; false (and a message) when it cannot. */
async function insertAtCursor(editor: vscode.TextEditor, tag: string): Promise<boolean> {
  const doc = editor.document;
  const offset = doc.offsetAt(editor.selection.active);
  const r = insertIntoField(doc.getText(), offset, tag);
  if (!r.ok) {
    void vscode.window.showWarningMessage(notInFieldMessage(r));
    return false;
  }
  const range = new vscode.Range(doc.positionAt(r.edit.start), doc.positionAt(r.edit.end));
  const version = doc.version;
  const ok = await editor.edit((b) => b.replace(range, r.edit.text));
  if (!ok || doc.version === version) return false;
  const at = doc.positionAt(r.cursor);
  editor.selection = new vscode.Selection(at, at);
  return true;
}

/**
 * Uploads bytes under `name` with storeMediaFile (never replacing a different file of that name: Anki keeps
 * both and answers the name it used); returns that name, or undefined after saying why nothing was stored.
 * The one upload path of Add Media File, drop and paste.
 */
export async function uploadMedia(session: Session, name: string, bytes: Uint8Array, onStored?: (name: string) => void): Promise<string | undefined> {
  const log = session.log;
  const problem = checkUpload(name, bytes.byteLength, maxUploadBytes());
  if (problem) {
    void vscode.window.showErrorMessage(uploadProblemMessage(name, problem));
    return undefined;
  }
  try {
    const stored = await session.client.storeMediaFile(name, Buffer.from(bytes).toString('base64'));
    log.info(`Stored media file "${name}" as "${stored}" (${bytes.byteLength} bytes)`);
    onStored?.(stored);
    return stored;
  } catch (e) {
    const why = describeAnkiError(e).message;
    log.warn(`Storing media file "${name}" failed: ${why}`);
    void vscode.window.showErrorMessage(t('"{0}" was not added to Anki: {1} The note is unchanged.', name, why));
    return undefined;
  }
}

export function registerMedia(deps: MediaDeps): vscode.Disposable[] {
  const { session } = deps;

  const upload = (name: string, bytes: Uint8Array): Promise<string | undefined> => uploadMedia(session, name, bytes, deps.onStored);

  const insertMedia = async (arg?: unknown): Promise<MediaInsertResult | undefined> => {
    const editor = activeNoteEditor();
    if (!editor) {
      void vscode.window.showInformationMessage(t('Open an Anki note to insert media into it.'));
      return undefined;
    }
    let file = typeof arg === 'object' && arg !== null && 'file' in arg && typeof arg.file === 'string' ? arg.file : undefined;
    if (file === undefined) {
      let names: string[];
      try {
        names = await session.client.getMediaFilesNames();
      } catch (e) {
        void vscode.window.showErrorMessage(t("Could not list Anki's media folder: {0}", errorText(e)));
        return undefined;
      }
      if (names.length === 0) {
        void vscode.window.showInformationMessage(t("Anki's media folder is empty. Use \"Anki: Add Media File…\" to add one."));
        return undefined;
      }
      const items = names.map((n) => ({
        label: n,
        iconPath: new vscode.ThemeIcon(mediaKind(n) === 'image' ? 'file-media' : mediaKind(n) === 'sound' ? 'unmute' : 'file'),
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: t('Insert Media'),
        placeHolder: t('A file in Anki\'s media folder ({0} files)', names.length),
        matchOnDescription: true,
      });
      if (!picked) return undefined;
      file = picked.label;
    }
    const tag = mediaTag(file);
    return (await insertAtCursor(editor, tag)) ? { inserted: tag, file } : undefined;
  };

  const addMediaFile = async (arg?: unknown): Promise<MediaInsertResult | undefined> => {
    const editor = activeNoteEditor();
    if (!editor) {
      void vscode.window.showInformationMessage(t('Open an Anki note to insert media into it.'));
      return undefined;
    }
    let uri: vscode.Uri | undefined;
    if (typeof arg === 'object' && arg !== null && 'path' in arg && typeof arg.path === 'string') uri = vscode.Uri.file(arg.path);
    else if (arg instanceof vscode.Uri) uri = arg;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: t('Add to Anki'),
        title: t('Add Media File'),
        filters: { [t('Images and sounds')]: ['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'mp3', 'ogg', 'wav', 'm4a', 'flac', 'mp4', 'webm'], [t('All files')]: ['*'] },
      });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    // Check the place first, so nothing is uploaded for a cursor that cannot take it.
    const probe = insertIntoField(editor.document.getText(), editor.document.offsetAt(editor.selection.active), '');
    if (!probe.ok) {
      void vscode.window.showWarningMessage(notInFieldMessage(probe));
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      void vscode.window.showErrorMessage(t('Could not read "{0}": {1}', uri.fsPath, e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    const stored = await upload(uploadName(uri.path), bytes);
    if (stored === undefined) return undefined;
    const tag = mediaTag(stored);
    return (await insertAtCursor(editor, tag)) ? { inserted: tag, file: stored } : undefined;
  };

  const dropProvider: vscode.DocumentDropEditProvider = {
    async provideDocumentDropEdits(document, position, dataTransfer, token) {
      const files: Array<{ name: string; data: () => Thenable<Uint8Array> }> = [];
      for (const [, item] of dataTransfer) {
        const f = item.asFile();
        if (f) files.push({ name: f.name, data: () => f.data() });
      }
      if (files.length === 0) return undefined;
      const offset = document.offsetAt(position);
      const probe = insertIntoField(document.getText(), offset, '');
      if (!probe.ok) {
        void vscode.window.showWarningMessage(notInFieldMessage(probe));
        return undefined;
      }
      const tags: string[] = [];
      for (const f of files) {
        if (token.isCancellationRequested) return undefined;
        const stored = await upload(uploadName(f.name), await f.data());
        if (stored === undefined) return undefined;
        tags.push(mediaTag(stored));
      }
      const r = insertIntoField(document.getText(), offset, tags.join(''));
      if (!r.ok) {
        void vscode.window.showWarningMessage(notInFieldMessage(r));
        return undefined;
      }
      // The drop inserts at `position`; the rest of the rewritten pair goes around it (touching, not
      // overlapping), so VS Code applies the whole change as one edit.
      const split = r.cursor - r.edit.start;
      const inserted = tags.join('');
      const cut = Math.max(0, split - inserted.length);
      const head = r.edit.text.slice(0, cut);
      const mid = r.edit.text.slice(cut, split);
      const tail = r.edit.text.slice(split);
      const edit = new vscode.DocumentDropEdit(new vscode.SnippetString().appendText(mid));
      const extra = new vscode.WorkspaceEdit();
      extra.replace(document.uri, new vscode.Range(document.positionAt(r.edit.start), position), head);
      extra.replace(document.uri, new vscode.Range(position, document.positionAt(r.edit.end)), tail);
      edit.additionalEdit = extra;
      return edit;
    },
  };

  return [
    vscode.commands.registerCommand(Commands.insertMedia, insertMedia),
    vscode.commands.registerCommand(Commands.addMediaFile, addMediaFile),
    vscode.languages.registerDocumentDropEditProvider({ scheme: SCHEME }, dropProvider),
  ];
}
