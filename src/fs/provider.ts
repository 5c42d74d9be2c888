// The `anki:` FileSystemProvider: a thin adapter over the pure engine (src/core/fsEngine.ts). It maps engine
// results to VS Code types, errors to `FileSystemError` (src/fs/errors.ts) and engine events to
// `onDidChangeFile`.
import { msg } from '../messages';
import { problemText } from '../ui/messages';
import * as vscode from 'vscode';
import type { AnkiApi, NoteId } from '../anki/api';
import { FsEngine, type CollectionChange, type EngineJournal, type EngineLog, type FileEvent, type NoteCodec, type NotePathChange } from '../core/fsEngine';
import { AnkiTransportError, describeAnkiError } from '../anki/errors';
import { FsEngineError } from '../core/fsErrors';
import type { DocumentProblem } from '../notes/model';
import { isConnectionFailure } from '../core/connection';
import { toFileSystemError } from './errors';

export const ANKI_SCHEME = 'anki';

/** What the provider needs from the session (a subset of `AnkiSession`, so tests can pass a small object). */
export interface FsSession {
  readonly client: AnkiApi;
  /** The client without offline answers (a save's conflict check must read Anki itself); default `client`. */
  readonly liveClient?: AnkiApi;
  /** True while reads are answered from the offline cache: notes are then served read-only. */
  readonly servingFromCache?: boolean;
  readonly log: EngineLog & { debug?(message: string): void };
  reportFailure?(error: unknown): void;
}

/** Where document problems go (a `DiagnosticCollection` in VS Code; a map in tests). */
export interface DiagnosticsSink {
  set(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): void;
  delete(uri: vscode.Uri): void;
}

export function toDiagnostics(problems: readonly DocumentProblem[]): vscode.Diagnostic[] {
  return problems.map((p) => {
    const line = Math.max(0, p.line - 1);
    const col = Math.max(0, p.column - 1);
    const endLine = p.endLine !== undefined ? Math.max(0, p.endLine - 1) : line;
    const endCol = p.endColumn !== undefined ? Math.max(0, p.endColumn - 1) : col + 1;
    const d = new vscode.Diagnostic(new vscode.Range(line, col, endLine, endCol), problemText(p), vscode.DiagnosticSeverity.Error);
    d.source = 'Anki Files';
    d.code = p.code;
    return d;
  });
}

export interface ProviderOptions {
  codec: NoteCodec;
  diagnostics?: DiagnosticsSink;
  /** See `SaverOptions.announcedWriteTimeoutMs`. */
  announcedWriteTimeoutMs?: number;
  canonicalDelayMs?: number;
  /**
   * Whether an open editor of `uri` has unsaved changes. A read while it does (VS Code's own "file is newer"
   * check, another extension) must not count as the editor having loaded Anki's newer version.
   */
  isDirty?: (uri: vscode.Uri) => boolean;
  /** The save journal (src/journal): every write is recorded before it is sent. */
  journal?: EngineJournal;
  /**
   * Whether `uri` has an open text document. A note that is not open yet and cannot be read because Anki is
   * unreachable is reported as not found (see `run`), so VS Code's editor re-opens it by itself when the
   * provider reports it created (`anki answers again` → `releaseWaiting`).
   */
  isOpen?: (uri: vscode.Uri) => boolean;
  /** A note could not be opened because Anki is unreachable (the glue says so, once per outage). */
  onOpenWhileUnreachable?: (uri: vscode.Uri, error: unknown) => void;
}

