// Errors of the AnkiConnect client and their plain-English descriptions (pure: no `vscode` import).

/** How a request failed below the AnkiConnect protocol (or the reply could not be understood). */
export type AnkiTransportKind =
  | 'notRunning' // nothing listens (ECONNREFUSED, EHOSTUNREACH, unknown host)
  | 'timeout' // connect timeout (short) or request timeout (configurable)
  | 'reset' // ECONNRESET / socket hang up / EPIPE / truncated reply
  | 'forbidden' // HTTP 403: AnkiConnect refused the request's origin
  | 'http' // any other non-200 status
  | 'protocol' // not JSON, or a reply that does not match the action's schema
  | 'badUrl'; // the configured URL cannot be used (not http(s), unparsable)

/** Every kind `describeAnkiError` can report. */
export type AnkiErrorKind =
  | AnkiTransportKind
  | 'apiKey' // AnkiConnect wants a (different) API key
  | 'noCollection' // Anki is running but no profile/collection is open
  | 'unsupportedAction' // this add-on build does not know the action
  | 'unsupported' // a feature this extension needs is missing from this add-on build
  | 'anki' // any other error message returned by AnkiConnect
  | 'unknown';

export const API_KEY_MESSAGE = 'valid api key must be provided';

/** AnkiConnect answered, with `error !== null`. */
export class AnkiConnectError extends Error {
  override readonly name = 'AnkiConnectError';
  /** The action that failed (for a `multi` sub-action: that sub-action). */
  readonly action: string;
  /** The exact `error` string from AnkiConnect. */
  readonly serverMessage: string;
  /** True when AnkiConnect asks for a (different) API key. */
  readonly isApiKey: boolean;
  /** True when the add-on does not know the action (`unsupported action`). */
  readonly isUnsupportedAction: boolean;
  /** True when Anki has no collection open (profile being switched, sync, first start). */
  readonly isNoCollection: boolean;

  constructor(action: string, serverMessage: string, opts: { apiKeyConfigured?: boolean } = {}) {
    const isApiKey = serverMessage === API_KEY_MESSAGE;
    const isUnsupportedAction = serverMessage === 'unsupported action';
    const isNoCollection = serverMessage === 'collection is not available';
    let message: string;
    if (isApiKey) {
      message = opts.apiKeyConfigured
        ? 'AnkiConnect rejected the API key: the key set for this extension does not match the "apiKey" in AnkiConnect\'s config.'
        : 'AnkiConnect requires an API key: set the key from AnkiConnect\'s config ("apiKey") in this extension.';
    } else if (isUnsupportedAction) {
      message = `This version of AnkiConnect does not support the action "${action}"; update the AnkiConnect add-on.`;
    } else if (isNoCollection) {
      message = 'Anki is running but no collection is open: open a profile in Anki and try again.';
    } else {
      message = `Anki reported an error: ${serverMessage}`; // the action is in `action` (and the log), not in the message
    }
    super(message);
    this.action = action;
    this.serverMessage = serverMessage;
    this.isApiKey = isApiKey;
    this.isUnsupportedAction = isUnsupportedAction;
    this.isNoCollection = isNoCollection;
  }
}

/** The request did not produce a usable AnkiConnect reply. */
export class AnkiTransportError extends Error {
  override readonly name: string = 'AnkiTransportError';
  readonly kind: AnkiTransportKind;
  /** The action being requested (`multi` for a batch). */
  readonly action: string;
  /** Node's error code when there was one (ECONNREFUSED, ECONNRESET, …). */
  readonly code: string | undefined;
  /** HTTP status for `forbidden` / `http`. */
  readonly status: number | undefined;

  constructor(
    kind: AnkiTransportKind,
    action: string,
    message: string,
    extra: { code?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.kind = kind;
    this.action = action;
    this.code = extra.code;
    this.status = extra.status;
  }
}

/** A reply that is not JSON or does not match the action's schema (`kind: 'protocol'`). */
export class AnkiProtocolError extends AnkiTransportError {
  override readonly name = 'AnkiProtocolError';
  /** Short description of what did not match (zod issues, parse error). */
  readonly detail: string;
  constructor(action: string, detail: string, cause?: unknown) {
    super(
      'protocol',
      action,
      `AnkiConnect sent a reply to "${action}" that this extension does not understand (${detail}). ` +
        'Check that the URL points to AnkiConnect and that the add-on is up to date.',
      { cause },
    );
    this.detail = detail;
  }
}

/** The add-on build lacks something this client needs and cannot emulate. */
export class AnkiUnsupportedError extends Error {
  override readonly name = 'AnkiUnsupportedError';
  readonly action: string;
  constructor(action: string, message: string) {
    super(message);
    this.action = action;
  }
}

export interface AnkiErrorDescription {
  kind: AnkiErrorKind;
  message: string;
}

/** Plain-English description of anything the client may throw (for status bars, notifications, logs). */
export function describeAnkiError(e: unknown): AnkiErrorDescription {
  if (e instanceof AnkiTransportError) return { kind: e.kind, message: e.message };
  if (e instanceof AnkiConnectError) {
    const kind: AnkiErrorKind = e.isApiKey
      ? 'apiKey'
      : e.isUnsupportedAction
        ? 'unsupportedAction'
        : e.isNoCollection
          ? 'noCollection'
          : 'anki';
    return { kind, message: e.message };
  }
  if (e instanceof AnkiUnsupportedError) return { kind: 'unsupported', message: e.message };
  if (e instanceof Error) return { kind: 'unknown', message: e.message || e.name };
  if (typeof e === 'string' && e) return { kind: 'unknown', message: e };
  return { kind: 'unknown', message: 'An unknown error occurred while talking to AnkiConnect.' };
}
