// Registers the `anki:` file system (synchronously, first thing in activate) and what belongs to it:
// the read-only "Anki's current version" documents used by
// "Compare with Anki's Version", and document open/close/change tracking.
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { Commands, SCHEME } from '../constants';
import { notesCodec } from '../core/codec';
import type { CollectionChange, EngineJournal, MoveReport, NotePathChange } from '../core/fsEngine';
import { shortLabel } from '../core/snapshot';
import type { AnkiSession } from '../session';
import { toFileSystemError } from './errors';
import { AnkiFileSystemProvider } from './provider';

/** Scheme of the read-only "Anki's current version" documents shown by Compare with Anki's Version. */
export const ANKI_CURRENT_SCHEME = 'anki-current';

export interface AnkiFileSystem {
  readonly provider: AnkiFileSystemProvider;
  /** One batched request for the open notes; fires `Changed`/`Deleted` for those changed in Anki. */
  checkForChanges(): Promise<void>;
  uriForNote(deck: string, sortFieldHtml: string, noteId: NoteId): vscode.Uri;
  noteIdOf(uri: vscode.Uri): NoteId | undefined;
  /** An in-memory "New Note" document; saving it adds the note. */
  createDraft(deck: string, noteType: string, fieldNames: readonly string[]): vscode.Uri;
  /** Opens a diff of Anki's current version (left, read-only) against the editor (right). */
  compareWithAnki(uri: vscode.Uri): Promise<void>;
  /** Creates a deck (and missing parents); rejects when one of that name exists (ignoring case). */
  createDeck(name: string): Promise<void>;
  /** Deletes notes and their cards; their documents get `Deleted`. Resolves with the ids deleted. */
  deleteNotes(ids: readonly NoteId[]): Promise<NoteId[]>;
  /** Moves notes to `deck`: each note's cards in the deck it is moved from (`from`, else its own deck) move. */
  moveNotes(ids: readonly NoteId[], deck: string, opts?: { from?: (id: NoteId) => string | undefined }): Promise<MoveReport>;
  /** A save was refused because the note changed in Anki since the editor loaded it (the conflict flow). */
  readonly onDidRefuseConflictingSave: vscode.Event<vscode.Uri>;
  /** A save failed because Anki is not running; nothing was sent (Save When Anki Is Back, src/ui/saveQueue.ts). */
  readonly onDidFailWhileNotRunning: vscode.Event<{ uri: vscode.Uri; content: Uint8Array }>;
  /** Decks/notes created, moved, deleted or edited through the file system (not changes noticed in Anki). */
  readonly onDidChangeCollection: vscode.Event<CollectionChange>;
  /**
   * A note's document path changed: it moved to another deck (a `deck:` save, drag and drop, `moveNotes`, an
   * undo, a move made in Anki) or its new-note draft was saved. The tabs follow it (src/ui/noteTabs.ts).
   */
  readonly onDidChangeNotePaths: vscode.Event<NotePathChange[]>;
  /** Notes deleted through Anki Files (Delete Note, a deleted file, undoing an added note). */
  readonly onDidDeleteNotes: vscode.Event<NoteId[]>;
}

