// Public surface of the AnkiConnect client (pure: no `vscode` import).
export * from './api';
export {
  AnkiClient,
  DEFAULT_URL,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_NOTES_INFO_CHUNK,
  DEFAULT_CARDS_INFO_CHUNK,
  DEFAULT_MOD_TIME_CHUNK,
  readMultiEntry,
  type AnkiClientOptions,
  type RequestEvent,
} from './client';
export {
  AnkiConnectError,
  AnkiProtocolError,
  AnkiTransportError,
  AnkiUnsupportedError,
  describeAnkiError,
  type AnkiErrorDescription,
  type AnkiErrorKind,
  type AnkiTransportKind,
} from './errors';
export { actions, parseOutcome, parseOutcomes, parseResult, type TypedAction, type TypedOutcome } from './actions';
export { deckQuery, escapeDeckName, nidQuery } from './query';
