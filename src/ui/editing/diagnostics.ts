// Lint problems as VS Code diagnostics: exact ranges, source "Anki", the problem's stable code (a duplicate's
// code links to the other note).
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { LintProblem } from '../../lint/lint';
import { problemMessage } from './messages';

export const DIAGNOSTIC_SOURCE = 'Anki';

const SEVERITY: Record<LintProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A lint problem of an open document as a diagnostic. */
export function toDiagnostic(doc: vscode.TextDocument, p: LintProblem): vscode.Diagnostic {
  return toDiagnosticAt((o) => doc.positionAt(o), p);
}

/** The same, with positions from any text (Check Notes: the rendering of a note that is not open). */
export function toDiagnosticAt(positionAt: (offset: number) => vscode.Position, p: LintProblem): vscode.Diagnostic {
  const range = new vscode.Range(positionAt(p.start), positionAt(p.end));
  const d = new vscode.Diagnostic(range, problemMessage(p), SEVERITY[p.severity]);
  d.source = DIAGNOSTIC_SOURCE;
  const first = p.noteIds?.[0];
  d.code =
    p.code === 'duplicateNote' && first !== undefined
      ? { value: p.code, target: vscode.Uri.parse(`command:${Commands.openNoteById}?${encodeURIComponent(JSON.stringify([first]))}`) }
      : p.code;
  return d;
}

