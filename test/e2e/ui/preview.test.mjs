// The card preview in the real workbench: open a note, open the preview beside it, read the card from the
// webview's frame (code-server nests the webview in two iframes; the card itself is in a shadow root), type and
// see the card change before saving, switch cards and cloze numbers, scripts and handlers in fields do not run,
// and nothing leaves the webview (every request of the page is watched).
import assert from 'node:assert/strict';
import { closeAllEditors, dirtyTab, runCommand, sleep, tab, until, visibleEditorLines, openNoteById } from './workbench.mjs';

const CLOZE_TEXT =
  'The capital of {{c1::France}} is {{c2::Paris}} <img src="preview-cat.png"> <img src="https://example.com/remote.png"> ' +
  '<img src="nothing.png" onerror="window.__pwned=2;fetch(\'https://example.com/onerror\')"><script>window.__pwned=1;fetch(\'https://example.com/script\')</script>';

/** The frame of the preview page (the one holding `#card-host`), once it has rendered at least `minRenders` times. */
async function previewFrame(page, minRenders = 1) {
  return until(async () => {
    for (const f of page.frames()) {
      const n = await f.evaluate(() => (document.getElementById('card-host') ? Number(document.body.dataset.rendered || 0) : -1)).catch(() => -1);
      if (n >= minRenders) return f;
    }
    return null;
  }, 'the card preview webview to render', 90000);
}

/** Text of the card's question / answer part (inside the shadow root), the banner, and the card buttons. */
async function readPreview(page) {
  const f = await previewFrame(page);
  return f.evaluate(() => {
    const root = document.getElementById('card-host').shadowRoot;
    const q = root?.querySelector('.anki-files-question');
    const a = root?.querySelector('.anki-files-answer');
    const card = root?.querySelector('#card');
    return {
      question: q ? q.textContent : null,
      answer: a ? a.textContent : null,
      cardClass: card ? card.className : '',
      html: card ? card.innerHTML : '',
      banner: document.getElementById('banner').hidden ? '' : document.getElementById('banner').textContent,
      buttons: [...document.querySelectorAll('#cards button')].map((b) => `${b.textContent}${b.getAttribute('aria-pressed') === 'true' ? '*' : ''}`),
      title: document.getElementById('title').textContent,
      pwned: window.__pwned ?? null,
      images: [...(root?.querySelectorAll('img') ?? [])].map((i) => ({ src: i.getAttribute('src').slice(0, 22), loaded: i.complete && i.naturalWidth > 0 })),
    };
  });
}

/** Waits until `pred(preview)` holds; returns that state. */
async function waitPreview(page, pred, what) {
  let last;
  try {
    return await until(async () => {
      last = await readPreview(page).catch(() => undefined);
      return last && pred(last) ? last : null;
    }, what, 60000);
  } catch (e) {
    throw new Error(`${e.message}; the preview showed ${JSON.stringify(last)?.slice(0, 800)}`);
  }
}

/** Back to the note's editor (clicking in the preview makes its group the active one). */
async function editLine(page, noteId, lineText, typed) {
  // Clicking the tab focuses its editor (the editor itself is narrow beside the preview: no click in it).
  await tab(page, `.${noteId}.yaml`).first().click();
  const lines = await until(async () => {
    const l = await visibleEditorLines(page);
    return l.some((x) => x.includes(lineText)) ? l : null;
  }, `an editor line containing "${lineText}"`, 15000);
  const n = lines.findIndex((x) => x.includes(lineText));
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < n; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.type(typed);
}

async function clickInPreview(page, selector, text) {
  const f = await previewFrame(page);
  await f.locator(selector, { hasText: text }).first().click();
}

// The three tests share one note and one preview (they run in order on one page).
const shared = { id: 0, basicId: 0, requests: [], onRequest: null, origin: '' };

