// Playwright helpers for driving the VS Code web workbench, on both runtimes of scripts/vscode-runtime.sh:
// code-server 4.139.1 = VS Code 1.139.1 and code-server 4.90.3 = VS Code 1.90.2 (E2E_VSCODE=1.90).
// Selectors such as `.tab.dirty`, `.pane-header` and tree item roles are VS Code internals: they are kept in
// this one file and must hold on both versions; where the DOM differs, detect what is there (never branch on
// the version number).

import { sleep, waitFor } from '../../../scripts/lib/harness.mjs';

export { sleep };

export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Polls an async probe until truthy; throws naming `what`. */
export const until = (probe, what, timeoutMs = 30000, intervalMs = 200) => waitFor(probe, { timeoutMs, intervalMs, what });

/**
 * Runs a command from the command palette by its title, e.g. 'Anki: Search Notes…'. Retries while the
 * workbench is still registering contributions (the palette can open before they are known).
 */
export async function runCommand(page, title, timeoutMs = 45000) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  const end = Date.now() + timeoutMs;
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 10000 });
      await input.fill(`>${title}`);
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await row.click();
      return;
    } catch (e) {
      if (Date.now() > end) throw new Error(`command "${title}" not found in the command palette: ${e.message.split('\n')[0]}`);
    }
  }
}

export async function closeQuickInput(page) {
  if (await page.locator('.quick-input-widget').isVisible().catch(() => false)) await page.keyboard.press('Escape');
}

/** The "Anki" activity bar entry (view container `ankiFiles`), opened. Returns the Decks view locator. */
export async function openAnkiView(page) {
  const entry = page.locator('.activitybar .action-item', { has: page.locator('[aria-label^="Anki"]') }).first();
  await entry.waitFor({ state: 'visible', timeout: 60000 });
  const isOpen = async () => /\bchecked\b/.test((await entry.getAttribute('class')) ?? '');
  if (!(await isOpen())) {
    await entry.click();
    await until(isOpen, 'the Anki side bar to open', 30000);
  }
  return decksPane(page);
}

/**
 * The Decks view (ankiFiles.decks). Alone in its container it has no pane header (the side bar title reads
 * "Anki: Decks"); with the Search Results view visible too, it is the pane whose header says "Decks".
 */
export function decksPane(page) {
  const sidebar = page.locator('.part.sidebar');
  return sidebar
    .locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Decks/i }) })
    .or(sidebar.locator('.pane:only-child'))
    .first();
}

/**
 * Texts of the side bar's view descriptions (TreeView.description). VS Code 1.139 renders a view's description in
 * its pane header and, when the view is alone in its container, also in the container's title; VS Code 1.90
 * renders it only in the pane header, which a single view's container hides (the description is set, but only
 * in the DOM). Reading every `.description` of the side bar holds on both.
 */
export async function viewDescriptions(page) {
  return page.locator('.part.sidebar .pane-header .description, .part.sidebar .composite.title .description').allTextContents();
}

export function treeItem(scope, name) {
  const re = name instanceof RegExp ? name : new RegExp(`^${escapeRe(name)}`);
  return scope.getByRole('treeitem', { name: re });
}

/** Expands a collapsed tree item (no-op when already expanded). */
export async function expand(item) {
  await item.waitFor({ state: 'visible' });
  if ((await item.getAttribute('aria-expanded')) === 'false') {
    await item.click();
    await until(async () => (await item.getAttribute('aria-expanded')) === 'true', 'the tree item to expand', 15000);
  }
}

/** Editor tabs. `name` is a substring or RegExp of the tab label. */
export function tab(page, name) {
  return page.locator('.tabs-container .tab', { hasText: name });
}
export function dirtyTab(page, name) {
  return page.locator('.tabs-container .tab.dirty', { hasText: name });
}
export function activeTab(page) {
  return page.locator('.tabs-container .tab.active').first();
}

