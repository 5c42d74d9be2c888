import * as vscode from 'vscode';
import { LOG_CHANNEL_NAME, SCHEME, Settings } from './constants';
import { DeckListing } from './core/listing';
import { SearchEngine } from './core/search';
import { registerAnkiFileSystem } from './fs/index';
import { DecksView } from './tree/decksView';
import { SearchResultsView } from './tree/searchResultsView';
import { registerCommands } from './ui/commands';
import { registerEditingHelp } from './ui/editing/index';
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
    const compareWithAnki = (uri: vscode.Uri): Promise<void> => fs.compareWithAnki(uri);
    const editing = registerEditingHelp(context, { session, fs });
    for (const d of registerCommands({ session, fs, decks, results, openSearch, compareWithAnki, onRefresh: () => void editing.refresh() })) subscribe(d);

    // Keep the views in step with Anki and with the file system.
    subscribe(
      session.onDidChangeState((state) => {
        if (state.kind === 'connected' && !listing.tree) void decks.refresh();
      }),
    );
    subscribe(session.onDidChangeClient(() => void decks.refresh()));
    // Saves through the file system (edits, moves, new notes/decks): one coalesced check of the listing,
    // which refreshes only the decks and notes that changed.
    let collectionTimer: ReturnType<typeof setTimeout> | undefined;
    subscribe(
      fs.onDidChangeCollection(() => {
        if (collectionTimer) clearTimeout(collectionTimer);
        collectionTimer = setTimeout(() => {
          collectionTimer = undefined;
          void decks.checkForChanges({ full: true }).catch((e: unknown) => log.debug(`Listing check failed: ${String(e)}`));
        }, 300);
      }),
    );
    subscribe({ dispose: () => collectionTimer && clearTimeout(collectionTimer) });
    subscribe(decks.onDidMutate(() => void fs.checkForChanges()));

    // Window focus: reconnect if needed, else one cheap check for changes made in Anki.
    let checking = false;
    subscribe(
      vscode.window.onDidChangeWindowState((w) => {
        if (!w.focused || checking) return;
        if (session.state.kind !== 'connected') {
          session.nudge();
          return;
        }
        if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>('checkOnFocus', true)) return;
        checking = true;
        void Promise.allSettled([fs.checkForChanges(), decks.checkForChanges()])
          .then((r) => {
            for (const x of r) if (x.status === 'rejected') log.debug(`Focus check failed: ${String(x.reason)}`);
          })
          .finally(() => {
            checking = false;
          });
      }),
    );

    // The Decks view follows the active `anki:` editor while it is visible (notes the listing already knows).
    subscribe(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const uri = editor?.document.uri;
        if (!uri || uri.scheme !== SCHEME || !decks.view.visible || !listing.tree) return;
        const id = fs.noteIdOf(uri);
        if (id === undefined || listing.deckOfNote(id) === undefined) return;
        void decks.revealNote(id, { select: true, focus: false }).catch((e: unknown) => {
          log.debug(`Follow editor: ${String(e)}`);
        });
      }),
    );

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
