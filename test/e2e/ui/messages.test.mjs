// UI tests of what the user reads (issue 9, "Messages"): a failed save shows our sentence once, right after
// VS Code's wrapper; opening a note while Anki is down says "Anki is not running" and the editor opens the
// note by itself once Anki answers.
import assert from 'node:assert/strict';
import {
  clearNotifications, closeAllEditors, cursorToEndOfLineWith, dirtyTab, escapeRe, expand, firstField, notificationCenterTexts,
  notificationTexts, openAnkiView, runCommand, sleep, tab, treeItem, until, visibleEditorLines, openNoteById } from './workbench.mjs';

// plain text, up to 80 characters (earlier UI tests append words to the first plain notes)
const plain = (v) => /^[A-Za-z][A-Za-z0-9 ]{3,80}$/.test(v);

async function pickNote(server, pred, skip = 0, query = 'deck:*') {
  const ids = await server.anki('findNotes', { query });
  const infos = await server.anki('notesInfo', { notes: ids.slice(0, 400) });
  const n = infos.filter(pred).at(-1 - skip); // from the end: other UI tests take the first ones
  if (!n) throw new Error('no matching note in the test collection');
  const decksOf = await server.anki('getDecks', { cards: n.cards.slice(0, 1) });
  return { note: n, deck: Object.keys(decksOf)[0] };
}

/** A notification (toast or notification center) whose text matches `re`. */
async function notification(page, re, what) {
  return until(
    async () => (await notificationTexts(page)).find((t) => re.test(t)) ?? (await notificationCenterTexts(page)).find((t) => re.test(t)),
    what,
    30000,
    1000,
  );
}

export const tests = [
  {
    name: 'an invalid document: the failed save reads our sentence once, with no "FileSystemError" or operation name',
    async run({ page, server, log }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const { note } = await pickNote(server, (n) => plain(firstField(n)[1].value), 1);
      const [fieldName, { value }] = firstField(note);
      await openNoteById(page, note.noteId);
      await cursorToEndOfLineWith(page, value);
      // a same-line comment after an unquoted value: YAML would drop that text, so it is a problem
      await page.keyboard.type(' # my remark');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'visible', timeout: 10000 });
      await page.keyboard.press('Control+s');
      const text = await notification(page, /Nothing was sent to Anki/, 'the failed-save notification');
      log(`failed save: ${text}`);
      assert.doesNotMatch(text, /FileSystemError/);
      assert.doesNotMatch(text, /writeFile|ankiFiles\./);
      // VS Code's wrapper, then our sentence at once: "… (Line N, column M: …"
      assert.match(text, /\(Line \d+, column \d+: /);
      assert.equal(text.match(/Line \d+, column \d+:/g)?.length, 1, 'the problem is reported more than once');
      await sleep(300);
      assert.equal(await dirtyTab(page, `.${note.noteId}.yaml`).count(), 1, 'the document must stay dirty');
      const [after] = await server.anki('notesInfo', { notes: [note.noteId] });
      assert.equal(after.fields[fieldName].value, value, 'nothing may reach Anki');
      await page.keyboard.press('Control+z');
      await dirtyTab(page, `.${note.noteId}.yaml`).waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
    },
  },
];
