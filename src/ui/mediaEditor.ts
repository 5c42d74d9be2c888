// Media in the editor, beyond Insert Media / Add Media File / drop (src/ui/media.ts): the sound hover's
// **play** (Anki: Play Media, `ankiFiles.playMedia { file }`: the file fetched from Anki with
// retrieveMediaFile into the extension's storage, then opened with the system's player), and pasting a
// picture or file into a field (VS Code ≥ 1.97's DocumentPasteEditProvider, detected at run time so 1.90
// still activates). A paste stores nothing until VS Code applies the edit: the upload runs in the edit's
// resolve step, and one that fails or is refused leaves the text as it was and says why.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeAnkiError } from '../anki/errors';
import { Commands, SCHEME } from '../constants';
import { hasStablePasteApi, localCopyName, pastedFileName, placeMedia, playArgument, playCommandUri } from '../media/mediaPlace';
import { mediaKind, mediaTag } from '../media/mediaTags';
import { notInFieldMessage, uploadMedia } from './media';
import type { Session } from './session';

const t = vscode.l10n.t;

export interface MediaEditorDeps {
  session: Session;
  /** Told the name of every file stored in Anki (the editing help's media names). */
  onStored?: (name: string) => void;
}

/** What Anki: Play Media resolves to: where the copy was written and whether the system opened it. */
export interface PlayMediaResult {
  file: string;
  path: string;
  opened: boolean;
}

/** Adds the sound hover's play link to `md` (trusted for that one command only) when `name` is a sound. */
export function appendPlayLink(md: vscode.MarkdownString, name: string, kind: 'image' | 'sound' | 'other'): void {
  if (kind !== 'sound' && mediaKind(name) !== 'sound') return;
  md.appendMarkdown(`\n\n[${t('▶ Play')}](${playCommandUri(Commands.playMedia, name)} "${t('Open with the system player')}")`);
  md.isTrusted = { enabledCommands: [Commands.playMedia] };
}

// ---- The paste API of VS Code ≥ 1.97, declared by what is used here (`@types/vscode` is 1.90's). ----
interface PasteEditKind {
  readonly value: string;
  append(...parts: string[]): PasteEditKind;
}
interface PasteEdit {
  title: string;
  kind: PasteEditKind;
  insertText: string | vscode.SnippetString;
  additionalEdit?: vscode.WorkspaceEdit;
}
/** The paste provider as registered (exposed to the in-host tests). */
export type MediaPasteProvider = PasteEditProvider;

interface PasteEditProvider {
  provideDocumentPasteEdits(
    document: vscode.TextDocument,
    ranges: readonly vscode.Range[],
    dataTransfer: vscode.DataTransfer,
    context: unknown,
    token: vscode.CancellationToken,
  ): Promise<PasteEdit[] | undefined>;
  resolveDocumentPasteEdit(edit: PasteEdit, token: vscode.CancellationToken): Promise<PasteEdit>;
}
interface PasteProviderMetadata {
  readonly providedPasteEditKinds: readonly PasteEditKind[];
  readonly pasteMimeTypes: readonly string[];
}
interface PasteApi {
  register(selector: vscode.DocumentSelector, provider: PasteEditProvider, metadata: PasteProviderMetadata): vscode.Disposable;
  newEdit(insertText: string, title: string, kind: PasteEditKind): PasteEdit;
  emptyKind: PasteEditKind;
}

/**
 * VS Code's paste API when this VS Code has it stable (1.97 and later), else undefined. Older versions have
 * `registerDocumentPasteEditProvider` as a *proposed* API (a function that throws for an extension that did
 * not enable the proposal, with another edit shape), so the version is checked as well as the function.
 */
export function pasteApi(): PasteApi | undefined {
  if (!hasStablePasteApi(vscode.version)) return undefined;
  const ns = vscode as unknown as {
    languages: { registerDocumentPasteEditProvider?: unknown };
    DocumentPasteEdit?: unknown;
    DocumentDropOrPasteEditKind?: { Empty?: unknown };
  };
  const register = ns.languages.registerDocumentPasteEditProvider;
  const Edit = ns.DocumentPasteEdit;
  const empty = ns.DocumentDropOrPasteEditKind?.Empty;
  if (typeof register !== 'function' || typeof Edit !== 'function' || typeof empty !== 'object' || empty === null) return undefined;
  const registerFn = register as PasteApi['register'];
  const EditClass = Edit as new (insertText: string, title: string, kind: PasteEditKind) => PasteEdit;
  return {
    register: (selector, provider, metadata) => registerFn.call(vscode.languages, selector, provider, metadata),
    newEdit: (insertText, title, kind) => new EditClass(insertText, title, kind),
    emptyKind: empty as PasteEditKind,
  };
}

interface PendingPaste {
  document: vscode.TextDocument;
  version: number;
  selection: [number, number];
  files: Array<{ name: string; mime: string; bytes: Uint8Array }>;
}

