// Glue of the save history (src/journal): Undo Last Save / Undo Save… / Redo Last Save, Show Note History
// (diff of a saved version against the editor, Restore This Version), and the report of a save a crash may
// have interrupted. The logic is in src/journal; this module asks, shows and words.
import { errorText } from './messages';
import { localize } from './messages';
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { Commands, ContextKeys, SCHEME } from '../constants';
import { notesCodec } from '../core/codec';
import type { FsEngine } from '../core/fsEngine';
import { shortLabel } from '../core/snapshot';
import type { BatchRecord, NoteState } from '../journal/format';
import { checkInterrupted, noteVersions, snapshotOf, summarize, type NoteVersion, type SaveHistory } from '../journal/history';
import type { BatchEntry } from '../journal/journal';
import { Undoer, type SkippedNote, type UndoResult } from '../journal/undo';
import type { AnkiSession } from '../session';

/** Scheme of the read-only saved versions shown by Show Note History. */
export const HISTORY_SCHEME = 'anki-history';

const t = vscode.l10n.t;

export interface HistoryDeps {
  session: AnkiSession & { readonly url: string };
  engine: FsEngine;
  history: SaveHistory;
  noteIdOf(uri: vscode.Uri): NoteId | undefined;
  uriForNote(deck: string, sortFieldHtml: string, noteId: NoteId): vscode.Uri;
}

function time(at: number): string {
  const d = new Date(at);
  const today = new Date();
  const hm = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === today.toDateString() ? hm : `${d.toLocaleDateString()} ${hm}`;
}

function notesText(n: number): string {
  return n === 1 ? t('1 note') : t('{0} notes', n);
}

/** "fields of 97 notes, tags of 3 notes (find and replace 'colour' → 'color')". */
export function describeBatch(rec: BatchRecord): string {
  const s = summarize(rec);
  const parts: string[] = [];
  if (s.fields > 0) parts.push(t('fields of {0}', notesText(s.fields)));
  if (s.tags > 0) parts.push(t('tags of {0}', notesText(s.tags)));
  if (s.deck > 0) parts.push(t('deck of {0}', notesText(s.deck)));
  if (s.created > 0) parts.push(t('{0} added', notesText(s.created)));
  if (s.deleted > 0) parts.push(t('{0} deleted', notesText(s.deleted)));
  const what = parts.join(', ') || notesText(s.notes);
  const kind = rec.kind === 'undo' ? t('undo: ') : rec.kind === 'redo' ? t('redo: ') : '';
  return `${kind}${what}${rec.label !== undefined ? ` (${rec.label})` : ''}`;
}

function skippedText(s: SkippedNote): string {
  const name = s.name !== undefined && shortLabel(s.name) !== '' ? `"${shortLabel(s.name)}"` : t('note {0}', s.id);
  switch (s.reason) {
    case 'changedSince':
      return t('{0} (changed since: {1})', name, s.detail ?? '');
    case 'deleted':
      return t('{0} (deleted in Anki)', name);
    case 'notSaved':
      return t('{0} (that save did not change it)', name);
    case 'notConfirmed':
      return t('{0} (not deleted: you chose to keep it)', name);
    case 'failed':
      return t('{0} ({1})', name, s.detail ?? '');
  }
}

/** What the scripted Show Note History returns per version. */
export interface ScriptedVersion {
  at: number;
  batch: string;
  side: 'before' | 'after';
  kind: string;
  changes: string[];
  /** The version as a document. */
  text: string;
}

interface VersionQuery {
  note: NoteId;
  batch: string;
  side: 'before' | 'after';
}

function versionUri(path: string, q: VersionQuery): vscode.Uri {
  return vscode.Uri.from({ scheme: HISTORY_SCHEME, path, query: new URLSearchParams({ note: String(q.note), batch: q.batch, side: q.side }).toString() });
}

