// Editing help in `anki:` note documents (glue): problems as you type (Diagnostics), completion, hover and
// quick fixes, the `anki-note` language (YAML with HTML field values) set on note documents when they open,
// and the collection cache those need. The checks themselves are pure (src/lint/).
import * as vscode from 'vscode';
import { Commands, EDITING_DEBOUNCE_MS, LANGUAGE_ID, SCHEME, SettingDefaults, Settings } from '../../constants';
import { CollectionCache } from '../../lint/ankiContext';
import { completionSpot, hoverSpot } from '../../lint/complete';
import { dupeQuery, duplicateProbe, lintNoteDocument, yamlInline, type LintContext, type LintProblem } from '../../lint/lint';
import { readStructure } from '../../lint/structure';
import { blockContext, blockRoles, blockSpans, lintStream, spanAt, type BlockRole, type BlockSpan } from '../../lint/stream';
import type { NoteSnapshot } from '../../notes/model';
import { parsePath } from '../../notes/paths';
import type { AnkiFileSystem } from '../../fs/index';
import type { AnkiSession } from '../../session';
import { mediaFileName } from '../../media/mediaPlace';
import { appendPlayLink } from '../mediaEditor';
import { registerCheckNotes } from './checkNotes';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnostics';
import { fixTitle } from './messages';

const t = vscode.l10n.t;

export interface EditingDeps {
  session: AnkiSession;
  fs: AnkiFileSystem;
}

export interface EditingHelp {
  readonly cache: CollectionCache;
  /** Reload the collection facts (views' Refresh, window focus) and re-check open notes. */
  refresh(): Promise<void>;
  /** Documents of a scheme that are YAML streams of note blocks, each block checked as a note document. */
  registerStreams(source: StreamSource): vscode.Disposable;
  /** A media file was just stored in Anki: known to the checks (no missing-media warning) from now on. */
  mediaStored(name: string): void;
}

/** Stream documents ("Open as One Document"): which notes their blocks are (what each block is checked against). */
export interface StreamSource {
  scheme: string;
  /** The notes of an open stream document by id, as served (undefined: not loaded). */
  bases(uri: vscode.Uri): ReadonlyMap<number, NoteSnapshot> | undefined;
  /** The search the document shows (for messages). */
  query(uri: vscode.Uri): string;
}

/** Per document: the duplicate answers accepted (by note type + first field), and the question in flight. */
interface DupeState {
  answers: Map<string, number[]>;
  pending?: { version: number; key: string; done: Promise<void> };
}

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', bmp: 'image/bmp' };
const HOVER_IMAGE_MAX_BYTES = 256 * 1024;

function isNoteDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === SCHEME && doc.uri.path.endsWith('.yaml');
}

