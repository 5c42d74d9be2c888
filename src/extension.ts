import * as vscode from 'vscode';
import { LOG_CHANNEL_NAME } from './constants';
import { DeckListing } from './core/listing';
import { SearchEngine } from './core/search';
import { registerAnkiFileSystem } from './fs/index';
import { DecksView } from './tree/decksView';
import { SearchResultsView } from './tree/searchResultsView';
import { registerCommands } from './ui/commands';
import { registerListeners } from './ui/listeners';
import { registerMedia } from './ui/media';
import { showSearchPick } from './ui/searchPick';
import { Session } from './ui/session';
import { registerStatusBar } from './ui/statusBar';

/** Returned by `activate` only in test mode (the in-host end-to-end suite inspects the views through it). */
export interface AnkiFilesTestApi {
  readonly decks: DecksView;
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
  const fs = registerAnkiFileSystem(context, session);

  try {
    const listing = new DeckListing(() => session.client);
    const search = new SearchEngine({ api: () => session.client, deckOfNote: (id) => listing.deckOfNote(id) });
    const decks = subscribe(new DecksView(listing, session, fs));
    const results = subscribe(new SearchResultsView(search, session, fs));
    subscribe(registerStatusBar(session));
    const openSearch = (initial?: string): void =>
      showSearchPick({ engine: search, uris: fs, results, memento: context.globalState, log }, initial);
    for (const d of registerCommands({ session, fs, decks, results, openSearch })) subscribe(d);
    for (const d of registerMedia({ session })) subscribe(d);

    // Keep the views and open notes in step with Anki and with the file system (src/ui/listeners.ts).
    for (const d of registerListeners({ session, fs, decks, listing })) subscribe(d);

    void session.check();
    log.info('Anki Files activated');
    return context.extensionMode === vscode.ExtensionMode.Test ? { decks } : undefined;
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
