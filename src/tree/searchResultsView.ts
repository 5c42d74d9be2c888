// The Search Results view: every hit of a query, rendered like the Decks view's notes, in pages.
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { describeAnkiError } from '../anki/errors';
import { Commands, ContextKeys, Views } from '../constants';
import type { PagedNotes } from '../core/listing';
import { resolveDecks, type SearchEngine } from '../core/search';
import type { AnkiSession } from '../session';
import { infoItem, moreItem, noteItem, noteTooltip, type Element, type NoteElement, type NoteUris } from './items';

export class SearchResultsView implements vscode.TreeDataProvider<Element>, vscode.Disposable {
  readonly view: vscode.TreeView<Element>;
  private readonly emitter = new vscode.EventEmitter<Element | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private results: { query: string; pages: PagedNotes } | undefined;
  private error: string | undefined;

  constructor(
    private readonly engine: SearchEngine,
    private readonly session: AnkiSession,
    private readonly uris: NoteUris,
  ) {
    this.view = vscode.window.createTreeView(Views.searchResults, { treeDataProvider: this, showCollapseAll: false, canSelectMany: true });
  }

  get query(): string | undefined {
    return this.results?.query;
  }

  /** Shows every hit of `query` (ids from the QuickPick's findNotes); loads the first page (1 request). */
  async show(query: string, ids: NoteId[]): Promise<void> {
    this.results = { query, pages: this.engine.results(ids) };
    this.error = undefined;
    this.view.title = vscode.l10n.t('Search Results');
    this.view.description = query;
    this.view.message = vscode.l10n.t('{0} notes match {1}', ids.length, query);
    // First page before the view appears (the context key shows it), so its first render has the notes.
    await this.loadNext(vscode.ProgressLocation.Window);
    await vscode.commands.executeCommand('setContext', ContextKeys.hasSearchResults, true);
    this.emitter.fire();
    try {
      await vscode.commands.executeCommand(`${Views.searchResults}.focus`);
    } catch {
      // The view may not be visible yet in some layouts; the context key makes it appear.
    }
  }

  /** Drops notes deleted through this extension from the shown results. */
  forget(ids: readonly NoteId[]): void {
    const r = this.results;
    if (!r) return;
    const gone = new Set(ids);
    const before = r.pages.total;
    r.pages.ids = r.pages.ids.filter((id) => !gone.has(id));
    r.pages.items = r.pages.items.filter((n) => !gone.has(n.id));
    if (r.pages.total !== before) {
      this.view.message = vscode.l10n.t('{0} notes match {1}', r.pages.total, r.query);
      this.emitter.fire();
    }
  }

  /** Re-reads the loaded results when some of `changed` are shown (a bulk action changed their tags or decks). */
  async reload(changed: readonly NoteId[]): Promise<void> {
    const r = this.results;
    const ids = new Set(changed);
    if (!r || !r.pages.items.some((n) => ids.has(n.id))) return;
    const shown = r.pages.items.length;
    r.pages = this.engine.results(r.pages.ids);
    while (r.pages.items.length < shown && r.pages.hasMore && this.error === undefined) await this.loadNext();
    this.emitter.fire();
  }

  async clear(): Promise<void> {
    this.results = undefined;
    this.view.message = undefined;
    this.view.description = undefined;
    await vscode.commands.executeCommand('setContext', ContextKeys.hasSearchResults, false);
    this.emitter.fire();
  }

  private async loadNext(location: vscode.ProgressLocation | { viewId: string } = { viewId: Views.searchResults }): Promise<void> {
    const r = this.results;
    if (!r) return;
    try {
      await vscode.window.withProgress({ location }, async () => {
        const before = r.pages.items.length;
        await r.pages.loadNext(this.session.client, this.session.pageSize);
        await resolveDecks(this.session.client, r.pages.items.slice(before));
      });
      this.error = undefined;
    } catch (e) {
      this.error = describeAnkiError(e).message;
    }
  }

  async loadMore(): Promise<void> {
    await this.loadNext();
    this.emitter.fire();
  }

  getTreeItem(el: Element): vscode.TreeItem {
    switch (el.kind) {
      case 'note':
        return noteItem(el, this.uriOf(el), true);
      case 'more':
        return moreItem(el, this.session.pageSize);
      case 'info':
        return infoItem(el);
      case 'deck':
        return new vscode.TreeItem(el.name);
    }
  }

  resolveTreeItem(item: vscode.TreeItem, el: Element): vscode.TreeItem {
    if (el.kind === 'note') item.tooltip = noteTooltip(el.note);
    return item;
  }

  getChildren(el?: Element): Element[] {
    if (el || !this.results) return [];
    const p = this.results.pages;
    const out: Element[] = p.items.map(
      (note): NoteElement => ({ kind: 'note', key: `search:${note.id}`, note, parentDeck: undefined, id: `note:${note.id}` }),
    );
    if (this.error !== undefined) {
      out.push({
        kind: 'info',
        key: 'search-error',
        text: vscode.l10n.t('Could not load the results: {0}', this.error),
        parentDeck: undefined,
        error: true,
        // Retry runs the search again (Refresh would only reload the Decks view)
        retry: { command: Commands.showAllResults, arguments: [this.results.query] },
      });
    }
    if (p.hasMore) out.push({ kind: 'more', owner: 'search', parentDeck: undefined, remaining: p.total - p.items.length });
    return out;
  }

  getParent(): Element | undefined {
    return undefined;
  }

  private uriOf(el: NoteElement): vscode.Uri {
    return this.uris.uriForNote(el.note.deck, el.note.sortFieldHtml, el.note.id);
  }

  dispose(): void {
    this.view.dispose();
    this.emitter.dispose();
  }
}