export function registerEditingHelp(context: vscode.ExtensionContext, deps: EditingDeps): EditingHelp {
  const { session, fs } = deps;
  const subs = context.subscriptions;
  const cache = new CollectionCache(() => session.client);
  const diagnostics = vscode.languages.createDiagnosticCollection('anki');
  subs.push(diagnostics);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const lastLint = new Map<string, { version: number; problems: LintProblem[] }>();
  const dupes = new Map<string, DupeState>();
  const DUPE_KEYS_KEPT = 50;
  /** Documents typed in since they opened or were saved (duplicate checks run for those only). */
  const typedIn = new Set<string>();
  /** Stream documents: where the last edit ended (the block whose first field the duplicate check asks about). */
  const lastEdit = new Map<string, number>();
  const languageSet = new Set<string>();
  const streams: StreamSource[] = [];

  const streamOf = (doc: vscode.TextDocument): StreamSource | undefined => streams.find((x) => x.scheme === doc.uri.scheme);
  const isChecked = (doc: vscode.TextDocument): boolean => isNoteDocument(doc) || streamOf(doc) !== undefined;

  const sharedContext = (): Omit<LintContext, 'mode'> => {
    const facts = cache.facts;
    const base: Omit<LintContext, 'mode'> = {};
    if (facts) {
      base.noteTypes = facts.noteTypes;
      base.decks = facts.decks;
      base.media = facts.media;
    }
    return base;
  };

  const contextOf = (doc: vscode.TextDocument): LintContext | undefined => {
    const base = sharedContext();
    const id = fs.noteIdOf(doc.uri);
    if (id !== undefined) {
      const loaded = fs.provider.engine.store.base(id)?.snapshot;
      if (!loaded) return undefined;
      return { ...base, mode: 'existing', loaded };
    }
    return parsePath(doc.uri.path).kind === 'newNote' ? { ...base, mode: 'new' } : undefined;
  };

  /** A stream document's blocks with their roles (undefined: not a loaded stream document). */
  const blocksOf = (doc: vscode.TextDocument, text = doc.getText()): { source: StreamSource; bases: ReadonlyMap<number, NoteSnapshot>; spans: BlockSpan[]; roles: BlockRole[] } | undefined => {
    const source = streamOf(doc);
    const bases = source?.bases(doc.uri);
    if (!source || !bases) return undefined;
    const spans = blockSpans(text);
    return { source, bases, spans, roles: blockRoles(spans, bases, source.query(doc.uri)) };
  };

  const probeKeyOf = (p: { noteType: string; firstField: string }): string => `${p.noteType}\u0000${p.firstField.normalize('NFC')}`;

  /** The duplicate question the document's current text asks: its first field (a stream: the block edited last). */
  const questionOf = (doc: vscode.TextDocument): { noteType: string; firstField: string; key: string } | undefined => {
    const text = doc.getText();
    if (streamOf(doc)) {
      const b = blocksOf(doc, text);
      const at = lastEdit.get(doc.uri.toString());
      if (!b || at === undefined) return undefined;
      const span = spanAt(b.spans, at);
      const role = span ? b.roles[b.spans.indexOf(span)] : undefined;
      const ctx = span && role ? blockContext(role, sharedContext()) : undefined;
      const probe = span && ctx ? duplicateProbe(span.block.text, ctx) : undefined;
      return probe ? { ...probe, key: probeKeyOf(probe) } : undefined;
    }
    const ctx = contextOf(doc);
    const probe = ctx ? duplicateProbe(text, ctx) : undefined;
    return probe ? { ...probe, key: probeKeyOf(probe) } : undefined;
  };

  const dupeState = (key: string): DupeState => {
    let st = dupes.get(key);
    if (!st) dupes.set(key, (st = { answers: new Map() }));
    return st;
  };

  /**
   * Asks Anki's duplicate search for the document's current first field. The answer is tagged with the version it
   * was asked for: it is kept and shown only while it still answers the document — the same version, or a newer one
   * whose first field is the same question; a late answer to an earlier first field is dropped.
   */
  const askDuplicates = (doc: vscode.TextDocument, q: { noteType: string; firstField: string; key: string }): void => {
    const modelId = cache.facts?.noteTypes.get(q.noteType)?.id;
    if (modelId === undefined) return;
    const key = doc.uri.toString();
    const st = dupeState(key);
    const version = doc.version;
    const done = session.client.findNotes(dupeQuery(modelId, q.firstField)).then(
      (ids) => {
        if (st.pending?.done === done) delete st.pending;
        if (doc.isClosed || dupes.get(key) !== st) return;
        if (doc.version !== version && questionOf(doc)?.key !== q.key) {
          session.log.debug(`Duplicate check: the answer for version ${version} came after the first field changed (now version ${doc.version}); dropped.`);
          return;
        }
        st.answers.set(q.key, ids);
        while (st.answers.size > DUPE_KEYS_KEPT) st.answers.delete(st.answers.keys().next().value as string);
        lint(doc);
      },
      (e: unknown) => {
        if (st.pending?.done === done) delete st.pending;
        session.log.debug(`Duplicate check failed: ${String(e)}`);
      },
    );
    st.pending = { version, key: q.key, done };
  };

  /** Checks a document now; `ask` allows the duplicate request (only the debounced pause in typing asks). */
  const lint = (doc: vscode.TextDocument, ask = false): void => {
    const key = doc.uri.toString();
    if (ask) timers.delete(key); // the pending pause is this one; other checks leave it pending
    if (doc.isClosed || !isChecked(doc)) return;
    if (!cache.facts) {
      void cache.get().catch((e: unknown) => session.log.debug(`Editing help: collection facts not loaded: ${String(e)}`));
    }
    const text = doc.getText();
    const st = dupeState(key);
    let problems: LintProblem[];
    if (streamOf(doc)) {
      const b = blocksOf(doc, text);
      if (!b) {
        diagnostics.delete(doc.uri);
        return;
      }
      const shared = sharedContext();
      problems = lintStream(text, b.bases, b.source.query(doc.uri), (span, role) => {
        const ctx = blockContext(role, shared);
        const probe = ctx ? duplicateProbe(span.block.text, ctx) : undefined;
        const known = probe ? st.answers.get(probeKeyOf(probe)) : undefined;
        if (ctx && known) ctx.duplicates = known;
        return ctx;
      });
    } else {
      const ctx = contextOf(doc);
      if (!ctx) {
        diagnostics.delete(doc.uri);
        return;
      }
      const probe = duplicateProbe(text, ctx);
      const known = probe ? st.answers.get(probeKeyOf(probe)) : undefined;
      if (known) ctx.duplicates = known;
      problems = lintNoteDocument(text, ctx);
    }
    lastLint.set(key, { version: doc.version, problems });
    diagnostics.set(doc.uri, problems.map((p) => toDiagnostic(doc, p)));
    // The duplicate check: at most one request per pause in typing, for a first field not asked about yet.
    const wanted = vscode.workspace.getConfiguration(Settings.section).get<boolean>('checkDuplicates', SettingDefaults.checkDuplicates);
    if (!ask || !wanted || !typedIn.has(key)) return;
    const q = questionOf(doc);
    if (q && !st.answers.has(q.key) && st.pending?.key !== q.key) askDuplicates(doc, q);
  };

  /** The lint of the document's current version; waits for the duplicate answer that version is waiting for. */
  const currentLint = async (doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<LintProblem[] | undefined> => {
    const key = doc.uri.toString();
    const pending = dupes.get(key)?.pending;
    if (pending && questionOf(doc)?.key === pending.key) await pending.done;
    if (token?.isCancellationRequested) return undefined;
    let entry = lastLint.get(key);
    if (!entry || entry.version !== doc.version) {
      lint(doc);
      entry = lastLint.get(key);
    }
    return entry?.version === doc.version ? entry.problems : undefined;
  };

  const schedule = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    const old = timers.get(key);
    if (old) clearTimeout(old);
    timers.set(key, setTimeout(() => lint(doc, true), EDITING_DEBOUNCE_MS));
  };

  const lintAll = (): void => {
    for (const doc of vscode.workspace.textDocuments) if (isChecked(doc)) lint(doc);
  };

  const setLanguage = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    if (!isNoteDocument(doc) || doc.languageId === LANGUAGE_ID || languageSet.has(key)) return;
    languageSet.add(key); // once per opening: a user's own choice of language afterwards stays
    // setTextDocumentLanguage keeps the model (content, dirty state); the extension host reports it as a close
    // and a re-open of the same, still open document (`isClosed` false), which our listeners ignore.
    void vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID).then(undefined, (e: unknown) => session.log.debug(`Could not set the note language: ${String(e)}`));
  };

  const opened = (doc: vscode.TextDocument): void => {
    if (!isChecked(doc)) return;
    if (isNoteDocument(doc)) setLanguage(doc);
    lint(doc);
  };

  subs.push(
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!isChecked(e.document)) return;
      const last = e.contentChanges[e.contentChanges.length - 1];
      if (last) {
        typedIn.add(e.document.uri.toString());
        if (streamOf(e.document)) lastEdit.set(e.document.uri.toString(), last.rangeOffset + last.text.length);
      }
      schedule(e.document);
    }),
    vscode.workspace.onWillSaveTextDocument((e) => {
      // A save right after typing: the save's own requests come first; the next edit checks again.
      const key = e.document.uri.toString();
      typedIn.delete(key);
    }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!isChecked(doc)) return;
      if (!isNoteDocument(doc) || !cache.facts) {
        schedule(doc); // a stream document's blocks may have new bases (saved, added notes)
        return;
      }
      // What a save may have created in Anki (a deck, tags), without a request.
      const st = readStructure(doc.getText());
      const facts = cache.facts;
      if (st.deck && !facts.decks.some((d) => d.toLowerCase() === st.deck?.text.toLowerCase())) (facts.decks as string[]).push(st.deck.text);
      for (const tag of st.tags?.items ?? []) if (!facts.tags.some((x) => x.toLowerCase() === tag.text.toLowerCase())) (facts.tags as string[]).push(tag.text);
      schedule(doc);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (!doc.isClosed) return; // a language change, not a close
      const key = doc.uri.toString();
      const timer = timers.get(key);
      if (timer) clearTimeout(timer);
      timers.delete(key);
      lastLint.delete(key);
      dupes.delete(key);
      typedIn.delete(key);
      lastEdit.delete(key);
      languageSet.delete(key);
      diagnostics.delete(doc.uri);
    }),
    cache.onDidLoad(lintAll),
    session.onDidChangeClient(() => {
      cache.clear();
      dupes.clear();
    }),
    vscode.window.onDidChangeWindowState((w) => {
      if (!w.focused || !cache.facts || session.state.kind !== 'connected') return;
      if (!vscode.workspace.getConfiguration(Settings.section).get<boolean>('checkOnFocus', SettingDefaults.checkOnFocus)) return;
      void cache.refresh().catch((e: unknown) => session.log.debug(`Editing help refresh failed: ${String(e)}`));
    }),
    { dispose: () => timers.forEach((x) => clearTimeout(x)) },
  );

  const selector: vscode.DocumentSelector = [{ scheme: SCHEME }, { language: LANGUAGE_ID }];

  const codeActions: vscode.CodeActionProvider = {
    async provideCodeActions(doc, range, ctx, token) {
      // Computed from the lint of the document's current version (with its duplicate answer once it has come).
      const problems = await currentLint(doc, token);
      if (!problems) return [];
      const actions: vscode.CodeAction[] = [];
      for (const p of problems) {
        const pr = new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end));
        if (!pr.intersection(range) && !range.contains(pr)) continue;
        const diag = ctx.diagnostics.find((d) => d.source === DIAGNOSTIC_SOURCE && d.range.isEqual(pr) && (typeof d.code === 'object' ? d.code.value : d.code) === p.code);
        for (const fix of p.fixes) {
          const a = new vscode.CodeAction(fixTitle(fix.kind, fix.args), vscode.CodeActionKind.QuickFix);
          const edit = new vscode.WorkspaceEdit();
          for (const e of fix.edits) edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), e.newText);
          a.edit = edit;
          if (diag) a.diagnostics = [diag];
          if (fix.preferred) a.isPreferred = true;
          actions.push(a);
        }
        for (const id of p.noteIds ?? []) {
          const a = new vscode.CodeAction(t('Open the other note ({0})', String(id)), vscode.CodeActionKind.QuickFix);
          a.command = { command: Commands.openNoteById, title: a.title, arguments: [id] };
          if (diag) a.diagnostics = [diag];
          actions.push(a);
        }
      }
      return actions;
    },
  };

  /** The note document the position is in: the whole document, or a stream document's block (shifted by `start`). */
  const noteAt = (doc: vscode.TextDocument, position: vscode.Position): { text: string; offset: number; start: number; ctx: LintContext | undefined } | undefined => {
    const text = doc.getText();
    const offset = doc.offsetAt(position);
    if (isNoteDocument(doc)) return { text, offset, start: 0, ctx: contextOf(doc) };
    const b = blocksOf(doc, text);
    const span = b ? spanAt(b.spans, offset) : undefined;
    if (!b || !span) return undefined;
    const role = b.roles[b.spans.indexOf(span)] as BlockRole;
    return { text: span.block.text, offset: offset - span.start, start: span.start, ctx: blockContext(role, sharedContext()) };
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(doc, position) {
      const at = noteAt(doc, position);
      if (!at) return undefined;
      const { text, ctx } = at;
      const spot = completionSpot(text, at.offset);
      if (!spot) return undefined;
      let facts;
      try {
        facts = await cache.get();
      } catch (e) {
        session.log.debug(`Completion: ${String(e)}`);
        return undefined;
      }
      const range = new vscode.Range(doc.positionAt(at.start + spot.start), doc.positionAt(at.start + spot.end));
      const item = (label: string, kind: vscode.CompletionItemKind, insert: string, detail?: string): vscode.CompletionItem => {
        const c = new vscode.CompletionItem(label, kind);
        c.insertText = insert;
        c.range = range;
        if (detail !== undefined) c.detail = detail;
        return c;
      };
      switch (spot.kind) {
        case 'deck':
          return facts.decks.map((d) => item(d, vscode.CompletionItemKind.Folder, yamlInlineValue(d), t('deck')));
        case 'noteType':
          if (ctx?.mode !== 'new') return undefined;
          return [...facts.noteTypes.keys()].map((n) => item(n, vscode.CompletionItemKind.Class, yamlInlineValue(n), t('note type')));
        case 'tag': {
          const present = new Set((readStructure(text).tags?.items ?? []).map((x) => x.text.toLowerCase()));
          return facts.tags.filter((x) => !present.has(x.toLowerCase()) || x.toLowerCase() === spot.prefix.toLowerCase()).map((x) => item(x, vscode.CompletionItemKind.Keyword, yamlInline(x), t('tag')));
        }
        case 'media':
          return [...facts.media].map((m) => item(m, vscode.CompletionItemKind.File, m, t('media file')));
        case 'fieldName': {
          const names = ctx?.mode === 'existing' ? ctx.loaded?.fields.map(([n]) => n) : facts.noteTypes.get(readStructure(text).noteType?.text ?? '')?.fields;
          const present = new Set(spot.present ?? []);
          return (names ?? []).filter((n) => !present.has(n)).map((n) => item(n, vscode.CompletionItemKind.Field, `${yamlInline(n)}: `, t('field')));
        }
      }
      return undefined;
    },
  };
  const triggers = [':', '[', ',', ' ', '"'];

  const hover: vscode.HoverProvider = {
    async provideHover(doc, position) {
      const at = noteAt(doc, position);
      if (!at) return undefined;
      const spot = hoverSpot(at.text, at.offset);
      if (!spot) return undefined;
      const range = new vscode.Range(doc.positionAt(at.start + spot.range[0]), doc.positionAt(at.start + spot.range[1]));
      const md = new vscode.MarkdownString();
      try {
        if (spot.kind === 'tag') {
          const n = await cache.notesWithTag(spot.tag);
          md.appendMarkdown(t('Tag **{0}**: {1} notes', escapeMd(spot.tag), String(n)));
        } else if (spot.kind === 'deck') {
          const n = await cache.notesInDeck(spot.deck);
          const exists = cache.facts?.decks.some((d) => d.toLowerCase() === spot.deck.toLowerCase());
          md.appendMarkdown(exists === false ? t('Deck **{0}**: not in Anki yet (saving creates it)', escapeMd(spot.deck)) : t('Deck **{0}**: {1} notes (with its sub-decks)', escapeMd(spot.deck), String(n)));
        } else {
          const name = mediaFileName(spot.name, spot.media, cache.facts?.media);
          const bytes = await cache.mediaFile(name);
          if (!bytes) {
            md.appendMarkdown(t('**{0}**: not in Anki\'s media folder', escapeMd(name)));
          } else {
            md.appendMarkdown(t('**{0}**: {1}', escapeMd(name), formatSize(bytes.length)));
            appendPlayLink(md, name, spot.media);
            const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
            const mime = IMAGE_TYPES[ext];
            if (mime && bytes.length <= HOVER_IMAGE_MAX_BYTES) {
              md.appendMarkdown(`\n\n![${escapeMd(spot.name)}](data:${mime};base64,${Buffer.from(bytes).toString('base64')})`);
            }
          }
        }
      } catch (e) {
        session.log.debug(`Hover: ${String(e)}`);
        return undefined;
      }
      return new vscode.Hover(md, range);
    },
  };

  const registerProviders = (sel: vscode.DocumentSelector): vscode.Disposable[] => [
    vscode.languages.registerCodeActionsProvider(sel, codeActions, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCompletionItemProvider(sel, completion, ...triggers),
    vscode.languages.registerHoverProvider(sel, hover),
  ];
  subs.push(...registerProviders(selector));

  for (const doc of vscode.workspace.textDocuments) opened(doc);
  registerCheckNotes(context, { session, fs, cache });

  return {
    cache,
    mediaStored: (name) => cache.mediaAdded(name),
    refresh: async () => {
      if (!cache.facts) return;
      try {
        await cache.refresh();
      } catch (e) {
        session.log.debug(`Editing help refresh failed: ${String(e)}`);
      }
    },
    registerStreams: (source) => {
      streams.push(source);
      const own = registerProviders([{ scheme: source.scheme }]);
      for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === source.scheme) lint(doc);
      return new vscode.Disposable(() => {
        streams.splice(streams.indexOf(source), 1);
        for (const d of own) d.dispose();
      });
    },
  };
}

/** A deck or note type name as a YAML value after `key: `. */
function yamlInlineValue(s: string): string {
  return /^[^\s"'#&*!|>%@`[\]{},?:-][^#]*$/.test(s) && !s.includes(': ') && !s.endsWith(':') && s.trim() === s ? s : JSON.stringify(s);
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function formatSize(n: number): string {
  return n < 1024 ? t('{0} bytes', String(n)) : n < 1024 * 1024 ? t('{0} KB', (n / 1024).toFixed(1)) : t('{0} MB', (n / 1024 / 1024).toFixed(1));
}
