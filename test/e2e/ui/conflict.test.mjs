// UI test of the conflict flow (issue 9): a save refused because the note changed in Anki brings a message with
// Compare / Keep Mine / Take Anki's; after Compare, the diff editor's title has Keep Mine, which finishes in one
// step: Anki gets the editor's text, the diff closes and the editor is clean, with no "file is newer" dialog.
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, cursorToEndOfLineWith, dirtyTab, firstField, runCommand, tab, until } from './workbench.mjs';

const plain = (v) => /^[A-Za-z][A-Za-z0-9 ]{3,80}$/.test(v);

export const tests = [
  {
    name: 'conflict: the message offers Compare / Keep Mine / Take Anki\'s; Keep Mine in the diff editor\'s title finishes in one step',
    async run({ page, server, log }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const ids = await server.anki('findNotes', { query: 'deck:*' });
      const infos = await server.anki('notesInfo', { notes: ids.slice(0, 400) });
      const note = infos.filter((n) => plain(firstField(n)[1].value)).at(-1); // the others' tests take the first ones
      assert.ok(note, 'no plain note');
      const [fieldName, { value }] = firstField(note);
      await runCommand(page, 'Anki: Open Note by ID…');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(String(note.noteId));
      await page.keyboard.press('Enter');
      await tab(page, `.${note.noteId}.yaml`).first().waitFor({ state: 'visible', timeout: 30000 });
      await cursorToEndOfLineWith(page, value);
      await page.keyboard.type(' mine');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'visible', timeout: 10000 });
      await server.control('editInAnki', { noteId: note.noteId, fields: { [fieldName]: `${value} theirs` } });
      await page.keyboard.press('Control+s');
      const toast = page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item').filter({ hasText: `"${value}" changed in Anki since you opened it` }) // this note's message, not an earlier test's
        .filter({ has: page.getByRole('button', { name: 'Keep Mine' }) }).first();
      // a toast, or (when VS Code's own save-error toast pushed it into the notification center) the center
      await until(async () => {
        if (await toast.isVisible().catch(() => false)) return true;
        if (!(await page.locator('.notifications-center').isVisible().catch(() => false))) await runCommand(page, 'Notifications: Show Notifications');
        return false;
      }, 'the conflict message with Compare / Keep Mine / Take Anki\'s', 30000, 1000);
      for (const b of ['Compare', 'Keep Mine', "Take Anki's"]) assert.equal(await toast.getByRole('button', { name: b }).count(), 1, `no ${b} button`);
      await toast.getByRole('button', { name: 'Compare' }).click();
      const keep = page.locator('.editor-actions [aria-label^="Keep Mine"]').first();
      await keep.waitFor({ state: 'visible', timeout: 30000 });
      assert.equal(await page.locator('.editor-actions [aria-label^="Take Anki"]').count() > 0, true, 'no Take Anki\'s in the diff editor title');
      await keep.click();
      await until(async () => {
        const [after] = await server.anki('notesInfo', { notes: [note.noteId] });
        return after.fields[fieldName].value === `${value} mine`;
      }, 'Anki to have the editor\'s text', 30000, 500);
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'detached', timeout: 30000 });
      // no VS Code "file is newer" message came up on the way
      const newer = await page.locator('.notifications-toasts, .monaco-dialog-box').filter({ hasText: 'is newer' }).count();
      assert.equal(newer, 0, 'VS Code\'s "file is newer" message came up');
      log('Keep Mine finished from the diff editor title');
    },
  },
];
