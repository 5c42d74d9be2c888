// UI tests in the real VS Code workbench (run in order on one page by scripts/run-e2e.mjs, phase "ui").
// Each test gets `t` = { page, server: { url, controlUrl, anki(action, params), control(op, args), restart() },
// screenshot(file), log(...) } and ends with a screenshot in test-results/e2e/<test name>.png.
// Written against the manifest: view container "Anki", view `ankiFiles.decks` ("Decks"), commands titled
// "Anki: …" (package.nls.json), note files `<label>.<noteId>.yaml` in the `anki:` scheme.
import assert from 'node:assert/strict';
import {
  activeNoteId, clearNotifications, notificationCenterTexts, closeAllEditors, closeQuickInput, cursorToEndOfLineWith, decksPane, dirtyTab, escapeRe,
  expand, firstField, japanese, notificationTexts, openAnkiView, runCommand, sleep, tab, treeItem, until, viewDescriptions, visibleEditorLines, openNoteById } from './workbench.mjs';

/** Top-level deck names of the test collection, and for each deck its direct note ids. */
async function collectionFacts(server) {
  const decks = await server.anki('deckNames');
  const top = [...new Set(decks.map((d) => d.split('::')[0]))].sort();
  return { decks, top };
}

/** A leaf deck that holds notes directly: { deck, ids }. */
async function leafDeckWithNotes(server) {
  const { decks } = await collectionFacts(server);
  for (const d of decks.filter((x) => !decks.some((y) => y.startsWith(`${x}::`)))) {
    const ids = await server.anki('findNotes', { query: `"deck:${d}" -"deck:${d}::*"` });
    if (ids.length > 0) return { deck: d, ids };
  }
  throw new Error('no leaf deck with notes in the test collection');
}

/** A note from the test server matching `pred(note)`, searching the first `limit` notes. */
async function pickNote(server, pred, query = 'deck:*', limit = 400) {
  const ids = await server.anki('findNotes', { query });
  const infos = await server.anki('notesInfo', { notes: ids.slice(0, limit) });
  const n = infos.find(pred);
  if (!n) throw new Error(`no note in the test collection matches ${pred}`);
  const decksOf = await server.anki('getDecks', { cards: n.cards.slice(0, 1) });
  return { note: n, deck: Object.keys(decksOf)[0] };
}

/** Expands the deck path `A::B::C` in the Decks view and returns the pane. */
async function expandDeckPath(page, deck) {
  const pane = await openAnkiView(page);
  let level = 1;
  for (const seg of deck.split('::')) {
    const item = pane.locator(`[role="treeitem"][aria-level="${level}"]`).filter({ hasText: new RegExp(`^\\s*${escapeRe(seg)}`) }).first();
    await expand(item);
    level++;
  }
  return pane;
}

const plain = (v) => /^[A-Za-z][A-Za-z0-9 ]{3,40}$/.test(v);

