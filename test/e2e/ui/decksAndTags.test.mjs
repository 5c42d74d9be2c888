// UI test: the Tags view (hierarchy with note counts, a click lists the tag's notes in Search Results) and the
// deck context menu's Rename Deck… / Delete Deck… (the modal names the card count; Cancel deletes nothing).
// Screenshot: media/tags-view.png with E2E_UPDATE_SCREENSHOT=1.
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, decksPane, escapeRe, openAnkiView, runCommand, treeItem, until, viewDescriptions } from './workbench.mjs';

/** The pane of the view whose header says `name`. */
function pane(page, name) {
  return page.locator('.part.sidebar .pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRe(name)}`, 'i') }) }).first();
}

/** Collapses every deck of the Decks view and scrolls it to the top (earlier tests may have expanded decks). */
async function collapseDecks(page) {
  const list = decksPane(page).locator('.monaco-list').first();
  await list.waitFor({ state: 'visible', timeout: 30000 });
  await list.focus();
  await page.keyboard.press('Control+ArrowLeft'); // list.collapseAll
  await page.keyboard.press('Home');
}


/** Clicks a context-menu item until the menu is gone (a click that lands while the menu is being laid out is
 * dropped: seen in a full run, the item highlighted and the menu still up). */
async function runMenuItem(item) {
  await item.waitFor({ state: 'visible', timeout: 15000 });
  await until(async () => {
    if (!(await item.isVisible().catch(() => false))) return true;
    await item.click({ timeout: 2000 }).catch(() => {});
    return false;
  }, 'the context menu item to run', 15000, 500);
}

export const tests = [
  {
    name: 'Tags view: the tag hierarchy with note counts; clicking a tag lists its notes in Search Results',
    async run({ page, server, screenshot }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      await openAnkiView(page);
      const tags = await server.anki('getTags');
      const parent = tags.map((t) => t.split('::')[0]).find((top) => tags.some((t) => t.toLowerCase().startsWith(`${top.toLowerCase()}::`)));
      assert.ok(parent, `the sample collection has no hierarchical tag: ${tags.join(' ')}`);
      const tagsPane = pane(page, 'Tags');
      const header = tagsPane.locator('.pane-header');
      await header.waitFor({ state: 'visible', timeout: 30000 });
      if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
      const item = treeItem(tagsPane, new RegExp(`^${escapeRe(parent)},`)).first();
      await item.waitFor({ state: 'visible', timeout: 30000 });
      const count = (await server.anki('findNotes', { query: `"tag:${parent}"` })).length;
      await until(async () => ((await item.textContent()) ?? '').includes(String(count)), `the count ${count} on tag ${parent}`);
      // The twistie expands it (a click on the label runs the item's command: the search, below)
      await item.locator('.monaco-tl-twistie').click();
      await until(async () => (await item.getAttribute('aria-expanded')) === 'true', 'the tag to expand', 15000);
      const child = tags.find((t) => t.toLowerCase().startsWith(`${parent.toLowerCase()}::`));
      const childItem = treeItem(tagsPane, new RegExp(`^${escapeRe(child)},`)).first(); // its accessible name is the full tag
      await childItem.waitFor({ state: 'visible', timeout: 30000 });
      const childCount = (await server.anki('findNotes', { query: `"tag:${child}"` })).length;
      await until(async () => ((await childItem.textContent()) ?? '').includes(String(childCount)), `the count ${childCount} on tag ${child}`);
      await item.click();
      await until(async () => (await viewDescriptions(page)).some((d) => d.includes(`tag:${parent}`)), 'Search Results to show the tag search', 30000);
      const bar = await page.locator('.part.sidebar').boundingBox();
      if (process.env.E2E_UPDATE_SCREENSHOT === '1' && bar) await screenshot('media/tags-view.png', { clip: { x: 0, y: bar.y, width: bar.x + bar.width, height: bar.height } });
    },
  },
  {
    name: 'deck context menu: Rename Deck… and Delete Deck…; the delete modal names the card count, Cancel keeps the deck',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const decks = await openAnkiView(page);
      const names = await server.anki('deckNames');
      const deck = names.find((n) => !n.includes('::') && n !== 'Default');
      assert.ok(deck, 'no top-level deck besides Default');
      const cards = (await server.anki('findCards', { query: `"deck:${deck}"` })).length;
      await collapseDecks(page);
      const item = treeItem(decksPane(page), deck).first();
      await item.waitFor({ state: 'visible', timeout: 30000 });
      await item.click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container').first();
      await menu.waitFor({ state: 'visible', timeout: 15000 });
      await menu.getByRole('menuitem', { name: /Rename Deck…/ }).waitFor({ state: 'visible', timeout: 15000 });
      await runMenuItem(menu.getByRole('menuitem', { name: /Delete Deck…/ }));
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: 15000 });
      await until(async () => ((await dialog.textContent()) ?? '').includes(`${cards} cards`), `the dialog to name ${cards} cards`);
      assert.match((await dialog.textContent()) ?? '', /Anki deletes the cards with the deck/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 15000 });
      assert.ok((await server.anki('deckNames')).includes(deck), 'the deck was deleted although the dialog was cancelled');
      assert.equal((await server.anki('findCards', { query: `"deck:${deck}"` })).length, cards);
      void decks;
    },
  },
  {
    name: 'Rename Deck… from the context menu: the input box, then the tree shows the deck under its new name with its note',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      await server.anki('createDeck', { deck: 'UI Rename Source::Child' });
      const id = await server.anki('addNote', { note: { deckName: 'UI Rename Source::Child', modelName: 'Basic', fields: { Front: 'ui rename', Back: 'b' } } });
      await openAnkiView(page);
      await runCommand(page, 'Anki: Refresh');
      await collapseDecks(page);
      const item = treeItem(decksPane(page), 'UI Rename Source').first();
      await item.waitFor({ state: 'visible', timeout: 30000 });
      await item.click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container').first();
      await runMenuItem(menu.getByRole('menuitem', { name: /Rename Deck…/ }));
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 15000 });
      await until(async () => (await input.inputValue()) === 'UI Rename Source', 'the input box to hold the current name');
      await input.fill('UI Renamed');
      await page.keyboard.press('Enter');
      await until(async () => {
        const names = await server.anki('deckNames');
        return names.includes('UI Renamed::Child') && !names.includes('UI Rename Source');
      }, 'the rename to reach Anki', 30000);
      const renamed = treeItem(decksPane(page), 'UI Renamed').first();
      await renamed.waitFor({ state: 'visible', timeout: 30000 });
      assert.equal(await treeItem(decksPane(page), 'UI Rename Source').count(), 0);
      assert.deepEqual(await server.anki('findNotes', { query: '"deck:UI Renamed::Child"' }), [id]);
    },
  },
];
