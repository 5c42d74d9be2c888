// Registers the `anki:` file system (synchronously, first thing in activate) and what belongs to it:
// the diagnostics of invalid documents, the read-only "Anki's current version" documents used by
// "Compare with Anki's Version", and document open/close/change tracking.
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { SCHEME } from '../constants';
import { notesCodec } from '../core/codec';
import type { CollectionChange, EngineJournal, MoveReport } from '../core/fsEngine';
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
  /** Decks/notes created, moved, deleted or edited through the file system (not changes noticed in Anki). */
  readonly onDidChangeCollection: vscode.Event<CollectionChange>;
}

export function registerAnkiFileSystem(context: vscode.ExtensionContext, session: AnkiSession, journal?: EngineJournal): AnkiFileSystem {
  const subs = context.subscriptions;
  const diagnostics = vscode.languages.createDiagnosticCollection('anki-files');
  subs.push(diagnostics);
  const isDirty = (uri: vscode.Uri): boolean =>
    vscode.workspace.textDocuments.some((d) => d.isDirty && !d.isClosed && d.uri.toString() === uri.toString());
  const provider = new AnkiFileSystemProvider(session, { codec: notesCodec, diagnostics, isDirty, ...(journal ? { journal } : {}) });
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
    // The editor stays dirty; saving now replaces Anki's version with the user's text. VS Code itself may
    // first say the file is newer (Anki's copy changed size since the editor loaded it): Overwrite proceeds.
    session.log.info(
      `Compared ${uri.path} with Anki's version. Saving now replaces Anki's version with your text (if VS Code says the file is newer, choose Overwrite).`,
    );
  };

  // Track documents: live validation of documents with problems, forget closed ones.
  subs.push(
    // VS Code fires this for each document it is about to write, for every document of a Save All before any
    // of their writes: the saver sends the batch when the last announced write has arrived. Listeners must be
    // quick (VS Code blames and then ignores slow ones), so this only records the note.
    vscode.workspace.onWillSaveTextDocument((e) => {
      if (e.document.uri.scheme === SCHEME) provider.willSave([e.document.uri]);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== SCHEME) return;
      if (diagnostics.has(e.document.uri)) provider.revalidate(e.document.uri, e.document.getText());
      // Reverted or reloaded: the editor is now based on what it shows.
      if (!e.document.isDirty) provider.documentShown(e.document.uri, e.document.getText());
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === SCHEME) provider.documentClosed(doc.uri);
      else if (doc.uri.scheme === ANKI_CURRENT_SCHEME) currentTexts.delete(doc.uri.path);
    }),
    session.onDidChangeClient(() => provider.engine.reset()),
    session.onDidChangeState((s) => {
      if (s.kind === 'connected') provider.releaseCached();
    }),
  );

  const openPaths = (): string[] =>
    vscode.workspace.textDocuments.filter((d) => d.uri.scheme === SCHEME && !d.isClosed).map((d) => d.uri.path);

  return {
    provider,
    checkForChanges: async () => {
      provider.engine.retainOpen(openPaths());
      await provider.checkForChanges();
    },
    uriForNote: (deck, sortFieldHtml, noteId) => provider.uriForNote(deck, sortFieldHtml, noteId),
    noteIdOf: (uri) => provider.noteIdOf(uri),
    createDraft: (deck, noteType, fieldNames) => provider.createDraft(deck, noteType, fieldNames),
    compareWithAnki,
    createDeck: (name) => provider.engine.createDeck(name),
    deleteNotes: (ids) => provider.engine.deleteNotes(ids),
    moveNotes: (ids, deck, opts) => provider.engine.moveNotes(ids, deck, opts),
    onDidChangeCollection: provider.onDidChangeCollection,
  };
}
