// "Anki: Find and Replace in Notes…": asks for the scope and the replacement (or takes them as the command's
// argument), shows every change in VS Code's refactor preview and writes the confirmed ones; with
// `preview: false` it writes without UI and resolves to `{ notes, replacements, saved, failed }`.
//
// How the confirmed edits reach Anki: the preview's WorkspaceEdit is applied as a refactoring, so VS Code saves
// the documents it changed right after applying them (setting `files.refactoring.autoSave`, on by default); those
// saves reach the saver together and are sent as one batch. Before the preview, the note store is primed with
// the versions the edits were computed from, so opening the documents costs no request and every save is
// conflict-checked against exactly what was previewed.
import { errorText, localize } from './messages';
import * as vscode from 'vscode';
import { z } from 'zod';
import type { NoteId } from '../anki/api';
import { describeAnkiError } from '../anki/errors';
import { deckQuery } from '../anki/query';
import { Commands } from '../constants';
import { baseOf, type SaveRequest } from '../core/saver';
import { noteName } from '../core/snapshot';
import type { AnkiFileSystem } from '../fs/index';
import { renderNote } from '../notes/document';
import type { NoteSnapshot } from '../notes/model';
import { documentEdits, lineStarts, positionAt } from '../replace/edits';
import { compileMatcher, type FindProblem } from '../replace/engine';
import { fieldNamesIn, type NoteProblem, type ReplacePlan } from '../replace/plan';
import { prepareReplace, readScope, resultOf, type PrepareProblem, type ReplaceRequest, type ReplaceResult } from '../replace/run';
import type { DecksView } from '../tree/decksView';
import type { DeckElement } from '../tree/items';
import type { SearchResultsView } from '../tree/searchResultsView';
import type { AnkiSession } from '../session';

const t = vscode.l10n.t;

/** The command's argument (scripted use). */
export const findReplaceArgsSchema = z
  .object({
    query: z.string(),
    find: z.string(),
    replace: z.string(),
    regex: z.boolean().optional(),
    matchCase: z.boolean().optional(),
    wholeWord: z.boolean().optional(),
    fields: z.union([z.array(z.string()), z.literal('tags')]).optional(),
    textOnly: z.boolean().optional(),
    preview: z.boolean().optional(),
  })
  .strict();
export type FindReplaceArgs = z.infer<typeof findReplaceArgsSchema>;

export interface FindReplaceDeps {
  session: AnkiSession;
  fs: AnkiFileSystem;
  decks: DecksView;
  results: SearchResultsView;
}

export function findProblemMessage(p: FindProblem): string {
  switch (p.code) {
    case 'emptyFind':
      return t('Enter the text to find.');
    case 'invalidRegex':
      return t('Invalid regular expression: {0}', p.detail);
  }
}

function noteProblemMessage(p: NoteProblem, notes: ReadonlyMap<NoteId, NoteSnapshot>): string {
  const n = notes.get(p.noteId);
  const name = n ? noteName(n) : String(p.noteId);
  switch (p.code) {
    case 'clozeRemoved':
      return t('{0} ({1} note {2}) would lose every cloze deletion: a Cloze note needs at least one {{c1::…}}.', name, p.noteType, p.noteId);
    case 'tagHasSpace':
      return t('{0} (note {1}) would get the tag "{2}": tags cannot contain spaces.', name, p.noteId, p.tag);
  }
}

export function prepareProblemMessage(p: PrepareProblem): string {
  switch (p.code) {
    case 'emptyFind':
    case 'invalidRegex':
      return findProblemMessage(p);
    case 'invalidQuery':
      return t('Anki cannot search for this query: {0}', p.detail);
    case 'noNotes':
      return t('No notes match {0}: nothing to replace.', p.query);
    case 'noFields':
      return t('Choose at least one field to replace in.');
    case 'unknownFields':
      return t('No note in scope has the field(s) {0} (their fields: {1}).', p.fields.join(', '), p.known.join(', '));
    case 'tooManyNotes':
      return t('{0} notes match; at most {1} can be replaced at once. Narrow the query.', p.count, p.limit);
    case 'invalidNotes': {
      const first = p.problems.slice(0, 3).map((x) => noteProblemMessage(x, p.notes));
      const more = p.problems.length > 3 ? ' ' + t('({0} more)', p.problems.length - 3) : '';
      return t('Nothing was replaced: {0}{1}', first.join(' '), more);
    }
  }
}

