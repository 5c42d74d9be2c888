// The one place where the core's messages (codes with arguments, `src/messages.ts`) become the user's
// language: `vscode.l10n.t` of the message's English template (its key in l10n/bundle.l10n.json).
import * as vscode from 'vscode';
import { describeAnkiError } from '../anki/errors';
import { formatMessage, type Message } from '../messages';
import type { DocumentProblem } from '../notes/model';

/** The message in the user's language. */
export function localize(m: Message): string {
  return formatMessage(m, (template, args) => vscode.l10n.t(template, ...args));
}

/** What to tell the user about anything thrown: the message it carries (errors of the core and the client), else its text. */
export function errorText(e: unknown): string {
  return localize(describeAnkiError(e).msg);
}

/** A document problem's message in the user's language. */
export function problemText(p: DocumentProblem): string {
  return p.msg ? localize(p.msg) : p.message;
}
