import { describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { Commands, ItemContext } from '../../../src/constants';
import { applyCounts, buildDeckTree } from '../../../src/core/deckTree';
import { summarizeNote, type NoteSummary } from '../../../src/core/listing';
import { deckItem, moreItem, noteItem, noteTooltip, type NoteElement } from '../../../src/tree/items';
import type { NoteInfo } from '../../../src/anki/api';

function info(id: number, front: string, back = 'b', tags: string[] = []): NoteInfo {
  return {
    noteId: id,
    modelName: 'Basic',
    tags,
    fields: { Back: { value: back, order: 1 }, Front: { value: front, order: 0 } },
    mod: 100,
    cards: [id + 1],
  };
}

describe('deck items', () => {
  const tree = buildDeckTree({ Japanese: 10, 'Japanese::N3': 11, Empty: 12, 'Filtered Deck 1': 13 }, new Set(['Filtered Deck 1']));
  applyCounts(tree, new Map([['Japanese', [1]], ['Japanese::N3', [1, 2, 3]], ['Empty', []], ['Filtered Deck 1', [5]]]));

  it('stable id, count as description, tooltip says what is counted', () => {
    const item = deckItem(tree.byName.get('Japanese')!);
    expect(item.id).toBe('deck:10');
    expect(item.label).toBe('Japanese');
    expect(item.description).toBe('3');
    expect(item.contextValue).toBe(ItemContext.deck);
    expect(item.collapsibleState).toBe(vscode.TreeItemCollapsibleState.Collapsed);
    const tip = (item.tooltip as vscode.MarkdownString).value.replaceAll('&nbsp;', ' ');
    expect(tip).toContain('sub');
    expect(tip).toContain('3');
    expect(tip).toContain('1 of them');
  });

  it('sub-deck label is its last component; empty leaf decks do not expand; filtered decks say so', () => {
    expect(deckItem(tree.byName.get('Japanese::N3')!).label).toBe('N3');
    expect(deckItem(tree.byName.get('Empty')!).collapsibleState).toBe(vscode.TreeItemCollapsibleState.None);
    expect(deckItem(tree.byName.get('Filtered Deck 1')!).contextValue).toBe('deck:filtered');
  });
});

describe('note items', () => {
  const note: NoteSummary = summarizeNote(info(1000, '<b>食べる</b>&nbsp;&amp; more', 'to <i>eat</i> $(bug) *x*', ['verb', 'jlpt::n5']), 'Japanese::N5');
  const uri = vscode.Uri.parse('anki:/Japanese/N5/x.1000.yaml');
  const el: NoteElement = { kind: 'note', key: 'k', note, parentDeck: 'Japanese::N5', id: 'note:1000' };

  it('label is the sort field as text; click opens the anki: document', () => {
    expect(note.label).toBe('食べる & more');
    const item = noteItem(el, uri, false);
    expect(item.label).toBe('食べる & more');
    expect(item.id).toBe('note:1000');
    expect(item.resourceUri?.toString()).toBe(uri.toString());
    expect(item.command).toEqual({ command: 'vscode.open', title: expect.any(String), arguments: [uri] });
    expect(item.contextValue).toBe('note');
    expect(item.description).toBeUndefined();
    expect(noteItem(el, uri, true).description).toBe('Japanese::N5');
  });

  it('an empty sort field gets a placeholder label', () => {
    const empty = summarizeNote(info(5, '<br>'), 'D');
    expect(empty.label).toBe('');
    expect(noteItem({ ...el, note: empty }, uri, false).label).toMatch(/empty/);
  });

  it('tooltip previews every field as escaped text (no icons or markdown from field content)', () => {
    const md = noteTooltip(note);
    expect(md.value).toContain('**Front**');
    expect(md.value).toContain('**Back**');
    expect(md.value).toContain('to&nbsp;eat'); // HTML stripped, text escaped the way VS Code does
    expect(md.value).toContain('\\$\\(bug\\)');
    expect(md.value).toContain('\\*x\\*');
    expect(md.value).toContain('jlpt::n5');
    expect(md.value.indexOf('Front')).toBeLessThan(md.value.indexOf('Back'));
  });

  it('"Load more" tells how many remain and runs the loadMore command with its element', () => {
    const more = { kind: 'more' as const, owner: 'deck:X', parentDeck: 'X', remaining: 450 };
    const item = moreItem(more, 200);
    expect(item.label).toContain('200');
    expect(item.label).toContain('450');
    expect(item.command?.command).toBe(Commands.loadMore);
    expect(item.command?.arguments).toEqual([more]);
  });
});
