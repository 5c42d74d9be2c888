// Every command of the manifest. Each one is always registered; commands that need Anki first make sure it
// answers and otherwise explain what is wrong (with the action that fixes it) instead of failing obscurely.
import { errorText } from './messages';
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { describeAnkiError } from '../anki/errors';
import { deckQuery, nidQuery } from '../anki/query';
import { ANKICONNECT_CODE, ANKICONNECT_URL, Commands, SCHEME, Views, type CommandId } from '../constants';
import { checkNewDeckName, type DeckNameProblem } from '../core/deckTree';
import { orderHits } from '../core/search';
import { firstFieldHtml } from '../core/snapshot';
import type { DecksView } from '../tree/decksView';
import type { Element, NoteUris } from '../tree/items';
import type { SearchResultsView } from '../tree/searchResultsView';
import { closeNoteTabs, openDraft } from './editors';
import type { Session } from './session';

/** The parts of the `anki:` file system the commands use (src/fs/index.ts `AnkiFileSystem`). */
export interface CommandFs extends NoteUris {
  createDraft(deck: string, noteType: string, fieldNames: string[]): vscode.Uri;
  checkForChanges(): Promise<void>;
  createDeck(name: string): Promise<void>;
  deleteNotes(ids: readonly NoteId[]): Promise<NoteId[]>;
  /** "Compare with Anki's Version" (src/fs/index.ts). */
  compareWithAnki(uri: vscode.Uri): Promise<void>;
}

export interface CommandDeps {
  session: Session;
  fs: CommandFs;
  decks: DecksView;
  results: SearchResultsView;
  openSearch: (initial?: string) => void;
  /** Also refreshed by Refresh (the editing help's cached note types, decks, tags and media names). */
  onRefresh?: () => Promise<void>;
}

type Handler = (...args: unknown[]) => unknown;

const t = vscode.l10n.t;

function isElement(v: unknown): v is Element {
  return typeof v === 'object' && v !== null && 'kind' in v && typeof (v as { kind: unknown }).kind === 'string';
}

function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

function activeAnkiUri(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === SCHEME ? uri : undefined;
}

