// The card preview beside the note editor (glue): follows the active `anki:` editor, renders its unsaved text
// with our template renderer (src/template), shows it in a webview that loads nothing from the network.
import { errorText, problemText } from '../messages';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { z } from 'zod';
import { describeAnkiError } from '../../anki/errors';
import type { NoteId } from '../../anki/api';
import { Commands, PREVIEW_VIEW_TYPE, SCHEME, SettingDefaults, Settings } from '../../constants';
import { parseNewNoteDocument, parseNoteDocument } from '../../notes/document';
import type { DocumentProblem } from '../../notes/model';
import type { AnkiFileSystem } from '../../fs/index';
import { MediaCache } from '../../preview/media';
import { NoteTypeCache } from '../../preview/noteTypes';
import type { PreviewNoteType } from '../../preview/noteTypes';
import { isPageEvent, previewPageHtml } from '../../preview/page';
import type { PageStrings, RenderMessage } from '../../preview/page';
import { sanitizeCardHtml, rewriteCss } from '../../preview/sanitize';
import type { SanitizeOptions } from '../../preview/sanitize';
import type { AnkiSession } from '../../session';
import { cardEntries, renderNoteCard, stripHtml } from '../../template';
import type { NoteContent } from '../../template';

const t = vscode.l10n.t;

/** Re-render at most this long after the last keystroke (cost only: every change is rendered eventually). */
const DEBOUNCE_MS = 120;

export interface PreviewDeps {
  session: AnkiSession;
  fs: AnkiFileSystem;
}

/** What a rendering showed (for the in-host tests and the log). */
export interface PreviewRendered {
  uri: string;
  cards: string[];
  selected: number;
  banner: string | undefined;
  question: string;
}

export interface PreviewHandle {
  /** Forget cached note types, media and Anki's renderings (the views' Refresh). */
  refresh(): void;
  /** Fired after each rendering was sent to the webview. */
  readonly onDidRender: vscode.Event<PreviewRendered>;
}

type Side = 'q' | 'a' | 'both';
type Night = 'auto' | 'on' | 'off';

const ankiCardSchema = z.object({ ord: z.number().int().optional(), fieldOrder: z.number().int().optional(), question: z.string(), answer: z.string() });

function strings(): PageStrings {
  return {
    front: t('Front'),
    back: t('Back'),
    both: t('Both'),
    night: t('Night mode:'),
    nightAuto: t('Auto'),
    nightOn: t('On'),
    nightOff: t('Off'),
    ankiRendering: t("Anki's rendering"),
    ankiRenderingTitle: t('Show what Anki itself renders for the saved note (cardsInfo), to compare'),
    notGenerated: t('Anki would not create this card: its front is empty'),
    cards: t('Cards'),
    side: t('Side'),
    empty: t('Nothing to show'),
  };
}

const problemLine = (p: DocumentProblem): string => t('Line {0}: {1}', p.line, problemText(p));

