// What the glue modules share: the current client, the log and the connection state.
// Implemented in src/ui/sessionImpl.ts (built in activate from settings + SecretStorage).
import type * as vscode from 'vscode';
import type { AnkiApi } from './anki/api';
import type { ConnState } from './core/connection';

/** The connection verdict (defined by the pure state machine in src/core/connection.ts). */
export type ConnectionState = ConnState;

export interface AnkiSession {
  /** The client for the current settings (URL, API key, timeout); replaced when they change. */
  readonly client: AnkiApi;
  readonly log: vscode.LogOutputChannel;
  readonly state: ConnectionState;
  readonly onDidChangeState: vscode.Event<ConnectionState>;
  /** Fired when settings or the API key changed and `client` was replaced. */
  readonly onDidChangeClient: vscode.Event<void>;
  /** Report the outcome of any request so the status bar and welcome views follow reality. */
  reportSuccess(): void;
  reportFailure(error: unknown): void;
  /** Probe AnkiConnect (`version`) now. */
  check(): Promise<ConnectionState>;
  /**
   * While Anki is closed and reads are answered from the offline cache: when that cache was filled (ms since
   * the epoch); undefined otherwise.
   */
  readonly cachedAt?: number | undefined;
  /** User-facing page size (setting `ankiFiles.pageSize`). */
  readonly pageSize: number;
}
