// The ONE place where engine and client errors become `FileSystemError`s (kind + message). Details go to
// the log; the message is what VS Code shows ("Failed to save 'x': …").
import * as vscode from 'vscode';
import { AnkiConnectError, AnkiTransportError, AnkiUnsupportedError, describeAnkiError } from '../anki/errors';
import { FsEngineError } from '../core/fsErrors';
import { msg } from '../messages';
import { localize } from '../ui/messages';

export interface ErrorLog {
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

function notReachableMessage(e: AnkiTransportError): string {
  switch (e.kind) {
    case 'notRunning':
      return localize(msg('ankiStartHint', e.msg));
    case 'timeout':
      return localize(msg('ankiBusyHint', e.msg));
    default:
      return localize(e.msg);
  }
}

/**
 * A `FileSystemError` of kind Unknown whose name is empty. VS Code reports a failed save as "Failed to save
 * 'x': Unable to write file '<uri>' (<error.toString()>)", and `toString()` of a named error is
 * "<name>: <message>" — "Unknown (FileSystemError): …" for an unnamed kind. With an empty name the user reads
 * our sentence right after the wrapper. (The kind only matters to VS Code for the named kinds: not found,
 * exists, permissions…, which keep their names. Whatever the kind, VS Code offers Retry, Save As… and Discard
 * for a failed write; only its own "file is newer" check drops Save As.)
 */
function unnamed(message: string): vscode.FileSystemError {
  const err = new vscode.FileSystemError(message);
  err.name = '';
  return err;
}

/** Maps anything thrown by the engines or the client to a `FileSystemError` with a specific message. */
export function toFileSystemError(e: unknown, op: string, path: string, log?: ErrorLog): vscode.FileSystemError {
  if (e instanceof vscode.FileSystemError) return e;
  if (e instanceof FsEngineError) {
    if (e.kind !== 'notFound' && e.kind !== 'invalid') log?.warn(`${op} ${path}: ${e.message}`);
    const text = localize(e.msg);
    switch (e.kind) {
      case 'notFound':
        return vscode.FileSystemError.FileNotFound(text);
      case 'exists':
        return vscode.FileSystemError.FileExists(text);
      case 'isDirectory':
        return vscode.FileSystemError.FileIsADirectory(text);
      case 'notDirectory':
        return vscode.FileSystemError.FileNotADirectory(text);
      case 'noPermissions':
        return vscode.FileSystemError.NoPermissions(text);
      case 'unavailable':
        return vscode.FileSystemError.Unavailable(text);
      case 'invalid':
      case 'conflict':
      case 'failed':
        return unnamed(text);
    }
  }
  const d = describeAnkiError(e);
  log?.warn(`${op} ${path} failed (${d.kind}): ${d.message}`);
  if (e instanceof AnkiTransportError) {
    if (e.kind === 'forbidden') return vscode.FileSystemError.NoPermissions(localize(e.msg));
    return vscode.FileSystemError.Unavailable(notReachableMessage(e));
  }
  if (e instanceof AnkiConnectError) {
    if (e.isApiKey) return vscode.FileSystemError.NoPermissions(localize(e.msg));
    if (e.isNoCollection) return vscode.FileSystemError.Unavailable(localize(e.msg));
    return unnamed(localize(e.msg));
  }
  if (e instanceof AnkiUnsupportedError) return unnamed(localize(e.msg));
  log?.error(`${op} ${path}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return unnamed(localize(d.msg));
}
