// Save When Anki Is Back (issue 14): a save that fails because Anki is not running offers to queue the
// document; the queue is persisted in the extension's storage (src/offline/saveQueue.ts: atomic, read back on
// activation) and sent as ONE batch through the normal saver when Anki answers again and its profile is known
// (src/offline/flush.ts). A note changed in Anki meanwhile is never overwritten: its text goes into its editor
// (dirty) and the conflict flow (src/ui/conflict.ts) takes over. The status bar counts the saves waiting.
//
// Which text is saved: the queued text, unless the note's document is open with unsaved changes — then the
// editor's current text wins (the user kept editing after queueing).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { Commands, SCHEME } from '../constants';
import { notesCodec } from '../core/codec';
import { shortLabel } from '../core/snapshot';
import type { AnkiFileSystem } from '../fs/index';
import { flushQueued, type FlushResult } from '../offline/flush';
import { loadQueue, planFlush, SaveQueue, staysQueued, writeQueue, type QueueKey, type QueuedSave } from '../offline/saveQueue';
import { offerConflictChoices } from './conflict';
import type { Session } from './session';

const t = vscode.l10n.t;
const decoder = new TextDecoder();

export interface SaveQueueDeps {
  session: Session;
  fs: Pick<AnkiFileSystem, 'provider' | 'noteIdOf' | 'onDidFailWhileNotRunning'>;
  /** Directory of the queue file (the extension's global storage). */
  dir: string;
}

/** What `ankiFiles.saveWhenAnkiIsBack` resolves to. */
export type QueueCommandResult =
  | { queued: true; waiting: number }
  | { queued: false; saved?: boolean; reason: 'notOpen' | 'notDirty' | 'ankiRunning' | 'notLoaded' | 'invalid' | 'failed' };

/** What `ankiFiles.discardWaitingSaves { noteIds }` resolves to (internal, scripted: the palette has Show Saves Waiting). */
export interface DiscardResult {
  discarded: number;
  waiting: number;
}

export const QUEUE_FILE = 'save-queue.json';

function uriArg(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'object' && arg !== null && 'uri' in arg) {
    const u = (arg as { uri: unknown }).uri;
    if (u instanceof vscode.Uri) return u;
    if (typeof u === 'string') return vscode.Uri.parse(u);
  }
  return vscode.window.activeTextEditor?.document.uri;
}

function labelOf(e: QueuedSave): string {
  return shortLabel(e.base.fields[0]?.[1] ?? '') || t('note {0}', e.noteId);
}

export class SaveQueueService implements vscode.Disposable {
  private queue = new SaveQueue();
  readonly loaded: Promise<void>;
  private writing: Promise<void> = Promise.resolve();
  private flushing: Promise<FlushResult[]> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** The number of waiting saves changed. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly file: string;

  constructor(private readonly deps: SaveQueueDeps) {
    this.file = path.join(deps.dir, QUEUE_FILE);
    const log = deps.session.log;
    this.loaded = loadQueue(this.file, log).then((r) => {
      // Entries queued before the file was read (rare: a save failing during activation) are kept too.
      for (const e of this.queue.entries) r.queue.add(e);
      this.queue = r.queue;
      if (r.queue.size > 0) log.info(`${r.queue.size} save(s) waiting for Anki were read back from ${this.file}`);
      this.emitter.fire();
    });
    this.disposables.push(
      deps.fs.onDidFailWhileNotRunning((e) => void this.offer(e.uri, decoder.decode(e.content))),
      deps.session.onDidLearnProfile(() => void this.flush()),
      // Without the offline cache no profile is read: the connection alone says Anki is back.
      deps.session.onDidChangeState((st) => {
        if (st.kind === 'connected' && !deps.session.offline) void this.flush();
      }),
    );
  }

  /** Waiting saves (every collection). */
  get size(): number {
    return this.queue.size;
  }

  get entries(): readonly QueuedSave[] {
    return this.queue.entries;
  }

  /** The collection open documents belong to: the AnkiConnect URL and the Anki profile last seen there. */
  key(): QueueKey {
    const s = this.deps.session;
    return { url: s.url, profile: s.activeProfile ?? s.offline?.currentKey?.profile ?? '' };
  }

  /** Every open document of the note (one normally; an older path's document can still be open beside it). */
  private documentsOf(noteId: NoteId): vscode.TextDocument[] {
    return vscode.workspace.textDocuments.filter((d) => !d.isClosed && d.uri.scheme === SCHEME && this.deps.fs.noteIdOf(d.uri) === noteId);
  }

