// zod schemas of AnkiConnect results, one per action (pure: no `vscode` import).
// Object schemas are non-strict (extra keys such as notesInfo's `profile` are dropped) so newer add-on
// builds keep working; `{}` entries of the info/modTime actions become `undefined`.
import { z } from 'zod';
import type { CardInfo, CardModTime, NoteInfo, NoteModTime } from './api';

const id = z.number().int().nonnegative();
const ids = z.array(id);
const voidResult = z.null();

const isEmptyObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** `{}` (the placeholder AnkiConnect puts at the position of an unknown id) becomes `undefined`. */
function orEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (isEmptyObject(v) ? undefined : v), schema.optional());
}

export const noteInfoSchema = z.object({
  noteId: id,
  modelName: z.string(),
  tags: z.array(z.string()),
  fields: z.record(z.string(), z.object({ value: z.string(), order: z.number().int() })),
  mod: z.number().optional(),
  cards: ids,
}) satisfies z.ZodType<NoteInfo>;

export const cardInfoSchema = z
  .looseObject({
    cardId: id,
    note: id,
    deckName: z.string(),
    modelName: z.string(),
    /** Template ordinal; very old builds only had the misnamed `fieldOrder`. */
    ord: z.number().int().optional(),
    fieldOrder: z.number().int().optional(),
    interval: z.number(),
    due: z.number(),
    queue: z.number().int(),
    type: z.number().int(),
    mod: z.number(),
  })
  .refine((c) => c.ord !== undefined || c.fieldOrder !== undefined, { message: 'card has neither ord nor fieldOrder' })
  .transform((c): CardInfo => ({ ...c, ord: c.ord ?? c.fieldOrder ?? 0 }));

export const noteModTimeSchema = z.object({ noteId: id, mod: z.number() }) satisfies z.ZodType<NoteModTime>;
export const cardModTimeSchema = z.object({ cardId: id, mod: z.number() }) satisfies z.ZodType<CardModTime>;

export const noteInfoEntrySchema = orEmpty(noteInfoSchema);
export const cardInfoEntrySchema = orEmpty(cardInfoSchema);
export const noteModTimeEntrySchema = orEmpty(noteModTimeSchema);
export const cardModTimeEntrySchema = orEmpty(cardModTimeSchema);

/**
 * A deck's options preset as `getDeckConfig` returns it (Anki's legacy dict; only what the client reads is
 * checked, the rest is kept). A filtered deck has no preset: the add-on answers the deck itself, `dyn: 1`.
 */
export const deckConfigSchema = z.looseObject({
  id: id,
  name: z.string(),
  dyn: z.union([z.boolean(), z.number()]).optional(),
});
export type DeckConfig = z.output<typeof deckConfigSchema>;

/** Result schema of every action the client calls. */
export const resultSchemas = {
  version: z.number().int(),
  apiReflect: z.object({ scopes: z.array(z.string()), actions: z.array(z.string()) }),
  deckNames: z.array(z.string()),
  deckNamesAndIds: z.record(z.string(), id),
  getDecks: z.record(z.string(), ids),
  createDeck: id,
  changeDeck: voidResult,
  deleteDecks: voidResult,
  /** `false` when no deck is spelled exactly so (case-sensitive). */
  getDeckConfig: z.union([deckConfigSchema, z.literal(false)]),
  /** `false`: no such preset (or not a preset). */
  saveDeckConfig: z.boolean(),
  /** `false`: one of the decks is not spelled exactly as in deckNames (nothing changed). */
  setDeckConfigId: z.boolean(),
  /** The new preset's id, `false` when the preset to clone does not exist. */
  cloneDeckConfigId: z.union([id, z.literal(false)]),
  removeDeckConfigId: z.boolean(),
  findNotes: ids,
  findCards: ids,
  notesInfo: z.array(noteInfoEntrySchema),
  notesModTime: z.array(noteModTimeEntrySchema),
  cardsInfo: z.array(cardInfoEntrySchema),
  cardsModTime: z.array(cardModTimeEntrySchema),
  updateNoteFields: voidResult,
  updateNoteTags: voidResult,
  addTags: voidResult,
  removeTags: voidResult,
  addNote: id,
  deleteNotes: voidResult,
  modelNames: z.array(z.string()),
  modelFieldNames: z.array(z.string()),
  modelTemplates: z.record(z.string(), z.object({ Front: z.string(), Back: z.string() })),
  modelStyling: z.object({ css: z.string() }),
  getTags: z.array(z.string()),
  getNoteTags: z.array(z.string()),
  replaceTags: voidResult,
  replaceTagsInAllNotes: voidResult,
  clearUnusedTags: voidResult,
  getMediaFilesNames: z.array(z.string()),
  /** base64 of the file, or `false` when the media folder has no such file. */
  retrieveMediaFile: z.union([z.string(), z.literal(false)]),
  /** The name Anki stored the file under (it may differ from the one asked for); `null` only with skipHash. */
  storeMediaFile: z.string().nullable(),
  getProfiles: z.array(z.string()),
  getActiveProfile: z.string(),
  guiBrowse: ids,
  /** Entries are read one by one by the client (`{result, error}` or a bare value). */
  multi: z.array(z.unknown()),
} as const;

export type KnownAction = keyof typeof resultSchemas;
export type ResultOf<A extends KnownAction> = z.output<(typeof resultSchemas)[A]>;

/** The reply envelope for `version >= 5`: `{result, error}` (errors always look like this). */
export const envelopeSchema = z.object({ result: z.unknown(), error: z.string().nullable() });

/** A one-line summary of zod issues for messages: `at [3].fields: expected object, received string`. */
export function summarizeIssues(error: z.ZodError, max = 2): string {
  const parts = error.issues.slice(0, max).map((i) => {
    const path = i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    return path ? `at ${path}: ${i.message}` : i.message;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}
