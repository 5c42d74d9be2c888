// Deck and tag management: Rename Deck…, Delete Deck…, the Tags view, Rename Tag…, Remove Tag from All Notes….
// Every change goes through the engine (`FsEngine.renameDeck` / `deleteDeck` / `saveNotes`). Scripted forms:
//   executeCommand('ankiFiles.renameDeck', { from, to })            → DeckRenameCommandResult
//   executeCommand('ankiFiles.deleteDeck', { deck, confirm?: false }) → DeckDeleteCommandResult
//   executeCommand('ankiFiles.renameTag', { from, to })             → TagCommandResult
//   executeCommand('ankiFiles.removeTag', { tag, confirm?: false })  → TagCommandResult
// Each resolves to `undefined` when the user cancels, `{ ok: false, reason }` when it was refused (nothing written).
import * as vscode from 'vscode';
import type { NoteId } from '../anki/api';
import { actions, parseOutcomes } from '../anki/actions';
import { describeAnkiError } from '../anki/errors';
import { deckQuery } from '../anki/query';
import { Commands } from '../constants';
import type { DeckRenameProblem, DeckRenameReport } from '../core/deckRename';
import { checkNewDeckName } from '../core/deckTree';
import { FsEngineError } from '../core/fsErrors';
import type { AnkiFileSystem } from '../fs/index';
import { deckKey } from '../notes/deckName';
import { checkTagRename, runTagChange, tagQuery, type TagChange, type TagChangeReport, type TagNameProblem } from '../tags/tags';
import type { DecksView } from '../tree/decksView';
import type { SearchResultsView } from '../tree/searchResultsView';
import { TagsView, type TagElement } from '../tree/tagsView';
import { deckNameProblemMessage } from './commands';
import type { Session } from './session';

const t = vscode.l10n.t;

export type Refused = { ok: false; reason: string };
export type DeckRenameCommandResult =
  | ({ ok: true } & Omit<DeckRenameReport, 'notes' | 'requests'> & { notes: number })
  | Refused
  | undefined;
export type DeckDeleteCommandResult = { ok: true; deck: string; cards: number; deletedNotes: number; keptNotes: number } | Refused | undefined;
export type TagCommandResult = ({ ok: true } & TagChangeReport) | Refused | undefined;

export interface DecksAndTagsDeps {
  session: Session;
  fs: AnkiFileSystem;
  decks: DecksView;
  results: SearchResultsView;
}

