// The Decks view's tree provider inside the real extension host, checked against the test server's own
// answers (deck names, per-deck note ids), plus its request budget for opening a deck.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AnkiFilesTestApi } from '../../../src/extension';
import { activateExtension, anki, findNotes, stats, waitFor } from './helpers';

/** Deck names in `deck:` are patterns (reference §4): escape `\ " * _` for the exact name. */
const escapeDeck = (deck: string): string => deck.replace(/[\\"*_]/g, (c) => `\\${c}`);
const exact = (deck: string): string => `"deck:${escapeDeck(deck)}"`;
/** The deck itself without its sub-decks (the `::*` wildcard stays a wildcard). */
const own = (deck: string): string => `${exact(deck)} -"deck:${escapeDeck(deck)}::*"`;

async function api(): Promise<AnkiFilesTestApi> {
  const ext = await activateExtension();
  const exported = ext.exports as AnkiFilesTestApi | undefined;
  assert.ok(exported?.decks, 'activate returned no test API (extensionMode must be Test)');
  return exported;
}

const labelOf = (item: vscode.TreeItem): string =>
  typeof item.label === 'string' ? item.label : (item.label?.label ?? '');

describe('Decks view (tree provider in the extension host)', () => {
  it('lists the top-level decks with note counts that match Anki\'s own search', async () => {
    const { decks } = await api();
    await decks.refresh();
    const roots = await waitFor(async () => {
      const r = await decks.getChildren();
      return r.length > 0 && r.every((e) => e.kind === 'deck') ? r : undefined;
    }, 'the deck tree');
    const names = (await anki('deckNames')) as string[];
    const topLevel = [...new Set(names.map((n) => n.split('::')[0] as string))];
    const shown = roots.map((e) => labelOf(decks.getTreeItem(e)));
    assert.deepEqual([...shown].sort(), [...topLevel].sort());
    for (const el of roots) {
      const item = decks.getTreeItem(el);
      const expected = (await findNotes(exact(labelOf(item)))).length;
      assert.equal(item.description, String(expected), `count of deck ${labelOf(item)}`);
    }
  });

  it('a deck lists its sub-decks first, then the notes in that deck itself, each opening its anki: document', async () => {
    const { decks } = await api();
    const names = (await anki('deckNames')) as string[];
    // A deck that has both sub-decks and notes of its own, if the sample has one; else any deck with notes.
    const withOwnNotes: Array<{ name: string; own: number[] }> = [];
    for (const n of names) {
      const ids = await findNotes(own(n));
      if (ids.length > 0) withOwnNotes.push({ name: n, own: ids });
    }
    assert.ok(withOwnNotes.length > 0, 'the sample collection has no deck with notes');
    const target = withOwnNotes.find((d) => names.some((n) => n.startsWith(`${d.name}::`))) ?? withOwnNotes[0]!;
    // Walk down to the target deck through the tree itself.
    let level = await decks.getChildren();
    let el: (typeof level)[number] | undefined;
    const parts = target.name.split('::');
    for (let i = 0; i < parts.length; i++) {
      const want = parts.slice(0, i + 1).join('::');
      el = level.find((e) => e.kind === 'deck' && e.name === want);
      assert.ok(el, `deck ${want} is not in the tree`);
      if (i < parts.length - 1) level = await decks.getChildren(el);
    }
    const before = (await stats()).requests; // counts AnkiConnect requests only (the control port is separate)
    const children = await decks.getChildren(el);
    const requests = (await stats()).requests - before;
    assert.ok(requests <= 2, `opening the deck cost ${requests} requests`);
    const kinds = children.map((c) => c.kind);
    const firstNote = kinds.indexOf('note');
    assert.ok(firstNote >= 0, `no notes listed in ${target.name}: ${JSON.stringify(children.map((c) => (c.kind === 'info' ? c.text : c.kind)))}`);
    assert.ok(kinds.slice(firstNote).every((k) => k !== 'deck'), `sub-decks must come before notes: ${kinds.join(',')}`);
    const subDecks = names.filter((n) => n.startsWith(`${target.name}::`) && !n.slice(target.name.length + 2).includes('::'));
    assert.equal(kinds.filter((k) => k === 'deck').length, subDecks.length);
    const notes = children.filter((c) => c.kind === 'note');
    const ids = notes.map((n) => (n.kind === 'note' ? n.note.id : 0));
    for (const id of ids) assert.ok(target.own.includes(id), `note ${id} is not in ${target.name} itself`);
    assert.equal(ids.length, Math.min(target.own.length, vscode.workspace.getConfiguration('ankiFiles').get<number>('pageSize', 200)));
    // Each note item opens its anki: document, and knows its parent (Reveal Active Note needs it).
    const item = decks.getTreeItem(notes[0]!);
    assert.equal(item.command?.command, 'vscode.open');
    const uri = item.command?.arguments?.[0] as vscode.Uri;
    assert.equal(uri.scheme, 'anki');
    assert.match(uri.path, new RegExp(`\\.${ids[0]}\\.yaml$`));
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.match(text, new RegExp(`^id: ${ids[0]}$`, 'm'));
    const parent = decks.getParent(notes[0]!);
    assert.ok(parent && parent.kind === 'deck' && parent.name === target.name);
  });
});
