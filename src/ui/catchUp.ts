// When Anki answers again after the extension showed cached data: ONE incremental refresh (src/offline/catchUp.ts)
// instead of reloading everything — `notesModTime` of the cached notes (content comparison on the 2023 add-on,
// which has no mod times) and the listed decks' own ids, then `notesInfo` of exactly the notes that changed or
// were added. It updates the offline cache (the reads are recorded as any live read; deleted notes dropped), the
// Decks view (pages patched in place) and open documents (clean ones reload; dirty ones keep the user's text and
// their base, so their save meets the conflict check).
//
// Profile switch: when Anki comes back with another profile than the one the shown data came from, the cache
// in use is already that profile's (src/ui/offlineCache.ts is keyed by URL + profile); the tree is reloaded
// from it, and open notes of the other profile become read-only with a message (a save would otherwise write
// into a different collection, where the same note id may be another note or none).
import * as vscode from 'vscode';
import type { NoteId, NoteInfo } from '../anki/api';
import { describeAnkiError } from '../anki/errors';
import { SCHEME } from '../constants';
import type { DeckListing } from '../core/listing';
import { snapshotFromInfo } from '../core/snapshot';
import type { AnkiFileSystem } from '../fs/index';
import { runCatchUp, type CatchUpResult } from '../offline/catchUp';
import type { DecksView } from '../tree/decksView';
import type { Session } from './session';

const t = vscode.l10n.t;

export interface CatchUpDeps {
  session: Session;
  fs: Pick<AnkiFileSystem, 'provider' | 'noteIdOf' | 'checkForChanges'>;
  decks: DecksView;
  listing: DeckListing;
}

/** The Anki profile once learned for this connection (undefined when the connection is lost first). */
function profileLearned(session: Session): Promise<string | undefined> {
  if (session.activeProfile !== undefined) return Promise.resolve(session.activeProfile);
  return new Promise((resolve) => {
    const subs: vscode.Disposable[] = [];
    const done = (p: string | undefined): void => {
      for (const d of subs) d.dispose();
      resolve(p);
    };
    subs.push(
      session.onDidLearnProfile((p) => done(p)),
      session.onDidChangeState((s) => {
        if (s.kind !== 'connected') done(undefined);
      }),
    );
  });
}

/** Runs the catch-up and applies it to the cache, the Decks view and the open documents. */
export async function catchUpNow(deps: CatchUpDeps): Promise<CatchUpResult> {
  const { session, fs, decks, listing } = deps;
  const notes = (await session.offline?.cachedNotes()) ?? [];
  const r = await runCatchUp(session.liveClient, { notes, decks: listing.ownIds() });
  const cached = new Map<NoteId, NoteInfo>(notes.map((n) => [n.noteId, n]));
  session.offline?.forgetNotes(r.diff.deleted);
  const report = listing.applyCatchUp({
    deckNamesAndIds: r.deckNamesAndIds,
    decks: r.decks,
    changedDecks: r.diff.changedDecks,
    infoOf: (id) => r.fresh.get(id) ?? cached.get(id),
  });
  decks.applyReport(report);
  // Open documents: the re-read notes replace what they showed (no request).
  const engine = fs.provider.engine;
  const snapshots = [...r.fresh.values()]
    .filter((info) => engine.store.has(info.noteId))
    .map((info) => {
      const before = engine.store.peek(info.noteId)?.snapshot.deck;
      const still = before !== undefined && (r.decks.get(before)?.includes(info.noteId) ?? true);
      return snapshotFromInfo(info, (still ? before : listing.deckOfNote(info.noteId)) ?? before ?? '');
    });
  const docs = engine.acceptFresh(snapshots, r.diff.deleted);
  session.log.info(
    `Caught up with Anki in ${r.requests} request(s)${r.modTimes ? '' : ' (content compared: this AnkiConnect has no notesModTime)'}: ` +
      `${r.diff.edited.length} edited, ${r.diff.deleted.length} deleted, ${[...r.diff.added.values()].reduce((n, a) => n + a.length, 0)} added to listed decks; ` +
      `${docs.changed.length} open note(s) updated, ${docs.deleted.length} deleted`,
  );
  return r;
}

export function registerCatchUp(deps: CatchUpDeps): vscode.Disposable[] {
  const { session, fs, decks } = deps;
  /** The profile the data on screen comes from (undefined: not known yet). */
  let shownProfile: string | undefined;
  const subs: vscode.Disposable[] = [];
  if (session.offline) {
    const cache = session.offline;
    subs.push(
      cache.onDidChange(() => {
        if (cache.cachedAt !== undefined) shownProfile ??= cache.currentKey?.profile;
      }),
    );
  }
  subs.push(
    session.onDidLearnProfile((p) => {
      const before = shownProfile;
      shownProfile = p;
      if (before === undefined || before === p) {
        fs.provider.clearForeign();
        return;
      }
      const paths = vscode.workspace.textDocuments.filter((d) => !d.isClosed && d.uri.scheme === SCHEME && fs.noteIdOf(d.uri) !== undefined).map((d) => d.uri.path);
      const reason = t('This note was opened from Anki profile "{0}", but Anki now has profile "{1}" open: it is read-only until "{0}" is open again. Your text is kept.', before, p);
      fs.provider.markForeign(paths, reason);
      session.log.info(`Anki profile changed from "${before}" to "${p}": ${paths.length} open note(s) read-only`);
      if (paths.length > 0) {
        void vscode.window.showWarningMessage(t('Anki switched from profile "{0}" to "{1}": {2} open note(s) of "{0}" are read-only until it is open again.', before, p, paths.length));
      }
    }),
  );
  // Without a cached tree the Decks view reloads by itself; open documents then get the usual change check
  // (one request for their mod times, then the changed ones) once the profile is known.
  let outage = false;
  subs.push(
    session.onDidChangeState((st) => {
      if (st.kind === 'notRunning' || st.kind === 'error') outage = true;
    }),
    session.onDidLearnProfile((p) => {
      const was = outage;
      outage = false;
      if (!was || deps.listing.tree || fs.provider.isForeignAny()) return;
      void fs.checkForChanges();
      session.log.debug(`Anki is back (profile "${p}"): open notes checked for changes`);
    }),
  );
  decks.catchUp = async () => {
    if (!session.offline) return false;
    const before = shownProfile;
    const profile = await profileLearned(session);
    if (profile === undefined) return true; // lost again: the view shows the outage
    if (before !== undefined && profile !== before) return false; // another profile: reload the tree
    try {
      await catchUpNow(deps);
      return true;
    } catch (e) {
      session.log.warn(`Catching up with Anki failed (${describeAnkiError(e).message}); reloading the Decks view`);
      return false;
    }
  };
  subs.push({ dispose: () => (decks.catchUp = undefined) });
  return subs;
}