  /** The note's document: the one with unsaved changes if there is one. */
  private documentOf(noteId: NoteId): vscode.TextDocument | undefined {
    const docs = this.documentsOf(noteId);
    return docs.find((d) => d.isDirty) ?? docs[0];
  }

  private persist(): Promise<void> {
    const snapshot = new SaveQueue(this.queue.entries);
    this.writing = this.writing
      .then(() => writeQueue(this.file, snapshot))
      .catch((e: unknown) => this.deps.session.log.error(`Writing the queue of saves waiting for Anki failed: ${e instanceof Error ? e.message : String(e)}`));
    this.emitter.fire();
    return this.writing;
  }

  /** A save failed because Anki is not running: say so, and offer to save it when Anki is back. */
  private async offer(uri: vscode.Uri, text: string): Promise<void> {
    const id = this.deps.fs.noteIdOf(uri);
    if (id === undefined) return;
    await this.loaded;
    const already = this.queue.has(id, this.key());
    const base = this.deps.fs.provider.engine.store.base(id);
    const name = base ? shortLabel(base.snapshot.fields[0]?.[1] ?? '') || t('note {0}', id) : t('note {0}', id);
    if (already) {
      // Queued before: the newer text replaces the queued one (what the user just tried to save).
      await this.enqueue(uri, text);
      vscode.window.setStatusBarMessage(t('"{0}" will be saved when Anki is back (updated)', name), 5000);
      return;
    }
    // One message at a time: saves failing while it is up (a Save All) join it, and its action queues them all.
    const offered = this.offered;
    if (offered) {
      offered.set(uri.toString(), uri);
      return;
    }
    const joined = new Map([[uri.toString(), uri]]);
    this.offered = joined;
    const action = t('Save When Anki Is Back');
    let choice: string | undefined;
    try {
      choice = await vscode.window.showWarningMessage(t('Anki is not running — "{0}" was not saved; your text is kept.', name), action);
    } finally {
      this.offered = undefined;
    }
    if (choice !== action) return;
    let queued = 0;
    for (const u of joined.values()) {
      const r = await this.command({ uri: u });
      if (r.queued) queued++;
    }
    if (joined.size > 1) vscode.window.setStatusBarMessage(t('{0} notes will be saved when Anki is back', queued), 5000);
  }

  /** The failed saves the message on screen offers to queue (undefined: no message up). */
  private offered: Map<string, vscode.Uri> | undefined;

  /** Queues `text` of the note at `uri` (based on the version its editor loaded). */
  async enqueue(uri: vscode.Uri, text: string): Promise<QueueCommandResult> {
    await this.loaded;
    const id = this.deps.fs.noteIdOf(uri);
    const base = id === undefined ? undefined : this.deps.fs.provider.engine.store.base(id);
    if (id === undefined || !base) return { queued: false, reason: 'notLoaded' };
    const parsed = notesCodec.parse(text, base.snapshot);
    if (!parsed.ok) return { queued: false, reason: 'invalid' };
    this.queue.add({ noteId: id, path: uri.path, text, base: base.snapshot, key: this.key(), queuedAt: Date.now() });
    await this.persist();
    this.deps.session.log.info(`Save When Anki Is Back: ${uri.path} queued (${this.queue.size} waiting)`);
    return { queued: true, waiting: this.queue.size };
  }

