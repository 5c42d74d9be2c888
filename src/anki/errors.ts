// Errors of the AnkiConnect client and their descriptions as messages (pure: no `vscode` import). Each error
// carries `msg` (a code with arguments, localized by the glue); `Error.message` is its English, for logs.
import { formatMessage, isMessage, msg, textMessage, type Message } from '../messages';

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
  /** What to tell the user (localized by the glue). */
  readonly msg: Message;

  constructor(action: string, serverMessage: string, opts: { apiKeyConfigured?: boolean } = {}) {
    const isApiKey = serverMessage === API_KEY_MESSAGE;
    const isUnsupportedAction = serverMessage === 'unsupported action';
    const isNoCollection = serverMessage === 'collection is not available';
    let m: Message;
    if (isApiKey) {
      m = msg(opts.apiKeyConfigured ? 'apiKeyRejected' : 'apiKeyRequired');
    } else if (isUnsupportedAction) {
      m = msg('unsupportedAction', action);
    } else if (isNoCollection) {
      m = msg('noCollection');
    } else {
      m = msg('ankiReported', serverMessage); // the action is in `action` (and the log), not in the message
    }
    super(formatMessage(m));
    this.msg = m;
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
  /** What to tell the user (localized by the glue). */
  readonly msg: Message;

  constructor(
    kind: AnkiTransportKind,
    action: string,
    message: string | Message,
    extra: { code?: string; status?: number; cause?: unknown } = {},
  ) {
    const m = typeof message === 'string' ? textMessage(message) : message;
    super(formatMessage(m), extra.cause === undefined ? undefined : { cause: extra.cause });
    this.msg = m;
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
    super('protocol', action, msg('protocol', detail), { cause });
    this.detail = detail;
  }
}

/** The add-on build lacks something this client needs and cannot emulate. */
export class AnkiUnsupportedError extends Error {
  override readonly name = 'AnkiUnsupportedError';
  readonly action: string;
  /** What to tell the user (localized by the glue). */
  readonly msg: Message;
  constructor(action: string, message: string | Message) {
    const m = typeof message === 'string' ? textMessage(message) : message;
    super(formatMessage(m));
    this.action = action;
    this.msg = m;
  }
}

export interface AnkiErrorDescription {
  kind: AnkiErrorKind;
  /** English, for logs. */
  message: string;
  /** What to tell the user (the glue localizes it with `localize`). */
  msg: Message;
}

/** Description of anything the client may throw (for status bars, notifications, logs). */
export function describeAnkiError(e: unknown): AnkiErrorDescription {
  const d = describe(e);
  return { kind: d.kind, msg: d.msg, message: formatMessage(d.msg) };
}

function describe(e: unknown): { kind: AnkiErrorKind; msg: Message } {
  if (e instanceof AnkiTransportError) return { kind: e.kind, msg: e.msg };
  if (e instanceof AnkiConnectError) {
    const kind: AnkiErrorKind = e.isApiKey
      ? 'apiKey'
      : e.isUnsupportedAction
        ? 'unsupportedAction'
        : e.isNoCollection
          ? 'noCollection'
          : 'anki';
    return { kind, msg: e.msg };
  }
  if (e instanceof AnkiUnsupportedError) return { kind: 'unsupported', msg: e.msg };
  if (e instanceof Error) {
    const own = (e as { msg?: unknown }).msg; // an error of the core (FsEngineError) carries its message
    return { kind: 'unknown', msg: isMessage(own) ? own : textMessage(e.message || e.name) };
  }
  if (typeof e === 'string' && e) return { kind: 'unknown', msg: textMessage(e) };
  return { kind: 'unknown', msg: msg('unknownError') };
}
