// Messages of the pure core as codes with arguments (pure: no `vscode` import).
//
// The core never hands the user an English sentence: it returns a `Message` (`{ code, args }`). The glue
// (`src/ui/messages.ts` `localize`) turns it into a `vscode.l10n.t` string: the English template below is the
// key in `l10n/bundle.l10n.json`, so translators translate it like any other string of the extension.
// `formatMessage` renders the English for logs, `Error.message` and tests (the same text users see without a
// translation). Placeholders are `{0}`, `{1}`…; an argument may itself be a message (rendered the same way).

export const MESSAGES = {
  /** Text that is not ours to translate (Anki's own error text, a path, a value). */
  text: '{0}',
  joinAnd: '{0} and {1}',
  joinSemicolon: '{0}; {1}',
  joinComma: '{0}, {1}',
  sentence: '{0}.',
  twoSentences: '{0} {1}',

  // ---- src/anki: connection and protocol errors
  apiKeyRejected: 'AnkiConnect rejected the API key: the key set for this extension does not match the "apiKey" in AnkiConnect\'s config.',
  apiKeyRequired: 'AnkiConnect requires an API key: set the key from AnkiConnect\'s config ("apiKey") in this extension.',
  unsupportedAction: 'This version of AnkiConnect does not support the action "{0}"; update the AnkiConnect add-on.',
  noCollection: 'Anki is running but no collection is open: open a profile in Anki and try again.',
  ankiReported: 'Anki reported an error: {0}',
  notRunning: 'Anki is not running or AnkiConnect is not installed (nothing listens on {0}).',
  hostUnreachable: 'Cannot reach {0} ({1}): check that Anki is running there and that the AnkiConnect URL setting is right.',
  hostNotFound: 'Cannot find the host "{0}" of the AnkiConnect URL ({1}): check the URL setting.',
  connectionFailed: 'The connection to AnkiConnect at {0} failed ({1}).',
  connectionReset:
    'AnkiConnect at {0} closed the connection before answering (Anki may be busy, restarting, or flooded with requests). The action may or may not have been carried out.',
  connectTimeout: 'Could not connect to AnkiConnect at {0} within {1} s: Anki may be frozen or busy, or the address is wrong.',
  requestTimeout: 'AnkiConnect did not answer within {0} s (Anki may be busy). Anki may still carry out the request.',
  forbidden: 'AnkiConnect at {0} refused the request (HTTP 403: origin not allowed). Allow the origin in "webCorsOriginList" in AnkiConnect\'s config.',
  httpStatus: '{0} answered with HTTP {1}, which AnkiConnect never does: check that the URL points to AnkiConnect.',
  protocol:
    'AnkiConnect sent a reply that this extension does not understand ({0}). Check that the URL points to AnkiConnect and that the add-on is up to date.',
  noModTimes:
    'This version of AnkiConnect does not report note modification times, so changes made in Anki cannot be detected safely. Update the AnkiConnect add-on (builds from mid-2024 on report them).',
  unknownError: 'An unknown error occurred while talking to AnkiConnect.',
  badUrlScheme: 'The AnkiConnect URL "{0}" must start with http:// (AnkiConnect speaks plain HTTP).',
  badUrl: 'The AnkiConnect URL "{0}" is not a valid URL (expected e.g. http://127.0.0.1:8765).',
  ankiStartHint: '{0} Start Anki (with the AnkiConnect add-on), then try again.',
  ankiBusyHint: '{0} Anki may be busy (a sync, a dialog) or asleep in the background; try again.',

  // ---- src/core/saver.ts: save outcomes
  field: 'field {0}',
  fields: 'fields {0}',
  tags: 'tags',
  deck: 'deck',
  noteType: 'note type',
  fieldOrder: 'field order',
  movedToDeck: 'deck (moved to {0})',
  noteNamed: '"{0}"',
  noteNumbered: 'note {0}',
  saveUnexpected: 'Saving failed unexpectedly: {0}',
  notLoadedBeforeSave: 'Note {0} was not loaded from Anki before saving: re-open it and save again. Your text is kept.',
  deletedSinceOpened:
    '{0} was deleted in Anki since you opened it, so it cannot be saved. Your text is kept: copy it elsewhere, or add it again with "Anki: New Note".',
  changedInAnki:
    '{0} changed in Anki since you opened it. Your text is kept: choose Keep Mine or Take Anki\'s (or compare them first) in the Anki Files message or in "Anki: Compare with Anki\'s Version".',
  changedInAnkiWhat:
    '{0} changed in Anki since you opened it ({1}). Your text is kept: choose Keep Mine or Take Anki\'s (or compare them first) in the Anki Files message or in "Anki: Compare with Anki\'s Version".',
  journalNotWritten:
    '{0} was not saved: the save journal (Anki Files\' undo history) could not be written ({1}). Nothing was sent to Anki. Your text is kept.',
  notSavedBecause: '{0} was not saved: {1}',
  deletedWhileSaving: '{0} was deleted in Anki while it was being saved. Your text is kept.',
  partNotSaved: '{0} NOT saved (AnkiConnect: {1})',
  notSavedNothingChanged: '{0} was not saved: {1}. Nothing was changed in Anki. Your text is kept.',
  partlySaved: 'Saving {0} only partly worked: {1} saved; {2}. Your text is kept: fix the problem and save again to apply the rest.',
  verifyReadFailed:
    'Anki accepted the changes to {0}, but re-reading the note to check them failed ({1}). Run "Anki: Compare with Anki\'s Version" to see what Anki has now. Your text is kept.',
  noResult: 'no result',
  fieldNotInNoteType: '{0} is not in note type {1} in Anki (its fields: {2}), so Anki ignored it',
  fieldsNotInNoteType: '{0} are not in note type {1} in Anki (its fields: {2}), so Anki ignored them',
  fieldsNotKept:
    'Anki did not keep the new {0}: the note is probably open in Anki\'s Browser or an editor window, which silently discards edits made through AnkiConnect. Close the note in Anki\'s Browser or editor, then save again',
  otherTags: 'Anki has the tags "{0}" instead of "{1}"',
  otherDeck: 'the cards are in deck "{0}", not "{1}"',
  notSavedAsWritten: '{0} was not saved as written: {1}. Your text is kept.',
  notSavedAsWrittenPartly: '{0} was not saved as written: {1}. (The {2} did apply.) Your text is kept.',
  outcomeUnknown:
    'The connection to Anki failed while saving {0} ({1}). Some or all of the changes may have been applied — it is not known which. Your text is kept: run "Anki: Compare with Anki\'s Version" (or re-open the note) to see what Anki has now, then save again.',
  notSavedUnreachable: '{0} was not saved: {1} Nothing was changed in Anki. Your text is kept: save again when Anki is reachable.',
  notSavedUnchanged: '{0} was not saved: {1} Nothing was changed in Anki. Your text is kept.',
  notSavedKept: '{0} was not saved: {1} Your text is kept.',

  // ---- src/core/fsEngine.ts, noteStore.ts, fsErrors.ts
  noteDoesNotExist: 'Note {0} does not exist in Anki (it was deleted, or the id is wrong).',
  noDeck: 'There is no deck "{0}" in Anki.',
  notCreatedYetInDeck: '"{0}" does not exist yet: saving it creates a new note in deck "{1}".',
  notCreatedYet: '"{0}" does not exist yet: saving it creates a new note.',
  isDeckFolder: '"{0}" is a deck folder, not a note.',
  isNoteFile: '"{0}" is a note, not a deck folder.',
  cannotSave: 'Cannot save "{0}": {1}',
  notUtf8:
    'The document is not valid UTF-8 (was it saved with another encoding?). Reopen it with the UTF-8 encoding ("Change File Encoding" in the status bar) and save again. Nothing was sent to Anki.',
  notUtf8Problem: 'The document is not valid UTF-8.',
  noteExists: 'Note {0} already exists: open it and edit it instead.',
  alreadySavedAs: '"{0}" was already saved as note {1}.',
  notLoaded: 'Note {0} could not be loaded from Anki.',
  invalidUnchanged: '{0} Nothing was sent to Anki; {1} is unchanged there.',
  invalidNotCreated: '{0} The note was not created: nothing was sent to Anki.',
  journalFailed: '{0}: the save journal (Anki Files\' undo history) could not be written ({1}). Nothing was sent to Anki.',
  journalNoteNotCreated: 'The note was not created',
  journalNotesNotCreated: 'The notes were not created',
  deletedInAnkiNoSave: '{0} was deleted in Anki, so it cannot be saved: nothing was sent. Your text is kept in the editor: copy it into a new note ("Anki: New Note") to add it again.',
  streamBlockAddedEarlier: 'This block is note {0}, which an earlier save of this document added, without its "id:" line: put "id: {0}" back (or remove the block) so that it is not added twice. Nothing was sent.',
  journalNothingDeleted: 'Nothing was deleted',
  journalNothingMoved: 'Nothing was moved',
  duplicateNote:
    'Anki refused to add this note: a note of type {0} with the same {1} already exists (Anki treats it as a duplicate). Change {1}, or find the existing note with "Anki: Search Notes…". Your text is kept.',
  firstFieldEmpty: 'Anki cannot add this note because its first field ({0}) is empty. Fill in {0} and save again. Your text is kept.',
  firstFieldName: 'first field',
  clozeProblem:
    'Anki could not add this note ("unknown reason"): this is almost always a cloze problem — a Cloze note needs at least one {{c1::…}} deletion, and a non-cloze note type (e.g. {0}) must not contain {{c1::…}}. Fix the fields and save again. Your text is kept.',
  noNoteTypeAdd: 'There is no note type "{0}" in Anki. Choose an existing note type and save again. Your text is kept.',
  noDeckAdd: 'The deck "{0}" does not exist in Anki. Create it first ("Anki: New Deck") or change "deck:" in the document, then save again. Your text is kept.',
  addFailed: 'Anki could not add the note: {0}. Your text is kept.',
  addedNotReread: 'The note was added to Anki (id {0}), but re-reading it failed. Close this editor and open the note from the Anki Files view.',
  rootExists: 'The collection root always exists.',
  notADeckName: '"{0}" is a note file name, not a deck name.',
  deckExists: 'The deck "{0}" already exists.',
  rootNotDeletable: 'The collection root cannot be deleted.',
  doesNotExist: '"{0}" does not exist.',
  alreadyDeleted: 'Note {0} does not exist in Anki (already deleted?).',
  deckNotEmpty1: 'The deck "{0}" is not empty (1 card, sub-decks included), so it was not deleted. Move or delete its notes first, or delete the deck in Anki.',
  deckNotEmpty: 'The deck "{0}" is not empty ({1} cards, sub-decks included), so it was not deleted. Move or delete its notes first, or delete the deck in Anki.',
  defaultDeckKept: 'Anki keeps the Default deck: deleting it would only delete its cards. Delete its notes instead.',
  filteredDeck: '"{0}" is a filtered deck: empty or delete it in Anki (its cards go back to their home decks).',
  deckCardsChanged: 'The deck "{0}" now holds {1} card(s), not the {2} you confirmed: nothing was deleted. Try again.',
  moveWithinAnki: 'Notes can only be moved within Anki.',
  idFixed: 'A note file keeps its note id: the number before ".yaml" cannot be changed.',
  renameNote: "Note file names come from the note's sort field and id: edit the field instead of renaming the file. Moving the file to another deck folder moves the note.",
  noteMissing: 'Note {0} does not exist in Anki (deleted?).',
  deckRenameHere: 'Decks cannot be renamed or moved here: rename "{0}" in Anki (Browse ▸ Decks), then refresh.',
  noteMoveOnly: 'A note file can only be moved into another deck folder (which moves the note to that deck).',
  cannotRename: '"{0}" cannot be renamed: only note files can be moved, into another deck folder.',
  notSavedNote: '"{0}" is not a saved note.',
  problemAt: 'Line {0}, column {1}: {2}',
  moreProblem: '{0} (and 1 more problem: see the Problems panel.)',
  moreProblems: '{0} (and {1} more problems: see the Problems panel.)',

  // ---- src/notes/paths.ts
  pathEmptyFolder: 'The path "{0}" contains an empty folder name.',
  pathDots: 'The path "{0}" contains "{1}".',
  pathTopLevel: 'Notes live inside a deck folder, not at the top level.',
  folderHasColons: 'The folder name "{0}" contains "::"; make one folder per deck level instead.',
  folderEndsColon: 'The folder name "{0}" ends with ":", which cannot be followed by a sub-deck.',
  fileNameEmpty: 'The file name is empty.',
  badNoteId: '"{0}" is not a valid note id.',

  // ---- src/notes/document.ts, deckName.ts: document problems
  quoted: '"{0}"',
  reasonAlias: 'starts with "*", which YAML reads as an alias (a reference to an "&" anchor), so the text "*{0}" would be lost',
  reasonAnchor: 'has "&{0}" in front, which YAML reads as an anchor name, so that part of the text would be lost',
  reasonTag: 'has "{0}" in front, which YAML reads as a tag, so that part of the text would be lost',
  reasonMapping: 'must be text, not a mapping',
  reasonList: 'must be text, not a list',
  reasonComment: 'is followed by " {0}", which YAML reads as a comment, so "{0}" would not be saved',
  reasonText: 'must be text',
  duplicateKey: 'Duplicate key "{0}": each key may appear only once.',
  duplicateKeyUnnamed: 'Duplicate key: each key may appear only once.',
  yamlSyntax:
    'YAML syntax error: {0}. Text that contains ": " or " #", or starts with one of - ? : , [ ] { } # & * ! | > \' " % @ `, must be in quotes or written as a block ("|-" after the colon, the text on the next lines, indented).',
  documentEmpty: 'The document is empty: a note document has the keys id, deck, noteType, tags and fields.',
  newDocumentEmpty: 'The document is empty: a note document has the keys deck, noteType, tags and fields.',
  documentNotMapping: 'The document is not a mapping of keys to values: a note document has the keys id, deck, noteType, tags and fields.',
  newDocumentNotMapping: 'The document is not a mapping of keys to values: a note document has the keys deck, noteType, tags and fields.',
  keysPlain: 'Keys must be plain names; the keys are {0}.',
  newNoteNoId: 'A new note has no id yet: remove the "id" line (Anki assigns the id when the note is created).',
  unknownKey: 'Unknown key "{0}". The keys are {1}.',
  unknownKeyHint: 'Unknown key "{0}". Did you mean "{1}"? The keys are {2}.',
  keyNotText: '"{0}" {1}. Put the whole text in quotes, or write it as a block ("|-" after the colon, the text on the next lines, indented).',
  missingKey: 'Missing key "{0}".',
  missingTags: 'Missing key "{0}" (write "tags: []" for no tags).',
  missingFields: 'Missing key "{0}" (a mapping of field name to text).',
  tagsNotListWords: '"tags" must be a list of tags. Write it as a list: [{0}].',
  tagsNotList: '"tags" must be a list of tags. Write it as a list, e.g. [vocab, verbs], or [] for none.',
  tagNotWord: 'Each tag must be a single word; this one {0}. Put it in quotes.',
  tagEmpty: 'A tag cannot be empty.',
  tagBadChars: 'Tags cannot contain double quotes (") or control characters: Anki removes them.',
  tagHasSpace: 'The tag "{0}" contains a space: Anki separates tags by spaces. Write separate tags ([{1}]) or join the words with "_" or "-".',
  duplicateTag: 'Duplicate tag "{0}": list each tag once.',
  duplicateTagCase: 'Duplicate tag "{0}" (same as "{1}": tags are case-insensitive in Anki): list each tag once.',
  fieldsIsList: '"fields" must be a mapping of field name to text (one "Name: text" line per field), not a list.',
  fieldsIsValue: '"fields" must be a mapping of field name to text (one "Name: text" line per field), not a single value.',
  fieldNamesPlain: 'Field names must be plain names.',
  fieldNotText: 'The field "{0}" {1}. Put the whole text in quotes, or write it as a block ("|-" after the colon, the text on the next lines, indented).',
  noSuchField: '"{0}" notes have no field "{1}". Its fields are {2}.',
  noSuchFieldHint: '"{0}" notes have no field "{1}". Did you mean "{2}"? Its fields are {3}.',
  missingField: 'The field "{0}" is missing: every field of "{1}" must be listed (write "{0}:" with nothing after it for an empty field).',
  idChanged: 'The id identifies the note and cannot be changed: set it back to {0}. To create a new note, use "Anki: New Note".',
  noteTypeChanged:
    'The note type is read-only here: set it back to "{0}". To change a note\'s type, use Change Note Type in Anki (Browse ▸ Notes ▸ Change Note Type…); the file then reloads.',
  deckCaseOnly:
    'Deck names are case-insensitive in Anki: "{0}" is the same deck as "{1}", so this change would be ignored. Set it back to "{1}"; to rename the deck, rename it in Anki.',
  noNoteType: 'There is no note type "{0}" in Anki.',
  noNoteTypeHint: 'There is no note type "{0}" in Anki. Did you mean "{1}"?',
  noteTypesAre: 'The note types are {0}.',
  deckEmpty: 'The deck name is empty: write the deck this note belongs to, e.g. "deck: Default".',
  deckEmptyPart:
    'The deck name "{0}" has an empty part (a leading or trailing "::", or "::" twice in a row); Anki would name that level "blank". Write each level between "::" separators, e.g. "Parent::Child".',
  deckQuotes: 'Deck names cannot contain double quotes ("): Anki removes them. Remove the quotes from the deck name.',
  deckControls: 'Deck names cannot contain control characters (tabs, line breaks…): Anki removes them.',

  // ---- src/stream
  streamForeignNote: 'Note {0} is not one of the notes of this document ({1}): remove this block, or remove its "id:" line to add it as a new note.',
  streamNotLoaded: 'The document of {0} is not loaded: reopen it.',
  streamDuplicateNote: 'Note {0} already has a block above: each note can appear once. Remove one of them.',
  streamNoId:
    'This block has no "id": adding notes from a search document is not supported yet. Add it with "Anki: New Note", or remove the block. Nothing was sent.',
  noOutcome: 'no outcome',

  // ---- src/journal
  journalRecordUnreadable: 'The journal record of this save ({0}) could not be read (see the log).',
} as const satisfies Record<string, string>;

