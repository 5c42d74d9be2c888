// The Decks view: deck hierarchy with counts, each deck's notes in pages, drag-and-drop moves.
import { errorText } from '../ui/messages';
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { DECKS_TREE_MIME, Views } from '../constants';
import { isConnectionFailure } from '../core/connection';
import { parentDeckName } from '../core/deckTree';
import type { MoveReport } from '../core/fsEngine';
import { DeckListing, type ChangeReport, type NoteSummary } from '../core/listing';
import { sameDeck } from '../notes/deckName';
import { parsePath } from '../notes/paths';
import type { AnkiSession } from '../session';
import {
  deckItem,
  infoItem,
  moreItem,
  noteItem,
  noteTooltip,
  type DeckElement,
  type Element,
  type InfoElement,
  type MoreElement,
  type NoteElement,
  type NoteUris,
} from './items';

/** What the Decks view needs from the `anki:` file system (src/fs/index.ts `AnkiFileSystem`). */
export interface DecksFs extends NoteUris {
  moveNotes(ids: readonly NoteId[], deck: string, opts?: { from?: (id: NoteId) => string | undefined }): Promise<MoveReport>;
}

export class DecksView
  implements vscode.TreeDataProvider<Element>, vscode.TreeDragAndDropController<Element>, vscode.Disposable
{
  readonly view: vscode.TreeView<Element>;
  readonly dropMimeTypes = [DECKS_TREE_MIME, 'text/uri-list'];
  readonly dragMimeTypes = ['text/uri-list'];
  private readonly emitter = new vscode.EventEmitter<Element | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly decks = new Map<string, DeckElement>();
  private readonly notes = new Map<string, NoteElement>();
  private readonly disposables: vscode.Disposable[] = [];
  private treeLoad: Promise<void> | undefined;
  /** Anki is not usable: the root shows nothing so the welcome view (per connection state) explains why. */
  private offline = false;
  /** Set by src/ui/catchUp.ts: brings the tree up to date when Anki is back (false: it could not; reload). */
  catchUp: (() => Promise<boolean>) | undefined;

  constructor(
    readonly listing: DeckListing,
    private readonly session: AnkiSession,
    private readonly uris: DecksFs,
  ) {
    this.view = vscode.window.createTreeView(Views.decks, {
      treeDataProvider: this,
      showCollapseAll: true,
      canSelectMany: true,
      dragAndDropController: this,
    });
    this.disposables.push(
      this.view,
      this.emitter,
      session.onDidChangeState((state) => {
        if (state.kind === 'notRunning' && this.canUseCache) {
          void this.showCached();
        } else if (state.kind === 'notRunning' || state.kind === 'apiKey' || state.kind === 'error') {
          if (!this.offline) {
            this.offline = true;
            this.setMessage(undefined);
            this.emitter.fire();
          }
        } else if (state.kind === 'connected' && (this.offline || this.view.description !== undefined)) {
          this.offline = false;
          this.view.description = undefined;
          this.setMessage(undefined);
          // After showing the cached tree: the incremental catch-up (src/ui/catchUp.ts) when it can, else a reload.
          const caughtUp = this.listing.tree ? this.catchUp?.() : undefined;
          if (caughtUp) void caughtUp.then((ok) => (ok ? undefined : this.refresh()), () => this.refresh());
          else void this.refresh();
        }
      }),
    );
  }

  /** Whether the session has an offline cache to show the tree from while Anki is closed. */
  private get canUseCache(): boolean {
    return 'offline' in this.session && this.session.offline !== undefined;
  }

  /**
   * Anki is closed: show the tree as cached (the same reads, answered by the offline cache), marked offline;
   * without a cached tree, the welcome view explains.
   */
  private async showCached(): Promise<void> {
    try {
      await this.listing.loadTree();
    } catch {
      // nothing cached: the welcome view (Anki is not running) takes over
    }
    const at = this.session.cachedAt;
    if (this.listing.tree && at !== undefined && this.session.state.kind === 'notRunning') {
      this.offline = false;
      const time = new Date(at).toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit' });
      this.view.description = vscode.l10n.t('offline · cached {0}', time);
      this.setMessage(vscode.l10n.t('Anki is not running: showing the decks and notes cached at {0}, read-only.', time));
    } else if (this.session.state.kind !== 'connected') {
      this.offline = true;
      this.view.description = undefined;
    }
    this.emitter.fire();
  }

  // --- TreeDataProvider

  getTreeItem(el: Element): vscode.TreeItem {
    switch (el.kind) {
      case 'deck': {
        const node = this.listing.deck(el.name);
        if (!node) return new vscode.TreeItem(el.name);
        return deckItem(node);
      }
      case 'note':
        return noteItem(el, this.uriOf(el.note), false);
      case 'more':
        return moreItem(el, this.session.pageSize);
      case 'info':
        return infoItem(el);
    }
  }

  resolveTreeItem(item: vscode.TreeItem, el: Element): vscode.TreeItem {
    if (el.kind === 'note') item.tooltip = noteTooltip(el.note);
    return item;
  }

  async getChildren(el?: Element): Promise<Element[]> {
    if (!el) return this.rootChildren();
    if (el.kind !== 'deck') return [];
    const node = this.listing.deck(el.name);
    if (!node) return [];
    const subDecks = node.children.map((c) => this.deckElement(c.name));
    try {
      const page = await this.withProgress(this.listing.notesOf(el.name, this.session.pageSize));
      const notes = page.items.map((n) => this.noteElement(el.name, n));
      const out: Element[] = [...subDecks, ...notes];
      if (page.hasMore) out.push(this.moreElement(el.name, page.total - page.items.length));
      return out;
    } catch (e) {
      const info: InfoElement = {
        kind: 'info',
        key: `error:${el.name}`,
        text: vscode.l10n.t('Could not list the notes: {0}', errorText(e)),
        parentDeck: el.name,
        error: true,
      };
      return [...subDecks, info];
    }
  }

  getParent(el: Element): Element | undefined {
    switch (el.kind) {
      case 'deck': {
        const p = parentDeckName(el.name);
        return p === undefined ? undefined : this.deckElement(p);
      }
      default:
        return el.parentDeck === undefined ? undefined : this.deckElement(el.parentDeck);
    }
  }

  private async rootChildren(): Promise<Element[]> {
    if (this.offline) return [];
    if (!this.listing.tree) {
      await this.loadTree();
    }
    if (this.offline) return [];
    const tree = this.listing.tree;
    if (!tree) return [];
    return tree.roots.map((r) => this.deckElement(r.name));
  }

  /** Loads the deck tree (2 requests). Failures go to the view message or the welcome view, never a popup. */
  private loadTree(): Promise<void> {
    if (!this.treeLoad) {
      this.treeLoad = this.withProgress(
        (async () => {
          try {
            await this.listing.loadTree();
            this.setMessage(undefined);
          } catch (e) {
            // Connection problems: the welcome view (context key ankiFiles.connection) explains them.
            this.setMessage(isConnectionFailure(e) ? undefined : vscode.l10n.t('Could not list the decks: {0}', errorText(e)));
          }
        })(),
      ).finally(() => {
        this.treeLoad = undefined;
      });
    }
    return this.treeLoad;
  }

  private setMessage(text: string | undefined): void {
    this.view.message = text;
  }

  private withProgress<T>(p: Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress({ location: { viewId: Views.decks } }, () => p));
  }

  // --- elements (canonical objects per id)

  deckElement(name: string): DeckElement {
    let el = this.decks.get(name);
    if (!el) {
      el = { kind: 'deck', name };
      this.decks.set(name, el);
    }
    return el;
  }

  noteElement(deck: string, note: NoteSummary): NoteElement {
    const key = `${deck}\u0000${note.id}`;
    const main = this.listing.deckOfNote(note.id) ?? deck;
    const deckId = this.listing.deck(deck)?.id;
    const id = main === deck ? `note:${note.id}` : `note:${note.id}@${deckId ?? deck}`;
    let el = this.notes.get(key);
    if (!el || el.id !== id) {
      el = { kind: 'note', key, note, parentDeck: deck, id };
      this.notes.set(key, el);
    } else {
      el.note = note;
    }
    return el;
  }

  private moreElement(deck: string, remaining: number): MoreElement {
    return { kind: 'more', owner: `deck:${deck}`, parentDeck: deck, remaining };
  }

  /** One URI per note wherever it is listed (its main deck), so two decks never open two tabs of one note. */
  uriOf(note: NoteSummary): vscode.Uri {
    return this.uris.uriForNote(this.listing.deckOfNote(note.id) ?? note.deck, note.sortFieldHtml, note.id);
  }

  // --- actions

  /** Reloads the deck list and counts (2 requests); expansion is kept (stable ids). */
  async refresh(): Promise<void> {
    if (this.view.description !== undefined && this.session.state.kind === 'notRunning') {
      // Showing the cached tree: try Anki; when it answers, the state change reloads the tree.
      await this.session.check();
      return;
    }
    if (this.offline && this.session.state.kind !== 'connected') {
      // The welcome view is up; a probe brings the tree back when Anki answers.
      await this.session.check();
      return;
    }
    await this.loadTree();
    this.emitter.fire();
  }

  /** Reloads one deck's notes and the counts. */
  async refreshDeck(deck: string): Promise<void> {
    this.listing.invalidateDeck(deck);
    await this.refresh();
  }

  async loadMore(el: MoreElement): Promise<void> {
    if (el.parentDeck === undefined) return;
    const deck = el.parentDeck;
    try {
      await this.withProgress(this.listing.loadMore(deck, this.session.pageSize));
    } catch (e) {
      if (!isConnectionFailure(e)) this.setMessage(vscode.l10n.t('Could not load more notes: {0}', errorText(e)));
    }
    this.emitter.fire(this.deckElement(deck));
  }

  /** One cheap request; a second one only when something changed (see DeckListing.checkForChanges). */
  async checkForChanges(opts: { full?: boolean } = {}): Promise<ChangeReport | undefined> {
    if (!this.listing.tree) return undefined;
    const report = await this.listing.checkForChanges(opts);
    this.applyReport(report);
    return report;
  }

  applyReport(report: ChangeReport): void {
    if (report.treeChanged) {
      this.emitter.fire();
      return;
    }
    const toFire = new Set<string>();
    for (const d of report.changedDecks) {
      for (let n: string | undefined = d; n !== undefined; n = parentDeckName(n)) toFire.add(n);
    }
    // Firing a parent refreshes its subtree; fire only the top-most ones.
    const top = [...toFire].filter((d) => {
      const p = parentDeckName(d);
      return p === undefined || !toFire.has(p);
    });
    for (const d of top) this.emitter.fire(this.deckElement(d));
  }

  /**
   * Finds where a note is listed (cached listing, else one `notesInfo` + `getDecks`), loads its deck's pages up to
   * it in one request, and reveals it.
   */
  async revealNote(noteId: NoteId, opts: { select?: boolean; focus?: boolean } = {}): Promise<boolean> {
    if (!this.listing.tree) await this.loadTree();
    if (!this.listing.tree) return false;
    let deck = this.listing.deckOfNote(noteId);
    if (deck === undefined) {
      const api = this.session.client;
      const [info] = await api.notesInfo([noteId]);
      const first = info?.cards[0];
      if (first === undefined) return false;
      const groups = await api.getDecks([first]);
      deck = Object.keys(groups)[0];
      if (deck === undefined) return false;
      await this.listing.checkForChanges({ full: true }).then((r) => this.applyReport(r));
    }
    const page = await this.withProgress(this.listing.notesThrough(deck, noteId, this.session.pageSize));
    if (page.items.length > this.session.pageSize) this.emitter.fire(this.deckElement(deck));
    const note = page.items.find((n) => n.id === noteId);
    if (!note) {
      await this.view.reveal(this.deckElement(deck), { select: true, focus: opts.focus ?? false, expand: true });
      return false;
    }
    await this.view.reveal(this.noteElement(deck, note), { select: opts.select ?? true, focus: opts.focus ?? false });
    return true;
  }

  /** Selects (and expands the parents of) a deck the tree lists, e.g. one just created. */
  async revealDeck(name: string): Promise<boolean> {
    if (!this.listing.tree) await this.loadTree();
    const node = [...(this.listing.tree?.byName.values() ?? [])].find((d) => sameDeck(d.name, name));
    if (!node) return false;
    await this.view.reveal(this.deckElement(node.name), { select: true, focus: false, expand: false });
    return true;
  }

  // --- drag and drop

  handleDrag(source: readonly Element[], data: vscode.DataTransfer): void {
    const notes = source.filter((e): e is NoteElement => e.kind === 'note');
    if (notes.length === 0) return;
    data.set('text/uri-list', new vscode.DataTransferItem(notes.map((n) => this.uriOf(n.note).toString()).join('\r\n')));
  }

  async handleDrop(target: Element | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const deck = target?.kind === 'deck' ? target.name : target?.parentDeck;
    if (deck === undefined) return;
    let notes: NoteId[] = [];
    /** The deck each note was dragged out of (its cards there move). */
    const from = new Map<NoteId, string>();
    const own = data.get(DECKS_TREE_MIME);
    if (own) {
      const value: unknown = own.value;
      const els = Array.isArray(value) ? (value as Element[]) : [];
      for (const e of els) {
        if (e?.kind !== 'note') continue;
        notes.push(e.note.id);
        if (e.parentDeck !== undefined) from.set(e.note.id, e.parentDeck);
      }
    } else {
      const uriList = data.get('text/uri-list');
      const text = uriList ? await uriList.asString() : '';
      for (const line of text.split(/\r?\n/)) {
        if (!line.trim() || line.startsWith('#')) continue;
        try {
          const id = this.uris.noteIdOf(vscode.Uri.parse(line.trim()));
          if (id === undefined) continue;
          notes.push(id);
          const parsed = parsePath(vscode.Uri.parse(line.trim()).path);
          if (parsed.kind === 'note') from.set(id, parsed.deck);
        } catch {
          // not a URI we know
        }
      }
    }
    if (notes.length === 0 || token.isCancellationRequested) return;
    await this.moveNotes(notes, deck, from);
  }

  /** Moves the notes to `deck` through the file system's engine (the one move rule; see `FsEngine.moveNotes`). */
  async moveNotes(ids: readonly NoteId[], deck: string, from?: ReadonlyMap<NoteId, string>): Promise<void> {
    try {
      await this.withProgress(
        (async () => {
          const report = await this.uris.moveNotes(ids, deck, from ? { from: (id) => from.get(id) } : {});
          if (report.moved.length > 0) await this.listing.loadTree();
        })(),
      );
      this.emitter.fire();
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not move the notes to "{0}": {1}', deck, errorText(e)));
      if (!isConnectionFailure(e)) await this.refresh();
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
