// The typed surface of the AnkiConnect client (pure: no `vscode` import).
// `AnkiClient` (client.ts) implements `AnkiApi`; the glue layer and the save engine depend on this interface only.

import type { DeckConfig } from './schemas';

export type { DeckConfig };
export type NoteId = number;
export type CardId = number;

/** One entry of `notesInfo` for an existing note (unknown ids come back as `undefined` from the client). */
export interface NoteInfo {
  noteId: NoteId;
  modelName: string;
  tags: string[];
  /** Field name -> raw HTML value and position; iterate with `order` for the note type's field order. */
  fields: Record<string, { value: string; order: number }>;
  /** Note modification time, epoch seconds. Absent on add-on builds older than mid-2024. */
  mod?: number;
  /** Card ids ordered by template ordinal. */
  cards: CardId[];
}

export interface CardInfo {
  cardId: CardId;
  note: NoteId;
  deckName: string;
  modelName: string;
  ord: number;
  interval: number;
  due: number;
  queue: number;
  type: number;
  mod: number;
  /** The remaining cardsInfo keys are kept loosely (validated as unknown). */
  [key: string]: unknown;
}

export interface NoteModTime { noteId: NoteId; mod: number }
export interface CardModTime { cardId: CardId; mod: number }

export interface NewNote {
  deckName: string;
  modelName: string;
  fields: Record<string, string>;
  tags?: string[];
  options?: { allowDuplicate?: boolean; duplicateScope?: string };
}

/** A `multi` entry as sent; `version` (6) and `key` are added by the client on every sub-action. */
export interface MultiAction { action: string; params?: Record<string, unknown> }

/** One outcome per `multi` entry, in order. `multi` is not atomic: any entry may fail on its own. */
export type MultiOutcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Optional features of the add-on build, from `apiReflect`. */
export interface AnkiFeatures {
  notesModTime: boolean;
  /** `notesInfo` entries carry `mod` (found out on the first notesInfo; true when notesModTime exists). */
  notesInfoMod: boolean;
  cardsModTime: boolean;
  notesInfoQuery: boolean;
}

export interface AnkiApi {
  version(): Promise<number>;
  apiReflect(actions: string[] | null): Promise<string[]>;
  /** Cached after the first call; resets when the connection settings change. */
  features(): Promise<AnkiFeatures>;

  deckNames(): Promise<string[]>;
  deckNamesAndIds(): Promise<Record<string, number>>;
  getDecks(cards: CardId[]): Promise<Record<string, CardId[]>>;
  createDeck(deck: string): Promise<number>;
  changeDeck(cards: CardId[], deck: string): Promise<void>;
  deleteDecks(decks: string[], cardsToo: true): Promise<void>;
  /** The deck's options preset (`dyn` truthy: a filtered deck's own settings); `false` if no deck is spelled so. */
  getDeckConfig(deck: string): Promise<DeckConfig | false>;
  saveDeckConfig(config: Record<string, unknown>): Promise<boolean>;
  setDeckConfigId(decks: string[], configId: number): Promise<boolean>;
  cloneDeckConfigId(name: string, cloneFrom: number): Promise<number | false>;
  removeDeckConfigId(configId: number): Promise<boolean>;

  findNotes(query: string): Promise<NoteId[]>;
  findCards(query: string): Promise<CardId[]>;
  /** Chunked for long id lists; unknown ids give `undefined` at their position. */
  notesInfo(notes: NoteId[]): Promise<Array<NoteInfo | undefined>>;
  notesModTime(notes: NoteId[]): Promise<Array<NoteModTime | undefined>>;
  cardsInfo(cards: CardId[]): Promise<Array<CardInfo | undefined>>;
  cardsModTime(cards: CardId[]): Promise<Array<CardModTime | undefined>>;

  updateNoteFields(note: NoteId, fields: Record<string, string>): Promise<void>;
  updateNoteTags(note: NoteId, tags: string[]): Promise<void>;
  addTags(notes: NoteId[], tags: string): Promise<void>;
  removeTags(notes: NoteId[], tags: string): Promise<void>;
  addNote(note: NewNote): Promise<NoteId>;
  deleteNotes(notes: NoteId[]): Promise<void>;

  modelNames(): Promise<string[]>;
  modelFieldNames(modelName: string): Promise<string[]>;
  modelTemplates(modelName: string): Promise<Record<string, { Front: string; Back: string }>>;
  modelStyling(modelName: string): Promise<{ css: string }>;
  getTags(): Promise<string[]>;
  getNoteTags(note: NoteId): Promise<string[]>;
  replaceTags(notes: NoteId[], from: string, to: string): Promise<void>;
  replaceTagsInAllNotes(from: string, to: string): Promise<void>;
  clearUnusedTags(): Promise<void>;
  /** Basenames in Anki's media folder matching a shell glob (default `*`). */
  getMediaFilesNames(pattern?: string): Promise<string[]>;
  /** The file's bytes as base64, or `false` when it is not in the media folder. */
  retrieveMediaFile(filename: string): Promise<string | false>;
  /** Stores base64 `data` without replacing a different file of that name; returns the name Anki used. */
  storeMediaFile(filename: string, data: string): Promise<string>;
  getProfiles(): Promise<string[]>;
  /** The open profile (AnkiConnect 2024+; older add-ons fail with "unsupported action"). */
  getActiveProfile(): Promise<string>;
  guiBrowse(query: string): Promise<CardId[]>;

  /** One HTTP request carrying every action; one outcome per action. */
  multi(actions: MultiAction[]): Promise<MultiOutcome[]>;
}