export function registerAnkiFileSystem(context: vscode.ExtensionContext, session: AnkiSession, journal?: EngineJournal): AnkiFileSystem {
  const subs = context.subscriptions;
  const isDirty = (uri: vscode.Uri): boolean =>
    vscode.workspace.textDocuments.some((d) => d.isDirty && !d.isClosed && d.uri.toString() === uri.toString());
  // Problems of invalid documents are shown as you type by the editing help (src/ui/editing), with the same
  // messages a failed save gives; the provider needs no diagnostics sink of its own.
  const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === uri.toString());
  // Opening a note while Anki is down: say so once per outage, with Retry; the editor opens by itself later.
  let toldUnreachable = false;
  const onOpenWhileUnreachable = (): void => {
    if (toldUnreachable) return;
    toldUnreachable = true;
    const retry = vscode.l10n.t('Retry');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t('Anki is not running, so the note could not be opened. Start Anki (with AnkiConnect): the note opens by itself when Anki answers.'),
        retry,
      )
      .then((choice) => {
        if (choice === retry) void vscode.commands.executeCommand(Commands.retryConnection);
      });
  };
  const provider = new AnkiFileSystemProvider(session, { codec: notesCodec, isDirty, isOpen, onOpenWhileUnreachable, ...(journal ? { journal } : {}) });
  subs.push(provider);
  subs.push(vscode.workspace.registerFileSystemProvider(SCHEME, provider, { isCaseSensitive: true }));

  // Anki's current version of a note, for the left side of the compare editor.
  const currentTexts = new Map<string, string>();
  const currentChanged = new vscode.EventEmitter<vscode.Uri>();
  subs.push(currentChanged);
  subs.push(
    vscode.workspace.registerTextDocumentContentProvider(ANKI_CURRENT_SCHEME, {
      onDidChange: currentChanged.event,
      provideTextDocumentContent: (uri) => currentTexts.get(uri.path) ?? '',
    }),
  );

  const compareWithAnki = async (uri: vscode.Uri): Promise<void> => {
    if (uri.scheme !== SCHEME || provider.noteIdOf(uri) === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open a saved Anki note to compare it with Anki\'s version.'));
      return;
    }
    let text: string;
    let name: string;
    try {
      const r = await provider.engine.compareBase(uri.path);
      text = r.text;
      name = r.snapshot.fields[0]?.[1] ?? '';
    } catch (e) {
      const err = toFileSystemError(e, 'compare', uri.path, session.log);
      session.reportFailure(e);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not read Anki\'s version: {0}', err.message));
      return;
    }
    const left = vscode.Uri.from({ scheme: ANKI_CURRENT_SCHEME, path: uri.path });
    currentTexts.set(left.path, text);
    currentChanged.fire(left);
    const label = shortLabel(name) || uri.path.slice(uri.path.lastIndexOf('/') + 1);
    await vscode.commands.executeCommand('vscode.diff', left, uri, vscode.l10n.t('{0} (Anki) ↔ Your Version', label));
    // The editor stays dirty; Keep Mine / Take Anki's (the diff editor's title) finish in one step.
    session.log.info(`Compared ${uri.path} with Anki's version: Keep Mine saves your text over it, Take Anki's reverts to it.`);
  };

  // Track documents: reverted/reloaded ones, forget closed ones.
  subs.push(
    // VS Code fires this for each document it is about to write, for every document of a Save All before any
    // of their writes: the saver sends the batch when the last announced write has arrived. Listeners must be
    // quick (VS Code blames and then ignores slow ones), so this only records the note.
    vscode.workspace.onWillSaveTextDocument((e) => {
      if (e.document.uri.scheme === SCHEME) provider.willSave([e.document.uri]);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== SCHEME) return;
      // Reverted or reloaded: the editor is now based on what it shows.
      if (!e.document.isDirty) provider.documentShown(e.document.uri, e.document.getText());
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      // A language change (setTextDocumentLanguage) is reported as a close and re-open of the same document,
      // which stays open (`isClosed` false): the note's base, draft and dirty text must survive it.
      if (!doc.isClosed) return;
      if (doc.uri.scheme === SCHEME) provider.documentClosed(doc.uri);
      else if (doc.uri.scheme === ANKI_CURRENT_SCHEME) currentTexts.delete(doc.uri.path);
    }),
    session.onDidChangeClient(() => provider.engine.reset()),
    session.onDidChangeState((state) => {
      if (state.kind !== 'connected') return;
      toldUnreachable = false;
      provider.releaseWaiting();
      provider.releaseCached();
    }),
  );

  // The URI under which a note is open: a tab's first (what the user sees), else an open document's.
  const openUriOf = (noteId: NoteId): vscode.Uri | undefined => {
    for (const g of vscode.window.tabGroups.all) {
      for (const t of g.tabs) {
        if (t.input instanceof vscode.TabInputText && t.input.uri.scheme === SCHEME && provider.noteIdOf(t.input.uri) === noteId) return t.input.uri;
      }
    }
    return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.scheme === SCHEME && provider.noteIdOf(d.uri) === noteId)?.uri;
  };

  const openPaths = (): string[] =>
    vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME && !d.isClosed).map((d) => d.uri.path);

  return {
    provider,
    checkForChanges: async () => {
      provider.engine.retainOpen(openPaths());
      await provider.checkForChanges();
    },
    // One note, one tab: a note already open (under any path: its label or deck may have changed since, or it
    // is a saved draft) is opened where it is.
    uriForNote: (deck, sortFieldHtml, noteId) => openUriOf(noteId) ?? provider.uriForNote(deck, sortFieldHtml, noteId),
    noteIdOf: (uri) => provider.noteIdOf(uri),
    createDraft: (deck, noteType, fieldNames) => provider.createDraft(deck, noteType, fieldNames),
    compareWithAnki,
    createDeck: (name) => provider.engine.createDeck(name),
    deleteNotes: (ids) => provider.engine.deleteNotes(ids),
    moveNotes: (ids, deck, opts) => provider.engine.moveNotes(ids, deck, opts),
    onDidChangeCollection: provider.onDidChangeCollection,
    onDidChangeNotePaths: provider.onDidChangeNotePaths,
    onDidDeleteNotes: provider.onDidDeleteNotes,
    onDidRefuseConflictingSave: provider.onDidRefuseConflictingSave,
    onDidFailWhileNotRunning: provider.onDidFailWhileNotRunning,
  };
}
