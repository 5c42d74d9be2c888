// "Open as One Document": every note of a search in one YAML stream (`anki-search:` documents). Saving sends
// only the changed blocks as one batch; each block's problem or failure is a diagnostic at that block.
import { errorText, localize, problemText } from './messages';
import * as vscode from 'vscode';
import { deckQuery } from '../anki/query';
import { Commands, SettingDefaults, Settings } from '../constants';
import type { AnkiFileSystem } from '../fs/index';
import type { AnkiSession } from '../session';
import type { EditingHelp } from './editing/index';
import { applyInsertions, idInsertions, StreamEngine, TooManyNotesError, type WriteReport } from '../stream/engine';
import type { SearchResultsView } from '../tree/searchResultsView';
import type { DeckElement } from '../tree/items';

export const STREAM_SCHEME = 'anki-search';
const t = vscode.l10n.t;

export interface StreamDocumentDeps {
  session: AnkiSession;
  fs: AnkiFileSystem;
  results: SearchResultsView;
  /** The editing help: checks, completion, hover and quick fixes per block. */
  editing?: EditingHelp;
}

export function streamUri(query: string): vscode.Uri {
  const label = query.replace(/[/\\]/g, '∕').slice(0, 80) || 'all notes';
  return vscode.Uri.from({ scheme: STREAM_SCHEME, path: `/${label}.yaml`, query });
}

function isDeckElement(v: unknown): v is DeckElement {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'deck' && typeof (v as { name?: unknown }).name === 'string';
}

