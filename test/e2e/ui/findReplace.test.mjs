// UI test: Anki: Find and Replace in Notes… through the palette, its five steps, VS Code's Refactor Preview
// (screenshot: media/find-replace.png with E2E_UPDATE_SCREENSHOT=1), confirming the changes and applying them:
// the confirmed edits reach Anki in one batch and nothing else is written.
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, closeQuickInput, openAnkiView, runCommand, sleep, until } from './workbench.mjs';

const DECK = 'Spanish::Verbs';
const FIND = 'presente';
const REPLACE = 'presente de indicativo';

/** Answers step `n` of the command's five inputs (waits for that step's title, so no keystroke reaches another). */
async function step(page, n, value) {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${n}/5)` }).waitFor({ state: 'visible', timeout: 30000 });
  const input = page.locator('.quick-input-widget .quick-input-box input');
  if (value !== undefined) {
    await input.fill(value);
    await until(async () => (await input.inputValue()) === value, `step ${n} to show the typed text`);
  }
  await page.keyboard.press('Enter');
}

export const tests = [
  {
    name: 'find and replace: the refactor preview shows every change; the checked ones are written in one batch',
    async run({ page, server, screenshot }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      await openAnkiView(page);
      const ids = await server.anki('findNotes', { query: `"deck:${DECK}"` });
      const before = await server.anki('notesInfo', { notes: ids });
      const hits = before.filter((n) => Object.values(n.fields).some((f) => f.value.includes(FIND)));
      assert.ok(hits.length >= 3, `only ${hits.length} notes of ${DECK} contain "${FIND}"`);
      await server.control('resetStats');

      await runCommand(page, 'Anki: Find and Replace in Notes…');
      await step(page, 1, `"deck:${DECK}"`); // 1/5 which notes
      await step(page, 2); // 2/5 options: the default (text only)
      await step(page, 3, FIND); // 3/5 find
      await step(page, 4, REPLACE); // 4/5 replace with
      await step(page, 5); // 5/5 where: all fields
      const rows = page.locator('.part.panel .monaco-list-row');
      await until(async () => (await rows.count()) > 0, 'the Refactor Preview to list the changes', 60000);
      // One note per file row, each with its change(s) below; entries needing confirmation start unchecked.
      assert.equal(await rows.first().getAttribute('aria-setsize'), String(hits.length));
      assert.equal(await page.locator('.part.panel .edit-checkbox[aria-checked="true"]').count(), 0);
      // Open the first change: VS Code shows the note's document before/after.
      await rows.nth(1).click();
      await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30000 });
      // Check every note but the first with the keyboard (Space toggles the focused row, with its changes).
      await page.keyboard.press('Home');
      const focused = page.locator('.part.panel .monaco-list-row.focused');
      const skipLabel = await focused.getAttribute('aria-label');
      const skipId = Number(/\.(\d+)\.yaml/.exec(skipLabel ?? '')?.[1]);
      assert.ok(hits.some((n) => n.noteId === skipId), `first row: ${skipLabel}`);
      let lastIndex = -1;
      for (let k = 0; k < hits.length * 4; k++) {
        const index = await focused.getAttribute('data-index');
        if (index === lastIndex) break; // the end of the list
        lastIndex = index;
        const label = (await focused.getAttribute('aria-label')) ?? '';
        const box = focused.locator('.edit-checkbox').first();
        if ((await focused.getAttribute('aria-level')) === '1' && !label.includes(`.${skipId}.yaml`) && (await box.getAttribute('aria-checked')) !== 'true') {
          await page.keyboard.press('Space');
          await until(async () => (await box.getAttribute('aria-checked')) === 'true', `${label} to be checked`);
        }
        await page.keyboard.press('ArrowDown');
      }
      await until(async () => (await page.locator('.part.panel .edit-checkbox[aria-checked="true"]').count()) >= 2, 'the checked changes to show');
      await page.mouse.move(0, 0);
      await sleep(800);
      const titleBar = await page.locator('.part.titlebar').boundingBox().catch(() => null);
      const top = Math.round(titleBar ? titleBar.y + titleBar.height : 0);
      const size = page.viewportSize() ?? { width: 1400, height: 850 };
      if (process.env.E2E_UPDATE_SCREENSHOT === '1') await screenshot('media/find-replace.png', { clip: { x: 0, y: top, width: size.width, height: size.height - top } });
      // Nothing is written while the preview is open.
      const during = await server.control('stats');
      assert.equal(during.actions.updateNoteFields ?? 0, 0, 'something was written before Apply');

      await page.locator('.part.panel .monaco-button', { hasText: /^Apply$/ }).click();
      const expected = (n) => Object.fromEntries(Object.entries(n.fields).map(([k, f]) => [k, f.value.split(FIND).join(REPLACE)]));
      const last = hits.find((n) => n.noteId === skipId);
      const checked = hits.filter((n) => n.noteId !== skipId);
      await until(async () => {
        const now = await server.anki('notesInfo', { notes: checked.map((n) => n.noteId) });
        return now.every((n, i) => JSON.stringify(Object.fromEntries(Object.entries(n.fields).map(([k, f]) => [k, f.value]))) === JSON.stringify(expected(checked[i])));
      }, 'the checked notes to be saved in Anki', 60000);
      const [lastNow] = await server.anki('notesInfo', { notes: [last.noteId] });
      assert.deepEqual(lastNow.fields, last.fields, 'the unchecked note was written');
      const stats = await server.control('stats');
      const writes = stats.log.filter((e) => (e.subActions ?? [e.action]).includes('updateNoteFields'));
      assert.equal(writes.length, 1, `the confirmed edits in one multi: ${stats.log.map((e) => e.action + (e.subActions ? `[${[...new Set(e.subActions)].join(',')}]` : '')).join(' | ')}`);
      assert.equal(writes[0].subActions.filter((x) => x === 'updateNoteFields').length, hits.length - 1);
      await closeQuickInput(page);
    },
  },
];