/** Note id from an editor tab label like `Label.1700000000123.yaml`. */
export async function activeNoteId(page) {
  const label = (await activeTab(page).getAttribute('aria-label')) ?? (await activeTab(page).innerText());
  const m = /\.(\d+)\.yaml\b/.exec(label);
  if (!m) throw new Error(`the active tab is not an Anki note: "${label}"`);
  return Number(m[1]);
}

const editorLines = (page) => page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines .view-line');

/** Visible lines of the active editor, in document order (monaco renders spaces as U+00A0). */
export async function visibleEditorLines(page) {
  const items = await editorLines(page).evaluateAll((els) =>
    els.map((e) => ({ top: parseFloat(e.style.top || '0'), text: (e.textContent || '').replace(/\u00a0/g, ' ') })),
  );
  return items.sort((a, b) => a.top - b.top).map((i) => i.text);
}

export async function focusEditor(page) {
  await page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines').first().click();
}

/** Puts the cursor at the end of the first line of the active editor containing `text`, via Go to Line. */
export async function cursorToEndOfLineWith(page, text) {
  await until(async () => (await visibleEditorLines(page)).some((x) => x.includes(text)), `an editor line containing "${text}"`, 15000);
  // Find puts the cursor on the first match wherever line wrapping puts the line on screen (note documents wrap
  // long lines by default, so counting rendered lines is not counting document lines).
  await focusEditor(page);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  const input = page.locator('.monaco-editor .find-widget textarea').first();
  await input.waitFor({ state: 'visible', timeout: 10000 });
  await input.fill(text); // the search selects the first match as it is typed
  await until(async () => /\d+ of \d+/.test((await page.locator('.monaco-editor .find-widget .matchesCount').first().textContent()) ?? ''), `the find widget to match "${text}"`, 10000);
  await until(async () => {
    if (!(await page.locator('.monaco-editor .find-widget.visible').count())) return true;
    await page.keyboard.press('Escape');
    return false;
  }, 'the find widget to close', 10000);
  await page.keyboard.press('End');
}

/** Text of visible notification toasts. */
export async function notificationTexts(page) {
  return page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
}

/** Texts of the notifications in the notification center (opens it; toasts can be suppressed in a headless page). */
export async function notificationCenterTexts(page) {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible().catch(() => false))) await runCommand(page, 'Notifications: Show Notifications');
  await center.waitFor({ state: 'visible', timeout: 10000 });
  return center.locator('.notification-list-item').allInnerTexts();
}

export async function clearNotifications(page) {
  await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear, .notifications-toasts .codicon-close').first().click({ timeout: 1000 }).catch(() => {});
  const toasts = page.locator('.notifications-toasts .notification-toast');
  for (let i = 0; i < 10 && (await toasts.count()) > 0; i++) {
    await toasts.first().hover().catch(() => {});
    await page.locator('.notifications-toasts .notification-toast .codicon-notifications-clear').first().click({ timeout: 1000 }).catch(() => {});
  }
}

/** Closes all editors; dirty ones are reverted first (Revert and Close). */
export async function closeAllEditors(page) {
  await closeQuickInput(page);
  for (let i = 0; i < 10 && (await page.locator('.tabs-container .tab.dirty').count()) > 0; i++) {
    await page.locator('.tabs-container .tab.dirty').first().click();
    await runCommand(page, 'View: Revert and Close Editor');
    await sleep(300);
  }
  await runCommand(page, 'View: Close All Editors');
}

/** Whether a unicode string contains Japanese script. */
export const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** The first field of a note, by field order: [name, value]. */
export function firstField(note) {
  return Object.entries(note.fields).sort((a, b) => a[1].order - b[1].order)[0];
}

/** Opens a note through "Anki: Open Note by ID…", then waits for its tab. */
export async function openNoteById(page, noteId) {
  await runCommand(page, 'Anki: Open Note by ID…');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(String(noteId));
  await page.keyboard.press('Enter');
  await tab(page, `.${noteId}.yaml`).first().waitFor({ state: 'visible', timeout: 30000 });
}
