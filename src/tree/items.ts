// Tree elements of the Decks and Search Results views and how they render as TreeItems.
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { Commands, ItemContext } from '../constants';
import type { DeckNode } from '../core/deckTree';
import type { NoteSummary } from '../core/listing';
import { stripHtml, truncateText } from '../notes/paths';

/** What the glue needs from the `anki:` file system (src/fs/index.ts `AnkiFileSystem`). */
export interface NoteUris {
  uriForNote(deck: string, sortFieldHtml: string, noteId: NoteId): vscode.Uri;
  noteIdOf(uri: vscode.Uri): NoteId | undefined;
}

export type DeckElement = { readonly kind: 'deck'; readonly name: string };
export type NoteElement = {
  readonly kind: 'note';
  readonly key: string;
  note: NoteSummary;
  /** The deck it is listed under (Decks view), or undefined in Search Results. */
  readonly parentDeck: string | undefined;
  /** Tree item id: `note:<id>` (the note's main listing) or `note:<id>@<deck id>` (another deck it has cards in). */
  readonly id: string;
};
export type MoreElement = { readonly kind: 'more'; readonly owner: string; remaining: number; readonly parentDeck: string | undefined };
export type InfoElement = { readonly kind: 'info'; readonly key: string; readonly text: string; readonly parentDeck: string | undefined; readonly error: boolean };
export type Element = DeckElement | NoteElement | MoreElement | InfoElement;

export function deckItemId(node: DeckNode): string {
  return node.id !== undefined ? `deck:${node.id}` : `deck:name:${node.name}`;
}

export function deckItem(node: DeckNode): vscode.TreeItem {
  const item = new vscode.TreeItem(
    node.label,
    node.children.length === 0 && node.totalCount === 0
      ? vscode.TreeItemCollapsibleState.None
      : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = deckItemId(node);
  item.description = node.totalCount === undefined ? '' : String(node.totalCount);
  item.contextValue = node.filtered ? ItemContext.filteredDeck : ItemContext.deck;
  item.iconPath = new vscode.ThemeIcon(node.filtered ? 'filter' : 'library');
  item.tooltip = deckTooltip(node);
  // Screen readers hear the deck's own name first (as shown), then what the number means.
  item.accessibilityInformation = {
    label:
      node.totalCount === undefined
        ? vscode.l10n.t('{0}, deck', node.label)
        : vscode.l10n.t('{0}, deck, {1} notes', node.label, node.totalCount),
  };
  return item;
}

export function deckTooltip(node: DeckNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(node.name);
  md.appendMarkdown('**\n\n');
  if (node.totalCount !== undefined) {
    md.appendText(vscode.l10n.t('{0} notes in this deck and its sub-decks (as Anki\'s Browser counts deck:"{1}").', node.totalCount, node.name));
    if (node.ownCount !== undefined && node.children.length > 0) {
      md.appendText('\n\n' + vscode.l10n.t('{0} of them have cards in this deck itself.', node.ownCount));
    }
  } else {
    md.appendText(vscode.l10n.t('Note count not known yet.'));
  }
  if (node.filtered) md.appendText('\n\n' + vscode.l10n.t('Filtered deck.'));
  return md;
}

export function noteItem(el: NoteElement, uri: vscode.Uri, showDeck: boolean): vscode.TreeItem {
  const note = el.note;
  const label = note.label || vscode.l10n.t('(empty first field)');
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = el.id;
  item.resourceUri = uri;
  item.description = showDeck ? note.deck : undefined;
  item.contextValue = ItemContext.note;
  item.iconPath = new vscode.ThemeIcon('note');
  item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Note'), arguments: [uri] };
  return item;
}

/** The tooltip filled in `resolveTreeItem`: note type, id, deck, each field (plain text) and tags. */
export function noteTooltip(note: NoteSummary, maxFieldChars = 200): vscode.MarkdownString {
  // Theme icons on before any user text is appended, so "$(…)" in a field is escaped, not drawn as an icon.
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown('**');
  md.appendText(note.modelName);
  md.appendMarkdown('** · ');
  md.appendText(vscode.l10n.t('note {0}', note.id));
  if (note.deck) {
    md.appendMarkdown(' · ');
    md.appendText(note.deck);
  }
  md.appendMarkdown('\n\n---\n\n');
  for (const [name, html] of note.fields) {
    const text = stripHtml(html);
    md.appendMarkdown('**');
    md.appendText(name);
    md.appendMarkdown('**: ');
    md.appendText(text.length > 0 ? truncateText(text, maxFieldChars) : '—');
    md.appendMarkdown('\n\n');
  }
  if (note.tags.length > 0) {
    md.appendMarkdown('$(tag) ');
    md.appendText(note.tags.join(' '));
  }
  return md;
}

export function moreItem(el: MoreElement, pageSize: number): vscode.TreeItem {
  const item = new vscode.TreeItem(
    vscode.l10n.t('Load more… ({0} of {1} remaining)', Math.min(pageSize, el.remaining), el.remaining),
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `more:${el.owner}`;
  item.contextValue = ItemContext.loadMore;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.command = { command: Commands.loadMore, title: vscode.l10n.t('Load More'), arguments: [el] };
  return item;
}

export function infoItem(el: InfoElement): vscode.TreeItem {
  const item = new vscode.TreeItem(el.text, vscode.TreeItemCollapsibleState.None);
  item.id = `info:${el.key}`;
  item.contextValue = ItemContext.message;
  item.iconPath = new vscode.ThemeIcon(el.error ? 'warning' : 'info');
  item.tooltip = el.text;
  if (el.error) item.command = { command: Commands.refresh, title: vscode.l10n.t('Retry'), arguments: [] };
  return item;
}
