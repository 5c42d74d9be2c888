// The card preview's webview page: a Content-Security-Policy that allows no network, the preview's own UI
// (built with textContent only), and the card in a shadow root (`#card-host`) so note-type CSS and field HTML
// never touch the UI around it. Pure: no `vscode`.

export interface PageStrings {
  front: string;
  back: string;
  both: string;
  night: string;
  nightAuto: string;
  nightOn: string;
  nightOff: string;
  ankiRendering: string;
  ankiRenderingTitle: string;
  notGenerated: string;
  cards: string;
  side: string;
  empty: string;
}

export interface PageOptions {
  cspSource: string;
  nonce: string;
  /** `ankiFiles.preview.enableScripts`. */
  scripts: boolean;
  strings: PageStrings;
}

/** The messages the page accepts. */
export interface RenderMessage {
  type: 'render';
  /** Note label for the header (text). */
  title: string;
  cards: Array<{ ord: number; label: string; generated: boolean }>;
  selected: number;
  side: 'q' | 'a' | 'both';
  night: 'auto' | 'on' | 'off';
  /** The effective night mode. */
  isNight: boolean;
  anki: boolean;
  /** Anki's rendering is available (a saved note). */
  ankiAvailable: boolean;
  /** Sanitised card HTML and note-type CSS. */
  css: string;
  question: string;
  answer: string;
  /** Classes of the card element (`card card1 nightMode night_mode`). */
  cardClass: string;
  /** A problem to show above the card (text). */
  banner: string | undefined;
}

export type PageEvent =
  | { type: 'ready' }
  | { type: 'select'; ord: number }
  | { type: 'side'; side: 'q' | 'a' | 'both' }
  | { type: 'night'; night: 'auto' | 'on' | 'off' }
  | { type: 'anki'; on: boolean };

export function isPageEvent(v: unknown): v is PageEvent {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'select':
      return typeof m.ord === 'number' && Number.isInteger(m.ord) && m.ord >= 0;
    case 'side':
      return m.side === 'q' || m.side === 'a' || m.side === 'both';
    case 'night':
      return m.night === 'auto' || m.night === 'on' || m.night === 'off';
    case 'anki':
      return typeof m.on === 'boolean';
    default:
      return false;
  }
}