class CardPreview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private docUri: vscode.Uri | undefined;
  private side: Side = 'both';
  private night: Night = 'auto';
  private anki = false;
  private ord = 0;
  private ready = false;
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastGood: { uri: string; msg: RenderMessage } | undefined;
  private readonly noteTypes = new NoteTypeCache();
  private readonly media = new MediaCache();
  private readonly ankiCards = new Map<NoteId, Promise<Map<number, { question: string; answer: string }>>>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly rendered = new vscode.EventEmitter<PreviewRendered>();
  readonly onDidRender = this.rendered.event;

  constructor(private readonly deps: PreviewDeps) {
    this.subs.push(
      this.rendered,
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e && e.document.uri.scheme === SCHEME) this.follow(e.document.uri);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.docUri && e.document.uri.toString() === this.docUri.toString()) this.schedule(DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.uri.scheme !== SCHEME) return;
        const id = deps.fs.noteIdOf(d.uri);
        if (id !== undefined) this.ankiCards.delete(id);
        if (this.docUri && d.uri.toString() === this.docUri.toString()) this.schedule(0);
      }),
      vscode.window.onDidChangeActiveColorTheme(() => this.schedule(0)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.previewEnableScripts) && this.panel) this.setHtml(this.panel);
      }),
      deps.session.onDidChangeClient(() => this.refresh()),
    );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.subs) d.dispose();
  }

  refresh(): void {
    this.noteTypes.clear();
    this.media.clear();
    this.ankiCards.clear();
    this.schedule(0);
  }

  open(uri: vscode.Uri | undefined): void {
    const target = uri?.scheme === SCHEME ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== SCHEME) {
      void vscode.window.showInformationMessage(t('Open an Anki note to preview its cards.'));
      return;
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        PREVIEW_VIEW_TYPE,
        t('Card Preview'),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, enableForms: false, localResourceRoots: [], retainContextWhenHidden: false },
      );
      this.panel = panel;
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
      });
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.schedule(0);
      });
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m));
      this.setHtml(panel);
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    this.follow(target);
  }

  private scriptsEnabled(): boolean {
    // Machine-scoped (workspace settings cannot hold it) and in restrictedConfigurations (an untrusted workspace
    // cannot set it either): only the user's or the machine's value counts.
    return vscode.workspace.getConfiguration().get<boolean>(Settings.previewEnableScripts, SettingDefaults.previewEnableScripts) === true;
  }

  private setHtml(panel: vscode.WebviewPanel): void {
    this.ready = false;
    const nonce = randomBytes(18).toString('base64');
    panel.webview.html = previewPageHtml({ cspSource: panel.webview.cspSource, nonce, scripts: this.scriptsEnabled(), strings: strings() });
  }

  private follow(uri: vscode.Uri): void {
    if (!this.panel) return;
    if (this.docUri?.toString() !== uri.toString()) {
      this.docUri = uri;
      this.ord = 0;
    }
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/(\.\d+)?\.yaml$/, '');
    this.panel.title = t('Preview {0}', name);
    this.schedule(0);
  }

  private onMessage(m: unknown): void {
    if (!isPageEvent(m)) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        break;
      case 'select':
        this.ord = m.ord;
        break;
      case 'side':
        this.side = m.side;
        break;
      case 'night':
        this.night = m.night;
        break;
      case 'anki':
        this.anki = m.on;
        break;
    }
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.panel) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render().catch((e: unknown) => this.deps.session.log.error(`Preview: ${String(e)}`));
    }, ms);
  }

  private isNight(): boolean {
    if (this.night !== 'auto') return this.night === 'on';
    const k = vscode.window.activeColorTheme.kind;
    return k === vscode.ColorThemeKind.Dark || k === vscode.ColorThemeKind.HighContrast;
  }

  private post(msg: RenderMessage): void {
    if (!this.panel || !this.ready || !this.docUri) return;
    void this.panel.webview.postMessage(msg);
    this.rendered.fire({ uri: this.docUri.toString(), cards: msg.cards.map((c) => c.label), selected: msg.selected, banner: msg.banner, question: msg.question });
  }

  /** The last good rendering of this document with a banner, or an empty card with it. */
  private showProblem(uriKey: string, title: string, banner: string): void {
    const base = this.lastGood?.uri === uriKey ? this.lastGood.msg : undefined;
    const empty: RenderMessage = {
      type: 'render', title, cards: [], selected: 0, side: this.side, night: this.night, isNight: this.isNight(), anki: false,
      ankiAvailable: false, css: '', question: '', answer: '', cardClass: 'card', banner,
    };
    this.post(base ? { ...base, banner } : empty);
  }

  private async render(): Promise<void> {
    const uri = this.docUri;
    if (!this.panel || !this.ready || !uri) return;
    const seq = ++this.seq;
    const stale = (): boolean => seq !== this.seq;
    const key = uri.toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!doc) return;
    const text = doc.getText();
    const api = this.deps.session.client;
    const noteId = this.deps.fs.noteIdOf(uri);
    const fallbackTitle = uri.path.slice(uri.path.lastIndexOf('/') + 1);

    let noteType: PreviewNoteType | undefined;
    let content: NoteContent | undefined;
    let problems: DocumentProblem[] = [];
    let cardIds: number[] = [];
    try {
      if (noteId !== undefined) {
        const stored = this.deps.fs.provider.engine.store.base(noteId) ?? this.deps.fs.provider.engine.store.peek(noteId);
        if (!stored) return this.showProblem(key, fallbackTitle, t('The note is not loaded yet.'));
        const snap = stored.snapshot;
        cardIds = snap.cards;
        noteType = await this.noteTypes.get(api, snap.noteType);
        if (stale()) return;
        if (!noteType) return this.showProblem(key, fallbackTitle, t('Anki has no note type "{0}".', snap.noteType));
        const r = parseNoteDocument(text, snap);
        if (r.ok) content = { fields: r.note.fields, tags: r.note.tags, deck: r.note.deck };
        else problems = r.problems;
      } else {
        let wanted: string | undefined;
        const first = parseNewNoteDocument(text, (name) => {
          wanted = name;
          return undefined;
        });
        if (wanted !== undefined) {
          noteType = await this.noteTypes.get(api, wanted);
          if (stale()) return;
          const names = noteType?.fieldNames;
          const r = parseNewNoteDocument(text, (name) => (name === wanted ? names : undefined));
          if (r.ok) content = { fields: r.note.fields, tags: r.note.tags, deck: r.note.deck };
          else problems = r.problems;
        } else if (!first.ok) {
          problems = first.problems;
        }
      }
    } catch (e) {
      this.deps.session.reportFailure(e);
      return this.showProblem(key, fallbackTitle, t('Could not read the note type from Anki: {0}', errorText(e)));
    }
    this.deps.session.reportSuccess();
    if (!noteType || !content) {
      const p = problems[0];
      return this.showProblem(key, fallbackTitle, p ? t('This document has a problem, so the preview shows its last good version. {0}', problemLine(p)) : t('Nothing to preview.'));
    }

    const entries = cardEntries(noteType, content);
    const selected = entries.some((c) => c.ord === this.ord) ? this.ord : (entries[0]?.ord ?? 0);
    const rendered = renderNoteCard(noteType, content, selected);
    let question = rendered.question;
    let answer = rendered.answer;
    let css = noteType.css;
    let banner: string | undefined;
    const useAnki = this.anki && noteId !== undefined && cardIds.length > 0;
    if (useAnki) {
      try {
        const cards = await this.ankiRendering(noteId, cardIds);
        if (stale()) return;
        const c = cards.get(selected);
        if (c) {
          question = c.question.replace(/\[anki:play:[qa]:\d+\]/g, '<a class="replay-button soundLink">▶</a>');
          answer = c.answer.replace(/\[anki:play:[qa]:\d+\]/g, '<a class="replay-button soundLink">▶</a>');
          css = '';
          if (doc.isDirty) banner = t("Anki's rendering shows the saved note, not your unsaved changes.");
        } else {
          banner = t('Anki has no card {0} for this note (it would be created when the note is saved).', selected + 1);
        }
      } catch (e) {
        this.deps.session.reportFailure(e);
        banner = t("Could not get Anki's rendering: {0}", errorText(e));
      }
    }

    const scripts = this.scriptsEnabled();
    const labels = { remote: t('Remote image not loaded:'), missing: t('Missing media file:'), loading: t('Loading'), };
    const sanitizeAll = (): { q: string; a: string; css: string; wanted: string[] } => {
      const opts: SanitizeOptions = { scripts, media: (n) => this.media.get(n), labels };
      const sets = { wanted: new Set<string>(), blocked: new Set<string>() };
      const q = sanitizeCardHtml(question, opts);
      const a = sanitizeCardHtml(answer, opts);
      const c = rewriteCss(css, opts, sets);
      return { q: q.html, a: a.html, css: c, wanted: [...new Set([...q.wanted, ...a.wanted, ...sets.wanted])] };
    };
    let out = sanitizeAll();
    if (out.wanted.length > 0) {
      try {
        await this.media.fetch(api, out.wanted);
      } catch (e) {
        this.deps.session.log.warn(`Preview: media not fetched: ${describeAnkiError(e).message}`);
      }
      if (stale()) return;
      out = sanitizeAll();
    }

    const isNight = this.isNight();
    const first = stripHtml(content.fields[0]?.[1] ?? '').replace(/\s+/g, ' ').trim();
    const title = (first.length > 80 ? `${first.slice(0, 79)}…` : first) || fallbackTitle;
    const msg: RenderMessage = {
      type: 'render',
      title: `${title} — ${noteType.name}`,
      cards: entries.map((c) => ({ ord: c.ord, label: c.label, generated: c.generated })),
      selected,
      side: this.side,
      night: this.night,
      isNight,
      anki: useAnki,
      ankiAvailable: noteId !== undefined && cardIds.length > 0,
      css: out.css,
      question: out.q,
      answer: out.a,
      cardClass: `card card${selected + 1}${isNight ? ' nightMode night_mode' : ''}`,
      banner,
    };
    this.lastGood = { uri: key, msg };
    this.post(msg);
  }

  private ankiRendering(noteId: NoteId, cardIds: number[]): Promise<Map<number, { question: string; answer: string }>> {
    let p = this.ankiCards.get(noteId);
    if (!p) {
      p = this.deps.session.client.cardsInfo(cardIds).then((infos) => {
        const m = new Map<number, { question: string; answer: string }>();
        for (const info of infos) {
          const c = info ? ankiCardSchema.safeParse(info) : undefined;
          if (c?.success) m.set(c.data.ord ?? c.data.fieldOrder ?? 0, { question: c.data.question, answer: c.data.answer });
        }
        return m;
      });
      this.ankiCards.set(noteId, p);
      p.catch(() => this.ankiCards.delete(noteId));
    }
    return p;
  }
}

export function registerPreview(context: vscode.ExtensionContext, deps: PreviewDeps): PreviewHandle {
  const preview = new CardPreview(deps);
  context.subscriptions.push(
    preview,
    vscode.commands.registerCommand(Commands.openPreview, (uri?: unknown) => preview.open(uri instanceof vscode.Uri ? uri : undefined)),
  );
  return { refresh: () => preview.refresh(), onDidRender: preview.onDidRender };
}