export function countMessage(replacements: number, notes: number): string {
  if (replacements === 1) return t('1 replacement in 1 note');
  return notes === 1 ? t('{0} replacements in 1 note', replacements) : t('{0} replacements in {1} notes', replacements, notes);
}

class UserError extends Error {}

function isDeckElement(v: unknown): v is DeckElement {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'deck' && typeof (v as { name?: unknown }).name === 'string';
}

export function registerFindReplace(deps: FindReplaceDeps): vscode.Disposable[] {
  const { session, fs } = deps;
  const engine = fs.provider.engine;
  const log = session.log;

  const openDocOf = (id: NoteId): vscode.TextDocument | undefined =>
    vscode.workspace.textDocuments.find((d) => !d.isClosed && fs.noteIdOf(d.uri) === id);

  const defaultQuery = (from?: DeckElement): string => {
    if (from) return deckQuery(from.name, { includeSubdecks: true });
    const sel = deps.decks.view.selection[0];
    if (sel?.kind === 'deck') return deckQuery(sel.name, { includeSubdecks: true });
    return deps.results.query ?? '';
  };

  /** Asks for everything; undefined when the user cancels. */
  const ask = async (from?: DeckElement): Promise<ReplaceRequest | undefined> => {
    const title = t('Find and Replace in Notes');
    const query = await vscode.window.showInputBox({
      title: `${title} (1/5)`,
      prompt: t('Which notes? An Anki search, e.g. deck:"Japanese::Vocabulary" or tag:verb'),
      value: defaultQuery(from),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? t('Enter an Anki search (use deck:* for every note).') : undefined),
    });
    if (query === undefined) return undefined;
    type Opt = vscode.QuickPickItem & { key: 'regex' | 'matchCase' | 'wholeWord' | 'textOnly' };
    const opts: Opt[] = [
      { key: 'regex', label: t('Regular expression'), description: t('JavaScript syntax; $1 in the replacement') },
      { key: 'matchCase', label: t('Match case') },
      { key: 'wholeWord', label: t('Whole word') },
      { key: 'textOnly', label: t('Text only'), description: t('leave HTML tags and attributes untouched'), picked: true },
    ];
    const picked = await vscode.window.showQuickPick(opts, {
      title: `${title} (2/5)`,
      placeHolder: t('Options (none for a plain, case-insensitive search)'),
      canPickMany: true,
      ignoreFocusOut: true,
    });
    if (picked === undefined) return undefined;
    const flags = { regex: false, matchCase: false, wholeWord: false, textOnly: false };
    for (const p of picked) flags[p.key] = true;
    const find = await vscode.window.showInputBox({
      title: `${title} (3/5)`,
      prompt: flags.regex ? t('Find (regular expression)') : t('Find'),
      ignoreFocusOut: true,
      validateInput: (v) => {
        const c = compileMatcher({ ...flags, find: v, replace: '' });
        return c.ok ? undefined : findProblemMessage(c.problem);
      },
    });
    if (find === undefined) return undefined;
    const replace = await vscode.window.showInputBox({
      title: `${title} (4/5)`,
      prompt: flags.regex ? t('Replace with ($1, $<name>, $& insert what was found; $$ is a $)') : t('Replace with (taken literally)'),
      ignoreFocusOut: true,
    });
    if (replace === undefined) return undefined;
    type Where = vscode.QuickPickItem & { where: 'all' | 'tags' | 'choose' };
    const where = await vscode.window.showQuickPick<Where>(
      [
        { where: 'all', label: t('All fields') },
        { where: 'choose', label: t('Chosen fields…') },
        { where: 'tags', label: t('Tags') },
      ],
      { title: `${title} (5/5)`, placeHolder: t('Where to replace'), ignoreFocusOut: true },
    );
    if (where === undefined) return undefined;
    const req: ReplaceRequest = { query, find, replace, ...flags };
    if (where.where === 'tags') req.fields = 'tags';
    if (where.where === 'choose') {
      const scope = await readScope(session.client, query);
      const names = fieldNamesIn(scope.notes);
      const chosen = await vscode.window.showQuickPick(names, {
        title: `${title} (5/5)`,
        placeHolder: t('Fields of the note types in scope'),
        canPickMany: true,
        ignoreFocusOut: true,
      });
      if (chosen === undefined || chosen.length === 0) return undefined;
      req.fields = chosen;
    }
    return req;
  };

  /** Notes whose open document cannot take the edit (unsaved changes, or it shows another version). */
  const blockedBy = (plan: ReplacePlan, forPreview: boolean): Map<NoteId, string> => {
    const blocked = new Map<NoteId, string>();
    for (const c of plan.changes) {
      const doc = openDocOf(c.note.id);
      if (!doc) continue;
      if (doc.isDirty) {
        blocked.set(c.note.id, t('{0} has unsaved changes in VS Code: save or revert it, then replace again. Nothing was changed.', noteName(c.note)));
      } else if (forPreview && doc.getText() !== renderNote(c.note)) {
        blocked.set(c.note.id, t('{0} is open in an editor that shows another version than Anki\'s: revert it (File: Revert File), then replace again. Nothing was changed.', noteName(c.note)));
      }
    }
    return blocked;
  };

  const report = (result: ReplaceResult): void => {
    for (const f of result.failed) log.warn(`Find and replace: note ${f.id}: ${f.reason}`);
    const summary = t('Replaced: {0}; {1} notes saved.', countMessage(result.replacements, result.notes), result.saved);
    log.info(`Find and replace: ${result.replacements} replacement(s) in ${result.notes} note(s); saved ${result.saved}, failed ${result.failed.length}.`);
    if (result.failed.length === 0) {
      void vscode.window.showInformationMessage(summary);
      return;
    }
    const showLog = t('Show Log');
    const f0 = result.failed[0];
    const first = f0 ? (f0.msg ? localize(f0.msg) : f0.reason) : '';
    void vscode.window
      .showWarningMessage(t('{0} {1} notes were not saved, e.g. {2}', summary, result.failed.length, first), showLog)
      .then((c) => {
        if (c === showLog) log.show();
      });
  };

  const applyDirect = async (plan: ReplacePlan): Promise<ReplaceResult> => {
    const blocked = blockedBy(plan, false);
    const reqs: SaveRequest[] = plan.changes
      .filter((c) => !blocked.has(c.note.id))
      .map((c) => ({ noteId: c.note.id, edited: c.edited, base: baseOf(c.note), meta: { label: 'find and replace' } }));
    const outcomes = reqs.length > 0 ? await engine.saveNotes(reqs) : [];
    const result = resultOf(plan, reqs, outcomes);
    for (const [id, reason] of blocked) result.failed.push({ id, reason });
    return result;
  };

  const applyWithPreview = async (plan: ReplacePlan, req: ReplaceRequest): Promise<ReplaceResult> => {
    const blocked = blockedBy(plan, true);
    const changes = plan.changes.filter((c) => !blocked.has(c.note.id));
    engine.prime(changes.map((c) => c.note));
    const count = countMessage(
      changes.reduce((k, c) => k + c.count, 0),
      changes.length,
    );
    // One label for every entry: the preview's "group by type" view shows one group with the count, whose
    // checkbox confirms everything; grouped by file, each note (and each change) has its own checkbox.
    // VS Code shows entries that need confirmation unchecked: nothing is written that the user did not check.
    const label = t('Find and replace: {0}', count);
    const edit = new vscode.WorkspaceEdit();
    const uris = new Map<NoteId, { uri: vscode.Uri; before: string }>();
    for (const c of changes) {
      const doc = openDocOf(c.note.id);
      const uri = doc?.uri ?? fs.uriForNote(c.note.deck, c.note.fields[0]?.[1] ?? '', c.note.id);
      const d = documentEdits(c, renderNote);
      const starts = lineStarts(d.before);
      const pos = (o: number) => {
        const p = positionAt(starts, o);
        return new vscode.Position(p.line, p.character);
      };
      for (const e of d.edits) {
        edit.replace(uri, new vscode.Range(pos(e.start), pos(e.end)), e.newText, {
          needsConfirmation: true,
          label,
          description: t('"{0}" → "{1}"', req.find, req.replace),
        });
      }
      uris.set(c.note.id, { uri, before: d.before });
    }
    log.info(`Find and replace: previewing ${count}.`);
    void vscode.window.showInformationMessage(
      t('{0}: check the changes to make in the Refactor Preview (the group, a note or single changes), then Apply. Nothing is written before.', count),
    );
    const applied = uris.size > 0 ? await vscode.workspace.applyEdit(edit, { isRefactoring: true }) : false;
    const failed: ReplaceResult['failed'] = [...blocked].map(([id, reason]) => ({ id, reason }));
    let saved = 0;
    if (applied) {
      // VS Code saves the documents of a refactoring itself when it changed more than one; save any left dirty.
      const changedDocs = [...uris].flatMap(([id, { before }]) => {
        const doc = openDocOf(id);
        return doc && doc.getText() !== before ? [{ id, doc }] : []; // unchanged: every change of it was unchecked
      });
      await Promise.all(changedDocs.filter((x) => x.doc.isDirty).map((x) => x.doc.save()));
      await engine.settled();
      for (const { id, doc } of changedDocs) {
        if (doc.isDirty) failed.push({ id, reason: t('not saved: see the message VS Code showed for it; the document keeps the replaced text') });
        else saved++;
      }
    } else {
      log.info('Find and replace: the preview was discarded; nothing was changed.');
    }
    return { notes: plan.changes.length, replacements: plan.replacements, saved, failed };
  };

  const run = async (arg: unknown): Promise<ReplaceResult | undefined> => {
    // From a deck's context menu the argument is the deck's tree element: ask, starting from that deck.
    const deck = isDeckElement(arg) ? arg : undefined;
    const scripted = arg !== undefined && !deck;
    let req: ReplaceRequest;
    let preview = true;
    if (scripted) {
      const parsed = findReplaceArgsSchema.safeParse(arg);
      if (!parsed.success) {
        throw new Error(t('ankiFiles.findAndReplace expects {0}; got: {1}', '{ query, find, replace, regex?, matchCase?, wholeWord?, fields?, textOnly?, preview? }', parsed.error.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${i.message}`).join('; ')));
      }
      const { preview: p, ...rest } = parsed.data;
      req = rest;
      preview = p !== false;
    } else {
      const asked = await ask(deck);
      if (!asked) return undefined;
      req = asked;
    }
    try {
      const prepared = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: t('Anki: finding "{0}" in {1}…', req.find, req.query) },
        () => prepareReplace(session.client, req),
      );
      session.reportSuccess();
      if (!prepared.ok) throw new UserError(prepareProblemMessage(prepared.problem));
      const plan = prepared.plan;
      if (plan.changes.length === 0) {
        void vscode.window.showInformationMessage(t('No matches for "{0}" in the {1} notes of {2}.', req.find, plan.scanned, req.query));
        return { notes: 0, replacements: 0, saved: 0, failed: [] };
      }
      const result = preview ? await applyWithPreview(plan, req) : await applyDirect(plan);
      if (preview && result.saved === 0 && result.failed.length === 0) {
        void vscode.window.showInformationMessage(t('Nothing was replaced: the preview was discarded, or no change was checked.'));
      } else {
        report(result);
      }
      return result;
    } catch (e) {
      if (e instanceof UserError) {
        log.warn(`Find and replace: ${e.message}`);
        void vscode.window.showErrorMessage(e.message);
        if (scripted) throw e;
        return undefined;
      }
      session.reportFailure(e);
      const msg = t('Find and Replace failed: {0}', errorText(e));
      log.error(`Find and Replace failed: ${describeAnkiError(e).message}`);
      void vscode.window.showErrorMessage(msg);
      if (scripted) throw new Error(msg);
      return undefined;
    }
  };

  return [vscode.commands.registerCommand(Commands.findAndReplace, (arg?: unknown) => run(arg))];
}