export interface DecksAndTagsHandle {
  readonly tags: TagsView;
  readonly disposables: vscode.Disposable[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A deck tree element (`{kind: 'deck', name}`) or a `{deck}` / `{from}` argument. */
function deckOf(arg: unknown, field: 'deck' | 'from'): string | undefined {
  if (!isObject(arg)) return undefined;
  if (arg.kind === 'deck' && typeof arg.name === 'string') return arg.name;
  return typeof arg[field] === 'string' ? arg[field] : undefined;
}

function tagOf(arg: unknown, field: 'tag' | 'from'): string | undefined {
  if (!isObject(arg)) return undefined;
  if (arg.kind === 'tag' && isObject(arg.node) && typeof arg.node.name === 'string') return arg.node.name;
  return typeof arg[field] === 'string' ? arg[field] : undefined;
}

export function deckRenameProblemMessage(p: DeckRenameProblem): string {
  switch (p.code) {
    case 'noSuchDeck':
      return t('There is no deck "{0}" in Anki.', p.deck);
    case 'invalidName':
      return deckNameProblemMessage(p.reason);
    case 'sameName':
      return t('The deck is already called "{0}".', p.deck);
    case 'caseOnly':
      return t('Only the case differs ("{0}" → "{1}"): AnkiConnect finds decks ignoring case, so this rename cannot be made through it. Rename the deck in Anki.', p.from, p.to);
    case 'intoItself':
      return t('"{0}" cannot be moved inside itself ("{1}").', p.from, p.to);
    case 'targetExists':
      return t('A deck "{0}" already exists (Anki compares deck names ignoring case). Choose another name; decks are not merged.', p.deck);
    case 'defaultDeck':
      return t('The Default deck cannot be renamed here: Anki always keeps a deck named Default.');
    case 'filtered':
      return t('"{0}" is a filtered deck: its cards belong to their home decks. Rename it in Anki.', p.deck);
  }
}

export function tagNameProblemMessage(p: TagNameProblem): string {
  switch (p) {
    case 'empty':
      return t('Enter a tag name.');
    case 'space':
      return t('Tags cannot contain spaces (Anki separates tags with spaces).');
    case 'emptyComponent':
      return t('Each level between "::" needs a name.');
    case 'sameName':
      return t('The tag already has this name.');
    case 'caseOnly':
      return t('Only the case differs: Anki keeps the spelling a tag was first registered with, so this rename would not show.');
  }
}

export function registerDecksAndTags(deps: DecksAndTagsDeps): DecksAndTagsHandle {
  const { session, fs, decks, results } = deps;
  const engine = fs.provider.engine;
  const tags = new TagsView(() => session.client, session);
  const disposables: vscode.Disposable[] = [tags];

  const refused = (reason: string, silent: boolean): Refused => {
    session.log.warn(reason);
    if (!silent) void vscode.window.showWarningMessage(reason);
    return { ok: false, reason };
  };

  const failed = (what: string, e: unknown, silent: boolean): Refused => {
    const msg = e instanceof FsEngineError ? e.message : describeAnkiError(e).message;
    session.log.error(`${what}: ${msg}`);
    if (!silent) void vscode.window.showErrorMessage(`${what}: ${msg}`);
    return { ok: false, reason: `${what}: ${msg}` };
  };

  const connected = async (): Promise<boolean> => {
    if (session.state.kind === 'connected') return true;
    return (await session.check()).kind === 'connected';
  };

  const pickDeck = async (placeHolder: string): Promise<string | undefined> => {
    const names = decks.listing.tree ? [...decks.listing.tree.byName.keys()] : await session.client.deckNames();
    return vscode.window.showQuickPick(names, { placeHolder });
  };

  const pickTag = async (placeHolder: string): Promise<string | undefined> =>
    vscode.window.showQuickPick(await session.client.getTags(), { placeHolder });

  /** Cards and notes in the deck and its sub-decks (1 request), and the number of sub-decks (from the list). */
  const deckContents = async (deck: string): Promise<{ cards: number; notes: number }> => {
    const entries = [actions.findCards(deckQuery(deck, { includeSubdecks: true })), actions.findNotes(deckQuery(deck, { includeSubdecks: true }))] as const;
    const [c, n] = parseOutcomes(entries, await session.liveClient.multi([...entries]));
    if (!c.ok) throw c.cause;
    if (!n.ok) throw n.cause;
    return { cards: c.value.length, notes: n.value.length };
  };

  const renameDeck = async (arg?: unknown): Promise<DeckRenameCommandResult> => {
    const scripted = isObject(arg) && typeof arg.from === 'string' && typeof arg.to === 'string';
    if (!(await connected())) return refused(t('Anki is not reachable: nothing was renamed.'), scripted);
    let from = deckOf(arg, 'from') ?? (await pickDeck(t('Deck to rename')));
    if (from === undefined) return undefined;
    let to: string | undefined = scripted ? (arg.to as string) : undefined;
    if (to === undefined) {
      const names = decks.listing.tree ? [...decks.listing.tree.byName.keys()] : await session.client.deckNames();
      from = names.find((n) => deckKey(n) === deckKey(from as string)) ?? from;
      const subs = names.filter((n) => deckKey(n).startsWith(deckKey(from as string) + '::')).length;
      const current = from;
      to = await vscode.window.showInputBox({
        title: t('Rename Deck {0}', current),
        prompt:
          subs > 0
            ? t('New name; "::" places it in the hierarchy. Its {0} sub-decks move with it; every card moves, the options presets are kept.', subs)
            : t('New name; "::" places it in the hierarchy. Every card moves; the options preset is kept.'),
        value: current,
        validateInput: (v) => {
          const p = checkNewDeckName(v, undefined);
          if (p) return deckNameProblemMessage(p);
          const clash = names.find((n) => deckKey(n) === deckKey(v) && deckKey(v) !== deckKey(current));
          if (clash !== undefined) return deckRenameProblemMessage({ code: 'targetExists', deck: clash });
          return undefined;
        },
      });
      if (to === undefined || to === current) return undefined;
    }
    const target = to;
    const source = from;
    try {
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Renaming deck {0}…', source) }, () =>
        engine.renameDeck(source, target),
      );
      if (!r.ok) return refused(deckRenameProblemMessage(r.problem), scripted);
      const rep = r.report;
      await decks.refresh();
      if (!scripted) {
        if (rep.kept.length > 0 || rep.failures.length > 0) {
          const parts = [
            t('Renamed deck {0} to {1}: {2} cards of {3} notes moved.', rep.from, rep.to, rep.movedCards, rep.notes.length),
            ...(rep.kept.length > 0
              ? [t('Kept old decks that were not empty when checked (nothing deleted): {0}.', rep.kept.map((k) => `${k.deck} (${k.cards})`).join(', '))]
              : []),
            ...(rep.failures.length > 0 ? [t('Failed steps: {0}.', rep.failures.map((f) => `${f.step} ${f.deck}: ${f.error}`).join('; '))] : []),
          ];
          void vscode.window.showWarningMessage(parts.join(' '));
        } else {
          void vscode.window.showInformationMessage(t('Renamed deck {0} to {1}: {2} cards of {3} notes moved.', rep.from, rep.to, rep.movedCards, rep.notes.length));
        }
      }
      const { notes, requests: _requests, ...rest } = rep;
      return { ok: true, ...rest, notes: notes.length };
    } catch (e) {
      return failed(t('Could not rename the deck "{0}"', source), e, scripted);
    }
  };

  const deleteDeck = async (arg?: unknown): Promise<DeckDeleteCommandResult> => {
    const scripted = isObject(arg) && typeof arg.deck === 'string';
    if (!(await connected())) return refused(t('Anki is not reachable: nothing was deleted.'), scripted);
    const deck = deckOf(arg, 'deck') ?? (await pickDeck(t('Deck to delete (with its cards)')));
    if (deck === undefined) return undefined;
    try {
      const { cards, notes } = await deckContents(deck);
      if (!(isObject(arg) && arg.confirm === false)) {
        const button = t('Delete Deck and Cards');
        const choice = await vscode.window.showWarningMessage(
          t('Delete the deck "{0}" and its sub-decks?', deck),
          {
            modal: true,
            detail: t(
              'Anki deletes the cards with the deck: {0} cards ({1} notes) will be deleted. Notes that have no card left elsewhere are deleted too. This cannot be undone from VS Code.',
              cards,
              notes,
            ),
          },
          button,
        );
        if (choice !== button) return undefined;
      }
      const r = await engine.deleteDeck(deck, { expectCards: cards });
      await decks.refresh();
      results.forget(r.deletedNotes as NoteId[]);
      tags.invalidate();
      if (!scripted) void vscode.window.showInformationMessage(t('Deleted the deck {0} with {1} cards ({2} notes deleted).', r.deck, r.cards, r.deletedNotes.length));
      return { ok: true, deck: r.deck, cards: r.cards, deletedNotes: r.deletedNotes.length, keptNotes: r.keptNotes.length };
    } catch (e) {
      return failed(t('Could not delete the deck "{0}"', deck), e, scripted);
    }
  };

  const tagChange = async (change: TagChange, scripted: boolean, confirm: boolean): Promise<TagCommandResult> => {
    const tag = change.kind === 'rename' ? change.from : change.tag;
    try {
      if (confirm) {
        const count = (await session.liveClient.findNotes(tagQuery(tag))).length;
        const button = change.kind === 'rename' ? t('Rename Tag') : t('Remove Tag');
        const choice = await vscode.window.showWarningMessage(
          change.kind === 'rename' ? t('Rename the tag "{0}" to "{1}" in {2} notes?', change.from, change.to, count) : t('Remove the tag "{0}" from {1} notes?', tag, count),
          { modal: true, detail: t('Child tags ({0}::…) are included. The notes are saved as one batch: Anki: Undo Last Save undoes it.', tag) },
          button,
        );
        if (choice !== button) return undefined;
      }
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: t('Updating tag {0}…', tag) }, () =>
        runTagChange(session.liveClient, (reqs) => engine.saveNotes(reqs), change),
      );
      await tags.refresh();
      if (!scripted) {
        const msg = t('Tag {0}: {1} of {2} notes saved.', tag, r.saved, r.notes);
        if (r.failed.length > 0) void vscode.window.showWarningMessage(`${msg} ${t('Not saved: {0}.', r.failed.map((f) => `${f.id} (${f.reason})`).join('; '))}`);
        else void vscode.window.showInformationMessage(msg);
      }
      return { ok: true, ...r };
    } catch (e) {
      return failed(t('Could not change the tag "{0}"', tag), e, scripted);
    }
  };

  const renameTag = async (arg?: unknown): Promise<TagCommandResult> => {
    const scripted = isObject(arg) && typeof arg.from === 'string' && typeof arg.to === 'string';
    if (!(await connected())) return refused(t('Anki is not reachable: nothing was changed.'), scripted);
    const from = tagOf(arg, 'from') ?? (await pickTag(t('Tag to rename')));
    if (from === undefined) return undefined;
    const to = scripted
      ? (arg.to as string)
      : await vscode.window.showInputBox({
          title: t('Rename Tag {0}', from),
          prompt: t('New name; "::" places it in the hierarchy. Child tags are renamed with it.'),
          value: from,
          validateInput: (v) => {
            const p = checkTagRename(from, v);
            return p === undefined || p === 'sameName' ? undefined : tagNameProblemMessage(p);
          },
        });
    if (to === undefined || (!scripted && to === from)) return undefined;
    const problem = checkTagRename(from, to);
    if (problem) return refused(tagNameProblemMessage(problem), scripted);
    return tagChange({ kind: 'rename', from, to }, scripted, !scripted);
  };

  const removeTag = async (arg?: unknown): Promise<TagCommandResult> => {
    const scripted = isObject(arg) && typeof arg.tag === 'string';
    if (!(await connected())) return refused(t('Anki is not reachable: nothing was changed.'), scripted);
    const tag = tagOf(arg, 'tag') ?? (await pickTag(t('Tag to remove from every note')));
    if (tag === undefined) return undefined;
    return tagChange({ kind: 'remove', tag }, scripted, !(isObject(arg) && arg.confirm === false));
  };

  const searchTag = async (arg?: unknown): Promise<void> => {
    const tag = tagOf(arg, 'tag');
    if (tag === undefined) return;
    const query = tagQuery(tag);
    try {
      const ids = await session.liveClient.findNotes(query);
      await results.show(query, ids);
    } catch (e) {
      failed(t('Could not search {0}', query), e, false);
    }
  };

  disposables.push(
    vscode.commands.registerCommand(Commands.renameDeck, renameDeck),
    vscode.commands.registerCommand(Commands.deleteDeck, deleteDeck),
    vscode.commands.registerCommand(Commands.renameTag, renameTag),
    vscode.commands.registerCommand(Commands.removeTag, removeTag),
    vscode.commands.registerCommand(Commands.searchTag, (el: TagElement | { tag: string }) => searchTag(el)),
    vscode.commands.registerCommand(Commands.refreshTags, () => tags.refresh()),
    fs.onDidChangeCollection((c) => {
      if (c.notes && c.notes.length > 0) tags.invalidate();
    }),
    session.onDidChangeState((s) => {
      if (s.kind === 'connected' && tags.tree === undefined) tags.invalidate();
    }),
    session.onDidChangeClient(() => tags.invalidate()),
  );
  return { tags, disposables };
}