export function contentSecurityPolicy(o: { cspSource: string; nonce: string; scripts: boolean }): string {
  return [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource} data:`,
    `style-src ${o.cspSource} 'unsafe-inline'`,
    // With template scripts allowed, inline scripts run (a nonce would switch 'unsafe-inline' off).
    o.scripts ? "script-src 'unsafe-inline'" : `script-src 'nonce-${o.nonce}'`,
    "connect-src 'none'",
    "media-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

// The page script (runs in the webview). It only ever sets field HTML inside the shadow root.
const SCRIPT = String.raw`
(function () {
  const vscode = acquireVsCodeApi();
  const S = JSON.parse(document.getElementById('strings').textContent);
  const SCRIPTS = document.body.dataset.scripts === 'true';
  const host = document.getElementById('card-host');
  // Card scripts (only when allowed) expect the card in the document (document.getElementById…): then the card
  // lives in the page itself; otherwise in a shadow root, away from the preview's own UI.
  const root = SCRIPTS ? host : host.attachShadow({ mode: 'open' });
  // Anki's hint links need their inline onclick, which is removed when scripts are off: do what it does.
  if (!SCRIPTS) root.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a.hint') : null;
    if (!a) return;
    e.preventDefault();
    const div = a.nextElementSibling;
    if (div && div.classList.contains('hint')) { a.style.display = 'none'; div.style.display = 'block'; }
  });
  const cardsEl = document.getElementById('cards');
  const sideEl = document.getElementById('sides');
  const nightEl = document.getElementById('night');
  const ankiEl = document.getElementById('anki');
  const bannerEl = document.getElementById('banner');
  const titleEl = document.getElementById('title');
  const post = (m) => vscode.postMessage(m);
  const button = (label, pressed, onClick, title) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
    if (title) b.title = title;
    b.addEventListener('click', onClick);
    return b;
  };
  const runScripts = (el) => {
    for (const old of el.querySelectorAll('script')) {
      const s = document.createElement('script');
      for (const a of old.attributes) s.setAttribute(a.name, a.value);
      s.textContent = old.textContent;
      old.replaceWith(s);
    }
  };
  const side = (cls, html) => {
    const d = document.createElement('div');
    d.className = cls;
    d.innerHTML = html;
    return d;
  };
  function render(m) {
    titleEl.textContent = m.title;
    cardsEl.replaceChildren(...m.cards.map((c) => {
      const b = button(c.label, c.ord === m.selected, () => post({ type: 'select', ord: c.ord }), c.generated ? undefined : S.notGenerated);
      b.dataset.ord = String(c.ord);
      if (!c.generated) b.classList.add('not-generated');
      return b;
    }));
    sideEl.replaceChildren(
      button(S.front, m.side === 'q', () => post({ type: 'side', side: 'q' })),
      button(S.back, m.side === 'a', () => post({ type: 'side', side: 'a' })),
      button(S.both, m.side === 'both', () => post({ type: 'side', side: 'both' })),
    );
    nightEl.replaceChildren(
      button(S.nightAuto, m.night === 'auto', () => post({ type: 'night', night: 'auto' })),
      button(S.nightOn, m.night === 'on', () => post({ type: 'night', night: 'on' })),
      button(S.nightOff, m.night === 'off', () => post({ type: 'night', night: 'off' })),
    );
    ankiEl.replaceChildren(button(S.ankiRendering, m.anki, () => post({ type: 'anki', on: !m.anki }), S.ankiRenderingTitle));
    ankiEl.hidden = !m.ankiAvailable;
    bannerEl.textContent = m.banner || '';
    bannerEl.hidden = !m.banner;
    const style = document.createElement('style');
    style.textContent = ':host{display:block} .anki-files-side-sep{border:0;border-top:2px dashed currentColor;opacity:.4;margin:1.5em 0}' +
      ' .anki-files-placeholder{display:inline-block;border:1px dashed currentColor;padding:2px 6px;font-size:12px;opacity:.7}' +
      ' #typeans{width:80%;font-size:inherit}\n' + m.css;
    const card = document.createElement('div');
    card.className = m.cardClass;
    card.id = 'card';
    if (m.side === 'q' || m.side === 'both') card.append(side('anki-files-question', m.question));
    if (m.side === 'both') { const hr = document.createElement('hr'); hr.className = 'anki-files-side-sep'; card.append(hr); }
    if (m.side === 'a' || m.side === 'both') card.append(side('anki-files-answer', m.answer));
    root.replaceChildren(style, card);
    if (SCRIPTS) runScripts(card);
    document.body.classList.toggle('anki-files-night', m.isNight);
    document.body.dataset.rendered = String((Number(document.body.dataset.rendered) || 0) + 1);
  }
  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m && m.type === 'render') render(m);
  });
  post({ type: 'ready' });
})();
`;

export function previewPageHtml(o: PageOptions): string {
  const csp = contentSecurityPolicy(o);
  const strings = JSON.stringify(o.strings).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style>
  body { padding: 0 12px 24px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  header { position: sticky; top: 0; z-index: 1; background: var(--vscode-editor-background); padding: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; border-bottom: 1px solid var(--vscode-panel-border, transparent); }
  #title { font-weight: 600; flex-basis: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .group { display: flex; gap: 2px; flex-wrap: wrap; align-items: center; }
  .group > .label { opacity: .7; margin-right: 4px; }
  button { font: inherit; color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); border: 1px solid transparent; border-radius: 2px; padding: 2px 8px; cursor: pointer; }
  button[aria-pressed="true"] { color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
  button.not-generated { font-style: italic; opacity: .75; }
  #banner { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--vscode-editorWarning-foreground, orange); background: var(--vscode-inputValidation-warningBackground, transparent); white-space: pre-wrap; }
  #card-host { margin-top: 12px; }
</style>
</head>
<body data-scripts="${o.scripts ? 'true' : 'false'}">
<header>
  <div id="title"></div>
  <div class="group" role="group" aria-label="${escapeHtml(o.strings.cards)}"><span id="cards" class="group"></span></div>
  <div class="group" role="group" aria-label="${escapeHtml(o.strings.side)}"><span id="sides" class="group"></span></div>
  <div class="group" role="group" aria-label="${escapeHtml(o.strings.night)}"><span class="label">${escapeHtml(o.strings.night)}</span><span id="night" class="group"></span></div>
  <div class="group" id="anki"></div>
</header>
<div id="banner" role="status" hidden></div>
<div id="card-host"></div>
<script type="application/json" id="strings" nonce="${o.nonce}">${strings}</script>
<script nonce="${o.nonce}">${SCRIPT}</script>
</body>
</html>`;
}