export const tests = [
  {
    name: 'the Anki view shows the deck tree from the test server',
    async run({ page, server }) {
      const { top } = await collectionFacts(server);
      const pane = await openAnkiView(page);
      for (const name of top.filter((d) => d !== 'Default')) {
        await treeItem(pane, name).first().waitFor({ state: 'visible', timeout: 30000 });
      }
    },
  },
  {
    name: 'expanding a deck lists its notes and clicking one opens it',
    async run({ page, server }) {
      const target = await leafDeckWithNotes(server);
      const pane = await expandDeckPath(page, target.deck);
      const level = target.deck.split('::').length + 1;
      const firstNote = pane.locator(`[role="treeitem"][aria-level="${level}"]:not([aria-expanded])`).first();
      await firstNote.waitFor({ state: 'visible' });
      await firstNote.click();
      await until(async () => {
        try {
          return target.ids.includes(await activeNoteId(page));
        } catch {
          return false;
        }
      }, `a note of deck ${target.deck} to open in the editor`);
      const id = String(await activeNoteId(page));
      await until(async () => (await visibleEditorLines(page)).join('\n').includes(id), `the opened document to show note id ${id}`, 15000);
    },
  },
  {
    name: 'editing a field and pressing Ctrl+S saves the note to Anki',
    async run({ page, server }) {
      await closeAllEditors(page);
      const { note } = await pickNote(server, (n) => plain(firstField(n)[1].value));
      const [fieldName, { value }] = firstField(note);
      await openNoteById(page, note.noteId);
      await cursorToEndOfLineWith(page, value);
      await page.keyboard.type(' edited in VS Code');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'visible', timeout: 10000 });
      await page.keyboard.press('Control+s');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'detached', timeout: 30000 });
      const [after] = await server.anki('notesInfo', { notes: [note.noteId] });
      assert.equal(after.fields[fieldName].value, `${value} edited in VS Code`);
    },
  },
  {
    name: 'Anki: Search Notes… finds a note and opens it',
    async run({ page, server }) {
      await closeAllEditors(page);
      const { note } = await pickNote(server, (n) => plain(firstField(n)[1].value) && firstField(n)[1].value.split(' ').length >= 2);
      const words = firstField(note)[1].value;
      await runCommand(page, 'Anki: Search Notes…');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`"${words}"`);
      await page.keyboard.press('Enter'); // runs the query (input box) or accepts the first match (quick pick)
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: words.split(' ')[0] }).first();
      const opened = tab(page, `.${note.noteId}.yaml`).first();
      await until(async () => {
        if (await opened.isVisible()) return true;
        if (await row.isVisible().catch(() => false)) await row.click().catch(() => {});
        const results = page.locator('.part.sidebar [role="treeitem"]', { hasText: words.split(' ')[0] }).first();
        if (!(await page.locator('.quick-input-widget').isVisible()) && (await results.isVisible().catch(() => false))) await results.click().catch(() => {});
        return false;
      }, `the note ${note.noteId} found by search to open`);
    },
  },
  {
    name: 'when Anki stops answering, the Decks view keeps the cached tree marked offline, a note opens read-only, and Retry brings Anki back',
    async run({ page, server }) {
      await closeAllEditors(page);
      // list a leaf deck's notes while Anki answers (so they are in the offline cache)
      const { top } = await collectionFacts(server);
      const target = await leafDeckWithNotes(server);
      const pane = await expandDeckPath(page, target.deck);
      const level = target.deck.split('::').length + 1;
      const firstNote = pane.locator(`[role="treeitem"][aria-level="${level}"]:not([aria-expanded])`).first();
      await firstNote.waitFor({ state: 'visible' });

      await server.control('refuseConnections', { on: true });
      await runCommand(page, 'Anki: Refresh');
      // the status bar says Anki is not running and that cached data is shown …
      await page.locator('.statusbar-item', { has: page.locator('[aria-label^="Anki is not running"]') })
        .or(page.locator('.statusbar-item[aria-label^="Anki is not running"]')).first().waitFor({ state: 'visible', timeout: 30000 });
      await page.locator('.statusbar-item').filter({ hasText: /Anki \(offline, cached/ }).first().waitFor({ state: 'visible', timeout: 15000 });
      // … the Decks view keeps the tree, marked offline (its message and description), instead of going blank
      const offlineNote = page.locator('.part.sidebar').getByText('Anki is not running: showing the decks and notes cached at', { exact: false });
      await offlineNote.first().waitFor({ state: 'visible', timeout: 15000 });
      assert.ok((await viewDescriptions(page)).some((d) => /^offline · cached /.test(d.trim())), 'the view description says offline');
      await treeItem(pane, top.find((d) => d !== 'Default') ?? top[0]).first().waitFor({ state: 'visible', timeout: 15000 });
      // a note listed before opens from the cache, read-only: typing changes nothing
      await firstNote.click();
      await until(async () => {
        try {
          return target.ids.includes(await activeNoteId(page));
        } catch {
          return false;
        }
      }, `a note of deck ${target.deck} to open from the offline cache`);
      const id = String(await activeNoteId(page));
      await until(async () => (await visibleEditorLines(page)).join('\n').includes(id), `the cached document to show note id ${id}`, 15000);
      const before = (await visibleEditorLines(page)).join('\n');
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.type('zzqq');
      await sleep(500);
      assert.equal((await visibleEditorLines(page)).join('\n').includes('zzqq'), false, 'the offline note accepted typing');
      assert.equal(await dirtyTab(page, `.${id}.yaml`).count(), 0);
      assert.equal((await visibleEditorLines(page)).join('\n'), before);

      // Anki is back: Retry (status bar) reconnects, the offline mark goes, the note is editable again
      await server.control('refuseConnections', { on: false });
      await runCommand(page, 'Anki: Retry Connection');
      await offlineNote.first().waitFor({ state: 'detached', timeout: 30000 });
      await treeItem(pane, top.find((d) => d !== 'Default') ?? top[0]).first().waitFor({ state: 'visible', timeout: 30000 });
      await until(async () => {
        await page.locator('.monaco-editor .view-lines').first().click();
        await page.keyboard.press('End');
        await page.keyboard.type('q');
        await sleep(300);
        return (await dirtyTab(page, `.${id}.yaml`).count()) > 0;
      }, 'the note to be editable again once Anki answers', 30000);
    },
  },
  {
    name: 'a conflicting edit made in Anki makes Ctrl+S fail visibly and keeps the text',
    async run({ page, server, log }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const { note } = await pickNote(server, (n) => plain(firstField(n)[1].value));
      const [fieldName, { value }] = firstField(note);
      await openNoteById(page, note.noteId);
      await cursorToEndOfLineWith(page, value);
      await page.keyboard.type(' changed in VS Code');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'visible', timeout: 10000 });
      // while the editor holds unsaved text, the note changes in Anki
      await server.control('editInAnki', { noteId: note.noteId, fields: { [fieldName]: `${value} changed in Anki` } });
      await page.keyboard.press('Control+s');
      // the save must fail visibly: an error notification (as a toast, or at least in the notification center)
      const message = await until(
        async () => {
          const toast = (await notificationTexts(page)).find((t) => /fail|conflict|changed|newer/i.test(t));
          if (toast) return toast;
          if (!(await dirtyTab(page, `.${note.noteId}.yaml`).count())) throw new Error('the editor was saved');
          return (await notificationCenterTexts(page)).find((t) => /fail|conflict|changed|newer/i.test(t));
        },
        'an error notification about the failed save',
        30000,
        1000,
      );
      log(`save failed with: ${message}`);
      await sleep(500);
      assert.equal(await dirtyTab(page, `.${note.noteId}.yaml`).count(), 1, 'the editor is not dirty any more: was the text dropped?');
      const [after] = await server.anki('notesInfo', { notes: [note.noteId] });
      assert.equal(after.fields[fieldName].value, `${value} changed in Anki`, 'the change made in Anki was overwritten');
      assert.ok((await visibleEditorLines(page)).some((l) => l.includes('changed in VS Code')), 'the edited text is gone from the editor');
    },
  },
  {
    // Its test-results/e2e/*.png is the README image; E2E_UPDATE_SCREENSHOT=1 also writes media/screenshot.png.
    name: 'README screenshot: deck tree and a Japanese note',
    async run({ page, server, screenshot }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const { note, deck } = await pickNote(server, (n) => Object.values(n.fields).some((f) => japanese.test(f.value)));
      await expandDeckPath(page, deck);
      await openNoteById(page, note.noteId);
      await closeQuickInput(page);
      await page.mouse.move(0, 0);
      await sleep(800); // let the tree selection and editor settle
      // the README image is replaced only on request, so test runs do not dirty the checkout
      // (without the title bar, which says "[Extension Development Host]")
      const titleBar = await page.locator('.part.titlebar').boundingBox().catch(() => null);
      const top = Math.round(titleBar ? titleBar.y + titleBar.height : 0);
      const size = page.viewportSize() ?? { width: 1400, height: 850 };
      if (process.env.E2E_UPDATE_SCREENSHOT === '1') await screenshot('media/screenshot.png', { clip: { x: 0, y: top, width: size.width, height: size.height - top } });
      const lines = await visibleEditorLines(page);
      assert.ok(lines.some((l) => japanese.test(l)), 'the open note shows no Japanese text');
      assert.ok(decksPane(page), 'decks pane');
    },
  },
];