export type MessageCode = keyof typeof MESSAGES;
export type MessageArg = string | number | Message;

export interface Message {
  readonly code: MessageCode;
  readonly args: readonly MessageArg[];
}

export function msg(code: MessageCode, ...args: MessageArg[]): Message {
  return { code, args };
}

/** An error of the core that carries its message (`describeAnkiError` and the glue's `errorText` read `msg`). */
export class MessageError extends Error {
  override readonly name = 'MessageError';
  readonly msg: Message;
  constructor(m: Message) {
    super(formatMessage(m));
    this.msg = m;
  }
}

/** Text that is not ours to translate, as a message. */
export function textMessage(s: string): Message {
  return { code: 'text', args: [s] };
}

/** `a and b and c` (as `{0} and {1}` nested, so a translation controls every join). */
export function joinMessages(code: 'joinAnd' | 'joinSemicolon' | 'joinComma', items: readonly MessageArg[]): MessageArg {
  if (items.length === 0) return '';
  return items.slice(1).reduce<MessageArg>((acc, x) => msg(code, acc, x), items[0] as MessageArg);
}

export function isMessage(x: unknown): x is Message {
  return typeof x === 'object' && x !== null && typeof (x as Message).code === 'string' && (x as Message).code in MESSAGES && Array.isArray((x as Message).args);
}

/** VS Code's `l10n.t` placeholder rule: `{n}` with an argument is replaced, anything else stays as written. */
export function fillTemplate(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? (args[Number(n)] as string) : whole));
}

/**
 * Renders a message: `translate(template, args)` gets the English template and the rendered arguments (the
 * glue passes `vscode.l10n.t`); the default renders English.
 */
export function formatMessage(m: Message, translate: (template: string, args: string[]) => string = fillTemplate): string {
  const args = m.args.map((a) => (typeof a === 'object' ? formatMessage(a, translate) : String(a)));
  if (m.code === 'text') return args[0] ?? '';
  return translate(MESSAGES[m.code], args);
}
