// The ONE place where engine and client errors become `FileSystemError`s (kind + message). Details go to
// the log; the message is what VS Code shows ("Failed to save 'x': …").
import * as vscode from 'vscode';
import { AnkiConnectError, AnkiTransportError, AnkiUnsupportedError, describeAnkiError } from '../anki/errors';
import { FsEngineError } from '../core/fsErrors';

export interface ErrorLog {
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

function notReachableMessage(e: AnkiTransportError): string {
  switch (e.kind) {
    case 'notRunning':
      return `${e.message} Start Anki (with the AnkiConnect add-on), then try again.`;
    case 'timeout':
      return `${e.message} Anki may be busy (a sync, a dialog) or asleep in the background; try again.`;
    default:
      return e.message;
  }
}

/** Maps anything thrown by the engines or the client to a `FileSystemError` with a specific message. */
export function toFileSystemError(e: unknown, op: string, path: string, log?: ErrorLog): vscode.FileSystemError {
  if (e instanceof vscode.FileSystemError) return e;
  if (e instanceof FsEngineError) {
    if (e.kind !== 'notFound' && e.kind !== 'invalid') log?.warn(`${op} ${path}: ${e.message}`);
    switch (e.kind) {
      case 'notFound':
        return vscode.FileSystemError.FileNotFound(e.message);
      case 'exists':
        return vscode.FileSystemError.FileExists(e.message);
      case 'isDirectory':
        return vscode.FileSystemError.FileIsADirectory(e.message);
      case 'notDirectory':
        return vscode.FileSystemError.FileNotADirectory(e.message);
      case 'noPermissions':
        return vscode.FileSystemError.NoPermissions(e.message);
      case 'unavailable':
        return vscode.FileSystemError.Unavailable(e.message);
      case 'invalid':
      case 'conflict':
      case 'failed':
        return new vscode.FileSystemError(e.message);
    }
  }
  const d = describeAnkiError(e);
  log?.warn(`${op} ${path} failed (${d.kind}): ${d.message}`);
  if (e instanceof AnkiTransportError) {
    if (e.kind === 'forbidden') return vscode.FileSystemError.NoPermissions(e.message);
    return vscode.FileSystemError.Unavailable(notReachableMessage(e));
  }
  if (e instanceof AnkiConnectError) {
    if (e.isApiKey) return vscode.FileSystemError.NoPermissions(e.message);
    if (e.isNoCollection) return vscode.FileSystemError.Unavailable(e.message);
    return new vscode.FileSystemError(e.message);
  }
  if (e instanceof AnkiUnsupportedError) return new vscode.FileSystemError(e.message);
  log?.error(`${op} ${path}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return new vscode.FileSystemError(`${op} failed: ${d.message}`);
}