  /** `ankiFiles.saveWhenAnkiIsBack`: queue the document (or, when Anki answers, save it now). */
  async command(arg: unknown): Promise<QueueCommandResult> {
    const uri = uriArg(arg);
    const doc = uri ? vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === uri.toString()) : undefined;
    if (!uri || uri.scheme !== SCHEME || !doc || this.deps.fs.noteIdOf(uri) === undefined) {
      void vscode.window.showInformationMessage(t('Open a saved Anki note with unsaved changes first.'));
      return { queued: false, reason: 'notOpen' };
    }
    if (!doc.isDirty) {
      void vscode.window.showInformationMessage(t('The editor has no unsaved changes: there is nothing to save.'));
      return { queued: false, reason: 'notDirty' };
    }
    if (this.deps.session.state.kind === 'connected') {
      // Anki answers: save now (VS Code's own save; a failure says why as usual).
      const saved = await doc.save().then(
        (ok) => ok,
        () => false,
      );
      return { queued: false, saved, reason: 'ankiRunning' };
    }
    const r = await this.enqueue(uri, doc.getText());
    if (!r.queued && r.reason === 'notLoaded') {
      void vscode.window.showErrorMessage(t('This note was not loaded from Anki in this window, so there is no version to check a later save against. Your text is kept: save it once Anki is running.'));
    } else if (!r.queued && r.reason === 'invalid') {
      void vscode.window.showErrorMessage(t('The document has problems (see the Problems panel), so it was not queued. Fix them and try again. Your text is kept.'));
    } else if (r.queued) {
      vscode.window.setStatusBarMessage(t('Will be saved when Anki is back ({0} waiting)', r.waiting), 5000);
    }
    return r;
  }

  /** Anki answers again (its profile known): send this collection's queued saves as one batch. */
  flush(): Promise<FlushResult[]> {
    this.flushing ??= this.runFlush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async runFlush(): Promise<FlushResult[]> {
    await this.loaded;
    const session = this.deps.session;
    if (session.state.kind !== 'connected' || (session.offline && session.activeProfile === undefined)) return [];
    const key = this.key();
    const entries = this.queue.forKey(key);
    if (entries.length === 0) return [];
    const items = planFlush(entries, (e) => {
      const doc = this.documentOf(e.noteId);
      return doc ? { dirty: doc.isDirty, text: doc.getText() } : undefined;
    });
    const engine = this.deps.fs.provider.engine;
    session.log.info(`Anki is back: sending ${items.length} queued save(s) as one batch`);
    const results = await flushQueued(items, { parse: (text, base) => notesCodec.parse(text, base), saveNotes: (reqs) => engine.saveNotes(reqs) });
    // Saved ones leave the queue at once; the others only once their text is in an editor.
    const saved = results.filter((r) => r.verdict === 'saved');
    this.queue.remove(saved.map((r) => r.item.entry.noteId), key);
    await this.persist();
    for (const r of results) {
      try {
        await this.settle(r);
      } catch (e) {
        session.log.warn(`Queued save of ${r.item.entry.path}: ${e instanceof Error ? e.message : String(e)} (it stays queued)`);
        continue;
      }
      if (r.verdict !== 'saved' && !staysQueued(r.verdict)) this.queue.remove([r.item.entry.noteId], key);
    }
    await this.persist();
    const conflicts = results.filter((r) => r.verdict === 'conflict').length;
    const waiting = results.filter((r) => staysQueued(r.verdict)).length;
    session.log.info(`Queued saves: ${saved.length} saved, ${conflicts} conflict(s), ${results.length - saved.length - conflicts - waiting} failed, ${waiting} still waiting`);
    if (saved.length > 0) {
      vscode.window.setStatusBarMessage(t('Anki is back: {0} queued save(s) done', saved.length), 8000);
    }
    return results;
  }

  /** Shows one flushed entry's outcome where the user looks; the text of anything not saved ends in an editor. */
  private async settle(r: FlushResult): Promise<void> {
    const { entry, text } = r.item;
    const name = labelOf(entry);
    switch (r.verdict) {
      case 'saved': {
        // The editors that show exactly what was saved: made clean (Anki's version as saved).
        const docs = this.documentsOf(entry.noteId).filter((d) => d.isDirty && d.getText() === text);
        for (const doc of docs) await this.revert(doc);
        this.deps.session.log.info(`Queued save of note ${entry.noteId} sent; ${docs.length} editor(s) with exactly that text made clean`);
        return;
      }
      case 'unavailable':
        return;
      case 'deleted': {
        const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: text });
        await vscode.window.showTextDocument(doc, { preview: false });
        void vscode.window.showWarningMessage(t('"{0}" was deleted in Anki while it was closed, so your queued save could not be made. Your text is in this untitled document.', name));
        return;
      }
      case 'conflict': {
        const doc = await this.withText(entry, text);
        void offerConflictChoices(
          doc.uri,
          t('"{0}" changed in Anki while it was closed, so your queued save was not sent. Keep your version, take Anki\'s, or compare them first. Your text is kept until you choose.', name),
        );
        return;
      }
      case 'invalid':
      case 'failed': {
        await this.withText(entry, text);
        void vscode.window.showErrorMessage(t('The queued save of "{0}" was not made: {1}', name, r.message));
        return;
      }
    }
  }

  /** The note's editor holding `text` (opened if needed; made dirty with the text when it shows something else). */
  private async withText(entry: QueuedSave, text: string): Promise<vscode.TextDocument> {
    const doc = this.documentOf(entry.noteId) ?? (await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: SCHEME, path: entry.path })));
    if (doc.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the editor refused the text');
    }
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  private async revert(doc: vscode.TextDocument): Promise<void> {
    // Reloaded from Anki (its text is Anki's version now). Not by saving it: on VS Code 1.90 that save resolves
    // false (seen in e2e) and the editor stays dirty. The revert command acts on the active editor, so it runs only when
    // this document's editor is the active one (another editor can take focus meanwhile: then it is shown again).
    for (let attempt = 0; attempt < 3 && doc.isDirty && !doc.isClosed; attempt++) {
      await vscode.window.showTextDocument(doc, { preview: false });
      if (vscode.window.activeTextEditor?.document.uri.toString() !== doc.uri.toString()) continue;
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    if (doc.isDirty) this.deps.session.log.warn(`${doc.uri.path}: its queued save was sent, but its editor could not be reloaded; it stays dirty with the saved text`);
  }

  /** Drops waiting saves (all of them without `noteIds`); their editors, if open, keep their text. */
  async discard(noteIds?: readonly NoteId[]): Promise<DiscardResult> {
    await this.loaded;
    const before = this.queue.size;
    if (noteIds === undefined) this.queue.clear();
    else for (const e of [...this.queue.entries]) if (noteIds.includes(e.noteId)) this.queue.remove([e.noteId], e.key);
    const discarded = before - this.queue.size;
    if (discarded > 0) await this.persist();
    return { discarded, waiting: this.queue.size };
  }

  /** `ankiFiles.showWaitingSaves`: the waiting saves; pick one to open its text or discard it. */
  async show(): Promise<void> {
    await this.loaded;
    if (this.queue.size === 0) {
      void vscode.window.showInformationMessage(t('No saves are waiting for Anki.'));
      return;
    }
    const current = this.key();
    type Item = vscode.QuickPickItem & { entry?: QueuedSave; all?: true };
    const items: Item[] = this.queue.entries.map((e) => ({
      label: labelOf(e),
      description: `${e.base.deck} · ${new Date(e.queuedAt).toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit' })}`,
      detail: e.key.url !== current.url || e.key.profile !== current.profile ? t('for Anki profile "{0}" at {1}', e.key.profile, e.key.url) : undefined,
      entry: e,
    }));
    items.push({ label: t('Discard All Waiting Saves'), all: true });
    const pick = await vscode.window.showQuickPick(items, { title: t('Saves Waiting for Anki'), placeHolder: t('Pick a save to open or discard it') });
    if (!pick) return;
    const discardChoice = t('Discard');
    if (pick.all) {
      const ok = await vscode.window.showWarningMessage(
        t('Discard {0} waiting save(s)? Texts that are not open in an editor are lost.', this.queue.size),
        { modal: true },
        discardChoice,
      );
      if (ok === discardChoice) await this.discard();
      return;
    }
    const entry = pick.entry;
    if (!entry) return;
    const open = t('Open');
    const choice = await vscode.window.showInformationMessage(t('"{0}" waits to be saved when Anki is back.', labelOf(entry)), open, discardChoice);
    if (choice === open) {
      const doc = this.documentOf(entry.noteId);
      if (doc) await vscode.window.showTextDocument(doc, { preview: false });
      else {
        const untitled = await vscode.workspace.openTextDocument({ language: 'yaml', content: entry.text });
        await vscode.window.showTextDocument(untitled, { preview: false });
      }
    } else if (choice === discardChoice) {
      await this.discard([entry.noteId]);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function registerSaveQueue(deps: SaveQueueDeps): { service: SaveQueueService; disposables: vscode.Disposable[] } {
  const service = new SaveQueueService(deps);
  const discardArg = (arg: unknown): NoteId[] | undefined => {
    if (typeof arg !== 'object' || arg === null || !('noteIds' in arg)) return undefined;
    const ids = (arg as { noteIds: unknown }).noteIds;
    return Array.isArray(ids) ? ids.filter((x): x is number => typeof x === 'number') : undefined;
  };
  return {
    service,
    disposables: [
      service,
      vscode.commands.registerCommand(Commands.saveWhenAnkiIsBack, (arg: unknown) => service.command(arg)),
      vscode.commands.registerCommand(Commands.showWaitingSaves, () => service.show()),
      vscode.commands.registerCommand(Commands.discardWaitingSaves, (arg: unknown) => service.discard(discardArg(arg) ?? [])),
    ],
  };
}