function parseVersionUri(uri: vscode.Uri): VersionQuery | undefined {
  const p = new URLSearchParams(uri.query);
  const note = Number(p.get('note'));
  const batch = p.get('batch');
  const side = p.get('side');
  if (!Number.isSafeInteger(note) || !batch || (side !== 'before' && side !== 'after')) return undefined;
  return { note, batch, side };
}

export function registerHistory(deps: HistoryDeps): vscode.Disposable[] {
  const { session, engine, history } = deps;
  const log = session.log;
  const journal = history.journal;
  const undoer = new Undoer({
    history,
    engine,
    client: () => session.client,
    url: () => session.url,
    log,
    confirmDelete: async (count) => {
      const del = t('Delete');
      const choice = await vscode.window.showWarningMessage(
        count === 1 ? t('Undo deletes the note this save added, with its cards.') : t('Undo deletes the {0} notes this save added, with their cards.', count),
        { modal: true, detail: t('Their review history is deleted too.') },
        del,
      );
      return choice === del;
    },
  });

  const report = (what: 'undo' | 'redo', r: UndoResult, entry: BatchEntry | undefined): void => {
    if (!entry) {
      void vscode.window.showInformationMessage(what === 'undo' ? t('There is no save to undo.') : t('There is nothing to redo.'));
      return;
    }
    const when = time(entry.at);
    const head = what === 'undo' ? t('Undid the save of {0}: {1} restored.', when, notesText(r.restored)) : t('Redid the change of {0}: {1} restored.', when, notesText(r.restored));
    const reAdded = r.reAdded && r.reAdded.length > 0 ? ' ' + t('{0} added again with a new id (Anki cannot restore their review history through AnkiConnect).', notesText(r.reAdded.length)) : '';
    if (r.skipped.length === 0) {
      void vscode.window.showInformationMessage(head + reAdded);
      return;
    }
    const shown = r.skipped.slice(0, 5).map(skippedText).join('; ');
    const more = r.skipped.length > 5 ? ' ' + t('and {0} more (see the log).', r.skipped.length - 5) : '';
    const showLog = t('Show Log');
    void vscode.window
      .showWarningMessage(head + reAdded + ' ' + t('Not restored, left as they are: {0}', shown) + more, showLog)
      .then((c) => c === showLog && log.show());
  };

  const run = async (what: 'undo' | 'redo', pick?: BatchEntry): Promise<UndoResult> => {
    await journal.open();
    const entry = pick ?? (what === 'undo' ? await undoer.lastUndoable() : await undoer.lastRedoable());
    if (!entry) {
      report(what, { restored: 0, skipped: [] }, undefined);
      return { restored: 0, skipped: [] };
    }
    const r = what === 'undo' ? await undoer.undo(entry.id) : await undoer.redo();
    report(what, r, entry);
    return r;
  };

  const fail = (what: string, e: unknown): void => {
    log.error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    void vscode.window.showErrorMessage(`${what}: ${errorText(e)}`);
  };

  /** Scripted result: `{ restored, skipped: [{ id, reason }] }` (plus details). */
  const scripted = (r: UndoResult) => ({
    restored: r.restored,
    skipped: r.skipped.map((s) => ({ id: s.id, reason: s.reason, ...(s.detail !== undefined ? { detail: s.detail } : {}) })),
    ...(r.batch !== undefined ? { batch: r.batch } : {}),
    ...(r.reAdded ? { reAdded: r.reAdded } : {}),
  });

  // ---- Show Note History

  const versions = new Map<string, string>();
  const versionChanged = new vscode.EventEmitter<vscode.Uri>();

  const versionsOf = async (id: NoteId): Promise<NoteVersion[]> => {
    await journal.open();
    const key = await history.keyFor(session.url);
    const entries = journal.list(key).filter((e) => e.noteIds.includes(id)).reverse();
    const records: Array<{ rec: BatchRecord; outcome: BatchEntry['outcome'] }> = [];
    for (const e of entries) {
      const rec = await journal.readBatch(e.id);
      if (rec) records.push({ rec, outcome: e.outcome });
    }
    return noteVersions(id, records);
  };

  const renderVersion = (id: NoteId, state: NoteState): string => {
    const cur = engine.store.peek(id)?.snapshot;
    const snap = snapshotOf(id, state);
    if (cur) snap.cards = [...cur.cards];
    return notesCodec.render(snap);
  };

  const noteUriFrom = (arg: unknown): vscode.Uri | undefined => {
    if (arg instanceof vscode.Uri && arg.scheme === SCHEME) return arg;
    if (typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'note') {
      const n = (arg as { note: { id: NoteId; deck?: string; sortField?: string; label?: string } }).note;
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === SCHEME && deps.noteIdOf(d.uri) === n.id);
      if (open) return open.uri;
      const s = engine.store.peek(n.id)?.snapshot;
      return s ? deps.uriForNote(s.deck, s.fields[0]?.[1] ?? '', n.id) : undefined;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    return active?.scheme === SCHEME ? active : undefined;
  };

  /** Puts a saved version into the note's editor as an unsaved change. */
  const restoreVersion = async (target: vscode.Uri, q: VersionQuery): Promise<boolean> => {
    const all = await versionsOf(q.note);
    const v = all.find((x) => x.batchId === q.batch && x.side === q.side);
    if (!v) {
      void vscode.window.showWarningMessage(t('That version is no longer in the save history.'));
      return false;
    }
    const doc = await vscode.workspace.openTextDocument(target);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(target, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), renderVersion(q.note, v.state));
    const ok = await vscode.workspace.applyEdit(edit);
    if (ok) {
      await vscode.window.showTextDocument(doc, { preview: false });
      vscode.window.setStatusBarMessage(t('Version of {0} restored into the editor: save to write it to Anki.', time(v.at)), 5000);
    }
    return ok;
  };

  const openDiff = async (uri: vscode.Uri, id: NoteId, v: NoteVersion): Promise<void> => {
    const left = versionUri(uri.path, { note: id, batch: v.batchId, side: v.side });
    versions.set(left.toString(), renderVersion(id, v.state));
    versionChanged.fire(left);
    const name = shortLabel(v.state.fields[0]?.[1] ?? '', 40) || String(id);
    await vscode.commands.executeCommand('vscode.diff', left, uri, t('{0} ({1}) ↔ Current', name, time(v.at)));
  };

  /** Scripted form: `{ uri, open?: index }` resolves to the versions (newest first) and opens the diff of `open`. */
  const showNoteHistory = async (arg: unknown): Promise<ScriptedVersion[] | undefined> => {
    const scriptedArg = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) && 'uri' in arg ? (arg as { uri: unknown; open?: unknown }) : undefined;
    const uri = noteUriFrom(scriptedArg ? scriptedArg.uri : arg);
    const id = uri ? deps.noteIdOf(uri) : undefined;
    if (!uri || id === undefined) {
      void vscode.window.showInformationMessage(t('Open a saved Anki note to see its history.'));
      return undefined;
    }
    const list = await versionsOf(id);
    if (scriptedArg) {
      const v = typeof scriptedArg.open === 'number' ? list[scriptedArg.open] : undefined;
      if (v) await openDiff(uri, id, v);
      return list.map((x) => ({ at: x.at, batch: x.batchId, side: x.side, kind: x.kind, changes: x.changes.map(localize), text: renderVersion(id, x.state) }));
    }
    if (list.length === 0) {
      void vscode.window.showInformationMessage(t('Anki Files has not saved this note yet: it has no history.'));
      return undefined;
    }
    const restoreButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('discard'), tooltip: t('Restore This Version') };
    type Item = vscode.QuickPickItem & { v: NoteVersion };
    const items: Item[] = list.map((v, i) => ({
      label: `$(history) ${time(v.at)}`,
      description:
        (i === 0 ? t('newest') + ' · ' : '') +
        (v.side === 'before' ? t('before the save') : v.kind === 'undo' ? t('restored by undo') : v.kind === 'redo' ? t('restored by redo') : t('saved')) +
        (v.changes.length > 0 ? ` · ${v.changes.map(localize).join(', ')}` : ''),
      detail: shortLabel(v.state.fields[0]?.[1] ?? '', 80) + (v.label !== undefined ? ` — ${v.label}` : ''),
      buttons: [restoreButton],
      v,
    }));
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = t('History of note {0}', id);
    qp.placeholder = t('Choose a version to compare it with the editor; the button restores it into the editor.');
    qp.items = items;
    const picked = await new Promise<{ item: Item; restore: boolean } | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0] ? { item: qp.selectedItems[0], restore: false } : undefined));
      qp.onDidTriggerItemButton((e) => resolve({ item: e.item, restore: true }));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!picked) return undefined;
    if (picked.restore) await restoreVersion(uri, { note: id, batch: picked.item.v.batchId, side: picked.item.v.side });
    else await openDiff(uri, id, picked.item.v);
    return undefined;
  };

  // The Restore This Version button of a history diff: shown while one is visible.
  const updateContext = (): void => {
    const visible = vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === HISTORY_SCHEME);
    void vscode.commands.executeCommand('setContext', ContextKeys.historyDiff, visible);
  };

  const restoreFromDiff = async (arg: unknown): Promise<boolean> => {
    // From the editor title of the diff (the note's URI), or scripted: { uri, batch, side }.
    let q: VersionQuery | undefined;
    let target: vscode.Uri | undefined;
    if (typeof arg === 'object' && arg !== null && 'batch' in arg) {
      const a = arg as { uri?: unknown; batch?: unknown; side?: unknown };
      target = a.uri instanceof vscode.Uri ? a.uri : typeof a.uri === 'string' ? vscode.Uri.parse(a.uri) : undefined;
      const id = target ? deps.noteIdOf(target) : undefined;
      if (id !== undefined && typeof a.batch === 'string' && (a.side === 'before' || a.side === 'after')) q = { note: id, batch: a.batch, side: a.side };
    } else {
      const left = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === HISTORY_SCHEME)?.document.uri;
      q = left ? parseVersionUri(left) : undefined;
      target = left ? vscode.workspace.textDocuments.find((d) => d.uri.scheme === SCHEME && d.uri.path === left.path)?.uri ?? left.with({ scheme: SCHEME, query: '' }) : undefined;
    }
    if (!q || !target) {
      void vscode.window.showInformationMessage(t('Open a version from "Anki: Show Note History" first.'));
      return false;
    }
    return restoreVersion(target, q);
  };

  // ---- crash report

  const checkBatch = async (entry: BatchEntry): Promise<void> => {
    const rec = await journal.readBatch(entry.id);
    if (!rec) {
      void vscode.window.showWarningMessage(t('The record of that save could not be read (see the log).'));
      return;
    }
    const ids = rec.notes.map((n) => n.id).filter((x) => x > 0);
    const cards = rec.notes.flatMap((n) => n.before?.cards ?? []);
    const current = await engine.store.fetchMany(ids, cards);
    const r = checkInterrupted(rec, (x) => current.get(x));
    const names = new Map(rec.notes.map((n) => [n.id, shortLabel(n.before?.fields[0]?.[1] ?? '') || String(n.id)]));
    const list = (xs: NoteId[]) => xs.slice(0, 5).map((x) => `"${names.get(x) ?? x}"`).join(', ') + (xs.length > 5 ? ` …` : '');
    const parts: string[] = [];
    if (r.applied.length > 0) parts.push(t('{0} have the new content ({1})', notesText(r.applied.length), list(r.applied)));
    if (r.notApplied.length > 0) parts.push(t('{0} still have the content from before the save ({1}): save them again', notesText(r.notApplied.length), list(r.notApplied)));
    if (r.other.length > 0) parts.push(t('{0} have other content (changed since) ({1})', notesText(r.other.length), list(r.other)));
    if (r.missing.length > 0) parts.push(t('{0} no longer exist ({1})', notesText(r.missing.length), list(r.missing)));
    log.info(`Check of interrupted batch ${entry.id}: applied ${r.applied.join(',')}; not applied ${r.notApplied.join(',')}; other ${r.other.join(',')}; missing ${r.missing.join(',')}`);
    void vscode.window.showInformationMessage(t('Of the save at {0}: {1}.', time(entry.at), parts.join('; ')));
  };

  const reportInterrupted = async (): Promise<BatchEntry[]> => {
    await journal.open();
    const found = journal.interrupted({ url: session.url });
    for (const e of found) {
      log.warn(`Save journal: the batch ${e.id} of ${e.noteIds.length} note(s) at ${new Date(e.at).toISOString()} has no outcome: the save may not have completed.`);
      // Reported once: acknowledged before it is shown.
      await journal.acknowledge(e.id);
      const check = t('Check');
      void vscode.window
        .showWarningMessage(t('The save of {0} at {1} may not have completed.', notesText(e.noteIds.length), time(e.at)), check)
        .then((c) => {
          if (c === check) void checkBatch(e).catch((err: unknown) => fail(t('Could not check the notes'), err));
        });
    }
    return found;
  };
  void reportInterrupted().catch((e: unknown) => log.warn(`Save journal: could not be read: ${e instanceof Error ? e.message : String(e)}`));

  // ---- Undo Save…

  const undoSavePick = async (): Promise<UndoResult | undefined> => {
    const candidates = (await undoer.candidates()).slice(0, 100);
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(t('There is no save to undo.'));
      return undefined;
    }
    type Item = vscode.QuickPickItem & { e: BatchEntry };
    const items: Item[] = [];
    for (const e of candidates) {
      const rec = await journal.readBatch(e.id);
      items.push({ label: `$(history) ${time(e.at)}`, description: rec ? describeBatch(rec) : notesText(e.noteIds.length), e });
    }
    const picked = await vscode.window.showQuickPick(items, { title: t('Undo Save'), placeHolder: t('Choose the save to undo (notes changed since are left as they are)') });
    if (!picked) return undefined;
    return run('undo', picked.e);
  };

  return [
    versionChanged,
    vscode.workspace.registerTextDocumentContentProvider(HISTORY_SCHEME, {
      onDidChange: versionChanged.event,
      provideTextDocumentContent: (uri) => versions.get(uri.toString()) ?? '',
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === HISTORY_SCHEME) versions.delete(d.uri.toString());
    }),
    vscode.window.onDidChangeVisibleTextEditors(updateContext),
    session.onDidChangeState((st) => {
      if (st.kind !== 'connected') history.forgetProfiles();
    }),
    session.onDidChangeClient(() => history.forgetProfiles()),
    vscode.commands.registerCommand(Commands.undoLastSave, async () => {
      try {
        return scripted(await run('undo'));
      } catch (e) {
        fail(t('Undo failed'), e);
        throw e;
      }
    }),
    vscode.commands.registerCommand(Commands.redoLastSave, async () => {
      try {
        return scripted(await run('redo'));
      } catch (e) {
        fail(t('Redo failed'), e);
        throw e;
      }
    }),
    vscode.commands.registerCommand(Commands.undoSave, async () => {
      try {
        const r = await undoSavePick();
        return r ? scripted(r) : undefined;
      } catch (e) {
        fail(t('Undo failed'), e);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.showNoteHistory, async (arg: unknown) => {
      try {
        return await showNoteHistory(arg);
      } catch (e) {
        fail(t('Could not show the note history'), e);
        return undefined;
      }
    }),
    vscode.commands.registerCommand(Commands.restoreNoteVersion, async (arg: unknown) => {
      try {
        return await restoreFromDiff(arg);
      } catch (e) {
        fail(t('Could not restore the version'), e);
        return false;
      }
    }),
  ];
}
