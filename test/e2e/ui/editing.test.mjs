// UI test of the editing help: a note document in the anki-note language shows its field HTML highlighted,
// and a problem typed into it is underlined with its explanation on hover (no save).
// E2E_UPDATE_SCREENSHOT=1 also writes media/editing-help.png (the README image).
import assert from 'node:assert/strict';
import { clearNotifications, closeAllEditors, closeQuickInput, cursorToEndOfLineWith, runCommand, sleep, tab, until } from './workbench.mjs';

export const tests = [
  {
    name: 'editing help: HTML highlighted in fields, a squiggle and its hover',
    async run({ page, server, screenshot }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const ids = await server.anki('findNotes', { query: '"deck:Japanese::JLPT N3::Kanji" note:Basic' });
      const infos = await server.anki('notesInfo', { notes: ids.slice(0, 50) });
      const note = infos.find((n) => /^<b>[^<]+<\/b>$/.test(n.fields.Front?.value ?? ''));
      assert.ok(note, 'a kanji note with a bold first field');
      await runCommand(page, 'Anki: Open Note by ID…');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(String(note.noteId));
      await page.keyboard.press('Enter');
      await tab(page, `.${note.noteId}.yaml`).first().waitFor({ state: 'visible', timeout: 30000 });
      await closeQuickInput(page);

      // The status bar shows the language; the Front line's tag name and its text are coloured differently.
      await page.locator('.statusbar-item', { hasText: 'Anki Note' }).first().waitFor({ state: 'visible', timeout: 30000 });
      await cursorToEndOfLineWith(page, 'Front:');
      await page.keyboard.type(' <u>unclosed', { delay: 20 });
      const squiggle = page.locator('.editor-group-container.active .squiggly-warning').first();
      await squiggle.waitFor({ state: 'visible', timeout: 30000 });
      const classes = await until(async () => {
        const spans = await page.locator('.editor-group-container.active .view-line').evaluateAll((lines) => {
          const line = lines.find((l) => (l.textContent || '').includes('Front:'));
          return line ? [...line.querySelectorAll('span > span')].map((s) => ({ text: s.textContent || '', cls: s.className })) : null;
        });
        return spans && spans.length > 3 ? spans : null;
      }, 'the Front line tokens');
      const tagName = classes.find((s) => s.text === 'b' || s.text === 'u');
      const text = classes.find((s) => s.text.includes('unclosed'));
      const bracket = classes.find((s) => s.text === '<' || s.text === '</');
      assert.ok(tagName && text && bracket, `tokens of the Front line: ${JSON.stringify(classes)}`);
      assert.notEqual(tagName.cls, text.cls, 'an HTML tag name is highlighted differently from the text');
      assert.notEqual(bracket.cls, tagName.cls, 'tag punctuation and tag names are separate tokens');

      await page.mouse.move(0, 0);
      await sleep(300);
      // the squiggle covers `<u>`: hover its tag name
      await page.locator('.editor-group-container.active .view-line span > span').filter({ hasText: /^u$/ }).first().hover();
      const hover = page.locator('.monaco-hover', { hasText: 'is not closed' }).first();
      await hover.waitFor({ state: 'visible', timeout: 30000 });
      assert.match(await hover.innerText(), /<u> is not closed in the field "Front"/);
      assert.match(await hover.innerText(), /Quick Fix/);
      await sleep(300);
      if (process.env.E2E_UPDATE_SCREENSHOT === '1') await screenshot('media/editing-help.png');
      await screenshot('test-results/e2e/editing-help.png');
      await page.keyboard.press('Escape');
      await closeAllEditors(page);
    },
  },
];
