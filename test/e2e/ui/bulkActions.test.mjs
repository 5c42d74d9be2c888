// UI tests of the bulk actions (issue 12 §3): two notes Ctrl+clicked in the Decks view, Add Tags… from their
// context menu; Move to Deck… from the command palette for the open note.
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, closeQuickInput, escapeRe, expand, openAnkiView, openNoteById, runCommand, until } from './workbench.mjs';

const TAG = 'e2e-ui-bulk';

/** A leaf deck with at least `n` notes of its own: { deck, ids }. */
async function leafDeckWith(server, n) {
  const decks = await server.anki('deckNames');
  for (const d of decks.filter((x) => !decks.some((y) => y.startsWith(`${x}::`)))) {
    const ids = await server.anki('findNotes', { query: `"deck:${d}" -"deck:${d}::*"` });
    if (ids.length >= n) return { deck: d, ids };
  }
  throw new Error(`no leaf deck with ${n} notes in the test collection`);
}

async function expandDeckPath(page, deck) {
  const pane = await openAnkiView(page);
  // Decks an earlier test expanded list their notes at the same tree level: collapse everything first.
  const collapse = page.locator('.part.sidebar .action-label[aria-label^="Collapse All"]').first();
  if (await collapse.isVisible().catch(() => false)) await collapse.click();
  let level = 1;
  for (const seg of deck.split('::')) {
    const item = pane.locator(`[role="treeitem"][aria-level="${level}"]`).filter({ hasText: new RegExp(`^\\s*${escapeRe(seg)}`) }).first();
    await expand(item);
    level++;
  }
  return pane;
}

/**
 * Click on `a`, Ctrl+click on `b`; until both rows say they are selected (a tree refresh that lands between the
 * clicks, e.g. the one opening a note causes, can drop the second click: it is clicked again, never toggled off).
 */
async function selectBoth(a, b) {
  await a.click();
  await until(async () => {
    if ((await a.getAttribute('aria-selected')) !== 'true') await a.click();
    else if ((await b.getAttribute('aria-selected')) !== 'true') await b.click({ modifiers: ['ControlOrMeta'] });
    return (await a.getAttribute('aria-selected')) === 'true' && (await b.getAttribute('aria-selected')) === 'true';
  }, 'both notes to be selected', 20000, 500);
}

/** Right-clicks `row` and runs the context menu item `label` (clicked again while the menu is still up: a click
 * that lands while the menu is being laid out is dropped on VS Code 1.90). */
async function contextMenu(page, row, label) {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: 15000 });
  await until(async () => {
    if (!(await item.isVisible().catch(() => false))) return true;
    await item.click({ timeout: 2000 }).catch(() => {});
    return false;
  }, `the context menu item ${label} to run`, 15000, 500);
}

/** Types `text` into the open QuickPick and accepts the focused match. */
async function pick(page, text) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30000 });
  await input.fill(text);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: text }).first().waitFor({ state: 'visible', timeout: 15000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15000 }).catch(() => {});
}