export function registerMediaEditor(
  context: vscode.ExtensionContext,
  deps: MediaEditorDeps,
): { disposables: vscode.Disposable[]; pasteProvider?: MediaPasteProvider } {
  const { session } = deps;
  const log = session.log;
  const disposables: vscode.Disposable[] = [];
  const playDir =
    context.globalStorageUri.scheme === 'file' ? path.join(context.globalStorageUri.fsPath, 'play') : path.join(os.tmpdir(), `anki-files-play-${process.pid}`);
  // Copies played in an earlier session are dropped (best effort); this session's are overwritten per name.
  void fsp.rm(playDir, { recursive: true, force: true }).catch((e: unknown) => log.debug(`Could not clear ${playDir}: ${String(e)}`));

  const playMedia = async (arg?: unknown): Promise<PlayMediaResult | undefined> => {
    const file = playArgument(arg);
    if (file === undefined) {
      void vscode.window.showErrorMessage(t('Play Media needs a media file name ({ "file": "…" }).'));
      return undefined;
    }
    let b64: string | false;
    try {
      b64 = await session.client.retrieveMediaFile(file);
    } catch (e) {
      void vscode.window.showErrorMessage(t('Could not get "{0}" from Anki: {1}', file, describeAnkiError(e).message));
      return undefined;
    }
    if (b64 === false) {
      void vscode.window.showErrorMessage(t('"{0}" is not in Anki\'s media folder.', file));
      return undefined;
    }
    const target = path.join(playDir, localCopyName(file));
    try {
      await fsp.mkdir(playDir, { recursive: true });
      await fsp.writeFile(target, Buffer.from(b64, 'base64'));
    } catch (e) {
      void vscode.window.showErrorMessage(t('Could not write a copy of "{0}" to play: {1}', file, e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    let opened = false;
    try {
      opened = await vscode.env.openExternal(vscode.Uri.file(target));
    } catch (e) {
      log.warn(`Opening ${target} failed: ${String(e)}`);
    }
    log.info(`Play media "${file}": ${target} ${opened ? 'opened' : 'not opened'} with the system player`);
    if (!opened) void vscode.window.showWarningMessage(t('The system did not open "{0}". The copy is at {1}', file, target));
    return { file, path: target, opened };
  };
  disposables.push(vscode.commands.registerCommand(Commands.playMedia, playMedia));

  const api = pasteApi();
  if (!api) {
    log.info(`Pasting media into notes needs VS Code 1.97 or later (this is ${vscode.version}); drop and Add Media File work.`);
    return { disposables };
  }
  const kind = api.emptyKind.append('ankiFiles', 'media');
  const pending = new WeakMap<PasteEdit, PendingPaste>();

  const provider: PasteEditProvider = {
    async provideDocumentPasteEdits(document, ranges, dataTransfer) {
      if (document.uri.scheme !== SCHEME || ranges.length !== 1) return undefined;
      const range = ranges[0] as vscode.Range;
      const found: Array<{ name: string; mime: string; file: vscode.DataTransferFile }> = [];
      let hasText = false;
      for (const [mime, item] of dataTransfer) {
        if (mime === 'text/plain') hasText = true;
        const f = item.asFile();
        if (f) found.push({ name: f.name, mime, file: f });
      }
      if (found.length === 0) return undefined;
      const selection: [number, number] = [document.offsetAt(range.start), document.offsetAt(range.end)];
      const probe = placeMedia(document.getText(), selection[0], selection[1], '');
      if (!probe.ok) {
        // The clipboard's text (if any) is pasted as usual; a picture alone cannot go there.
        if (!hasText) void vscode.window.showWarningMessage(notInFieldMessage(probe));
        return undefined;
      }
      // The bytes are read now: VS Code releases the paste's data once the edits are provided (a file's
      // `data()` in the resolve step fails with "No data transfer found"). Reading is local; nothing is sent.
      const files: PendingPaste['files'] = [];
      for (const f of found) {
        try {
          files.push({ name: f.name, mime: f.mime, bytes: await f.file.data() });
        } catch (e) {
          void vscode.window.showErrorMessage(t('Could not read the pasted data: {0}', e instanceof Error ? e.message : String(e)));
          return undefined;
        }
      }
      const edit = api.newEdit('', t('Add to Anki\'s media and insert its tag'), kind);
      pending.set(edit, { document, version: document.version, selection, files });
      return [edit];
    },

    async resolveDocumentPasteEdit(edit, token) {
      const p = pending.get(edit);
      pending.delete(edit);
      // `insertText` stays '': VS Code then applies only `additionalEdit`, so an edit left without one changes nothing.
      if (!p || token.isCancellationRequested) return edit;
      const { document } = p;
      if (document.isClosed || document.version !== p.version) {
        void vscode.window.showWarningMessage(t('The note changed while the paste was prepared; nothing was added. Paste again.'));
        return edit;
      }
      const tags: string[] = [];
      for (const f of p.files) {
        if (token.isCancellationRequested) return edit;
        const stored = await uploadMedia(session, pastedFileName(f.name, f.mime, f.bytes), f.bytes, deps.onStored);
        if (stored === undefined) return edit; // said why; nothing inserted
        tags.push(mediaTag(stored));
      }
      if (document.version !== p.version) {
        void vscode.window.showWarningMessage(t('The note changed while the paste was uploading; the file is in Anki but was not inserted. Use "Anki: Insert Media…".'));
        return edit;
      }
      const placed = placeMedia(document.getText(), p.selection[0], p.selection[1], tags.join(''));
      if (!placed.ok) {
        void vscode.window.showWarningMessage(notInFieldMessage(placed));
        return edit;
      }
      const change = new vscode.WorkspaceEdit();
      const at = (o: number): vscode.Position => document.positionAt(o);
      change.replace(document.uri, new vscode.Range(at(placed.before.start), at(placed.before.end)), placed.before.text);
      change.replace(document.uri, new vscode.Range(at(placed.after.start), at(placed.after.end)), placed.after.text);
      edit.additionalEdit = change;
      return edit;
    },
  };
  try {
    disposables.push(api.register({ scheme: SCHEME }, provider, { providedPasteEditKinds: [kind], pasteMimeTypes: ['files', 'image/*'] }));
  } catch (e) {
    log.warn(`Pasting media into notes is not available: ${String(e)}`);
    return { disposables };
  }
  return { disposables, pasteProvider: provider };
}
