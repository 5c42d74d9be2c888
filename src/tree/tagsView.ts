// The Tags view: Anki's tag hierarchy (`::`) with note counts; a click searches `tag:…` into Search Results.
// Requests: `getTags` (1) plus ONE `multi` of `findNotes` for the counts of the shown level (the top level when
// loaded, a node's children when it is expanded). Reloads on Refresh, on connection, and after collection
// changes made through the extension (only while visible; otherwise when it becomes visible).
import * as vscode from 'vscode';
import type { AnkiApi } from '../anki/api';
import { actions, parseOutcome } from '../anki/actions';
import { describeAnkiError } from '../anki/errors';
import { Commands, Views } from '../constants';
import type { AnkiSession } from '../session';
import { buildTagTree, tagQuery, type TagNode } from '../tags/tags';

export type TagElement = { readonly kind: 'tag'; readonly node: TagNode };
type InfoEl = { readonly kind: 'info'; readonly text: string; readonly error: boolean };
type El = TagElement | InfoEl;

/** `contextValue` of tag items (package.json menus). */
export const TAG_ITEM_CONTEXT = 'tag';

export class TagsView implements vscode.TreeDataProvider<El>, vscode.Disposable {
  readonly view: vscode.TreeView<El>;
  private readonly emitter = new vscode.EventEmitter<El | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private roots: TagNode[] | undefined;
  private error: string | undefined;
  private readonly counts = new Map<string, number>();
  /** One element object per node: VS Code finds a tree item to update by the element it was given. */
  private elements = new WeakMap<TagNode, TagElement>();
  private loading: Promise<void> | undefined;
  private stale = true;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly api: () => AnkiApi,
    private readonly session: AnkiSession,
  ) {
    this.view = vscode.window.createTreeView(Views.tags, { treeDataProvider: this, showCollapseAll: true });
    this.subs.push(
      this.view,
      this.emitter,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) void this.refresh();
      }),
      this.view.onDidExpandElement((e) => {
        if (e.element.kind === 'tag') void this.countChildren(e.element.node);
      }),
    );
  }

  /** The tags as last loaded (tests). */
  get tree(): readonly TagNode[] | undefined {
    return this.roots;
  }

  countOf(tag: string): number | undefined {
    return this.counts.get(tag.toLowerCase());
  }

  /** Marks the list out of date; reloads now when the view is visible. */
  invalidate(): void {
    this.stale = true;
    if (this.view.visible) void this.refresh();
  }

  /** Reloads the tags and the top level's counts (2 requests). Calls during a load share it. */
  refresh(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    this.stale = false;
    try {
      const tags = await this.api().getTags();
      this.roots = buildTagTree(tags);
      this.error = undefined;
      this.counts.clear();
      await this.countNodes(this.roots);
    } catch (e) {
      this.error = describeAnkiError(e).message;
      if (this.session.state.kind !== 'connected') this.roots = undefined;
    }
    this.emitter.fire(undefined);
  }

  private async countChildren(node: TagNode): Promise<void> {
    const missing = node.children.filter((c) => !this.counts.has(c.name.toLowerCase()));
    if (missing.length === 0) return;
    try {
      await this.countNodes(missing);
      for (const c of missing) this.emitter.fire(this.element(c));
    } catch (e) {
      this.session.log.warn(`Tags view: could not count notes: ${describeAnkiError(e).message}`);
    }
  }

  /** ONE `multi` of `findNotes("tag:…")` for the nodes. */
  private async countNodes(nodes: readonly TagNode[]): Promise<void> {
    if (nodes.length === 0) return;
    const entries = nodes.map((n) => actions.findNotes(tagQuery(n.name)));
    const out = await this.api().multi(entries);
    entries.forEach((e, i) => {
      const o = parseOutcome(e, out[i]);
      const n = nodes[i];
      if (o.ok && n) this.counts.set(n.name.toLowerCase(), o.value.length);
    });
  }

  private element(node: TagNode): TagElement {
    let el = this.elements.get(node);
    if (!el) this.elements.set(node, (el = { kind: 'tag', node }));
    return el;
  }

  getTreeItem(el: El): vscode.TreeItem {
    if (el.kind === 'info') {
      const item = new vscode.TreeItem(el.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon(el.error ? 'warning' : 'info');
      if (el.error) item.command = { command: Commands.refresh, title: vscode.l10n.t('Retry') };
      return item;
    }
    const n = el.node;
    const item = new vscode.TreeItem(n.label, n.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `tag:${n.name.toLowerCase()}`;
    const count = this.counts.get(n.name.toLowerCase());
    item.description = count === undefined ? '' : String(count);
    item.contextValue = TAG_ITEM_CONTEXT;
    item.iconPath = new vscode.ThemeIcon('tag');
    item.tooltip =
      count === undefined
        ? n.name
        : vscode.l10n.t('{0}: {1} notes with this tag or one of its child tags (as Anki searches tag:{0}).', n.name, count);
    item.accessibilityInformation = {
      label: count === undefined ? vscode.l10n.t('{0}, tag', n.name) : vscode.l10n.t('{0}, tag, {1} notes', n.name, count),
    };
    item.command = { command: Commands.searchTag, title: vscode.l10n.t('Search Notes with This Tag'), arguments: [el] };
    return item;
  }

  getChildren(el?: El): El[] {
    if (el?.kind === 'info') return [];
    if (el) return el.node.children.map((node) => this.element(node));
    if (this.error !== undefined && this.roots === undefined) return [{ kind: 'info', text: this.error, error: true }];
    if (this.roots === undefined) {
      if (this.stale && this.session.state.kind === 'connected') void this.refresh();
      return [];
    }
    if (this.roots.length === 0) return [{ kind: 'info', text: vscode.l10n.t('No tags in this collection.'), error: false }];
    return this.roots.map((node) => this.element(node));
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
  }
}
