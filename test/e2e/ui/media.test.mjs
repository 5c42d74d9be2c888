// UI tests of media in a field, driven the way a user does it in the browser workbench: a picture put on the
// clipboard and pasted with Ctrl+V (VS Code ≥ 1.97; the clipboard written by chromium's async clipboard API,
// falling back to a paste event carrying the picture when that is refused), and an image file dropped on the
// editor with Shift held (a drop event carrying a DataTransfer with the file, at the cursor's place). Each
// checks that the test server has the file and, after Ctrl+S, that the field has its tag.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { clearNotifications, closeAllEditors, cursorToEndOfLineWith, dirtyTab, openNoteById, sleep, until } from './workbench.mjs';

// A real 1×1 PNG (so a clipboard that decodes pictures accepts it).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A Basic note whose Back field is `back` (set in Anki first), opened, the cursor at the end of that line. */
async function openBasicWithBack(page, server, back, skip) {
  const ids = await server.anki('findNotes', { query: 'note:Basic' });
  const id = ids[ids.length - 1 - skip];
  await server.anki('updateNoteFields', { note: { id, fields: { Back: back } } });
  await openNoteById(page, id);
  await cursorToEndOfLineWith(page, `Back: ${back}`);
  return id;
}

async function saveAndReadBack(page, server, id, label) {
  await dirtyTab(page, `.${id}.yaml`).first().waitFor({ state: 'visible', timeout: 30000 });
  await page.keyboard.press('Control+s');
  await until(async () => (await dirtyTab(page, `.${id}.yaml`).count()) === 0, `the ${label} note to save`, 30000);
  const [info] = await server.anki('notesInfo', { notes: [id] });
  return info.fields.Back.value;
}

export const tests = [
  {
    name: 'media: paste a picture into a field (Ctrl+V): Anki gets paste-<sha1>.png, the field its <img>',
    async run({ page, server, screenshot, log }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const id = await openBasicWithBack(page, server, 'pasted picture', 0);
      const before = new Set(await server.anki('getMediaFilesNames', { pattern: 'paste-*' }));
      const origin = new URL(page.url()).origin;
      let how = 'clipboard';
      try {
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
        await page.evaluate(async (b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          await navigator.clipboard.write([new ClipboardItem({ 'image/png': new Blob([bytes], { type: 'image/png' }) })]);
        }, PNG.toString('base64'));
        await page.keyboard.press('Control+v');
      } catch (e) {
        // No async clipboard here: the same paste event VS Code reads, dispatched on the focused editor input.
        how = `paste event (${String(e.message).split('\n')[0]})`;
        await page.evaluate((b64) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
          const target = document.activeElement ?? document.body;
          target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        }, PNG.toString('base64'));
      }
      log(`pasted through ${how}`);
      // The clipboard hands over the picture re-encoded (chromium decodes and writes it again): the name is
      // paste-<sha1 of the bytes Anki got>.png, a PNG.
      const fresh = async () => (await server.anki('getMediaFilesNames', { pattern: 'paste-*' })).filter((n) => !before.has(n));
      const [expected, ...more] = await until(async () => ((await fresh()).length ? fresh() : null), `a new paste-*.png in Anki (pasted through ${how})`, 30000);
      assert.deepEqual(more, [], 'one paste stored one file');
      const got = Buffer.from(await server.anki('retrieveMediaFile', { filename: expected }), 'base64');
      assert.equal(expected, `paste-${createHash('sha1').update(got).digest('hex')}.png`);
      assert.deepEqual([...got.subarray(0, 8)], [...PNG.subarray(0, 8)], 'Anki got a PNG');
      await sleep(300);
      await screenshot('test-results/e2e/media-paste.png');
      assert.equal(await saveAndReadBack(page, server, id, 'pasted'), `pasted picture<img src="${expected}">`);
      await closeAllEditors(page);
    },
  },
  {
    name: 'media: drop an image file on a field (Shift+drop): Anki gets the file, the field its <img>',
    async run({ page, server, screenshot }) {
      await closeAllEditors(page);
      await clearNotifications(page);
      const id = await openBasicWithBack(page, server, 'dropped picture', 1);
      // Where the cursor is drawn = where the drop goes (end of the Back line).
      const cursor = await page.locator('.editor-group-container.active .monaco-editor .cursors-layer .cursor').first().boundingBox();
      assert.ok(cursor, 'the editor cursor is not drawn');
      const x = cursor.x + 1;
      const y = cursor.y + cursor.height / 2;
      await page.evaluate(
        ({ b64, x, y }) => {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes], 'e2e dropped.png', { type: 'image/png' }));
          const target = document.elementFromPoint(x, y) ?? document.body;
          const fire = (type) =>
            target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, clientX: x, clientY: y, shiftKey: true, bubbles: true, cancelable: true, composed: true }));
          fire('dragenter');
          fire('dragover');
          fire('drop');
        },
        { b64: PNG.toString('base64'), x, y },
      );
      await until(async () => (await server.anki('getMediaFilesNames', { pattern: 'e2e dropped*' })).length > 0, 'the dropped file in Anki', 30000);
      const [stored] = await server.anki('getMediaFilesNames', { pattern: 'e2e dropped*' });
      assert.equal(stored, 'e2e dropped.png');
      assert.equal(await server.anki('retrieveMediaFile', { filename: stored }), PNG.toString('base64'));
      await sleep(300);
      await screenshot('test-results/e2e/media-drop.png');
      assert.equal(await saveAndReadBack(page, server, id, 'dropped'), 'dropped picture<img src="e2e%20dropped.png">');
      await closeAllEditors(page);
    },
  },
];