export function deckNameProblemMessage(p: DeckNameProblem): string {
  switch (p) {
    case 'empty':
      return t('Enter a deck name.');
    case 'emptyComponent':
      return t('Each level between "::" needs a name (Anki would call an empty level "blank").');
    case 'quote':
      return t('Deck names cannot contain double quotes (Anki removes them).');
    case 'control':
      return t('Deck names cannot contain tabs or line breaks.');
    case 'exists':
      return t('A deck with this name already exists (Anki compares deck names ignoring case).');
  }
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { session, fs, decks, results } = deps;

  /** Make sure Anki answers; otherwise explain and offer the fix. */
  const ensureConnected = async (): Promise<boolean> => {
    if (session.state.kind === 'connected') return true;
    const state = await session.check();
    if (state.kind === 'connected') return true;
    const retry = t('Retry');
    const install = t('How to Install AnkiConnect');
    const setKey = t('Set API Key…');
    const showLog = t('Show Log');
    let choice: string | undefined;
    if (state.kind === 'notRunning') {
      choice = await vscode.window.showWarningMessage(
        t('Anki is not running, or AnkiConnect is not installed (nothing answers at {0}). Start Anki, then retry.', session.url),
        retry,
        install,
      );
    } else if (state.kind === 'apiKey') {
      choice = await vscode.window.showWarningMessage(state.message, setKey);
    } else {
      const msg = state.kind === 'error' ? state.message : t('AnkiConnect is not answering yet.');
      choice = await vscode.window.showWarningMessage(msg, retry, showLog);
    }
    if (choice === retry) void vscode.commands.executeCommand(Commands.retryConnection);
    else if (choice === install) void vscode.commands.executeCommand(Commands.installHelp);
    else if (choice === setKey) void vscode.commands.executeCommand(Commands.setApiKey);
    else if (choice === showLog) session.log.show();
    return false;
  };

  const fail = (what: string, e: unknown): void => {
    session.log.error(`${what}: ${describeAnkiError(e).message}`);
    const showLog = t('Show Log');
    void vscode.window.showErrorMessage(`${what}: ${errorText(e)}`, showLog).then((c) => {
      if (c === showLog) session.log.show();
    });
  };

  /** The note a command is about: a tree item, an `anki:` URI, or the active editor. */
  const noteIdsFrom = (args: unknown[]): NoteId[] => {
    const [first, selected] = args;
    const els = Array.isArray(selected) && selected.length > 0 ? selected : [first];
    const ids: NoteId[] = [];
    for (const el of els) {
      if (isElement(el) && el.kind === 'note') ids.push(el.note.id);
      else if (isUri(el)) {
        const id = fs.noteIdOf(el);
        if (id !== undefined) ids.push(id);
      }
    }
    if (ids.length === 0 && first === undefined) {
      const uri = activeAnkiUri();
      const id = uri ? fs.noteIdOf(uri) : undefined;
      if (id !== undefined) ids.push(id);
    }
    return [...new Set(ids)];
  };

  const pickDeck = async (placeHolder: string): Promise<string | undefined> => {
    if (!decks.listing.tree) await decks.refresh();
    const names = decks.listing.tree ? [...decks.listing.tree.byName.keys()] : await session.client.deckNames();
    return vscode.window.showQuickPick(names, { placeHolder, ignoreFocusOut: false });
  };

  const askDeckName = async (parent: string | undefined): Promise<string | undefined> => {
    const prefix = parent === undefined ? '' : `${parent}::`;
    return vscode.window.showInputBox({
      title: parent === undefined ? t('New Deck') : t('New Sub-deck of {0}', parent),
      prompt: t('Deck name; use "::" for sub-decks (e.g. Japanese::Vocabulary).'),
      value: prefix,
      valueSelection: [prefix.length, prefix.length],
      validateInput: (v) => {
        const p = checkNewDeckName(v, decks.listing.tree);
        if (p) return deckNameProblemMessage(p);
        if (parent !== undefined && !v.startsWith(prefix)) return t('A sub-deck of {0} starts with "{1}".', parent, prefix);
        return undefined;
      },
    });
  };

  const createDeck = async (parent: string | undefined): Promise<void> => {
    const name = await askDeckName(parent);
    if (name === undefined) return;
    try {
      await fs.createDeck(name.trim());
      await decks.refresh();
      await decks.revealDeck(name.trim());
    } catch (e) {
      fail(t('Could not create the deck "{0}"', name), e);
    }
  };

  const table: Array<{ id: CommandId; needsAnki: boolean; run: Handler }> = [
    {
      // No guard: when Anki is down the Decks view's welcome content explains it (no popup).
      id: Commands.refresh,
      needsAnki: false,
      run: async (el) => {
        deps.onRefresh?.();
        if (isElement(el) && el.kind === 'deck') await decks.refreshDeck(el.name);
        else await decks.refresh();
        await deps.onRefresh?.();
        if (session.state.kind !== 'connected') return;
        try {
          await fs.checkForChanges();
        } catch (e) {
          session.log.warn(`Checking open notes failed: ${describeAnkiError(e).message}`);
        }
      },
    },
    { id: Commands.search, needsAnki: true, run: (initial) => deps.openSearch(typeof initial === 'string' ? initial : '') },
    {
      id: Commands.newNote,
      needsAnki: true,
      run: async (el) => {
        const deck = isElement(el) && el.kind === 'deck' ? el.name : await pickDeck(t('Deck for the new note'));
        if (deck === undefined) return;
        try {
          const models = await session.client.modelNames();
          const noteType = await vscode.window.showQuickPick(models, { placeHolder: t('Note type of the new note in {0}', deck) });
          if (noteType === undefined) return;
          const fieldNames = await session.client.modelFieldNames(noteType);
          const uri = fs.createDraft(deck, noteType, fieldNames);
          await openDraft(uri, fieldNames[0]);
        } catch (e) {
          fail(t('Could not start a new note'), e);
        }
      },
    },
    { id: Commands.newDeck, needsAnki: true, run: () => createDeck(undefined) },
    {
      id: Commands.newSubDeck,
      needsAnki: true,
      run: async (el) => {
        const parent = isElement(el) && el.kind === 'deck' ? el.name : await pickDeck(t('Parent deck'));
        if (parent !== undefined) await createDeck(parent);
      },
    },
    {
      id: Commands.openInAnki,
      needsAnki: true,
      run: async (...args) => {
        const [el] = args;
        let query: string | undefined;
        if (isElement(el) && el.kind === 'deck') query = deckQuery(el.name, { includeSubdecks: true });
        else {
          const ids = noteIdsFrom(args);
          if (ids.length > 0) query = nidQuery(ids);
        }
        if (query === undefined) {
          void vscode.window.showInformationMessage(t('Select a deck or a note (or open one) to show it in Anki\'s Browser.'));
          return;
        }
        try {
          await session.client.guiBrowse(query);
          const what = isElement(el) && el.kind === 'deck' ? t('the deck "{0}"', el.name) : t('the selected notes');
          void vscode.window.showInformationMessage(t('Anki\'s Browser now shows {0}. Switch to Anki to see it.', what));
        } catch (e) {
          fail(t('Could not open Anki\'s Browser'), e);
        }
      },
    },
    {
      id: Commands.copyNoteId,
      needsAnki: false,
      run: async (...args) => {
        const ids = noteIdsFrom(args);
        if (ids.length === 0) {
          void vscode.window.showInformationMessage(t('Select a note (or open one) to copy its ID.'));
          return;
        }
        await vscode.env.clipboard.writeText(ids.join(' '));
        vscode.window.setStatusBarMessage(t('Copied note ID {0}', ids.join(' ')), 3000);
      },
    },
    {
      id: Commands.deleteNote,
      needsAnki: true,
      run: async (...args) => {
        const ids = noteIdsFrom(args);
        if (ids.length === 0) {
          void vscode.window.showInformationMessage(t('Select a note (or open one) to delete it.'));
          return;
        }
        const del = t('Delete');
        const first = args[0];
        const label = isElement(first) && first.kind === 'note' ? first.note.label : String(ids[0]);
        const msg =
          ids.length === 1
            ? t('Delete the note "{0}" and all its cards from Anki?', label)
            : t('Delete {0} notes and all their cards from Anki?', ids.length);
        const choice = await vscode.window.showWarningMessage(
          msg,
          { modal: true, detail: t('Their review history is deleted too. This cannot be undone from VS Code.') },
          del,
        );
        if (choice !== del) return;
        try {
          const deleted = await fs.deleteNotes(ids);
          results.forget(deleted);
          await closeNoteTabs(deleted, (uri) => fs.noteIdOf(uri));
          await decks.refresh();
        } catch (e) {
          fail(t('Could not delete the note'), e);
        }
      },
    },
    {
      id: Commands.revealActiveNote,
      needsAnki: true,
      run: async (arg) => {
        const uri = isUri(arg) ? arg : activeAnkiUri();
        const id = uri ? fs.noteIdOf(uri) : undefined;
        if (id === undefined) {
          void vscode.window.showInformationMessage(t('Open an Anki note first.'));
          return;
        }
        await vscode.commands.executeCommand(`${Views.decks}.focus`);
        try {
          const found = await decks.revealNote(id, { focus: true });
          if (!found) void vscode.window.showInformationMessage(t('Note {0} is not in the Decks view (it may have been deleted).', id));
        } catch (e) {
          fail(t('Could not reveal the note'), e);
        }
      },
    },
    {
      id: Commands.openNoteById,
      needsAnki: true,
      run: async (arg) => {
        const value =
          typeof arg === 'number' || typeof arg === 'string'
            ? String(arg)
            : await vscode.window.showInputBox({
                title: t('Open Note by ID'),
                prompt: t('The note ID (as shown by Anki\'s Browser: Info, or Copy Note ID).'),
                validateInput: (v) => (/^\s*\d{1,16}\s*$/.test(v) ? undefined : t('A note ID is a number, e.g. 1502298033753.')),
              });
        if (value === undefined) return;
        const id = Number(value.trim());
        try {
          const [info] = await session.client.notesInfo([id]);
          if (!info) {
            void vscode.window.showWarningMessage(t('There is no note with ID {0} in this collection.', id));
            return;
          }
          let deck = decks.listing.deckOfNote(id);
          const firstCard = info.cards[0];
          if (deck === undefined && firstCard !== undefined) {
            deck = Object.keys(await session.client.getDecks([firstCard]))[0];
          }
          const uri = fs.uriForNote(deck ?? 'Default', firstFieldHtml(info), id);
          await vscode.commands.executeCommand('vscode.open', uri);
        } catch (e) {
          fail(t('Could not open note {0}', id), e);
        }
      },
    },
    {
      id: Commands.compareWithAnki,
      needsAnki: true,
      run: async (arg) => {
        const uri = isUri(arg) ? arg : activeAnkiUri();
        if (!uri) {
          void vscode.window.showInformationMessage(t('Open an Anki note first.'));
          return;
        }
        await fs.compareWithAnki(uri);
      },
    },
    {
      id: Commands.setApiKey,
      needsAnki: false,
      run: async () => {
        const key = await vscode.window.showInputBox({
          title: t('AnkiConnect API Key'),
          prompt: t('The "apiKey" from AnkiConnect\'s add-on config (Tools › Add-ons › AnkiConnect › Config). Stored in VS Code\'s secret storage, never in settings.'),
          password: true,
          ignoreFocusOut: true,
        });
        if (key === undefined) return;
        await session.setApiKey(key.trim() === '' ? undefined : key.trim());
        vscode.window.setStatusBarMessage(key.trim() === '' ? t('AnkiConnect API key cleared') : t('AnkiConnect API key saved'), 3000);
      },
    },
    {
      id: Commands.clearApiKey,
      needsAnki: false,
      run: async () => {
        await session.setApiKey(undefined);
        vscode.window.setStatusBarMessage(t('AnkiConnect API key cleared'), 3000);
      },
    },
    {
      id: Commands.retryConnection,
      needsAnki: false,
      run: async () => {
        const before = session.state.kind;
        const state = await session.check();
        // Coming back from an outage the Decks view follows the state change itself (the incremental catch-up).
        if (state.kind === 'connected' && before === 'connected') await decks.refresh();
      },
    },
    { id: Commands.showLog, needsAnki: false, run: () => session.log.show() },
    {
      id: Commands.installHelp,
      needsAnki: false,
      run: async () => {
        const open = t('Open AnkiConnect on AnkiWeb');
        const retry = t('Retry Connection');
        const choice = await vscode.window.showInformationMessage(
          t('How to install AnkiConnect'),
          {
            modal: true,
            detail: t(
              '1. Start Anki (desktop).\n2. Tools › Add-ons › Get Add-ons…, enter the code {0}, click OK.\n3. Restart Anki and keep it running.\n4. If you set an "apiKey" in the add-on\'s config, run "Anki: Set API Key…".\nAnki Files connects to {1} (setting ankiFiles.url).',
              ANKICONNECT_CODE,
              session.url,
            ),
          },
          open,
          retry,
        );
        if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(ANKICONNECT_URL));
        else if (choice === retry) await vscode.commands.executeCommand(Commands.retryConnection);
      },
    },
    {
      id: Commands.loadMore,
      needsAnki: true,
      run: async (el) => {
        if (!isElement(el) || el.kind !== 'more') return;
        if (el.owner === 'search') await results.loadMore();
        else await decks.loadMore(el);
      },
    },
    {
      id: Commands.showAllResults,
      needsAnki: true,
      run: async (query, ids) => {
        if (typeof query !== 'string') return;
        try {
          const hits = Array.isArray(ids) ? ids.filter((x): x is number => typeof x === 'number') : await session.client.findNotes(query);
          await results.show(query, orderHits(hits));
        } catch (e) {
          fail(t('Could not search for {0}', query), e);
        }
      },
    },
    { id: Commands.clearSearchResults, needsAnki: false, run: () => results.clear() },
  ];

  return table.map(({ id, needsAnki, run }) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        if (needsAnki && !(await ensureConnected())) return;
        await run(...args);
      } catch (e) {
        session.log.error(`Command ${id} failed: ${describeAnkiError(e).message}`);
        fail(t('Could not finish that'), e);
      }
    }),
  );
}
