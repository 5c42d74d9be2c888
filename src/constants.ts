// Ids shared by the code and package.json (test/unit/constants.test.ts keeps both in step).
// Pure: no `vscode` import.
import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_URL } from './anki/client';

export const EXTENSION_ID = 'anki-files.anki-files';
export const SCHEME = 'anki';

export const Commands = {
  refresh: 'ankiFiles.refresh',
  search: 'ankiFiles.search',
  newNote: 'ankiFiles.newNote',
  newDeck: 'ankiFiles.newDeck',
  newSubDeck: 'ankiFiles.newSubDeck',
  openInAnki: 'ankiFiles.openInAnki',
  copyNoteId: 'ankiFiles.copyNoteId',
  deleteNote: 'ankiFiles.deleteNote',
  revealActiveNote: 'ankiFiles.revealActiveNote',
  openNoteById: 'ankiFiles.openNoteById',
  compareWithAnki: 'ankiFiles.compareWithAnki',
  keepMine: 'ankiFiles.keepMine',
  takeAnkis: 'ankiFiles.takeAnkis',
  setApiKey: 'ankiFiles.setApiKey',
  clearApiKey: 'ankiFiles.clearApiKey',
  retryConnection: 'ankiFiles.retryConnection',
  showLog: 'ankiFiles.showLog',
  installHelp: 'ankiFiles.installHelp',
  loadMore: 'ankiFiles.loadMore',
  showAllResults: 'ankiFiles.showAllResults',
  clearSearchResults: 'ankiFiles.clearSearchResults',
  openPreview: 'ankiFiles.openPreview',
  findAndReplace: 'ankiFiles.findAndReplace',
  openAsDocument: 'ankiFiles.openAsDocument',
  checkNotes: 'ankiFiles.checkNotes',
  insertMedia: 'ankiFiles.insertMedia',
  addMediaFile: 'ankiFiles.addMediaFile',
  playMedia: 'ankiFiles.playMedia',
  undoLastSave: 'ankiFiles.undoLastSave',
  undoSave: 'ankiFiles.undoSave',
  redoLastSave: 'ankiFiles.redoLastSave',
  showNoteHistory: 'ankiFiles.showNoteHistory',
  restoreNoteVersion: 'ankiFiles.restoreNoteVersion',
  saveWhenAnkiIsBack: 'ankiFiles.saveWhenAnkiIsBack',
  showWaitingSaves: 'ankiFiles.showWaitingSaves',
  discardWaitingSaves: 'ankiFiles.discardWaitingSaves',
  renameDeck: 'ankiFiles.renameDeck',
  deleteDeck: 'ankiFiles.deleteDeck',
  renameTag: 'ankiFiles.renameTag',
  removeTag: 'ankiFiles.removeTag',
  searchTag: 'ankiFiles.searchTag',
  refreshTags: 'ankiFiles.refreshTags',
  addTags: 'ankiFiles.addTags',
  removeTags: 'ankiFiles.removeTags',
  moveToDeck: 'ankiFiles.moveToDeck',
  deleteNotes: 'ankiFiles.deleteNotes',
  openSelectionAsDocument: 'ankiFiles.openSelectionAsDocument',
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Commands that only make sense from a tree item or another command: hidden from the palette. */
export const INTERNAL_COMMANDS: readonly CommandId[] = [Commands.newSubDeck, Commands.loadMore, Commands.showAllResults, Commands.playMedia, Commands.discardWaitingSaves];

export const VIEW_CONTAINER = 'ankiFiles';
export const Views = {
  decks: 'ankiFiles.decks',
  searchResults: 'ankiFiles.searchResults',
  tags: 'ankiFiles.tags',
} as const;

export const Settings = {
  section: 'ankiFiles',
  url: 'ankiFiles.url',
  pageSize: 'ankiFiles.pageSize',
  requestTimeout: 'ankiFiles.requestTimeout',
  checkOnFocus: 'ankiFiles.checkOnFocus',
  previewEnableScripts: 'ankiFiles.preview.enableScripts',
  maxNotesPerDocument: 'ankiFiles.maxNotesPerDocument',
  checkDuplicates: 'ankiFiles.checkDuplicates',
  mediaMaxUploadSizeMB: 'ankiFiles.media.maxUploadSizeMB',
  offlineCacheMaxSizeMB: 'ankiFiles.offline.cacheMaxSizeMB',
  historyMaxVersions: 'ankiFiles.history.maxVersions',
  historyMaxSizeMB: 'ankiFiles.history.maxSizeMB',
} as const;

export const ContextKeys = {
  connection: 'ankiFiles.connection',
  hasSearchResults: 'ankiFiles.hasSearchResults',
  /** A saved version from Show Note History is visible (its diff shows Restore This Version). */
  historyDiff: 'ankiFiles.historyDiff',
  /** Notes are selected in the Decks or Search Results view (the palette offers the bulk actions). */
  notesSelected: 'ankiFiles.notesSelected',
} as const;

/** Values of the `ankiFiles.connection` context key (package.json `viewsWelcome` uses them). */
export type ConnectionContextValue = 'connected' | 'notRunning' | 'apiKey' | 'error' | 'connecting';

export const SECRET_API_KEY = 'ankiFiles.apiKey';
export const STATE_RECENT_QUERIES = 'ankiFiles.recentQueries';
export const STATUS_BAR_ID = 'ankiFiles.status';
export const LOG_CHANNEL_NAME = 'Anki Files';

/** AnkiConnect's page on AnkiWeb (add-on code 2055492159). */
export const ANKICONNECT_URL = 'https://ankiweb.net/shared/info/2055492159';
export const ANKICONNECT_CODE = '2055492159';

export const DEFAULT_PAGE_SIZE = 200;

/** Every setting's default, in one place (package.json's `default`s must equal these: test/unit/constants.test.ts). */
export const SettingDefaults = {
  url: DEFAULT_URL,
  pageSize: DEFAULT_PAGE_SIZE,
  requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
  checkOnFocus: true,
  checkDuplicates: true,
  mediaMaxUploadSizeMB: 4,
  previewEnableScripts: false,
  maxNotesPerDocument: 5000,
  offlineCacheMaxSizeMB: 200,
  historyMaxVersions: 50_000,
  historyMaxSizeMB: 100,
} as const satisfies Record<Exclude<keyof typeof Settings, 'section'>, string | number | boolean>;
export const SEARCH_PREVIEW_LIMIT = 50;
export const SEARCH_DEBOUNCE_MS = 250;
export const RECENT_QUERIES_MAX = 10;

/** Language of note documents (YAML with HTML field values); no file extensions, so other YAML files are untouched. */
export const LANGUAGE_ID = 'anki-note';
/** Problems as you type are checked this long after the last keystroke (cost, not correctness). */
export const EDITING_DEBOUNCE_MS = 300;

/** Context values of tree items (package.json `view/item/context` matches them by regex). */
export const ItemContext = {
  deck: 'deck',
  filteredDeck: 'deck:filtered',
  note: 'note',
  loadMore: 'loadMore',
  message: 'message',
} as const;

/** Mime type VS Code uses for drags inside the Decks view. */
export const DECKS_TREE_MIME = 'application/vnd.code.tree.ankifiles.decks';

/** Webview panel type of the card preview. */
export const PREVIEW_VIEW_TYPE = 'ankiFiles.preview';
