// Connection state machine (pure: no `vscode` import). The glue (src/ui/session.ts) feeds it events and
// mirrors the state into the status bar and the `ankiFiles.connection` context key.
import { describeAnkiError, type AnkiErrorKind } from '../anki/errors';
import type { ConnectionContextValue } from '../constants';

/** The connection verdict; src/session.ts exposes it to the glue as `ConnectionState`. */
export type ConnState =
  | { kind: 'unknown' }
  | { kind: 'connecting' }
  | { kind: 'connected'; version: number }
  | { kind: 'notRunning'; message: string }
  | { kind: 'apiKey'; message: string }
  | { kind: 'error'; message: string };

export type ConnEvent =
  /** A probe (`version`) started; a background probe (automatic retry) keeps the current verdict on screen. */
  | { type: 'probe'; background?: boolean }
  /** A request succeeded (a probe reports the version). */
  | { type: 'success'; version?: number }
  /** A request failed; `kind`/`message` from `describeAnkiError`. */
  | { type: 'failure'; kind: AnkiErrorKind; message: string }
  /** Settings or API key changed: the old verdict no longer holds. */
  | { type: 'reset' };

/** Which failures say something about the connection (others concern one request: a bad query, a missing note…). */
export function failureState(kind: AnkiErrorKind, message: string): ConnState | undefined {
  switch (kind) {
    case 'notRunning':
      return { kind: 'notRunning', message };
    case 'apiKey':
      return { kind: 'apiKey', message };
    case 'timeout':
    case 'reset':
    case 'forbidden':
    case 'http':
    case 'protocol':
    case 'badUrl':
    case 'noCollection':
      return { kind: 'error', message };
    case 'unsupported':
    case 'unsupportedAction':
    case 'anki':
    case 'unknown':
      return undefined;
  }
}

/**
 * True when an error says something about the connection (Anki down, API key, no collection, unusable
 * replies…), not about one request: the status bar and welcome views follow these; per-item failures of
 * other kinds stay with the item.
 */
export function isConnectionFailure(e: unknown): boolean {
  const d = describeAnkiError(e);
  return failureState(d.kind, d.message) !== undefined;
}

export const DEFAULT_API_VERSION = 6;

export function transition(state: ConnState, event: ConnEvent): ConnState {
  switch (event.type) {
    case 'reset':
      return { kind: 'unknown' };
    case 'probe':
      // Keep showing "connected" (and any verdict during automatic retries); show a spinner otherwise.
      return state.kind === 'connected' || (event.background && state.kind !== 'unknown') ? state : { kind: 'connecting' };
    case 'success': {
      const version = event.version ?? (state.kind === 'connected' ? state.version : DEFAULT_API_VERSION);
      if (state.kind === 'connected' && state.version === version) return state;
      return { kind: 'connected', version };
    }
    case 'failure': {
      const next = failureState(event.kind, event.message);
      if (!next) {
        // A request-level failure: the connection is fine if it was; a pending probe has nothing to say.
        return state;
      }
      return sameState(state, next) ? state : next;
    }
  }
}

export function sameState(a: ConnState, b: ConnState): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'connected' && b.kind === 'connected') return a.version === b.version;
  if ('message' in a && 'message' in b) return a.message === b.message;
  return true;
}

export function contextValue(state: ConnState): ConnectionContextValue {
  switch (state.kind) {
    case 'unknown':
    case 'connecting':
      return 'connecting';
    default:
      return state.kind;
  }
}

/**
 * Delay before the next automatic probe while not connected (attempt 0 = first retry). Anki not running
 * is cheap to detect (connection refused), so the first retries are quick, then back off to a minute.
 * A rejected API key is never retried automatically: only a new key fixes it.
 */
export function retryDelayMs(state: ConnState, attempt: number): number | undefined {
  if (state.kind === 'apiKey' || state.kind === 'connected' || state.kind === 'connecting' || state.kind === 'unknown') {
    return undefined;
  }
  const steps = [2_000, 5_000, 10_000, 30_000, 60_000];
  return steps[Math.min(Math.max(0, attempt), steps.length - 1)];
}