export class AnkiFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  readonly engine: FsEngine;
  private readonly fileEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile: vscode.Event<vscode.FileChangeEvent[]> = this.fileEmitter.event;
  private readonly collectionEmitter = new vscode.EventEmitter<CollectionChange>();
  private readonly conflictEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly notePathsEmitter = new vscode.EventEmitter<NotePathChange[]>();
  /**
   * Notes whose document path changed (moved to another deck by any means — a `deck:` save, drag and drop, a
   * move command, an undo, a move in Anki — or a saved new-note draft). The tabs follow it (src/ui/noteTabs.ts).
   */
  readonly onDidChangeNotePaths: vscode.Event<NotePathChange[]> = this.notePathsEmitter.event;
  private readonly deletedEmitter = new vscode.EventEmitter<NoteId[]>();
  /** Notes deleted through Anki Files (any way: Delete Note, a deleted file, an undone add): their tabs close. */
  readonly onDidDeleteNotes: vscode.Event<NoteId[]> = this.deletedEmitter.event;
  /** A save was refused because the note changed in Anki since the editor loaded it. */
  readonly onDidRefuseConflictingSave: vscode.Event<vscode.Uri> = this.conflictEmitter.event;
  private readonly unreachableEmitter = new vscode.EventEmitter<{ uri: vscode.Uri; content: Uint8Array }>();
  /** A save failed because Anki is not running (nothing was sent): the glue offers Save When Anki Is Back. */
  readonly onDidFailWhileNotRunning: vscode.Event<{ uri: vscode.Uri; content: Uint8Array }> = this.unreachableEmitter.event;
  /** Decks/notes created, moved, deleted or edited through the file system. */
  readonly onDidChangeCollection: vscode.Event<CollectionChange> = this.collectionEmitter.event;
  private readonly session: FsSession;
  private readonly diagnostics: DiagnosticsSink | undefined;
  private readonly isDirty: (uri: vscode.Uri) => boolean;
  /** Paths whose last read was answered while Anki was closed (from the offline cache): read-only. */
  private readonly fromCache = new Set<string>();
  private readonly opts: ProviderOptions;
  /** Notes that could not be opened while Anki was unreachable (reported created when it answers). */
  private readonly waiting = new Set<string>();
  /** Documents read from another Anki profile than the one open now (path → why they are read-only). */
  private readonly foreign = new Map<string, string>();

  constructor(session: FsSession, opts: ProviderOptions) {
    this.session = session;
    this.diagnostics = opts.diagnostics;
    this.isDirty = opts.isDirty ?? (() => false);
    this.opts = opts;
    const engineOpts: ConstructorParameters<typeof FsEngine>[0] = {
      client: () => this.session.client,
      writeClient: () => this.session.liveClient ?? this.session.client,
      codec: opts.codec,
      log: session.log,
      onFileEvents: (events) => this.fireFileEvents(events),
      onCollectionChange: (change) => this.collectionEmitter.fire(change),
      onNotePathsChange: (changes) => this.notePathsEmitter.fire(changes),
      onNotesDeleted: (ids) => this.deletedEmitter.fire(ids),
      // The first line of a note deleted in Anki while open (a YAML comment): what the read-only document says.
      deletedNotice: () =>
        `# ${vscode.l10n.t('Deleted in Anki — this note no longer exists there, so this copy is read-only. To keep its text, copy it into a new note (Anki: New Note).')}`,
    };
    if (opts.announcedWriteTimeoutMs !== undefined) engineOpts.announcedWriteTimeoutMs = opts.announcedWriteTimeoutMs;
    if (opts.canonicalDelayMs !== undefined) engineOpts.canonicalDelayMs = opts.canonicalDelayMs;
    if (opts.journal) engineOpts.journal = opts.journal;
    this.engine = new FsEngine(engineOpts);
  }

  dispose(): void {
    this.engine.dispose();
    this.fileEmitter.dispose();
    this.collectionEmitter.dispose();
    this.conflictEmitter.dispose();
    this.notePathsEmitter.dispose();
    this.deletedEmitter.dispose();
    this.unreachableEmitter.dispose();
  }

  uriFor(path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: ANKI_SCHEME, path });
  }

  uriForNote(deck: string, sortFieldHtml: string, noteId: NoteId): vscode.Uri {
    return this.uriFor(this.engine.pathForNote(deck, sortFieldHtml, noteId));
  }

  noteIdOf(uri: vscode.Uri): NoteId | undefined {
    return uri.scheme === ANKI_SCHEME ? this.engine.noteIdOf(uri.path) : undefined;
  }

  private fireFileEvents(events: FileEvent[]): void {
    const type = { changed: vscode.FileChangeType.Changed, created: vscode.FileChangeType.Created, deleted: vscode.FileChangeType.Deleted };
    this.fileEmitter.fire(events.map((e) => ({ type: type[e.kind], uri: this.uriFor(e.path) })));
  }

  private async run<T>(op: string, uri: vscode.Uri, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      const cause = e instanceof FsEngineError ? e.cause : e;
      if (isConnectionFailure(cause)) this.session.reportFailure?.(cause);
      const unreachable = e instanceof AnkiTransportError || (e instanceof FsEngineError && e.kind === 'unavailable');
      if ((op === 'stat' || op === 'readFile') && unreachable && this.engine.noteIdOf(uri.path) !== undefined && !this.opts.isOpen?.(uri)) {
        // Opening a note while Anki is down: "not found" makes VS Code's editor wait for the note and open it
        // by itself once we report it created (Anki answers again); the glue says what is wrong.
        this.waiting.add(uri.path);
        this.opts.onOpenWhileUnreachable?.(uri, cause);
        throw vscode.FileSystemError.FileNotFound(toFileSystemError(e, op, uri.path, this.session.log).message);
      }
      throw toFileSystemError(e, op, uri.path, this.session.log);
    }
  }

  /** Anki answers again: the notes that could not be opened meanwhile are reported created (their editors open). */
  releaseWaiting(): void {
    if (this.waiting.size === 0) return;
    const uris = [...this.waiting].map((p) => this.uriFor(p));
    this.waiting.clear();
    this.fileEmitter.fire(uris.map((uri) => ({ type: vscode.FileChangeType.Created, uri })));
  }

  // --- FileSystemProvider

  watch(): vscode.Disposable {
    // Every change we know of is fired for the notes we served; nothing to set up per watch.
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run('stat', uri, async () => {
      const s = await this.engine.stat(uri.path);
      const stat: vscode.FileStat = { type: s.type === 'directory' ? vscode.FileType.Directory : vscode.FileType.File, ctime: s.ctime, mtime: s.mtime, size: s.size };
      // Served while Anki is closed (from the offline cache): the note can be read, not edited. An editor with
      // unsaved changes is never made read-only: its text is saved normally once Anki is back.
      if (s.type === 'file' && this.session.servingFromCache && !this.isDirty(uri)) this.fromCache.add(uri.path);
      if (this.fromCache.has(uri.path) && this.session.servingFromCache) stat.permissions = vscode.FilePermission.Readonly;
      // Deleted in Anki while open: its last version, read-only (a document with unsaved text stays editable,
      // so its save reaches writeFile and says why it cannot be saved, keeping the text).
      if (s.deletedInAnki && !this.isDirty(uri)) stat.permissions = vscode.FilePermission.Readonly;
      if (this.foreign.has(uri.path)) stat.permissions = vscode.FilePermission.Readonly;
      return stat;
    });
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.run('readDirectory', uri, async () =>
      (await this.engine.readDirectory(uri.path)).map(([name, kind]): [string, vscode.FileType] => [
        name,
        kind === 'directory' ? vscode.FileType.Directory : vscode.FileType.File,
      ]),
    );
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run('readFile', uri, async () => {
      const bytes = await this.engine.readFile(uri.path, { adoptAsBase: !this.isDirty(uri) });
      if (this.session.servingFromCache) this.fromCache.add(uri.path);
      else this.fromCache.delete(uri.path);
      return bytes;
    });
  }

  /**
   * Anki answers again: documents read from the offline cache are re-read (VS Code reloads the clean ones and
   * re-reads their permissions, so they are editable again; dirty ones keep their text).
   */
  releaseCached(): void {
    if (this.fromCache.size === 0) return;
    const paths = [...this.fromCache];
    this.fromCache.clear();
    this.fileEmitter.fire(paths.map((p) => ({ type: vscode.FileChangeType.Changed, uri: this.uriFor(p) })));
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return this.run('writeFile', uri, async () => {
      const foreign = this.foreign.get(uri.path);
      if (foreign !== undefined) throw new FsEngineError('noPermissions', foreign);
      try {
        const r = await this.engine.writeFile(uri.path, content, { create: options.create, overwrite: options.overwrite });
        this.diagnostics?.delete(uri);
        this.session.log.debug?.(`writeFile ${uri.path}: ${r.summary}`);
      } catch (e) {
        if (e instanceof FsEngineError && e.kind === 'invalid') this.diagnostics?.set(uri, toDiagnostics(e.problems));
        if (e instanceof FsEngineError && e.kind === 'conflict') this.conflictEmitter.fire(uri);
        if (describeAnkiError(e instanceof FsEngineError ? e.cause : e).kind === 'notRunning') this.unreachableEmitter.fire({ uri, content });
        throw e;
      }
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run('createDirectory', uri, () => this.engine.createDirectory(uri.path));
  }

  delete(uri: vscode.Uri, _options?: { readonly recursive: boolean }): Promise<void> {
    return this.run('delete', uri, async () => {
      await this.engine.delete(uri.path);
      this.diagnostics?.delete(uri);
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, _options?: { readonly overwrite: boolean }): Promise<void> {
    return this.run('rename', oldUri, async () => {
      if (newUri.scheme !== ANKI_SCHEME) throw new FsEngineError('noPermissions', msg('moveWithinAnki'));
      await this.engine.rename(oldUri.path, newUri.path);
    });
  }

  // --- for the glue around the provider

  /**
   * Anki switched to another profile: these documents (read from the previous one) become read-only, and a
   * save says `reason` instead of writing into the other collection. Changed makes VS Code re-read their
   * permissions (same mtime: their text stays).
   */
  markForeign(paths: readonly string[], reason: string): void {
    for (const p of paths) this.foreign.set(p, reason);
    if (paths.length > 0) this.fileEmitter.fire(paths.map((p) => ({ type: vscode.FileChangeType.Changed, uri: this.uriFor(p) })));
  }

  /** Whether some documents are read-only because they belong to another profile. */
  isForeignAny(): boolean {
    return this.foreign.size > 0;
  }

  /** The profile the documents were read from is open again: they are editable again. */
  clearForeign(): void {
    if (this.foreign.size === 0) return;
    const paths = [...this.foreign.keys()];
    this.foreign.clear();
    this.fileEmitter.fire(paths.map((p) => ({ type: vscode.FileChangeType.Changed, uri: this.uriFor(p) })));
  }

  /**
   * VS Code is about to write these documents (`onWillSaveTextDocument`; a Save All fires it for each document
   * before any write): their writes are saved together, sent as soon as the last one arrives.
   */
  willSave(uris: readonly vscode.Uri[]): void {
    this.engine.willWrite(uris.filter((u) => u.scheme === ANKI_SCHEME).map((u) => u.path));
  }

  /** Live validation of an edited document (no request). */
  revalidate(uri: vscode.Uri, text: string): void {
    if (!this.diagnostics) return;
    const problems = this.engine.validate(uri.path, text);
    if (problems.length === 0) this.diagnostics.delete(uri);
    else this.diagnostics.set(uri, toDiagnostics(problems));
  }

  /** An open document shows `text` with no unsaved changes (after a revert or reload). */
  documentShown(uri: vscode.Uri, text: string): void {
    if (uri.scheme === ANKI_SCHEME) this.engine.documentShown(uri.path, text);
  }

  documentClosed(uri: vscode.Uri): void {
    if (uri.scheme !== ANKI_SCHEME) return;
    this.diagnostics?.delete(uri);
    this.engine.closed(uri.path);
  }

  createDraft(deck: string, noteType: string, fieldNames: readonly string[]): vscode.Uri {
    return this.uriFor(this.engine.createDraft(deck, noteType, fieldNames));
  }

  async checkForChanges(): Promise<void> {
    try {
      await this.engine.checkForChanges();
    } catch (e) {
      if (isConnectionFailure(e)) this.session.reportFailure?.(e);
      this.session.log.warn(`Checking open notes for changes in Anki failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