export const tests = [
  {
    name: 'two notes Ctrl+clicked in the Decks view get a tag from their context menu (Add Tags…)',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      assert.deepEqual(await server.anki('findNotes', { query: `tag:${TAG}` }), [], 'tag already in the collection');
      const target = await leafDeckWith(server, 2);
      const pane = await expandDeckPath(page, target.deck);
      const rows = pane.locator(`[role="treeitem"][aria-level="${target.deck.split('::').length + 1}"]:not([aria-expanded])`);
      await rows.nth(1).waitFor({ state: 'visible', timeout: 30000 });
      await selectBoth(rows.nth(0), rows.nth(1));
      await contextMenu(page, rows.nth(1), 'Add Tags…');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 15000 });
      await until(async () => /Add Tags to 2 Notes/.test((await page.locator('.quick-input-widget').textContent()) ?? ''), 'the input box to say it tags 2 notes', 15000);
      await input.fill(TAG);
      await page.keyboard.press('Enter');
      const tagged = await until(async () => {
        const ids = await server.anki('findNotes', { query: `tag:${TAG}` });
        return ids.length === 2 ? ids : undefined;
      }, 'two notes to have the tag', 30000, 300);
      for (const id of tagged) assert.ok(target.ids.includes(id), `note ${id} is not in ${target.deck}`);
      await server.anki('removeTags', { notes: tagged, tags: TAG });
    },
  },
  {
    name: 'Anki: Move to Deck… from the command palette moves the open note',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const target = await leafDeckWith(server, 1);
      const decks = await server.anki('deckNames');
      const other = decks.find((d) => d !== target.deck && !d.startsWith(`${target.deck}::`) && !/Filtered/i.test(d));
      assert.ok(other, 'no other deck');
      const id = target.ids[target.ids.length - 1];
      const [info] = await server.anki('notesInfo', { notes: [id] });
      await openNoteById(page, id);
      await runCommand(page, 'Anki: Move to Deck…');
      await until(async () => /Move 1 Note to Deck/.test((await page.locator('.quick-input-widget').textContent()) ?? ''), 'the deck picker for 1 note', 15000);
      await pick(page, other);
      await until(async () => {
        const d = await server.anki('getDecks', { cards: info.cards });
        return Object.keys(d).length === 1 && Object.keys(d)[0] === other;
      }, `the note's cards to be in ${other}`, 30000, 300);
      await server.anki('changeDeck', { cards: info.cards, deck: target.deck });
      await closeQuickInput(page);
    },
  },
];

tests.push({
  name: 'Remove Tags… offers the selection\'s tags and Delete Notes… asks with the count (modal), then deletes the selected notes',
  async run({ page, server }) {
    await closeAllEditors(page);
    await clearNotifications(page);
    const deck = 'E2E UI Bulk';
    await server.anki('createDeck', { deck });
    const ids = [];
    for (const front of ['bulk ui one', 'bulk ui two']) {
      ids.push(await server.anki('addNote', { note: { deckName: deck, modelName: 'Basic', fields: { Front: front, Back: 'x' }, tags: ['ui-keep', 'ui-drop'] } }));
    }
    await runCommand(page, 'Anki: Refresh');
    const pane = await expandDeckPath(page, deck);
    // by name: a deck expanded by an earlier test lists its own notes at the same level
    const one = pane.locator('[role="treeitem"][aria-level="2"]', { hasText: 'bulk ui one' }).first();
    const two = pane.locator('[role="treeitem"][aria-level="2"]', { hasText: 'bulk ui two' }).first();
    const rows = { nth: (i) => (i === 0 ? one : two) };
    await rows.nth(1).waitFor({ state: 'visible', timeout: 30000 });
    await selectBoth(rows.nth(0), rows.nth(1));

    // Remove Tags…: the picker lists the selection's tags with their counts; check one and accept
    await contextMenu(page, rows.nth(1), 'Remove Tags…');
    const dropRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ui-drop' }).first();
    await dropRow.waitFor({ state: 'visible', timeout: 15000 });
    assert.match((await dropRow.textContent()) ?? '', /2 of 2 notes/);
    await dropRow.click(); // a row of a multi-select picker toggles its checkbox
    await page.locator('.quick-input-widget', { hasText: '1 Selected' }).first().waitFor({ state: 'visible', timeout: 15000 });
    await page.locator('.quick-input-widget').getByRole('button', { name: 'OK' }).click();
    await until(async () => {
      const infos = await server.anki('notesInfo', { notes: ids });
      return infos.every((n) => n.tags.length === 1 && n.tags[0] === 'ui-keep');
    }, 'ui-drop to be removed from both notes', 30000, 300);

    // Delete Notes…: a modal with the count; Delete deletes both
    await contextMenu(page, rows.nth(1), 'Delete Notes…');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    assert.match((await dialog.textContent()) ?? '', /Delete 2 note\(s\) and their 2 card\(s\) from Anki\?/);
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await until(async () => (await server.anki('findNotes', { query: `nid:${ids.join(',')}` })).length === 0, 'both notes to be deleted', 30000, 300);
    await server.anki('deleteDecks', { decks: [deck], cardsToo: true });
  },
});
