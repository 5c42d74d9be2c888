// UI tests of tabs that follow the note (issue 9): a new-note draft opens pinned with the cursor in its first
// field; a note deleted through Anki Files closes its tab.
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, runCommand, sleep, tab, until, visibleEditorLines, openNoteById } from './workbench.mjs';

/** Types `text` into the open QuickPick and accepts the first (best) match. */
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
    name: 'New Note opens its draft pinned, with the cursor in the first field',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      await runCommand(page, 'Anki: New Note');
      await pick(page, 'Default');
      await pick(page, 'Basic');
      const draft = tab(page, 'New Basic note').first();
      await draft.waitFor({ state: 'visible', timeout: 30000 });
      // the cursor is put after "  Front: " (line 7, column 10) once the draft is shown: wait for the status bar to say so
      await page.locator('.statusbar-item').filter({ hasText: /Ln 7, Col 10\b/ }).first().waitFor({ state: 'visible', timeout: 15000 });
      await page.keyboard.type('Typed right away');
      await until(async () => (await visibleEditorLines(page)).some((l) => /^\s*Front: Typed right away$/.test(l)), 'the typed text to land in the first field', 15000);
      // pinned: opening another note does not replace the draft's tab (a preview tab would be replaced)
      const ids = await server.anki('findNotes', { query: 'deck:*' });
      await openNoteById(page, ids[0]);
      await sleep(500);
      assert.equal(await tab(page, 'New Basic note').count(), 1, 'the draft tab was replaced: it opened as a preview');
      // once saved, the draft becomes the note's own document: one tab named after the note, no draft name
      await draft.click();
      await page.keyboard.press('Control+s');
      const [id] = await until(async () => {
        const found = await server.anki('findNotes', { query: '"Front:Typed right away"' });
        return found.length === 1 ? found : undefined;
      }, 'the note to be added', 30000, 500);
      await tab(page, `Typed right away.${id}.yaml`).first().waitFor({ state: 'visible', timeout: 30000 });
      await tab(page, 'New Basic note').first().waitFor({ state: 'detached', timeout: 15000 });
    },
  },
  {
    name: 'a note deleted with Anki: Delete Note closes its tab',
    async run({ page, server }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const ids = await server.anki('findNotes', { query: 'deck:*' });
      const id = ids[Math.floor(ids.length / 2)];
      await openNoteById(page, id);
      await runCommand(page, 'Anki: Delete Note');
      const del = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Delete' });
      await del.waitFor({ state: 'visible', timeout: 15000 });
      await del.click();
      await tab(page, `.${id}.yaml`).first().waitFor({ state: 'detached', timeout: 30000 });
      assert.deepEqual(await server.anki('findNotes', { query: `nid:${id}` }), []);
    },
  },
];
