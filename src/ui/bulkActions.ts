// Bulk actions on a selection of notes in the Decks and Search Results views (glue): Add Tags…, Remove
// Tags…, Move to Deck…, Delete Notes…, Open as One Document. Every change goes through the engine
// (src/bulk/run.ts); commands are scriptable with `{ noteIds, … }` (see README "Bulk actions").
import * as vscode from 'vscode';
import type { CardId, NoteId } from '../anki/api';
import { describeAnkiError } from '../anki/errors';
import { nidQuery } from '../anki/query';
import { Commands, ContextKeys, SCHEME } from '../constants';
import { checkNewDeckName } from '../core/deckTree';
import type { AnkiFileSystem } from '../fs/index';
import {
  argProblem,
  checkTags,
  deleteArgSchema,
  isScriptedArg,
  moveArgSchema,
  openArgSchema,
  parseTagInput,
  tagsArgSchema,
  tagsOfSelection,
  type DeleteResult,
  type Failure,
  type MoveResult,
  type TagProblem,
  type TagResult,
} from '../bulk/plan';
import { applyTags, deleteSelection, moveSelection, readSelection, type BulkEngine, type TagAction } from '../bulk/run';
import type { DecksView } from '../tree/decksView';
import type { NoteElement } from '../tree/items';
import type { SearchResultsView } from '../tree/searchResultsView';
import { deckNameProblemMessage } from './commands';
import { closeNoteTabs } from './editors';
import type { Session } from './session';

const t = vscode.l10n.t;

export interface BulkActionDeps {
  session: Session;
  fs: AnkiFileSystem;
  decks: DecksView;
  results: SearchResultsView;
}

/** The notes a command is about. */
interface Selection {
  ids: NoteId[];
  /** Cards known from the tree items (the read then costs one request). */
  cards: CardId[];
  /** The deck each note is listed under in the Decks view (its cards there move). */
  from: Map<NoteId, string>;
  /** Given as `{ noteIds, … }` (no prompts beyond what the object leaves out, no result message). */
  scripted: boolean;
}

/** More notes than this: the progress is a notification, else the status bar. */
const NOTIFY_PROGRESS_OVER = 50;

function isNoteElement(v: unknown): v is NoteElement {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'note' && typeof (v as { note?: { id?: unknown } }).note?.id === 'number';
}

export function tagProblemMessage(p: TagProblem): string {
  switch (p.code) {
    case 'noTags':
      return t('Enter at least one tag.');
    case 'tagHasSpace':
      return t('The tag "{0}" contains a space: Anki separates tags by spaces.', p.tag);
    case 'tagBadCharacter':
      return t('The tag "{0}" contains a double quote or a control character: Anki removes them.', p.tag);
  }
}

