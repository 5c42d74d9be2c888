// Typed `multi` entries (pure: no `vscode` import).
// `actions.notesInfo(ids)` builds `{action, params, parse}`; pass the entries to `AnkiApi.multi` (the client
// adds `version: 6` and `key`), then read the outcomes with `parseOutcome` / `parseOutcomes`.
import type { CardId, MultiAction, MultiOutcome, NewNote, NoteId } from './api';
import { AnkiConnectError, AnkiProtocolError } from './errors';
import { resultSchemas, summarizeIssues, type KnownAction, type ResultOf } from './schemas';

/** A `multi` entry that knows how to validate its own result. */
export interface TypedAction<T> extends MultiAction {
  readonly action: string;
  readonly params: Record<string, unknown>;
  /** Validates a successful entry's value; throws `AnkiProtocolError` naming the action when it does not match. */
  parse(value: unknown): T;
}

/** Validates `value` as the result of `action`; throws `AnkiProtocolError` naming the action. */
export function parseResult<A extends KnownAction>(action: A, value: unknown): ResultOf<A> {
  const r = resultSchemas[action].safeParse(value);
  if (!r.success) throw new AnkiProtocolError(action, `unexpected result: ${summarizeIssues(r.error)}`, r.error);
  return r.data as ResultOf<A>;
}

function typed<A extends KnownAction>(action: A, params: Record<string, unknown>): TypedAction<ResultOf<A>> {
  return { action, params, parse: (value: unknown) => parseResult(action, value) };
}

/** Builders for the actions the save engine batches. */
export const actions = {
  version: () => typed('version', {}),
  deckNames: () => typed('deckNames', {}),
  deckNamesAndIds: () => typed('deckNamesAndIds', {}),
  getDecks: (cards: CardId[]) => typed('getDecks', { cards }),
  createDeck: (deck: string) => typed('createDeck', { deck }),
  changeDeck: (cards: CardId[], deck: string) => typed('changeDeck', { cards, deck }),
  deleteDecks: (decks: string[]) => typed('deleteDecks', { decks, cardsToo: true }),
  /** Deck names must be spelled exactly as `deckNames` has them (else `false`). */
  getDeckConfig: (deck: string) => typed('getDeckConfig', { deck }),
  saveDeckConfig: (config: Record<string, unknown>) => typed('saveDeckConfig', { config }),
  setDeckConfigId: (decks: string[], configId: number) => typed('setDeckConfigId', { decks, configId }),
  cloneDeckConfigId: (name: string, cloneFrom: number) => typed('cloneDeckConfigId', { name, cloneFrom }),
  removeDeckConfigId: (configId: number) => typed('removeDeckConfigId', { configId }),
  findNotes: (query: string) => typed('findNotes', { query }),
  findCards: (query: string) => typed('findCards', { query }),
  /** Not chunked: keep id lists inside one `multi` modest (see the client's chunk size). */
  notesInfo: (notes: NoteId[]) => typed('notesInfo', { notes }),
  notesModTime: (notes: NoteId[]) => typed('notesModTime', { notes }),
  cardsInfo: (cards: CardId[]) => typed('cardsInfo', { cards }),
  cardsModTime: (cards: CardId[]) => typed('cardsModTime', { cards }),
  updateNoteFields: (note: NoteId, fields: Record<string, string>) =>
    typed('updateNoteFields', { note: { id: note, fields } }),
  updateNoteTags: (note: NoteId, tags: string[]) => typed('updateNoteTags', { note, tags }),
  /** `tags` is ONE space-separated string, as AnkiConnect expects. */
  addTags: (notes: NoteId[], tags: string) => typed('addTags', { notes, tags }),
  removeTags: (notes: NoteId[], tags: string) => typed('removeTags', { notes, tags }),
  addNote: (note: NewNote) => typed('addNote', { note }),
  deleteNotes: (notes: NoteId[]) => typed('deleteNotes', { notes }),
  modelNames: () => typed('modelNames', {}),
  modelFieldNames: (modelName: string) => typed('modelFieldNames', { modelName }),
  modelTemplates: (modelName: string) => typed('modelTemplates', { modelName }),
  modelStyling: (modelName: string) => typed('modelStyling', { modelName }),
  getTags: () => typed('getTags', {}),
  getNoteTags: (note: NoteId) => typed('getNoteTags', { note }),
  /** The exact tag (case-insensitive; child tags are not touched) on the given notes. */
  replaceTags: (notes: NoteId[], from: string, to: string) => typed('replaceTags', { notes, tag_to_replace: from, replace_with_tag: to }),
  replaceTagsInAllNotes: (from: string, to: string) => typed('replaceTagsInAllNotes', { tag_to_replace: from, replace_with_tag: to }),
  clearUnusedTags: () => typed('clearUnusedTags', {}),
  getMediaFilesNames: (pattern = '*') => typed('getMediaFilesNames', { pattern }),
  retrieveMediaFile: (filename: string) => typed('retrieveMediaFile', { filename }),
  /** `deleteExisting: false`: a different file of the same name is kept and Anki stores under a new name. */
  storeMediaFile: (filename: string, data: string) => typed('storeMediaFile', { filename, data, deleteExisting: false }),
  getProfiles: () => typed('getProfiles', {}),
  getActiveProfile: () => typed('getActiveProfile', {}),
  guiBrowse: (query: string) => typed('guiBrowse', { query }),
} as const;

/** Outcome of one typed entry: the validated value, or AnkiConnect's error (as text and as an error object). */
export type TypedOutcome<T> = { ok: true; value: T } | { ok: false; error: string; cause: AnkiConnectError };

/**
 * Reads one outcome of `multi` with its entry's schema. A failed entry gives `ok: false` (with an
 * `AnkiConnectError` whose message is user-readable, e.g. for an API key problem); a value that does not
 * match the schema throws `AnkiProtocolError`.
 */
export function parseOutcome<T>(
  entry: TypedAction<T>,
  outcome: MultiOutcome | undefined,
  opts: { apiKeyConfigured?: boolean } = {},
): TypedOutcome<T> {
  if (outcome === undefined) throw new AnkiProtocolError(entry.action, 'missing multi entry');
  if (!outcome.ok) {
    return { ok: false, error: outcome.error, cause: new AnkiConnectError(entry.action, outcome.error, opts) };
  }
  return { ok: true, value: entry.parse(outcome.value) };
}

type OutcomesOf<E extends readonly TypedAction<unknown>[]> = {
  [K in keyof E]: E[K] extends TypedAction<infer T> ? TypedOutcome<T> : never;
};

/** `parseOutcome` for every entry, keeping each entry's result type (tuples stay tuples). */
export function parseOutcomes<const E extends readonly TypedAction<unknown>[]>(
  entries: E,
  outcomes: readonly MultiOutcome[],
  opts: { apiKeyConfigured?: boolean } = {},
): OutcomesOf<E> {
  if (outcomes.length !== entries.length) {
    throw new AnkiProtocolError('multi', `expected ${entries.length} results, got ${outcomes.length}`);
  }
  return entries.map((e, i) => parseOutcome(e, outcomes[i] as MultiOutcome, opts)) as OutcomesOf<E>;
}

/**
 * The validated value of one `multi` outcome of `action`; a failed entry throws its `AnkiConnectError`, a
 * missing or mis-shaped one `AnkiProtocolError` (the same errors the client's own method would throw).
 */
export function readOutcome<A extends KnownAction>(action: A, outcome: MultiOutcome | undefined): ResultOf<A> {
  const o = parseOutcome(typed(action, {}), outcome);
  if (!o.ok) throw o.cause;
  return o.value;
}
