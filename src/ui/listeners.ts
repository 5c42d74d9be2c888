// The listeners that keep the views and open notes in step with Anki and with the file system (moved out of
// `activate()`): connection changes, collection changes made through the file system, window focus, and the
// Decks view following the active `anki:` editor. `registerListeners` returns every disposable it creates.
import * as vscode from 'vscode';
import { SCHEME, SettingDefaults, Settings } from '../constants';
import type { DeckListing } from '../core/listing';
import type { AnkiFileSystem } from '../fs/index';
import type { DecksView } from '../tree/decksView';
import type { Session } from './session';

export interface ListenerDeps {
  session: Session;
  fs: Pick<AnkiFileSystem, 'checkForChanges' | 'noteIdOf' | 'onDidChangeCollection'>;
  decks: DecksView;
  listing: DeckListing;
}

/** Quiet period after a change through the file system before the listing is checked (coalesces a Save All). */
const COLLECTION_CHECK_DELAY_MS = 300;

export function registerListeners({ session, fs, decks, listing }: ListenerDeps): vscode.Disposable[] {
  const log = session.log;
  const out: vscode.Disposable[] = [];

  // Connected for the first time, or to another Anki: (re)load the Decks view.
  out.push(
    session.onDidChangeState((state) => {
      if (state.kind === 'connected' && !listing.tree) void decks.refresh();
    }),
    session.onDidChangeClient(() => void decks.refresh()),
  );

  // Saves through the file system (edits, moves, new notes/decks): one coalesced check of the listing,
  // which refreshes only the decks and notes that changed.
  let collectionTimer: ReturnType<typeof setTimeout> | undefined;
  out.push(
    fs.onDidChangeCollection(() => {
      if (collectionTimer) clearTimeout(collectionTimer);
      collectionTimer = setTimeout(() => {
        collectionTimer = undefined;
        void decks.checkForChanges({ full: true }).catch((e: unknown) => log.debug(`Listing check failed: ${String(e)}`));
      }, COLLECTION_CHECK_DELAY_MS);
    }),
    { dispose: () => collectionTimer && clearTimeout(collectionTimer) },
  );

  // Window focus: reconnect if needed, else one cheap check for changes made in Anki.
  let checking = false;
  out.push(
    vscode.window.onDidChangeWindowState((w) => {
      if (!w.focused || checking) return;
      if (session.state.kind !== 'connected') {
        session.nudge();
        return;
      }
      const cfg = vscode.workspace.getConfiguration(Settings.section);
      if (!cfg.get<boolean>('checkOnFocus', SettingDefaults.checkOnFocus)) return;
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
  out.push(
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      const uri = editor?.document.uri;
      if (!uri || uri.scheme !== SCHEME || !decks.view.visible || !listing.tree) return;
      const id = fs.noteIdOf(uri);
      if (id === undefined || listing.deckOfNote(id) === undefined) return;
      // Opened from the tree (already selected there): a reveal would replace a multi-selection being made.
      if (decks.view.selection.some((e) => e.kind === 'note' && e.note.id === id)) return;
      void decks.revealNote(id, { select: true, focus: false }).catch((e: unknown) => {
        log.debug(`Follow editor: ${String(e)}`);
      });
    }),
  );
  return out;
}