export function registerStreamDocuments(deps: StreamDocumentDeps): vscode.Disposable[] {
  const { session, fs, results } = deps;
  const log = session.log;
  const maxNotes = (): number => vscode.workspace.getConfiguration(Settings.section).get<number>('maxNotesPerDocument', SettingDefaults.maxNotesPerDocument);
  const engine = new StreamEngine({
    client: () => session.client,
    saveMany: (reqs) => fs.provider.engine.saveNotes(reqs),
    createMany: (drafts) => fs.provider.engine.createNotes(drafts),
    fieldNamesFor: async (noteType) => session.client.modelFieldNames(noteType).catch(() => undefined),
  });
  const diagnostics = vscode.languages.createDiagnosticCollection('anki-files-search-documents');
  const changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { fatal: true });

  /** Saved documents whose new notes' `id:` lines are to be written back once VS Code has finished the save. */
  const pendingIds = new Map<string, { written: string; created: WriteReport['created'] }>();

  /**
   * Writes the new notes' `id:` lines into the open document, wherever their blocks are now (the user may have
   * typed since the save). `written` (a successful save): if nothing else changed since, the document is saved
   * again so that it is clean — that save sends nothing (every block matches its note). Otherwise (a failed
   * save, or typing meanwhile) the document stays dirty with the ids and the user's text.
   */
  const writeBackIds = async (uri: vscode.Uri, created: WriteReport['created'], written?: string): Promise<void> => {
    const doc = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString() && !x.isClosed);
    if (!doc) {
      log.warn(`${uri.query}: notes ${created.map((c) => c.id).join(', ')} were added; the document is closed, so their ids were not written into it.`);
      return;
    }
    const current = doc.getText();
    const { insertions, unplaced } = idInsertions(current, created);
    if (unplaced.length > 0) {
      const msg = t('Notes {0} were added to Anki, but their blocks changed while saving: add "id: …" with the note\'s id to each of those blocks (a block without it is refused, so nothing is added twice).', unplaced.join(', '));
      log.warn(msg);
      void vscode.window.showWarningMessage(msg);
    }
    if (insertions.length === 0) return;
    const edit = new vscode.WorkspaceEdit();
    for (const x of insertions) edit.insert(uri, new vscode.Position(x.line, 0), x.text);
    if (!(await vscode.workspace.applyEdit(edit))) {
      log.warn(`${uri.query}: could not write the ids of the added notes ${insertions.map((x) => x.id).join(', ')} into the document.`);
      return;
    }
    log.info(`${uri.query}: wrote the ids of the added notes ${insertions.map((x) => x.id).join(', ')} into their blocks.`);
    if (written !== undefined && current === written && doc.getText() === applyInsertions(written, insertions) && doc.isDirty) await doc.save();
  };

  const docOf = async (uri: vscode.Uri) => engine.get(uri.query) ?? (await engine.load(uri.query, maxNotes()));

  const provider: vscode.FileSystemProvider = {
    onDidChangeFile: changed.event,
    watch: () => new vscode.Disposable(() => undefined),
    stat: async (uri) => {
      const d = await docOf(uri);
      return { type: vscode.FileType.File, ctime: d.mtime, mtime: d.mtime, size: encoder.encode(d.text).length };
    },
    readFile: async (uri) => encoder.encode((await docOf(uri)).text),
    writeFile: async (uri, content) => {
      const text = decoder.decode(content);
      const report = await engine.write(uri.query, text);
      const diags: vscode.Diagnostic[] = [];
      for (const o of report.outcomes) {
        if (o.kind === 'invalid') {
          // The editing help shows the blocks' own problems as you type (the same messages): not twice.
          if (deps.editing && !o.saveOnly) continue;
          for (const p of o.problems) {
            const start = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
            const end = p.endLine !== undefined ? new vscode.Position(p.endLine - 1, Math.max(0, (p.endColumn ?? 1) - 1)) : start.translate(0, 1);
            const d = new vscode.Diagnostic(new vscode.Range(start, end), problemText(p), vscode.DiagnosticSeverity.Error);
            d.source = 'Anki Files';
            diags.push(d);
          }
        } else if (o.kind === 'failed') {
          const line = o.block.lineOffset;
          const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, 80), localize(o.msg), vscode.DiagnosticSeverity.Error);
          d.source = 'Anki Files';
          diags.push(d);
        }
      }
      diagnostics.set(uri, diags);
      const saved = report.outcomes.filter((o) => o.kind === 'saved' || o.kind === 'created').length;
      const failed = report.outcomes.filter((o) => o.kind === 'failed');
      if (report.removed.length > 0) {
        log.info(`${uri.query}: ${report.removed.length} note(s) whose block was removed from the document are unchanged in Anki.`);
        void vscode.window.setStatusBarMessage(t('Anki: {0} notes whose block you removed are unchanged in Anki.', report.removed.length), 10000);
      }
      if (report.refused) {
        throw vscode.FileSystemError.NoPermissions(
          t('{0} block(s) have problems (underlined): fix them and save again. Nothing was sent to Anki.', report.outcomes.length),
        );
      }
      log.info(`${uri.query}: saved ${saved} changed or new note(s) in one batch; ${failed.length} failed.`);
      if (report.created.length > 0) {
        void vscode.window.setStatusBarMessage(t('Anki: {0} new notes added.', report.created.length), 10000);
        // A failed save leaves the document dirty: the ids go in now. A successful one: once VS Code has finished it.
        if (failed.length > 0) void writeBackIds(uri, report.created);
        else pendingIds.set(uri.toString(), { written: text, created: report.created });
      }
      if (failed.length > 0) {
        throw vscode.FileSystemError.Unavailable(
          t('{0} note(s) saved; {1} not saved (underlined at their blocks; the document keeps your text), e.g. {2}', saved, failed.length, failed[0] ? localize(failed[0].msg) : ''),
        );
      }
    },
    readDirectory: () => [],
    createDirectory: () => {
      throw vscode.FileSystemError.NoPermissions(t('Search documents are single files.'));
    },
    delete: () => {
      throw vscode.FileSystemError.NoPermissions(t('Close the document instead; its notes stay in Anki.'));
    },
    rename: () => {
      throw vscode.FileSystemError.NoPermissions(t('Search documents cannot be renamed.'));
    },
  };

  const open = async (arg: unknown): Promise<vscode.Uri | undefined> => {
    let query: string | undefined;
    const scripted = typeof arg === 'object' && arg !== null && !isDeckElement(arg) && typeof (arg as { query?: unknown }).query === 'string';
    if (scripted) query = (arg as { query: string }).query;
    else if (isDeckElement(arg)) query = deckQuery(arg.name, { includeSubdecks: true });
    else {
      query = await vscode.window.showInputBox({
        title: t('Open as One Document'),
        prompt: t('An Anki search; every matching note becomes one block of the document'),
        value: results.query ?? '',
        validateInput: (v) => (v.trim() === '' ? t('Enter an Anki search (use deck:* for every note).') : undefined),
      });
      if (query === undefined) return undefined;
    }
    const uri = streamUri(query);
    const openDoc = vscode.workspace.textDocuments.find((x) => x.uri.toString() === uri.toString() && !x.isClosed);
    if (openDoc) {
      // Already open (maybe with unsaved changes based on what it read): show it, do not re-read under it.
      await vscode.window.showTextDocument(openDoc, { preview: false });
      return uri;
    }
    try {
      const d = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Anki: reading {0}…', query) }, () =>
        engine.load(query, maxNotes()),
      );
      session.reportSuccess();
      log.info(`Opened ${d.bases.size} note(s) of ${query} as one document.`);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      return uri;
    } catch (e) {
      const msg =
        e instanceof TooManyNotesError
          ? t('{0} notes match {1}; one document holds at most {2} (setting ankiFiles.maxNotesPerDocument). Narrow the search.', e.count, query, e.limit)
          : t('Could not open {0} as one document: {1}', query, errorText(e));
      log.warn(msg);
      void vscode.window.showErrorMessage(msg);
      if (scripted) throw new Error(msg);
      return undefined;
    }
  };

  return [
    ...(deps.editing ? [deps.editing.registerStreams({ scheme: STREAM_SCHEME, bases: (uri) => engine.get(uri.query)?.bases, query: (uri) => uri.query })] : []),
    diagnostics,
    changed,
    vscode.workspace.registerFileSystemProvider(STREAM_SCHEME, provider, { isCaseSensitive: true }),
    vscode.workspace.onDidSaveTextDocument((d) => {
      const pending = pendingIds.get(d.uri.toString());
      if (!pending) return;
      pendingIds.delete(d.uri.toString());
      void writeBackIds(d.uri, pending.created, pending.written);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme !== STREAM_SCHEME || !d.isClosed) return;
      pendingIds.delete(d.uri.toString());
      engine.forget(d.uri.query);
      diagnostics.delete(d.uri);
    }),
    vscode.commands.registerCommand(Commands.openAsDocument, (arg?: unknown) => open(arg)),
  ];
}
