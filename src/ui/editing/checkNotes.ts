// "Anki: Check Notes…" (glue): the field checks over a deck (Decks view context menu), an Anki query (palette)
// or `executeCommand('ankiFiles.checkNotes', { query })`, listed in the Problems panel on the notes' anki: URIs.
// Resolves to `{ notes, problems }` (notes checked; one entry per problem).
import { errorText } from '../messages';
import { describeAnkiError } from '../../anki/errors';
import * as vscode from 'vscode';
import { deckQuery } from '../../anki/query';
import { Commands } from '../../constants';
import type { AnkiFileSystem } from '../../fs/index';
import type { CollectionCache } from '../../lint/ankiContext';
import { checkNotes } from '../../lint/checkNotes';
import { placeFindings } from '../../lint/lint';
import { readStructure } from '../../lint/structure';
import { renderNote } from '../../notes/document';
import type { AnkiSession } from '../../session';
import { problemMessage } from './messages';
import { toDiagnosticAt } from './diagnostics';

const t = vscode.l10n.t;

export interface CheckNotesProblem {
  noteId: number;
  uri: string;
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** 0-based, as VS Code positions. */
  line: number;
  character: number;
}

export interface CheckNotesOutcome {
  notes: number;
  problems: CheckNotesProblem[];
  cancelled?: boolean;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function positionIn(starts: readonly number[]): (offset: number) => vscode.Position {
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, offset - (starts[lo] ?? 0));
  };
}

function queryOf(arg: unknown): string | undefined {
  if (arg && typeof arg === 'object') {
    const o = arg as { query?: unknown; kind?: unknown; name?: unknown };
    if (typeof o.query === 'string') return o.query;
    if (o.kind === 'deck' && typeof o.name === 'string') return deckQuery(o.name, { includeSubdecks: true });
  }
  return undefined;
}

export function registerCheckNotes(
  context: vscode.ExtensionContext,
  deps: { session: AnkiSession; fs: AnkiFileSystem; cache: CollectionCache },
): { readonly diagnostics: vscode.DiagnosticCollection } {
  const { session, fs, cache } = deps;
  const diagnostics = vscode.languages.createDiagnosticCollection('anki-check');
  context.subscriptions.push(diagnostics);
  // Once a checked note is open, the live checks of its document take over.
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.delete(doc.uri)));

  const run = async (arg: unknown): Promise<CheckNotesOutcome | undefined> => {
    let query = queryOf(arg);
    if (query === undefined) {
      query = await vscode.window.showInputBox({
        title: t('Check Notes'),
        prompt: t('An Anki search: every note it finds is checked (e.g. deck:"Japanese::JLPT N3" or tag:vocab).'),
        placeHolder: 'deck:"Japanese::JLPT N3"',
      });
      if (query === undefined) return undefined;
    }
    const q = query;
    const started = Date.now();
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Checking notes'), cancellable: true },
      async (progress, token): Promise<CheckNotesOutcome> => {
        const facts = await cache.get();
        let reported = 0;
        const result = await checkNotes(session.client, q, facts, {
          isCancelled: () => token.isCancellationRequested,
          onProgress: (done, total) => {
            const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
            progress.report({ increment: pct - reported, message: t('{0} of {1} notes', String(done), String(total)) });
            reported = pct;
          },
        });
        diagnostics.clear();
        const problems: CheckNotesProblem[] = [];
        if (result.cancelled) return { notes: result.notes, problems, cancelled: true };
        for (const c of result.checked) {
          const text = renderNote(c.snapshot);
          const placed = placeFindings(text, readStructure(text), c.findings);
          const at = positionIn(lineStarts(text));
          const uri = fs.uriForNote(c.snapshot.deck, c.snapshot.fields[0]?.[1] ?? '', c.snapshot.id);
          diagnostics.set(uri, placed.map((p) => toDiagnosticAt(at, p)));
          for (const p of placed) {
            const pos = at(p.start);
            problems.push({ noteId: c.snapshot.id, uri: uri.toString(), code: p.code, severity: p.severity, message: problemMessage(p), line: pos.line, character: pos.character });
          }
        }
        return { notes: result.notes, problems };
      },
    );
    session.log.info(`Check Notes "${q}": ${outcome.notes} notes, ${outcome.problems.length} problems${outcome.cancelled ? ' (cancelled)' : ''} in ${Date.now() - started} ms`);
    if (outcome.cancelled) {
      void vscode.window.showInformationMessage(t('Check Notes was cancelled.'));
    } else if (arg === undefined || (typeof arg === 'object' && arg !== null && !('query' in arg))) {
      const notesWith = new Set(outcome.problems.map((p) => p.noteId)).size;
      const msg = outcome.problems.length === 0 ? t('Checked {0} notes: no problems found.', String(outcome.notes)) : t('Checked {0} notes: {1} problems in {2} notes.', String(outcome.notes), String(outcome.problems.length), String(notesWith));
      const show = t('Show Problems');
      void vscode.window.showInformationMessage(msg, ...(outcome.problems.length > 0 ? [show] : [])).then((choice) => {
        if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    }
    return outcome;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.checkNotes, async (arg: unknown) => {
      try {
        return await run(arg);
      } catch (e) {
        session.reportFailure(e);
        const msg = errorText(e);
        session.log.error(`Check Notes failed: ${describeAnkiError(e).message}`);
        void vscode.window.showErrorMessage(t('Check Notes failed: {0}', msg));
        throw e;
      }
    }),
  );
  return { diagnostics };
}
