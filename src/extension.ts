import * as path from 'node:path';
import * as vscode from 'vscode';
import { LOG_CHANNEL_NAME, Settings, SettingDefaults } from './constants';
import { DeckListing } from './core/listing';
import { SearchEngine } from './core/search';
import { registerAnkiFileSystem, type AnkiFileSystem } from './fs/index';
import { readProfile, SaveHistory } from './journal/history';
import { Journal } from './journal/journal';
import { DecksView } from './tree/decksView';
import { SearchResultsView } from './tree/searchResultsView';
import { registerCommands } from './ui/commands';
import { registerEditingHelp } from './ui/editing/index';
import { registerHistory } from './ui/history';
import { registerPreview, type PreviewHandle } from './ui/preview/index';
import { registerFindReplace } from './ui/findReplace';
import { registerStreamDocuments } from './ui/streamDocument';
import { registerBulkActions } from './ui/bulkActions';
import { registerConflictCommands } from './ui/conflict';
import { registerDecksAndTags } from './ui/decksAndTags';
import type { TagsView } from './tree/tagsView';
import { registerListeners } from './ui/listeners';
import { registerMedia } from './ui/media';
import { registerMediaEditor, type MediaPasteProvider } from './ui/mediaEditor';
import { registerNoteTabs } from './ui/noteTabs';
import { OfflineCache } from './ui/offlineCache';
import { showSearchPick } from './ui/searchPick';
import { Session } from './ui/session';
import { registerStatusBar } from './ui/statusBar';
import { registerSaveQueue } from './ui/saveQueue';
import { registerCatchUp } from './ui/catchUp';

/** Returned by `activate` only in test mode (the in-host end-to-end suite inspects the views through it). */
export interface AnkiFilesTestApi {
  readonly decks: DecksView;
  readonly preview: PreviewHandle;
  readonly fs: AnkiFileSystem;
  readonly tags?: TagsView;
  /** The paste provider of media (VS Code ≥ 1.97), to be called with a real DataTransfer. */
  readonly mediaPaste?: MediaPasteProvider | undefined;
}

// Composition root: builds the session, registers the `anki:` file system first (synchronously, before
// anything async), then views, commands and listeners. Every disposable is owned by the context.
export function activate(context: vscode.ExtensionContext): AnkiFilesTestApi | undefined {
  const subscribe = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = subscribe(vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true }));
  const session = subscribe(new Session(context.secrets, log));
  // Reads are kept (per AnkiConnect address and profile) so decks and notes can be read while Anki is closed.
  if (context.globalStorageUri.scheme === 'file') {
    session.attachOffline(subscribe(new OfflineCache(path.join(context.globalStorageUri.fsPath, 'offline'), context.globalState, log)));
  } else log.info(`No offline cache: the extension's storage is not on disk (${context.globalStorageUri.scheme}:)`);
  // The save journal (undo, note history, crash report) in the extension's global storage.
  const historyCfg = vscode.workspace.getConfiguration(Settings.section);
  const history = new SaveHistory({
    journal: new Journal({
      dir: vscode.Uri.joinPath(context.globalStorageUri, 'save-journal').fsPath,
      maxVersions: historyCfg.get<number>('history.maxVersions', SettingDefaults.historyMaxVersions),
      maxBytes: historyCfg.get<number>('history.maxSizeMB', SettingDefaults.historyMaxSizeMB) * 1024 * 1024,
      log,
    }),
    url: () => session.url,
    resolveProfile: () => readProfile(session.client),
    log,
  });
  subscribe({ dispose: () => void history.journal.close() });
  const fs = registerAnkiFileSystem(context, session, history);

  try {
    const listing = new DeckListing(() => session.client);
    // Search needs Anki (never answered from the offline cache).
    const search = new SearchEngine({ api: () => session.liveClient, deckOfNote: (id) => listing.deckOfNote(id) });
    const decks = subscribe(new DecksView(listing, session, fs));
    const results = subscribe(new SearchResultsView(search, session, fs));
    // Save When Anki Is Back: saves queued while Anki is closed, sent as one batch when it answers again.
    // Anki back after an outage: one incremental refresh; another profile: its own cache, open notes read-only.
    for (const d of registerCatchUp({ session, fs, decks, listing })) subscribe(d);
    const saveQueue = registerSaveQueue({ session, fs, dir: path.join(context.globalStorageUri.fsPath, 'offline') });
    for (const d of saveQueue.disposables) subscribe(d);
    subscribe(registerStatusBar(session, saveQueue.service));
    const openSearch = (initial?: string): void =>
      showSearchPick({ engine: search, uris: fs, results, memento: context.globalState, log }, initial);
    const preview = registerPreview(context, { session, fs });
    const editing = registerEditingHelp(context, { session, fs });
    let refreshTags: (() => void) | undefined;
    const onRefresh = async (): Promise<void> => {
      refreshTags?.();
      preview.refresh();
      await editing.refresh();
    };
    for (const d of registerCommands({ session, fs, decks, results, openSearch, onRefresh })) subscribe(d);
    for (const d of registerConflictCommands({ session, fs })) subscribe(d);
    const onStored = (name: string): void => editing.mediaStored(name);
    for (const d of registerMedia({ session, onStored })) subscribe(d);
    const mediaEditor = registerMediaEditor(context, { session, onStored });
    for (const d of mediaEditor.disposables) subscribe(d);
    for (const d of registerHistory({
      session,
      engine: fs.provider.engine,
      history,
      noteIdOf: (uri) => fs.noteIdOf(uri),
      uriForNote: (deck, sortField, id) => fs.uriForNote(deck, sortField, id),
    })) {
      subscribe(d);
    }
    for (const d of registerFindReplace({ session, fs, decks, results })) subscribe(d);
    for (const d of registerStreamDocuments({ session, fs, results, editing })) subscribe(d);
    const decksAndTags = registerDecksAndTags({ session, fs, decks, results });
    for (const d of decksAndTags.disposables) subscribe(d);
    refreshTags = () => decksAndTags.tags.invalidate();
    for (const d of registerBulkActions({ session, fs, decks, results })) subscribe(d);

    // Keep the views and open notes in step with Anki and with the file system (src/ui/listeners.ts).
    for (const d of registerListeners({ session, fs, decks, listing })) subscribe(d);
    // Tabs follow their notes when a note's path changes (moved to another deck, a saved draft).
    for (const d of registerNoteTabs({ fs, log })) subscribe(d);

    void session.check();
    log.info('Anki Files activated');
    return context.extensionMode === vscode.ExtensionMode.Test ? { decks, preview, fs, tags: decksAndTags.tags, mediaPaste: mediaEditor.pasteProvider } : undefined;
  } catch (e) {
    // VS Code does not show activation failures; say it ourselves (the file system is already registered).
    const msg = e instanceof Error ? e.message : String(e);
    log.error(`Activation failed: ${msg}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Anki Files could not start: {0}', msg));
    throw e;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