export function registerBulkActions(deps: BulkActionDeps): vscode.Disposable[] {
  const { session, fs, decks, results } = deps;
  const log = session.log;
  const engine: BulkEngine = {
    store: fs.provider.engine.store,
    saveNotes: (reqs) => fs.provider.engine.saveNotes(reqs),
    moveNotes: (ids, deck, opts) => fs.moveNotes(ids, deck, opts),
    deleteNotes: (ids) => fs.deleteNotes(ids),
  };

  // Which came last, a tree selection or the active note editor: the palette acts on that one.
  let lastTree: SearchResultsView['view'] | DecksView['view'] | undefined;
  const disposables: vscode.Disposable[] = [];
  const updateSelectedKey = (): void => {
    const any = [decks.view, results.view].some((v) => v.selection.some(isNoteElement));
    void vscode.commands.executeCommand('setContext', ContextKeys.notesSelected, any);
  };
  for (const view of [decks.view, results.view] as const) {
    disposables.push(
      view.onDidChangeSelection((e) => {
        lastTree = e.selection.some(isNoteElement) ? view : undefined;
        updateSelectedKey();
      }),
    );
  }
  disposables.push(
    vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e?.document.uri.scheme === SCHEME) lastTree = undefined;
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      // The user's own clicks and keys only (a document reloaded after a bulk action moves its selection too).
      const byUser = e.kind === vscode.TextEditorSelectionChangeKind.Keyboard || e.kind === vscode.TextEditorSelectionChangeKind.Mouse;
      if (byUser && e.textEditor.document.uri.scheme === SCHEME) lastTree = undefined;
    }),
  );

  const fromElements = (els: readonly unknown[]): Selection => {
    const sel: Selection = { ids: [], cards: [], from: new Map(), scripted: false };
    const seen = new Set<NoteId>();
    for (const el of els) {
      if (isNoteElement(el)) {
        if (seen.has(el.note.id)) continue;
        seen.add(el.note.id);
        sel.ids.push(el.note.id);
        sel.cards.push(...el.note.cards);
        if (el.parentDeck !== undefined) sel.from.set(el.note.id, el.parentDeck);
      } else if (el instanceof vscode.Uri) {
        const id = fs.noteIdOf(el);
        if (id !== undefined && !seen.has(id)) {
          seen.add(id);
          sel.ids.push(id);
        }
      }
    }
    return sel;
  };

  /** (item, selectedItems) from a tree, a URI, or nothing (palette): the last of the tree selection and the active note. */
  const selectionOf = (args: unknown[]): Selection => {
    const [first, selected] = args;
    if (Array.isArray(selected) && selected.length > 0 && (first === undefined || selected.includes(first))) return fromElements(selected);
    if (first !== undefined) return fromElements([first]);
    if (lastTree) return fromElements(lastTree.selection);
    const uri = vscode.window.activeTextEditor?.document.uri;
    return fromElements(uri?.scheme === SCHEME ? [uri] : []);
  };

  const nothingSelected = (): undefined => {
    void vscode.window.showInformationMessage(t('Select notes in the Decks or Search Results view (or open a note) first.'));
    return undefined;
  };

  const withProgress = <T>(count: number, title: string, f: () => Promise<T>): Promise<T> =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: count > NOTIFY_PROGRESS_OVER ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title },
        f,
      ),
    );

  /** Names every failure in the log; the message shows the first ones. */
  const reportFailures = (what: string, failed: readonly Failure[]): void => {
    if (failed.length === 0) return;
    for (const f of failed) log.warn(`${what}: note ${f.id}: ${f.reason}`);
    const shown = failed.slice(0, 3).map((f) => f.reason).join(' ');
    const more = failed.length > 3 ? ' ' + t('({0} more in the log)', failed.length - 3) : '';
    const showLog = t('Show Log');
    void vscode.window.showWarningMessage(t('{0}: {1} note(s) not changed. {2}', what, failed.length, shown) + more, showLog).then((c) => {
      if (c === showLog) log.show();
    });
  };

  const dirtyNotes = (): Set<NoteId> => {
    const out = new Set<NoteId>();
    for (const d of vscode.workspace.textDocuments) {
      if (d.isClosed || !d.isDirty || d.uri.scheme !== SCHEME) continue;
      const id = fs.noteIdOf(d.uri);
      if (id !== undefined) out.add(id);
    }
    return out;
  };

  const afterChange = async (ids: readonly NoteId[]): Promise<void> => {
    try {
      await results.reload(ids);
    } catch (e) {
      log.debug(`Search Results reload failed: ${describeAnkiError(e).message}`);
    }
  };

  // ------------------------------------------------------------------ tags

  const runTags = async (action: TagAction, args: unknown[]): Promise<TagResult | undefined> => {
    let sel: Selection;
    let tags: string[] | undefined;
    const [arg] = args;
    if (isScriptedArg(arg)) {
      const parsed = tagsArgSchema.safeParse(arg);
      if (!parsed.success) throw new Error(t('Invalid argument: {0}', argProblem(parsed.error)));
      sel = { ids: [...new Set(parsed.data.noteIds)], cards: [], from: new Map(), scripted: true };
      if (parsed.data.tags !== undefined) {
        const checked = checkTags(parsed.data.tags);
        if (!checked.ok) throw new Error(tagProblemMessage(checked.problem));
        tags = checked.tags;
      }
    } else sel = selectionOf(args);
    if (sel.ids.length === 0) return nothingSelected();
    const n = sel.ids.length;
    if (action === 'add' && tags === undefined) {
      const input = await vscode.window.showInputBox({
        title: n === 1 ? t('Add Tags to 1 Note') : t('Add Tags to {0} Notes', n),
        prompt: t('Tags separated by spaces (e.g. vocab jlpt::n3); notes that already have a tag keep it once.'),
        validateInput: (v) => {
          const p = parseTagInput(v);
          return p.ok ? undefined : tagProblemMessage(p.problem);
        },
      });
      if (input === undefined) return undefined;
      const p = parseTagInput(input);
      if (!p.ok) return undefined;
      tags = p.tags;
    }
    const selection = await withProgress(n, t('Anki: reading {0} note(s)…', n), () => readSelection(engine, sel.ids, sel.cards));
    if (tags === undefined) {
      // Remove Tags: offer the tags the selection has.
      const have = tagsOfSelection(selection.notes);
      if (have.length === 0) {
        void vscode.window.showInformationMessage(n === 1 ? t('The note has no tags.') : t('None of the {0} notes has a tag.', n));
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        have.map((h) => ({ label: h.tag, description: t('{0} of {1} notes', h.count, selection.notes.length) })),
        { canPickMany: true, title: n === 1 ? t('Remove Tags from 1 Note') : t('Remove Tags from {0} Notes', n), placeHolder: t('Tags to remove') },
      );
      if (!picked || picked.length === 0) return undefined;
      tags = picked.map((p) => p.label);
    }
    const chosen = tags;
    const skipDirty = dirtyNotes();
    const title = action === 'add' ? t('Anki: adding tags to {0} note(s)…', n) : t('Anki: removing tags from {0} note(s)…', n);
    const result = await withProgress(n, title, () =>
      applyTags(engine, action, chosen, selection, (id) =>
        skipDirty.has(id) ? t('Note {0} has unsaved changes in its editor: save or revert it first (its tags were not changed).', id) : undefined,
      ),
    );
    log.info(`${action === 'add' ? 'Add' : 'Remove'} tags ${chosen.join(' ')}: ${result.saved} saved, ${result.unchanged} unchanged, ${result.failed.length} failed of ${result.notes}.`);
    await afterChange(sel.ids);
    const what = action === 'add' ? t('Add Tags') : t('Remove Tags');
    reportFailures(what, result.failed);
    if (!sel.scripted && result.failed.length === 0) {
      const msg =
        action === 'add'
          ? t('Added {0} to {1} note(s); {2} already had them.', chosen.join(' '), result.saved, result.unchanged)
          : t('Removed {0} from {1} note(s).', chosen.join(' '), result.saved);
      vscode.window.setStatusBarMessage(msg, 8000);
    }
    return result;
  };

  // ------------------------------------------------------------------ move

  const NEW_DECK = Symbol('new deck');
  const pickDeck = async (n: number, current: string | undefined): Promise<string | undefined> => {
    if (!decks.listing.tree) await decks.refresh();
    const tree = decks.listing.tree;
    const names = tree ? [...tree.byName.values()].filter((d) => !d.filtered).map((d) => d.name) : await session.client.deckNames();
    type Item = vscode.QuickPickItem & { deck: string | typeof NEW_DECK };
    const items: Item[] = [
      { label: `$(add) ${t('New Deck…')}`, deck: NEW_DECK, alwaysShow: true },
      ...names.map((name): Item => ({ label: name, deck: name, ...(current !== undefined && name === current ? { description: t('current deck') } : {}) })),
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: n === 1 ? t('Move 1 Note to Deck') : t('Move {0} Notes to Deck', n),
      placeHolder: t('Deck to move to (its cards in the deck it is listed under move; see the README)'),
    });
    if (!picked) return undefined;
    if (picked.deck !== NEW_DECK) return picked.deck;
    const name = await vscode.window.showInputBox({
      title: t('New Deck'),
      prompt: t('Deck name; use "::" for sub-decks (e.g. Japanese::Vocabulary).'),
      validateInput: (v) => {
        const p = checkNewDeckName(v, decks.listing.tree);
        return p ? deckNameProblemMessage(p) : undefined;
      },
    });
    if (name === undefined) return undefined;
    await fs.createDeck(name.trim());
    return name.trim();
  };

  const runMove = async (args: unknown[]): Promise<MoveResult | undefined> => {
    let sel: Selection;
    let deck: string | undefined;
    const [arg] = args;
    if (isScriptedArg(arg)) {
      const parsed = moveArgSchema.safeParse(arg);
      if (!parsed.success) throw new Error(t('Invalid argument: {0}', argProblem(parsed.error)));
      sel = { ids: [...new Set(parsed.data.noteIds)], cards: [], from: new Map(), scripted: true };
      if (parsed.data.deck !== undefined) {
        const p = checkNewDeckName(parsed.data.deck, undefined);
        if (p) throw new Error(deckNameProblemMessage(p));
        deck = parsed.data.deck.trim();
      }
    } else sel = selectionOf(args);
    if (sel.ids.length === 0) return nothingSelected();
    const n = sel.ids.length;
    if (deck === undefined) {
      const only = sel.ids.length === 1 ? sel.ids[0] : undefined;
      const current = only !== undefined ? (sel.from.get(only) ?? decks.listing.deckOfNote(only)) : undefined;
      deck = await pickDeck(n, current);
      if (deck === undefined) return undefined;
    }
    const target = deck;
    const result = await withProgress(n, t('Anki: moving {0} note(s) to {1}…', n, target), () => moveSelection(engine, sel.ids, target, sel.from));
    log.info(`Move to "${target}": ${result.moved} moved, ${result.unchanged} already there, ${result.failed.length} failed of ${result.notes}.`);
    await decks.refresh();
    await afterChange(sel.ids);
    reportFailures(t('Move to Deck'), result.failed);
    if (!sel.scripted && result.failed.length === 0) {
      const stay = result.cardsLeftBehind > 0 ? ' ' + t('{0} card(s) in other decks stay where they are.', result.cardsLeftBehind) : '';
      vscode.window.setStatusBarMessage(t('Moved {0} note(s) to {1}.', result.moved, target) + stay, 8000);
    }
    return result;
  };

  // ------------------------------------------------------------------ delete

  const runDelete = async (args: unknown[]): Promise<DeleteResult | undefined> => {
    let sel: Selection;
    let confirm = true;
    const [arg] = args;
    if (isScriptedArg(arg)) {
      const parsed = deleteArgSchema.safeParse(arg);
      if (!parsed.success) throw new Error(t('Invalid argument: {0}', argProblem(parsed.error)));
      sel = { ids: [...new Set(parsed.data.noteIds)], cards: [], from: new Map(), scripted: true };
      confirm = parsed.data.confirm ?? true;
    } else sel = selectionOf(args);
    if (sel.ids.length === 0) return nothingSelected();
    const n = sel.ids.length;
    if (confirm) {
      const del = t('Delete');
      const cards = sel.cards.length;
      const msg =
        cards > 0
          ? t('Delete {0} note(s) and their {1} card(s) from Anki?', n, cards)
          : t('Delete {0} note(s) and all their cards from Anki?', n);
      const choice = await vscode.window.showWarningMessage(
        msg,
        {
          modal: true,
          detail: t('Anki deletes the cards and their review history. "Anki: Undo Last Save" adds the notes again (with new ids), but not their review history.'),
        },
        del,
      );
      if (choice !== del) return undefined;
    }
    const result = await withProgress(n, t('Anki: deleting {0} note(s)…', n), () => deleteSelection(engine, sel.ids));
    log.info(`Delete notes: ${result.deleted} deleted, ${result.failed.length} not found of ${result.notes}.`);
    results.forget(result.deletedIds);
    await closeNoteTabs(result.deletedIds, (uri) => fs.noteIdOf(uri));
    await decks.refresh();
    reportFailures(t('Delete Notes'), result.failed);
    if (!sel.scripted && result.failed.length === 0) vscode.window.setStatusBarMessage(t('Deleted {0} note(s).', result.deleted), 8000);
    const { deletedIds: _, ...out } = result;
    return out;
  };

  // ------------------------------------------------------------------ open as one document

  const runOpen = async (args: unknown[]): Promise<vscode.Uri | undefined> => {
    const [arg] = args;
    let ids: NoteId[];
    if (isScriptedArg(arg)) {
      const parsed = openArgSchema.safeParse(arg);
      if (!parsed.success) throw new Error(t('Invalid argument: {0}', argProblem(parsed.error)));
      ids = [...new Set(parsed.data.noteIds)];
    } else ids = selectionOf(args).ids;
    if (ids.length === 0) return nothingSelected();
    return vscode.commands.executeCommand<vscode.Uri | undefined>(Commands.openAsDocument, { query: nidQuery([...ids].sort((a, b) => a - b)) });
  };

  /** Scripted calls reject with the reason; UI calls show it. */
  const command = <T>(id: string, name: string, run: (args: unknown[]) => Promise<T>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]): Promise<T | undefined> => {
      const scripted = isScriptedArg(args[0]);
      try {
        if (session.state.kind !== 'connected' && (await session.check()).kind !== 'connected') {
          throw new Error(t('Anki is not running, or AnkiConnect is not answering at {0}.', session.url));
        }
        return await run(args);
      } catch (e) {
        const msg = describeAnkiError(e).message;
        log.error(`${name}: ${msg}`);
        if (scripted) throw e instanceof Error ? e : new Error(msg);
        void vscode.window.showErrorMessage(`${name}: ${msg}`);
        return undefined;
      }
    });

  return [
    ...disposables,
    command(Commands.addTags, t('Add Tags'), (args) => runTags('add', args)),
    command(Commands.removeTags, t('Remove Tags'), (args) => runTags('remove', args)),
    command(Commands.moveToDeck, t('Move to Deck'), runMove),
    command(Commands.deleteNotes, t('Delete Notes'), runDelete),
    command(Commands.openSelectionAsDocument, t('Open as One Document'), runOpen),
  ];
}