export const tests = [
  {
    name: 'card preview: beside a Cloze note, cloze by cloze; media from Anki; remote images, scripts and handlers blocked',
    async run({ page, server }) {
      await closeAllEditors(page);
      shared.id = await server.anki('addNote', {
        note: { deckName: 'Default', modelName: 'Cloze', fields: { Text: CLOZE_TEXT, 'Back Extra': 'Seen on the map' }, tags: ['geo'] },
      });
      shared.basicId = await server.anki('addNote', {
        note: { deckName: 'Default', modelName: 'Basic', fields: { Front: 'Second note front', Back: 'Second note back' } },
      });
      // Every request the page makes from now on, with the frame it came from (checked by the last test).
      shared.origin = new URL(page.url()).origin;
      shared.requests = [];
      shared.onRequest = (r) => {
        let frame;
        try {
          frame = r.frame();
        } catch {
          frame = null;
        }
        shared.requests.push({ url: r.url(), frame: frame?.url() ?? '', workbench: frame === page.mainFrame() });
      };
      page.on('request', shared.onRequest);

      await openNoteById(page, shared.id);
      await runCommand(page, 'Anki: Open Card Preview to the Side');
      // Cloze 1 is shown first: the front hides c1, the back reveals it; Back Extra on the back.
      let p = await waitPreview(page, (s) => s.question?.includes('The capital of [...] is Paris'), 'the Cloze 1 front');
      assert.deepEqual(p.buttons, ['Cloze 1*', 'Cloze 2']);
      assert.match(p.answer, /The capital of France is Paris/);
      assert.match(p.answer, /Seen on the map/);
      assert.match(p.title, /Cloze/);
      // Media from Anki as a data URI; the remote image is a placeholder; scripts and handlers did not run.
      p = await waitPreview(page, (s) => s.images.some((i) => i.src.startsWith('data:image/png;base64') && i.loaded), 'the media file as a data URI');
      assert.match(p.question, /Remote image not loaded: https:\/\/example\.com\/remote\.png/);
      assert.match(p.question, /Missing media file: nothing\.png/);
      assert.equal(p.pwned, null, 'a script or onerror handler from the field ran');
      assert.doesNotMatch(p.html, /<script|onerror/i);
      // Switch to Cloze 2.
      await clickInPreview(page, '#cards button', 'Cloze 2');
      p = await waitPreview(page, (s) => s.question?.includes('The capital of France is [...]'), 'the Cloze 2 front');
      assert.deepEqual(p.buttons, ['Cloze 1', 'Cloze 2*']);
    },
  },
  {
    name: 'card preview: re-renders the unsaved text as it is typed; a broken document keeps the last rendering with a banner; night mode',
    async run({ page }) {
      const { id } = shared;
      assert.ok(id, 'the previous test opened the note');
      await editLine(page, id, 'Back Extra:', ' ZEBRA');
      await editLine(page, id, 'Text:', ' in {{c3::Europe}}');
      let p = await waitPreview(page, (s) => s.buttons.includes('Cloze 3') && s.answer?.includes('ZEBRA'), 'the typed text in the preview');
      assert.ok(await dirtyTab(page, `.${id}.yaml`).count(), 'the note is still unsaved');
      await clickInPreview(page, '#cards button', 'Cloze 3');
      p = await waitPreview(page, (s) => s.question?.includes('The capital of France is Paris') && s.question.includes('in [...]'), 'the Cloze 3 front');
      // A document that does not parse: the last good rendering stays, with a banner.
      await editLine(page, id, 'Back Extra:', ': broken');
      p = await waitPreview(page, (s) => s.banner.includes('Line'), 'the problem banner');
      assert.match(p.question, /in \[\.\.\.\]/, 'the last good rendering is still shown');
      for (let i = 0; i < ': broken'.length; i++) await page.keyboard.press('Backspace');
      await waitPreview(page, (s) => s.banner === '', 'the banner to go away');
      // Night mode on: Anki's classes on the card; off again.
      await clickInPreview(page, '#night button', 'On');
      await waitPreview(page, (s) => /\bnightMode\b/.test(s.cardClass) && /\bnight_mode\b/.test(s.cardClass), 'night mode classes');
      await clickInPreview(page, '#night button', 'Off');
      await waitPreview(page, (s) => !/nightMode/.test(s.cardClass), 'night mode off');
    },
  },
  {
    name: 'card preview: follows the active note editor; no request left the webview',
    async run({ page, server, screenshot }) {
      const { id, basicId } = shared;
      assert.ok(id, 'the first test opened the note');
      try {
        // The README picture: the preview beside the Cloze note.
        await clickInPreview(page, '#cards button', 'Cloze 1');
        await waitPreview(page, (s) => s.buttons.includes('Cloze 1*'), 'Cloze 1 again');
        await sleep(300);
        if (process.env.E2E_UPDATE_SCREENSHOT === '1') await screenshot('media/preview.png');
        // Another note opened in the note's group: the preview shows it; back to the first (unsaved) one.
        await tab(page, `.${id}.yaml`).first().click();
        await openNoteById(page, basicId);
        let p = await waitPreview(page, (s) => s.question?.includes('Second note front'), 'the second note in the preview');
        assert.deepEqual(p.buttons, ['Card 1*']);
        await tab(page, `.${id}.yaml`).first().click();
        p = await waitPreview(page, (s) => s.answer?.includes('ZEBRA'), 'the first note (unsaved text) again');
        // "Anki's rendering": what Anki renders for the saved note (cardsInfo), without the unsaved text.
        await clickInPreview(page, '#anki button', "Anki's rendering");
        p = await waitPreview(page, (s) => s.banner.includes('saved note') && !s.answer?.includes('ZEBRA'), "Anki's rendering of the saved note");
        assert.match(p.answer, /Seen on the map/);
        assert.equal(p.pwned, null, "a script ran in Anki's rendering");
        await clickInPreview(page, '#anki button', "Anki's rendering");
        await waitPreview(page, (s) => s.answer?.includes('ZEBRA'), 'our rendering again');
        // Nothing left the webview: no request from its frames to another origin, none from the preview page itself.
        // (The workbench's own page may query the extension gallery; that is not the webview.)
        const { requests, origin } = shared;
        const foreign = requests.filter((r) => !r.workbench && !r.url.startsWith(origin) && !r.url.startsWith('data:') && !r.url.startsWith('blob:'));
        assert.deepEqual(foreign, [], 'requests to other origins');
        const fromPreview = requests.filter((r) => /webview/i.test(r.frame) && !/\/webview\/|index\.html|fake\.html|service-worker|\.js(\?|$)|\.css(\?|$)/.test(r.url));
        assert.deepEqual(fromPreview, [], 'requests made by the preview page');
        assert.equal(requests.filter((r) => /example\.com|preview-cat|nothing\.png/.test(r.url)).length, 0);
        assert.ok(requests.length > 0, 'requests were being watched');
      } finally {
        if (shared.onRequest) page.off('request', shared.onRequest);
        await closeAllEditors(page);
        await server.anki('deleteNotes', { notes: [id, basicId] }).catch(() => {});
      }
    },
  },
];
