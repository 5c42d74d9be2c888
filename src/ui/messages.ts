// The one place where the core's messages (codes with arguments, `src/messages.ts`) become the user's
// language: `vscode.l10n.t` of the message's English template (its key in l10n/bundle.l10n.json).
import * as vscode from 'vscode';
import { formatMessage, type Message } from '../messages';

/** The message in the user's language. */
export function localize(m: Message): string {
  return formatMessage(m, (template, args) => vscode.l10n.t(template, ...args));
}

/** What to tell the user about an error: the message it carries (errors of the core and the client), else its text. */
export function errorText(e: unknown): string {
  const m = (e as { msg?: unknown } | null | undefined)?.msg;
  if (typeof m === 'object' && m !== null && 'code' in m && 'args' in m) return localize(m as Message);
  return e instanceof Error ? e.message : String(e);
}
