// The logic of the `anki:` file system, without VS Code (pure: no `vscode` import). `src/fs/provider.ts` is
// a thin adapter: it turns paths into URIs, `FsEngineError`s into `FileSystemError`s and the change
// callbacks into `onDidChangeFile` events.
import type { AnkiApi, CardId, NoteId } from '../anki/api';
import { actions, parseOutcomes } from '../anki/actions';
import { AnkiConnectError } from '../anki/errors';
import { deckQuery } from '../anki/query';
import { DECK_SEPARATOR, normalizeDeckName, sameDeck } from '../notes/deckName';
import type { DocumentProblem, EditedNote, NewNoteDraft, NoteSnapshot } from '../notes/model';
import { deckPath, encodeSegment, noteLabel, notePath, parsePath, type ParsedPath } from '../notes/paths';
import { formatMessage, msg, type Message, type MessageArg } from '../messages';
import { FsEngineError, problemsMsg } from './fsErrors';
import { NoteStore, type StoredNote } from './noteStore';
import { Saver, type NoteChange, type SaveOutcome, type SaveRequest, type SaverJournal, type SaverLog } from './saver';
import { cardsToMove, contentHash, deckByCard, firstFieldHtml, noteName, noteNameMessage, sameContent, snapshotFromInfo } from './snapshot';
import { runDeckRename, type DeckRenameResult, type RenameHooks } from './deckRename';

export type ParseResult<T> = { ok: true; note: T } | { ok: false; problems: DocumentProblem[] };

/** The document codec and save planner the engine uses (src/notes; injected so the engine stays testable). */
export interface NoteCodec {
  render(note: NoteSnapshot): string;
  parse(text: string, loaded: NoteSnapshot): ParseResult<EditedNote>;
  renderNewTemplate(t: { deck: string; noteType: string; fieldNames: readonly string[]; tags?: readonly string[] }): string;
  parseNew(
    text: string,
    fieldNamesFor: (noteType: string) => readonly string[] | undefined,
    noteTypeNames?: readonly string[],
  ): ParseResult<NewNoteDraft>;
  /** Minimal change from the loaded note to the edited one (empty when nothing changed). */
  diff(loaded: NoteSnapshot, edited: EditedNote): NoteChange;
}

export type FileKind = 'file' | 'directory';

export interface EngineStat {
  type: FileKind;
  ctime: number;
  mtime: number;
  size: number;
  /** The note was deleted in Anki while its document was open: it is served read-only (`deletedInAnki`). */
  deletedInAnki?: boolean;
}

export type FileEventKind = 'changed' | 'created' | 'deleted';
export interface FileEvent {
  kind: FileEventKind;
  path: string;
}

export interface CollectionChange {
  decks?: string[];
  notes?: NoteId[];
}

/**
 * A note's document now lives under another path: it moved to another deck (a `deck:` save, a move, an undo, a
 * move made in Anki) or a new-note draft was saved. `path` is the note's own path now (its deck and label).
 */
export interface NotePathChange {
  id: NoteId;
  deck: string;
  path: string;
}

/** What `moveNotes` did. */
export interface MoveReport {
  /** Notes whose cards (those in the note's deck) were moved. */
  moved: NoteId[];
  /** Notes that do not exist (deleted). */
  missing: NoteId[];
  /** Notes already in the target deck (nothing sent for them). */
  alreadyThere: NoteId[];
  /** Cards of the moved notes left in other decks (the move rule: only the cards in the note's deck move). */
  leftBehind: number;
}

function dedupeEvents(events: FileEvent[]): FileEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const k = `${e.kind}\u0000${e.path}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface EngineLog extends SaverLog {
  error(message: string): void;
}

/**
 * The save journal as the engine sees it (src/journal/history.ts `SaveHistory`): the saver's hook plus notes
 * added and deleted. Each `record…` resolves once the record is on disk, before the request is sent.
 */
export interface EngineJournal extends SaverJournal {
  recordCreate(note: NewNoteDraft): Promise<string>;
  createOutcome(batchId: string, result: { newId: NoteId; note?: NoteSnapshot } | { error: string }): Promise<void>;
  recordDelete(notes: NoteSnapshot[], meta?: { of?: string; kind?: 'undo' | 'redo' }): Promise<string>;
  deleteOutcome(batchId: string, ids: NoteId[], error?: string): Promise<void>;
  /** Changes made outside the saver (moves by drag and drop): recorded like a save batch. */
  recordChanges(notes: Array<{ before: NoteSnapshot; change: NoteChange }>, label?: string): Promise<string>;
  changesOutcome(batchId: string, ids: NoteId[], error?: string): Promise<void>;
}

export interface FsEngineOptions {
  client: () => AnkiApi;
  /** The client a save reads its conflict check through and writes with (never an offline cache); default `client`. */
  writeClient?: () => AnkiApi;
  journal?: EngineJournal;
  codec: NoteCodec;
  log?: EngineLog;
  onFileEvents?: (events: FileEvent[]) => void;
  onCollectionChange?: (change: CollectionChange) => void;
  /** Notes whose document path changed (see `NotePathChange`); fired after the store holds their new version. */
  onNotePathsChange?: (changes: NotePathChange[]) => void;
  /** Notes deleted through the engine (Delete Note, a deleted file, undoing an added note): their tabs close. */
  onNotesDeleted?: (ids: NoteId[]) => void;
  /** See `SaverOptions.announcedWriteTimeoutMs`. */
  announcedWriteTimeoutMs?: number;
  /** How long a deck list is reused for stat/readDirectory (ms). */
  deckCacheMs?: number;
  /**
   * The first line of the document served for a note deleted in Anki while it was open (a YAML comment, in the
   * user's language: the glue localizes it). Default: an English sentence.
   */
  deletedNotice?: (note: NoteSnapshot) => string;
  /** Fallback delay before publishing the canonical form of a saved note when no stat came (ms). */
  canonicalDelayMs?: number;
  now?: () => number;
}

interface Draft {
  deck: string;
  noteType: string;
  fieldNames: readonly string[];
  text: string;
  bytes: Uint8Array;
  ctime: number;
  mtime: number;
}

export interface WriteResult {
  noteId: NoteId;
  /** Nothing was sent (document unchanged). */
  unchanged: boolean;
  created: boolean;
  /** For the log. */
  summary: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const DEFAULT_CANONICAL_DELAY_MS = 1000;

const defaultDeletedNotice = (): string =>
  '# Deleted in Anki — this note no longer exists there, so this copy is read-only. To keep its text, copy it into a new note (Anki: New Note).';

/** The message of a save refused because the note was deleted in Anki. */
export function deletedInAnkiMessage(note: NoteSnapshot | undefined, id: NoteId): Message {
  return msg('deletedInAnkiNoSave', note ? noteNameMessage(note) : msg('noteNumbered', id));
}

function addNoteMessage(serverMessage: string, note: NewNoteDraft): Message {
  const first = note.fields[0];
  const firstName: MessageArg = first?.[0] ?? msg('firstFieldName');
  if (serverMessage.includes('duplicate')) return msg('duplicateNote', note.noteType, firstName);
  if (serverMessage.includes('it is empty')) return msg('firstFieldEmpty', firstName);
  if (serverMessage.includes('unknown reason')) return msg('clozeProblem', note.noteType === 'Cloze' ? 'Basic' : note.noteType);
  const model = /^model was not found: (.*)$/i.exec(serverMessage);
  if (model) return msg('noNoteTypeAdd', model[1] ?? note.noteType);
  const deck = /^deck was not found: (.*)$/i.exec(serverMessage);
  if (deck) return msg('noDeckAdd', deck[1] ?? note.deck);
  return msg('addFailed', serverMessage);
}

/** The outcome of one note of `FsEngine.createNotes`. */
export type CreateOutcome = { kind: 'created'; id: NoteId; note: NoteSnapshot } | { kind: 'failed'; message: string; msg: Message };

export class FsEngine {
  readonly store: NoteStore;
  readonly saver: Saver;
  private readonly opts: FsEngineOptions;
  private readonly now: () => number;
  private readonly drafts = new Map<string, Draft>();
  /** New-note paths (drafts or created files) -> the note created from them. */
  private readonly aliases = new Map<string, NoteId>();
  /** Paths served per note (for change events). */
  private readonly servedPaths = new Map<NoteId, Set<string>>();
  /** Saved notes whose canonical rendering is still to be published (the user's bytes are served meanwhile). */
  private readonly pendingCanonical = new Map<NoteId, { timer: ReturnType<typeof setTimeout>; text: string }>();
  private deckCache: { at: number; names: Promise<string[]> } | undefined;
  private readonly fieldNamesCache = new Map<string, readonly string[]>();
  private draftCounter = 0;
  /**
   * Notes deleted in Anki while their documents were open: their last version is served read-only, first line
   * replaced by a notice, until the documents are closed; saving them is refused with a clear message.
   */
  private readonly deletedInAnki = new Map<NoteId, { snapshot: NoteSnapshot; bytes: Uint8Array; ctime: number; mtime: number }>();

  constructor(opts: FsEngineOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.store = new NoteStore({ client: opts.client, render: (n) => opts.codec.render(n), now: this.now });
    const saverOpts: ConstructorParameters<typeof Saver>[0] = {
      client: opts.writeClient ?? opts.client,
      base: (id) => {
        // The stored version itself: its hash is computed only if read (the saver compares content).
        return this.store.base(id);
      },
      diff: (base, edited) => opts.codec.diff(base, edited),
    };
    if (opts.announcedWriteTimeoutMs !== undefined) saverOpts.announcedWriteTimeoutMs = opts.announcedWriteTimeoutMs;
    if (opts.log) saverOpts.log = opts.log;
    if (opts.journal) saverOpts.journal = opts.journal;
    this.saver = new Saver(saverOpts);
  }

  private get client(): AnkiApi {
    return this.opts.client();
  }

  /** Forget everything cached (the client was replaced). */
  reset(): void {
    this.store.clear();
    this.deletedInAnki.clear();
    this.deckCache = undefined;
    this.fieldNamesCache.clear();
  }

  dispose(): void {
    for (const t of this.pendingCanonical.values()) clearTimeout(t.timer);
    this.pendingCanonical.clear();
  }

  // ------------------------------------------------------------------ paths

  /** The path of a note file. */
  pathForNote(deck: string, sortFieldHtml: string, noteId: NoteId): string {
    return notePath(deck, sortFieldHtml, noteId);
  }

  /** The note a path denotes (including created drafts), without any request. */
  noteIdOf(path: string): NoteId | undefined {
    const alias = this.aliases.get(path);
    if (alias !== undefined) return alias;
    const p = parsePath(path);
    return p.kind === 'note' ? p.noteId : undefined;
  }

  private parse(path: string): ParsedPath {
    return parsePath(path);
  }

  // ------------------------------------------------------------------ decks

  private deckNames(force = false): Promise<string[]> {
    const ttl = this.opts.deckCacheMs ?? 2000;
    if (!force && this.deckCache && this.now() - this.deckCache.at < ttl) return this.deckCache.names;
    const names = this.client.deckNames();
    const entry = { at: this.now(), names };
    this.deckCache = entry;
    names.catch(() => {
      if (this.deckCache === entry) this.deckCache = undefined;
    });
    return names;
  }

  private invalidateDecks(): void {
    this.deckCache = undefined;
  }

  private async deckExists(deck: string): Promise<string | undefined> {
    return (await this.deckNames()).find((d) => sameDeck(d, deck));
  }

  // ------------------------------------------------------------------ stat / read

  /** VS Code's stat or read of a note whose write it announced: part of that write (see `Saver.workingOn`). */
  private towardsWrite(path: string): () => void {
    const id = this.noteIdOf(path);
    return id !== undefined ? this.saver.workingOn(id) : () => undefined;
  }

  async stat(path: string): Promise<EngineStat> {
    const end = this.towardsWrite(path);
    try {
      return await this.doStat(path);
    } finally {
      end();
    }
  }

  private async doStat(path: string): Promise<EngineStat> {
    const p = this.parse(path);
    switch (p.kind) {
      case 'root':
        return { type: 'directory', ctime: 0, mtime: 0, size: 0 };
      case 'deck': {
        if (!(await this.deckExists(p.deck))) throw new FsEngineError('notFound', msg('noDeck', p.deck));
        return { type: 'directory', ctime: 0, mtime: 0, size: 0 };
      }
      case 'note': {
        const gone = this.deletedInAnki.get(p.noteId);
        if (gone) return { type: 'file', ctime: gone.ctime, mtime: gone.mtime, size: gone.bytes.length, deletedInAnki: true };
        return this.noteStat(await this.store.get(p.noteId, p.deck));
      }
      case 'newNote': {
        const alias = this.aliases.get(path);
        const gone = alias !== undefined ? this.deletedInAnki.get(alias) : undefined;
        if (gone) return { type: 'file', ctime: gone.ctime, mtime: gone.mtime, size: gone.bytes.length, deletedInAnki: true };
        if (alias !== undefined) return this.noteStat(await this.store.get(alias, p.deck));
        const d = this.drafts.get(path);
        if (d) return { type: 'file', ctime: d.ctime, mtime: d.mtime, size: d.bytes.length };
        throw new FsEngineError('notFound', msg('notCreatedYetInDeck', path, p.deck));
      }
      case 'invalid':
        throw new FsEngineError('notFound', p.reason);
    }
  }

  private noteStat(s: StoredNote): EngineStat {
    const id = s.snapshot.id;
    if (this.pendingCanonical.has(id)) {
      // This is (most likely) VS Code recording the version it just wrote: publish the canonical form next.
      this.scheduleCanonical(id, 0);
    }
    return { type: 'file', ctime: s.ctime, mtime: s.mtime, size: s.bytes.length };
  }

  /**
   * `adoptAsBase: false` when the reader is not the editor's clean copy (the open document has unsaved
   * changes): the version served then does not become the base of that editor's next save.
   */
  async readFile(path: string, opts: { adoptAsBase?: boolean } = {}): Promise<Uint8Array> {
    const end = this.towardsWrite(path);
    try {
      return await this.doReadFile(path, opts);
    } finally {
      end();
    }
  }

  private async doReadFile(path: string, opts: { adoptAsBase?: boolean }): Promise<Uint8Array> {
    const p = this.parse(path);
    switch (p.kind) {
      case 'root':
      case 'deck':
        throw new FsEngineError('isDirectory', msg('isDeckFolder', path));
      case 'invalid':
        throw new FsEngineError('notFound', p.reason);
      case 'note':
        return this.serve(path, p.noteId, p.deck, opts);
      case 'newNote': {
        const alias = this.aliases.get(path);
        if (alias !== undefined) return this.serve(path, alias, p.deck, opts);
        const d = this.drafts.get(path);
        if (d) return d.bytes;
        throw new FsEngineError('notFound', msg('notCreatedYetInDeck', path, p.deck));
      }
    }
  }

  private async serve(path: string, id: NoteId, deckHint: string, opts: { adoptAsBase?: boolean }): Promise<Uint8Array> {
    const gone = this.deletedInAnki.get(id);
    if (gone) return gone.bytes;
    const s = await this.store.read(id, deckHint, opts);
    let set = this.servedPaths.get(id);
    if (!set) this.servedPaths.set(id, (set = new Set()));
    set.add(path);
    return s.bytes;
  }

  /** An open document of `path` now shows `text` with no unsaved changes (reverted or reloaded). */
  documentShown(path: string, text: string): void {
    const id = this.noteIdOf(path);
    if (id !== undefined && this.store.shown(id, text)) this.opts.log?.debug?.(`${path}: the editor now shows Anki's current version`);
  }

  async readDirectory(path: string): Promise<Array<[string, FileKind]>> {
    const p = this.parse(path);
    if (p.kind === 'note' || p.kind === 'newNote') throw new FsEngineError('notDirectory', msg('isNoteFile', path));
    if (p.kind === 'invalid') throw new FsEngineError('notFound', p.reason);
    if (p.kind === 'root') {
      const names = await this.deckNames(true);
      const top = [...new Set(names.map((n) => n.split(DECK_SEPARATOR)[0] ?? n))];
      return top.map((n): [string, FileKind] => [encodeSegment(n), 'directory']);
    }
    const deck = p.deck;
    const entries = [actions.deckNames(), actions.findNotes(deckQuery(deck, { includeSubdecks: false }))] as const;
    const [namesOut, idsOut] = parseOutcomes(entries, await this.client.multi([...entries]));
    if (!namesOut.ok) throw namesOut.cause;
    if (!idsOut.ok) throw idsOut.cause;
    this.deckCache = { at: this.now(), names: Promise.resolve(namesOut.value) };
    const real = namesOut.value.find((d) => sameDeck(d, deck));
    if (real === undefined) throw new FsEngineError('notFound', msg('noDeck', deck));
    const prefix = real + DECK_SEPARATOR;
    const children = new Set<string>();
    for (const n of namesOut.value) {
      if (n.length > prefix.length && n.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase()) {
        children.add(n.slice(prefix.length).split(DECK_SEPARATOR)[0] ?? '');
      }
    }
    const out: Array<[string, FileKind]> = [...children].map((c) => [encodeSegment(c), 'directory']);
    const ids = idsOut.value;
    if (ids.length > 0) {
      const infos = await this.client.notesInfo(ids);
      for (const info of infos) {
        if (!info) continue;
        out.push([`${noteLabel(firstFieldHtml(info))}.${info.noteId}.yaml`, 'file']);
      }
    }
    for (const [dp, d] of this.drafts) {
      const prefix = deckPath(deck) + '/';
      if (!this.aliases.has(dp) && sameDeck(d.deck, real) && dp.startsWith(prefix) && !dp.slice(prefix.length).includes('/')) {
        out.push([dp.slice(dp.lastIndexOf('/') + 1), 'file']);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ drafts

  /** An in-memory "New Note" document in `deck`, served until it is saved. Returns its path. */
  createDraft(deck: string, noteType: string, fieldNames: readonly string[], tags?: readonly string[]): string {
    this.draftCounter++;
    const name = `New ${noteLabel(noteType)} note${this.draftCounter > 1 ? ` ${this.draftCounter}` : ''}`;
    const path = `${deckPath(deck)}/${name}.yaml`;
    const tpl: { deck: string; noteType: string; fieldNames: readonly string[]; tags?: readonly string[] } = { deck, noteType, fieldNames };
    if (tags) tpl.tags = tags;
    const text = this.opts.codec.renderNewTemplate(tpl);
    const now = this.now();
    this.drafts.set(path, { deck, noteType, fieldNames, text, bytes: encoder.encode(text), ctime: now, mtime: now });
    this.fieldNamesCache.set(noteType, fieldNames);
    return path;
  }

  // ------------------------------------------------------------------ write

  /**
   * Problems of a document as it stands (for live diagnostics; no request). Empty when it is valid or when
   * nothing is known to check it against.
   */
  validate(path: string, text: string): DocumentProblem[] {
    const id = this.noteIdOf(path);
    if (id !== undefined) {
      const base = this.store.base(id);
      if (!base) return [];
      const r = this.opts.codec.parse(text, base.snapshot);
      return r.ok ? [] : r.problems;
    }
    const p = this.parse(path);
    if (p.kind !== 'newNote') return [];
    const r = this.opts.codec.parseNew(text, (t) => this.fieldNamesCache.get(t));
    if (r.ok) return [];
    // Unknown note types may just not be cached yet: only report the rest.
    return r.problems.filter((x) => x.code !== 'unknownNoteType');
  }

  /**
   * VS Code is about to write these paths (its save event, fired for every document of a Save All before any
   * write): the saver holds its batch until their writes arrive. Paths that are not saved notes are ignored
   * (a new-note draft is added on its own, not batched).
   */
  willWrite(paths: readonly string[]): void {
    const ids: NoteId[] = [];
    for (const path of paths) {
      const id = this.noteIdOf(path);
      if (id !== undefined) ids.push(id);
    }
    this.saver.announce(ids);
  }

  async writeFile(path: string, content: Uint8Array, opts: { create: boolean; overwrite: boolean }): Promise<WriteResult> {
    const id = this.noteIdOf(path);
    if (id === undefined) return this.doWriteFile(path, content, opts, { queued: false });
    // An announced write that ends before it reaches the saver (invalid, unchanged, not loadable) must not
    // hold the batch for the others.
    const arrival = { queued: false };
    try {
      return await this.doWriteFile(path, content, opts, arrival);
    } finally {
      if (!arrival.queued) this.saver.withdraw(id);
    }
  }

  private async doWriteFile(
    path: string,
    content: Uint8Array,
    opts: { create: boolean; overwrite: boolean },
    arrival: { queued: boolean },
  ): Promise<WriteResult> {
    const p = this.parse(path);
    if (p.kind === 'root' || p.kind === 'deck') throw new FsEngineError('isDirectory', msg('isDeckFolder', path));
    if (p.kind === 'invalid') throw new FsEngineError('noPermissions', msg('cannotSave', path, p.reason));
    let text: string;
    try {
      text = decoder.decode(content);
    } catch {
      throw new FsEngineError(
        'invalid',
        msg('notUtf8'),
        { problems: [{ code: 'yaml', message: formatMessage(msg('notUtf8Problem')), msg: msg('notUtf8Problem'), line: 1, column: 1 }] },
      );
    }
    switch (p.kind) {
      case 'note':
        if (opts.create && !opts.overwrite) throw new FsEngineError('exists', msg('noteExists', p.noteId));
        return this.saveExisting(path, p.noteId, p.deck, text, arrival);
      case 'newNote': {
        const alias = this.aliases.get(path);
        if (alias !== undefined && opts.create && !opts.overwrite) {
          throw new FsEngineError('exists', msg('alreadySavedAs', path, alias));
        }
        if (alias !== undefined) return this.saveExisting(path, alias, p.deck, text, arrival);
        if (!this.drafts.has(path) && !opts.create) {
          throw new FsEngineError('notFound', msg('notCreatedYet', path));
        }
        return this.createNote(path, p.deck, text);
      }
    }
  }

  private async saveExisting(path: string, id: NoteId, deckHint: string, text: string, arrival: { queued: boolean }): Promise<WriteResult> {
    const gone = this.deletedInAnki.get(id);
    if (gone) throw new FsEngineError('notFound', deletedInAnkiMessage(gone.snapshot, id));
    let base = this.store.base(id);
    if (!base) {
      await this.store.read(id, deckHint);
      base = this.store.base(id);
      if (!base) throw new FsEngineError('notFound', msg('notLoaded', id));
    }
    const current = this.store.peek(id);
    if (text === base.text && current && current.text === base.text) {
      return { noteId: id, unchanged: true, created: false, summary: 'unchanged' };
    }
    const parsed = this.opts.codec.parse(text, base.snapshot);
    if (!parsed.ok) {
      throw new FsEngineError('invalid', msg('invalidUnchanged', problemsMsg(parsed.problems), noteNameMessage(base.snapshot)), {
        problems: parsed.problems,
      });
    }
    const saving = this.saver.save({ noteId: id, edited: parsed.note });
    arrival.queued = true;
    const outcome = await saving;
    return this.finishSave(path, id, text, base.snapshot, outcome);
  }

  /**
   * Saves notes as one batch (undo, redo, bulk edits), each request with its own base. Open documents follow:
   * a clean editor reloads the new content; a dirty one keeps the user's text, and its next save meets the
   * usual conflict check.
   */
  async saveNotes(reqs: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    const outcomes = await this.saver.saveBatch(reqs);
    const changed: NoteId[] = [];
    const decks = new Set<string>();
    const notes: NoteId[] = [];
    const moved: NoteSnapshot[] = [];
    outcomes.forEach((o, i) => {
      const req = reqs[i];
      if (!req) return;
      const id = req.noteId;
      if (o.kind === 'saved' && o.fresh && !o.unchanged) {
        notes.push(id);
        decks.add(o.note.deck);
        if (req.base) decks.add(req.base.snapshot.deck);
        const before = req.base?.snapshot.deck ?? this.store.peek(id)?.snapshot.deck;
        if (before !== undefined && !sameDeck(before, o.note.deck)) moved.push(o.note);
        if (o.createdDeck !== undefined) this.invalidateDecks();
        if (this.store.has(id) && this.store.apply(o.note).changed) changed.push(id);
      } else if ((o.kind === 'conflict' || o.kind === 'verifyFailed') && this.store.has(id)) {
        if (this.store.apply(o.current).changed) changed.push(id);
      }
    });
    this.fireChanged(changed);
    this.firePathChanges(moved);
    if (notes.length > 0) this.opts.onCollectionChange?.({ decks: [...decks], notes });
    return outcomes;
  }

  private finishSave(path: string, id: NoteId, text: string, before: NoteSnapshot, outcome: SaveOutcome): WriteResult {
    const log = this.opts.log;
    switch (outcome.kind) {
      case 'saved': {
        const canonical = this.opts.codec.render(outcome.note);
        if (!outcome.fresh) {
          // Nothing was sent. If the user's bytes differ from the canonical form (another YAML style), show the
          // canonical form — unless Anki's copy moved on meanwhile (then the conflict guard handles the next save).
          const cur = this.store.peek(id);
          if (cur && canonical !== text && sameContent(cur.snapshot, outcome.note)) {
            this.store.apply(cur.snapshot, { text, asBase: true });
            this.trackPath(id, path);
            this.scheduleCanonical(id, this.opts.canonicalDelayMs ?? DEFAULT_CANONICAL_DELAY_MS);
          }
        } else if (canonical === text) {
          this.store.apply(outcome.note, { text: canonical, asBase: true });
        } else {
          // Serve the user's bytes for the stat VS Code makes right after the write, then publish the
          // canonical form (bumped mtime + Changed) so the clean editor shows it.
          this.store.apply(outcome.note, { text, asBase: true });
          this.trackPath(id, path);
          this.scheduleCanonical(id, this.opts.canonicalDelayMs ?? DEFAULT_CANONICAL_DELAY_MS);
        }
        if (!outcome.unchanged) {
          const decks = new Set<string>([before.deck, outcome.note.deck]);
          if (!sameDeck(before.deck, outcome.note.deck)) this.firePathChanges([outcome.note]);
          this.opts.onCollectionChange?.({ decks: [...decks], notes: [id] });
          if (outcome.createdDeck !== undefined) {
            this.invalidateDecks();
            log?.info(`Deck "${outcome.createdDeck}" did not exist: Anki created it when the note moved there.`);
          }
        }
        return { noteId: id, unchanged: outcome.unchanged, created: false, summary: outcome.summary };
      }
      case 'conflict':
        this.store.apply(outcome.current);
        log?.warn(`Save refused (conflict): ${outcome.message}`);
        throw new FsEngineError('conflict', outcome.msg);
      case 'deleted':
        this.markDeletedInAnki(id, this.store.peek(id));
        this.store.forget(id);
        log?.warn(outcome.message);
        throw new FsEngineError('notFound', outcome.msg);
      case 'verifyFailed':
        this.store.apply(outcome.current, { asBase: true });
        log?.warn(`Save not verified: ${outcome.message}`);
        throw new FsEngineError('failed', outcome.msg);
      case 'actionFailed':
        if (outcome.current) this.store.apply(outcome.current, { asBase: true });
        log?.warn(`Save failed: ${outcome.message}`);
        throw new FsEngineError('failed', outcome.msg, { cause: outcome.error });
      case 'unavailable':
        if (outcome.unknownOutcome) this.store.markStale(id);
        log?.warn(`Save failed: ${outcome.message}`);
        throw new FsEngineError('unavailable', outcome.msg, { cause: outcome.error });
      case 'noPermissions':
        log?.warn(`Save refused: ${outcome.message}`);
        throw new FsEngineError('noPermissions', outcome.msg, { cause: outcome.error });
    }
  }

  /** Runs a journal record; a failure means the request must not be sent. */
  private async journaled<T>(f: () => Promise<T>, what: Message): Promise<T> {
    try {
      return await f();
    } catch (e) {
      this.opts.log?.warn(`Save journal: ${String(e)}`);
      throw new FsEngineError('failed', msg('journalFailed', what, e instanceof Error ? e.message : String(e)), { cause: e });
    }
  }

  private async journalOutcome(f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.opts.log?.warn(`Save journal: could not record an outcome: ${String(e)}`);
    }
  }

  /**
   * A bulk edit is about to open these notes' documents (the refactor preview reads them): serve exactly these
   * versions (no request, whatever the delay), and base the documents on them.
   */
  prime(snapshots: readonly NoteSnapshot[]): void {
    for (const s of snapshots) {
      const cur = this.store.peek(s.id);
      if (!cur || !sameContent(cur.snapshot, s)) this.store.apply(s, { asBase: !this.servedPaths.has(s.id) });
      this.store.markServed(s.id);
    }
  }

  private trackPath(id: NoteId, path: string): void {
    let set = this.servedPaths.get(id);
    if (!set) this.servedPaths.set(id, (set = new Set()));
    set.add(path);
    this.store.markServed(id);
  }

  private scheduleCanonical(id: NoteId, delayMs: number): void {
    const prev = this.pendingCanonical.get(id);
    if (prev !== undefined && delayMs > 0) return; // the fallback timer is already armed
    if (prev !== undefined) clearTimeout(prev.timer);
    const text = prev?.text ?? this.store.peek(id)?.text ?? '';
    const timer = setTimeout(() => this.publishCanonical(id), delayMs);
    this.pendingCanonical.set(id, { timer, text });
  }

  private publishCanonical(id: NoteId): void {
    const pending = this.pendingCanonical.get(id);
    this.pendingCanonical.delete(id);
    const cur = this.store.peek(id);
    // Only if the store still serves the user's bytes (a check for changes may have moved it on meanwhile).
    if (!pending || !cur || cur.text !== pending.text) return;
    const base = this.store.base(id);
    const { changed } = this.store.apply(cur.snapshot, { asBase: base === cur });
    if (changed) this.fireChanged([id]);
  }

  /** Resolves when no canonical form is waiting to be published (tests). */
  async settled(): Promise<void> {
    await this.saver.idle();
    for (const id of [...this.pendingCanonical.keys()]) {
      const t = this.pendingCanonical.get(id);
      if (t !== undefined) clearTimeout(t.timer);
      this.publishCanonical(id);
    }
  }

  /** The documents of these notes (in their new decks) now live under the notes' own paths. */
  private firePathChanges(notes: readonly Pick<NoteSnapshot, 'id' | 'deck' | 'fields'>[]): void {
    if (notes.length === 0) return;
    this.opts.onNotePathsChange?.(notes.map((n) => ({ id: n.id, deck: n.deck, path: notePath(n.deck, n.fields[0]?.[1] ?? '', n.id) })));
  }

  private fireChanged(ids: NoteId[]): void {
    const events: FileEvent[] = [];
    for (const id of ids) for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'changed', path });
    if (events.length > 0) this.opts.onFileEvents?.(events);
  }

  // ------------------------------------------------------------------ new notes

  private async fieldNamesOf(noteType: string): Promise<{ names: readonly string[] | undefined; all?: string[] }> {
    const cached = this.fieldNamesCache.get(noteType);
    if (cached) return { names: cached };
    const entries = [actions.modelFieldNames(noteType), actions.modelNames()] as const;
    const [fieldsOut, namesOut] = parseOutcomes(entries, await this.client.multi([...entries]));
    if (fieldsOut.ok) this.fieldNamesCache.set(noteType, fieldsOut.value);
    else if (!/model was not found/i.test(fieldsOut.error)) throw fieldsOut.cause;
    const r: { names: readonly string[] | undefined; all?: string[] } = { names: fieldsOut.ok ? fieldsOut.value : undefined };
    if (namesOut.ok) r.all = namesOut.value;
    return r;
  }

  private async createNote(path: string, pathDeck: string, text: string): Promise<WriteResult> {
    // First pass finds the note type the document asks for; fetch its fields if not known yet.
    let wanted: string | undefined;
    let first = this.opts.codec.parseNew(text, (t) => {
      wanted = t;
      return this.fieldNamesCache.get(t);
    });
    if (!first.ok && wanted !== undefined && !this.fieldNamesCache.has(wanted)) {
      const { all } = await this.fieldNamesOf(wanted);
      first = this.opts.codec.parseNew(text, (t) => this.fieldNamesCache.get(t), all);
    }
    if (!first.ok) {
      throw new FsEngineError('invalid', msg('invalidNotCreated', problemsMsg(first.problems)), {
        problems: first.problems,
      });
    }
    const note = first.note;
    let id: NoteId;
    const journalId = this.opts.journal ? await this.journaled(() => (this.opts.journal as EngineJournal).recordCreate(note), msg('journalNoteNotCreated')) : undefined;
    try {
      id = await this.client.addNote({
        deckName: note.deck,
        modelName: note.noteType,
        fields: Object.fromEntries(note.fields),
        tags: note.tags,
      });
    } catch (e) {
      if (journalId !== undefined) await this.journalOutcome(() => (this.opts.journal as EngineJournal).createOutcome(journalId, { error: String(e) }));
      if (e instanceof AnkiConnectError && !e.isApiKey && !e.isNoCollection && !e.isUnsupportedAction) {
        throw new FsEngineError('failed', addNoteMessage(e.serverMessage, note), { cause: e });
      }
      throw e;
    }
    this.aliases.set(path, id);
    this.drafts.delete(path);
    let stored: StoredNote;
    try {
      stored = await this.store.read(id, note.deck);
      if (journalId !== undefined) {
        await this.journalOutcome(() => (this.opts.journal as EngineJournal).createOutcome(journalId, { newId: id, note: stored.snapshot }));
      }
    } catch (e) {
      if (journalId !== undefined) await this.journalOutcome(() => (this.opts.journal as EngineJournal).createOutcome(journalId, { newId: id }));
      this.opts.log?.warn(`Note ${id} was added but could not be re-read: ${String(e)}`);
      throw new FsEngineError('unavailable', msg('addedNotReread', id), { cause: e });
    }
    this.trackPath(id, path);
    // The saved document has no id yet: serve the user's bytes for the post-write stat, then the canonical form.
    this.store.apply(stored.snapshot, { text, asBase: true });
    this.scheduleCanonical(id, this.opts.canonicalDelayMs ?? DEFAULT_CANONICAL_DELAY_MS);
    this.opts.log?.info(`Added note ${id} (${note.noteType}) to deck "${note.deck}".`);
    this.firePathChanges([stored.snapshot]);
    this.opts.onCollectionChange?.({ decks: [note.deck, ...(sameDeck(note.deck, pathDeck) ? [] : [pathDeck])], notes: [id] });
    return { noteId: id, unchanged: false, created: true, summary: `added to deck "${note.deck}"` };
  }

  /**
   * Adds notes as ONE request (`multi` of `addNote`, each with its own outcome) plus one `notesInfo` of the
   * added notes (their snapshots: the conflict bases of later saves). Each creation is journaled first, as
   * `createNote` does. A failure of the request itself is thrown (the notes may or may not have been added).
   */
  async createNotes(drafts: readonly NewNoteDraft[]): Promise<CreateOutcome[]> {
    if (drafts.length === 0) return [];
    const journal = this.opts.journal;
    const journalIds: string[] = [];
    if (journal) for (const d of drafts) journalIds.push(await this.journaled(() => journal.recordCreate(d), msg('journalNotesNotCreated')));
    const entries = drafts.map((n) => actions.addNote({ deckName: n.deck, modelName: n.noteType, fields: Object.fromEntries(n.fields), tags: n.tags }));
    let results: Array<{ ok: true; value: NoteId } | { ok: false; error: string }>;
    try {
      results = parseOutcomes(entries, await this.client.multi(entries));
    } catch (e) {
      if (journal) for (const j of journalIds) await this.journalOutcome(() => journal.createOutcome(j, { error: String(e) }));
      throw e;
    }
    const ids = results.flatMap((r) => (r.ok ? [r.value] : []));
    const infos = new Map<NoteId, NoteSnapshot>();
    try {
      const read = ids.length > 0 ? await this.client.notesInfo(ids) : [];
      results.forEach((r, i) => {
        if (!r.ok) return;
        const info = read[ids.indexOf(r.value)];
        if (info) infos.set(r.value, snapshotFromInfo(info, (drafts[i] as NewNoteDraft).deck));
      });
    } catch (e) {
      this.opts.log?.warn(`Added notes ${ids.join(', ')} could not be re-read: ${String(e)}`);
    }
    const out: CreateOutcome[] = [];
    for (let i = 0; i < drafts.length; i++) {
      const r = results[i];
      const draft = drafts[i] as NewNoteDraft;
      const j = journalIds[i];
      if (!r || !r.ok) {
        const m = addNoteMessage(r ? r.error : 'no outcome', draft);
        if (journal && j !== undefined) await this.journalOutcome(() => journal.createOutcome(j, { error: r ? r.error : 'no outcome' }));
        out.push({ kind: 'failed', message: formatMessage(m), msg: m });
        continue;
      }
      const id = r.value;
      // Not re-read: what was sent is the best base there is (the content check of a later save compares it).
      const note = infos.get(id) ?? { id, deck: draft.deck, noteType: draft.noteType, tags: [...draft.tags], fields: draft.fields.map(([k, v]) => [k, v] as [string, string]), cards: [] };
      if (journal && j !== undefined) await this.journalOutcome(() => journal.createOutcome(j, infos.has(id) ? { newId: id, note } : { newId: id }));
      this.opts.log?.info(`Added note ${id} (${draft.noteType}) to deck "${draft.deck}".`);
      out.push({ kind: 'created', id, note });
    }
    const created = out.flatMap((o) => (o.kind === 'created' ? [o.note] : []));
    if (created.length > 0) this.opts.onCollectionChange?.({ decks: [...new Set(created.map((n) => n.deck))], notes: created.map((n) => n.id) });
    return out;
  }

  // ------------------------------------------------------------------ folders, delete, rename

  async createDirectory(path: string): Promise<void> {
    const p = this.parse(path);
    if (p.kind === 'root') throw new FsEngineError('exists', msg('rootExists'));
    if (p.kind !== 'deck') {
      throw new FsEngineError('noPermissions', p.kind === 'invalid' ? p.reason : msg('notADeckName', path));
    }
    await this.createDeck(p.deck);
  }

  /**
   * Creates a deck (and its missing parents): the one path for new decks (New Deck, a new folder). Throws
   * `exists` when a deck of that name exists (Anki compares names ignoring case).
   */
  async createDeck(name: string): Promise<void> {
    const deck = normalizeDeckName(name);
    if (await this.deckExists(deck)) throw new FsEngineError('exists', msg('deckExists', deck));
    await this.client.createDeck(deck);
    this.invalidateDecks();
    this.opts.log?.info(`Created deck "${deck}".`);
    this.opts.onFileEvents?.([{ kind: 'created', path: deckPath(deck) }]);
    this.opts.onCollectionChange?.({ decks: [deck] });
  }

  /**
   * Deletes notes (and their cards) from Anki: the one path for deleting notes (Delete Note, deleting a file).
   * Their documents get `deleted` events. Returns the ids that were deleted (notes already gone are left out).
   */
  async deleteNotes(ids: readonly NoteId[], meta?: { of?: string; kind?: 'undo' | 'redo' }): Promise<NoteId[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const journal = this.opts.journal;
    let existing: NoteId[];
    let journalId: string | undefined;
    const decks = new Set<string>();
    if (journal) {
      // The journal keeps each note's whole content (deck included), so the deletion can be undone.
      const known = unique.flatMap((id) => this.store.peek(id)?.snapshot.cards ?? []);
      const snaps = [...(await this.store.fetchMany(unique, known)).values()].filter((x): x is NoteSnapshot => x !== undefined);
      existing = snaps.map((x) => x.id);
      if (existing.length === 0) return [];
      for (const x of snaps) decks.add(x.deck);
      journalId = await this.journaled(() => journal.recordDelete(snaps, meta), msg('journalNothingDeleted'));
    } else {
      const infos = await this.client.notesInfo(unique);
      existing = unique.filter((_, i) => infos[i] !== undefined);
      if (existing.length === 0) return [];
    }
    for (const id of existing) {
      const d = this.store.peek(id)?.snapshot.deck;
      if (d !== undefined) decks.add(d);
    }
    try {
      await this.client.deleteNotes(existing);
    } catch (e) {
      if (journal && journalId !== undefined) await this.journalOutcome(() => journal.deleteOutcome(journalId, existing, String(e)));
      throw e;
    }
    if (journal && journalId !== undefined) await this.journalOutcome(() => journal.deleteOutcome(journalId, existing));
    const events: FileEvent[] = [];
    for (const id of existing) {
      for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'deleted', path });
      for (const [a, nid] of this.aliases) if (nid === id) events.push({ kind: 'deleted', path: a });
      this.store.forget(id);
      this.servedPaths.delete(id);
      for (const [a, nid] of [...this.aliases]) if (nid === id) this.aliases.delete(a);
    }
    this.opts.log?.info(`Deleted note${existing.length === 1 ? '' : 's'} ${existing.join(', ')}.`);
    if (events.length > 0) this.opts.onFileEvents?.(dedupeEvents(events));
    this.opts.onNotesDeleted?.(existing);
    this.opts.onCollectionChange?.({ decks: [...decks], notes: existing });
    return existing;
  }

  /**
   * Moves notes to `deck`: the one path for moves that do not come from a document's `deck:` (drag and drop,
   * moving a file). The same rule as a save (`cardsToMove`): each note's cards in the deck it is moved from
   * (`opts.from`, e.g. the folder or listing it was dragged out of; else its own deck) move, others stay. Requests: `notesInfo`, `getDecks`, one `changeDeck`. Open documents of the moved notes
   * get `changed` events (their `deck:` line changed).
   */
  async moveNotes(ids: readonly NoteId[], deck: string, opts: { from?: (id: NoteId) => string | undefined } = {}): Promise<MoveReport> {
    const unique = [...new Set(ids)];
    const report: MoveReport = { moved: [], missing: [], alreadyThere: [], leftBehind: 0 };
    if (unique.length === 0) return report;
    const target = normalizeDeckName(deck);
    const infos = await this.client.notesInfo(unique);
    const found = unique.flatMap((id, i) => {
      const info = infos[i];
      if (!info) report.missing.push(id);
      return info ? [info] : [];
    });
    const allCards = [...new Set(found.flatMap((n) => n.cards))];
    const byCard = allCards.length > 0 ? deckByCard(await this.client.getDecks(allCards)) : new Map<CardId, string>();
    const cards: CardId[] = [];
    const fromDecks = new Set<string>();
    const journaled: Array<{ before: NoteSnapshot; change: NoteChange }> = [];
    const newPaths: Array<Pick<NoteSnapshot, 'id' | 'deck' | 'fields'>> = [];
    for (const info of found) {
      const first = info.cards[0];
      const noteDeck = first !== undefined ? byCard.get(first) : undefined;
      const from = opts.from?.(info.noteId) ?? noteDeck;
      if (noteDeck === undefined || from === undefined || sameDeck(from, target)) {
        report.alreadyThere.push(info.noteId);
        continue;
      }
      const move = cardsToMove(info.cards, (c) => byCard.get(c), noteDeck, from).filter((c) => !sameDeck(byCard.get(c) ?? '', target));
      if (move.length === 0) {
        report.alreadyThere.push(info.noteId);
        continue;
      }
      cards.push(...move);
      report.leftBehind += info.cards.length - move.length;
      report.moved.push(info.noteId);
      fromDecks.add(from);
      // The journal: the note's deck is its first card's; only a move of that card changes it.
      if (first !== undefined && move.includes(first)) {
        journaled.push({ before: snapshotFromInfo(info, noteDeck), change: { deck: target } });
        newPaths.push({ id: info.noteId, deck: target, fields: [['', firstFieldHtml(info)]] });
      }
    }
    if (cards.length === 0) return report;
    const journal = this.opts.journal;
    const journalId = journal && journaled.length > 0 ? await this.journaled(() => journal.recordChanges(journaled, `move to "${target}"`), msg('journalNothingMoved')) : undefined;
    try {
      await this.client.changeDeck(cards, target);
    } catch (e) {
      if (journal && journalId !== undefined) await this.journalOutcome(() => journal.changesOutcome(journalId, journaled.map((j) => j.before.id), String(e)));
      throw e;
    }
    if (journal && journalId !== undefined) await this.journalOutcome(() => journal.changesOutcome(journalId, journaled.map((j) => j.before.id)));
    this.invalidateDecks();
    for (const id of report.moved) this.store.markStale(id);
    this.opts.log?.info(
      `Moved note${report.moved.length === 1 ? '' : 's'} ${report.moved.join(', ')} to "${target}"` +
        (report.leftBehind > 0 ? ` (${report.leftBehind} card(s) in other decks stay where they are).` : '.'),
    );
    this.fireChanged(report.moved);
    this.firePathChanges(newPaths);
    this.opts.onCollectionChange?.({ decks: [...fromDecks, target], notes: report.moved });
    return report;
  }

  /**
   * Renames a deck with its sub-decks (`deckRename.ts`: new decks with the old decks' options presets, every card
   * moved, an old deck deleted only when a read just before shows it empty): the one path for deck renames.
   * Requests: 5 (see deckRename.ts), through the live client. Open documents of the moved notes get `changed`
   * events (their `deck:` line changed), the views a collection change. Not recorded in the save journal.
   */
  async renameDeck(from: string, to: string, hooks?: RenameHooks): Promise<DeckRenameResult> {
    const client = (this.opts.writeClient ?? this.opts.client)();
    const result = await runDeckRename(client, from, to, hooks ? { hooks } : {});
    if (!result.ok) return result;
    const r = result.report;
    this.invalidateDecks();
    for (const id of r.notes) this.store.markStale(id);
    this.opts.log?.info(
      `Renamed deck "${r.from}" to "${r.to}": ${r.movedCards} card(s) of ${r.notes.length} note(s) moved` +
        (r.kept.length > 0 ? `; kept old deck(s) not empty at the check: ${r.kept.map((k) => `"${k.deck}" (${k.cards})`).join(', ')}` : '') +
        (r.failures.length > 0 ? `; failed: ${r.failures.map((f) => `${f.step} ${f.deck}: ${f.error}`).join('; ')}` : '') +
        '.',
    );
    const events: FileEvent[] = [
      ...r.decks.map((d) => ({ kind: 'created' as const, path: deckPath(d.to) })),
      ...r.deleted.map((d) => ({ kind: 'deleted' as const, path: deckPath(d) })),
    ];
    this.opts.onFileEvents?.(events);
    this.fireChanged(r.notes);
    this.opts.onCollectionChange?.({ decks: [...r.decks.map((d) => d.from), ...r.decks.map((d) => d.to)], notes: r.notes });
    return result;
  }

  /**
   * Deletes a deck, its sub-decks and ALL their cards (Anki deletes the cards with the deck; a note loses the
   * cards it had there and is gone when it has none left). `expectCards`: the count the user confirmed; when the
   * deck holds another number now, nothing is deleted (`conflict`). Requests: 1 count (`multi`), 1 `deleteDecks`,
   * 1 `notesInfo` of the notes concerned (to tell deleted notes from notes with cards elsewhere).
   * Not recorded in the save journal.
   */
  async deleteDeck(deck: string, opts: { expectCards?: number } = {}): Promise<{ deck: string; cards: number; deletedNotes: NoteId[]; keptNotes: NoteId[] }> {
    const client = (this.opts.writeClient ?? this.opts.client)();
    const real = (await client.deckNames()).find((d) => sameDeck(d, deck));
    if (real === undefined) throw new FsEngineError('notFound', msg('noDeck', deck));
    if (sameDeck(real, 'Default')) throw new FsEngineError('noPermissions', msg('defaultDeckKept'));
    const count = [
      actions.findCards(deckQuery(real, { includeSubdecks: true })),
      actions.findNotes(deckQuery(real, { includeSubdecks: true })),
      actions.getDeckConfig(real),
    ] as const;
    const [cardsOut, notesOut, confOut] = parseOutcomes(count, await client.multi([...count]));
    if (!cardsOut.ok) throw cardsOut.cause;
    if (!notesOut.ok) throw notesOut.cause;
    // A filtered deck's cards belong to their home decks (deleting it sends them back): not this command's job.
    if (confOut.ok && confOut.value !== false && confOut.value.dyn) {
      throw new FsEngineError('noPermissions', msg('filteredDeck', real));
    }
    const cards = cardsOut.value.length;
    if (opts.expectCards !== undefined && opts.expectCards !== cards) {
      throw new FsEngineError('conflict', msg('deckCardsChanged', real, cards, opts.expectCards));
    }
    await client.deleteDecks([real], true);
    this.invalidateDecks();
    const infos = notesOut.value.length > 0 ? await client.notesInfo(notesOut.value) : [];
    const deletedNotes = notesOut.value.filter((_, i) => infos[i] === undefined);
    const keptNotes = notesOut.value.filter((_, i) => infos[i] !== undefined);
    const events: FileEvent[] = [{ kind: 'deleted', path: deckPath(real) }];
    for (const id of deletedNotes) {
      for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'deleted', path });
      this.store.forget(id);
      this.servedPaths.delete(id);
    }
    for (const id of keptNotes) this.store.markStale(id);
    this.opts.log?.info(`Deleted deck "${real}" (sub-decks included) with ${cards} card(s): ${deletedNotes.length} note(s) deleted, ${keptNotes.length} kept (cards in other decks).`);
    this.opts.onFileEvents?.(dedupeEvents(events));
    this.fireChanged(keptNotes);
    this.opts.onCollectionChange?.({ decks: [real], notes: notesOut.value });
    return { deck: real, cards, deletedNotes, keptNotes };
  }

  async delete(path: string): Promise<void> {
    const p = this.parse(path);
    switch (p.kind) {
      case 'root':
        throw new FsEngineError('noPermissions', msg('rootNotDeletable'));
      case 'invalid':
        throw new FsEngineError('notFound', p.reason);
      case 'newNote':
      case 'note': {
        const id = p.kind === 'note' ? p.noteId : this.aliases.get(path);
        if (id === undefined) {
          if (this.drafts.delete(path)) {
            this.opts.onFileEvents?.([{ kind: 'deleted', path }]);
            return;
          }
          throw new FsEngineError('notFound', msg('doesNotExist', path));
        }
        const deleted = await this.deleteNotes([id]);
        if (deleted.length === 0) throw new FsEngineError('notFound', msg('alreadyDeleted', id));
        return;
      }
      case 'deck': {
        const real = await this.deckExists(p.deck);
        if (real === undefined) throw new FsEngineError('notFound', msg('noDeck', p.deck));
        const cards = await this.client.findCards(deckQuery(real, { includeSubdecks: true }));
        if (cards.length > 0) {
          throw new FsEngineError(
            'noPermissions',
            cards.length === 1 ? msg('deckNotEmpty1', real) : msg('deckNotEmpty', real, cards.length),
          );
        }
        await this.client.deleteDecks([real], true);
        this.invalidateDecks();
        this.opts.log?.info(`Deleted empty deck "${real}".`);
        this.opts.onFileEvents?.([{ kind: 'deleted', path: deckPath(real) }]);
        this.opts.onCollectionChange?.({ decks: [real] });
        return;
      }
    }
  }

  async rename(oldPath: string, newPath: string): Promise<void> {
    const from = this.parse(oldPath);
    const to = this.parse(newPath);
    if (from.kind === 'note' && (to.kind === 'note' || to.kind === 'newNote')) {
      if (to.kind === 'note' && to.noteId !== from.noteId) {
        throw new FsEngineError('noPermissions', msg('idFixed'));
      }
      if (sameDeck(from.deck, to.deck)) {
        throw new FsEngineError(
          'noPermissions',
          msg('renameNote'),
        );
      }
      const id = from.noteId;
      const target = await this.deckExists(to.deck);
      if (target === undefined) throw new FsEngineError('notFound', msg('noDeck', to.deck));
      const report = await this.moveNotes([id], target, { from: () => from.deck });
      if (report.missing.length > 0) throw new FsEngineError('notFound', msg('noteMissing', id));
      const label = from.label;
      const dest = to.kind === 'note' ? newPath : `${deckPath(target)}/${label}.${id}.yaml`;
      this.opts.onFileEvents?.([
        { kind: 'deleted', path: oldPath },
        { kind: 'created', path: dest },
      ]);
      return;
    }
    if (from.kind === 'deck') {
      throw new FsEngineError('noPermissions', msg('deckRenameHere', from.deck));
    }
    if (from.kind === 'note') {
      throw new FsEngineError('noPermissions', msg('noteMoveOnly'));
    }
    throw new FsEngineError('noPermissions', msg('cannotRename', oldPath));
  }

  // ------------------------------------------------------------------ changes made in Anki

  /** Whether a note was deleted in Anki while its document was open (served read-only until closed). */
  isDeletedInAnki(id: NoteId): boolean {
    return this.deletedInAnki.has(id);
  }

  /** Serves `last` (the version the editor shows) read-only under a notice from now on. */
  private markDeletedInAnki(id: NoteId, last: StoredNote | undefined): boolean {
    if (!last) return false;
    const notice = (this.opts.deletedNotice ?? defaultDeletedNotice)(last.snapshot).replace(/\r?\n/g, ' ');
    const body = last.text.startsWith('#') ? last.text.slice(last.text.indexOf('\n') + 1 || last.text.length) : last.text;
    const bytes = encoder.encode(`${notice.startsWith('#') ? notice : `# ${notice}`}\n${body}`);
    this.deletedInAnki.set(id, { snapshot: last.snapshot, bytes, ctime: last.ctime, mtime: Math.max(this.now(), last.mtime + 1) });
    return true;
  }

  /** Documents closed: stop tracking their notes. */
  closed(path: string): void {
    const id = this.noteIdOf(path);
    if (id === undefined) {
      this.drafts.delete(path);
      return;
    }
    const set = this.servedPaths.get(id);
    set?.delete(path);
    if (!set || set.size === 0) {
      this.servedPaths.delete(id);
      this.deletedInAnki.delete(id);
      if (!this.pendingCanonical.has(id)) this.store.forget(id);
    }
  }

  /** Keeps only notes whose documents are open (paths from the editor's open documents). */
  retainOpen(openPaths: Iterable<string>): void {
    const open = new Set(openPaths);
    for (const [id, set] of [...this.servedPaths]) {
      for (const p of [...set]) if (!open.has(p)) set.delete(p);
      if (set.size === 0) {
        this.servedPaths.delete(id);
        this.deletedInAnki.delete(id);
        this.store.forget(id);
      }
    }
  }

  /**
   * ONE batched request for the served notes; changed ones are re-read and reported as Changed/Deleted.
   * Calls made while a check is running share it (focus and Refresh often come together).
   */
  checkForChanges(): Promise<{ changed: NoteId[]; deleted: NoteId[] }> {
    if (!this.checking) {
      this.checking = this.runCheck().finally(() => {
        this.checking = undefined;
      });
    }
    return this.checking;
  }

  private checking: Promise<{ changed: NoteId[]; deleted: NoteId[] }> | undefined;

  private async runCheck(): Promise<{ changed: NoteId[]; deleted: NoteId[] }> {
    const before = new Map(this.store.servedIds().map((id) => [id, this.store.peek(id)]));
    const deckBefore = new Map([...before].map(([id, s]) => [id, s?.snapshot.deck]));
    const report = await this.store.checkForChanges();
    const events: FileEvent[] = [];
    const moved = report.changed.flatMap((id) => {
      const now = this.store.peek(id)?.snapshot;
      const was = deckBefore.get(id);
      return now && was !== undefined && !sameDeck(was, now.deck) ? [now] : [];
    });
    for (const id of report.changed) for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'changed', path });
    for (const id of report.deleted) {
      // An open note deleted in Anki stays open, read-only, showing its last version under a notice (VS Code
      // re-reads it on Changed); without a version to show, its documents are reported deleted.
      const kept = this.servedPaths.has(id) && this.markDeletedInAnki(id, before.get(id));
      for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: kept ? 'changed' : 'deleted', path });
      if (!kept) this.servedPaths.delete(id);
    }
    // No onCollectionChange here: these changes were made in Anki, not through the file system (the views
    // run their own check for changes).
    if (events.length > 0) this.opts.onFileEvents?.(events);
    this.firePathChanges(moved);
    return report;
  }

  /**
   * Versions read elsewhere (the catch-up after an outage, src/offline/catchUp.ts) for notes this engine
   * serves: no request. Changed ones fire Changed (clean editors reload; dirty ones keep their text and their
   * base, so their save meets the conflict check), deleted ones fire Deleted. Returns what it reported.
   */
  acceptFresh(snapshots: readonly NoteSnapshot[], deleted: readonly NoteId[]): { changed: NoteId[]; deleted: NoteId[] } {
    const changed: NoteId[] = [];
    for (const s of snapshots) if (this.store.has(s.id) && this.store.apply(s).changed) changed.push(s.id);
    const gone = deleted.filter((id) => this.store.has(id));
    const events: FileEvent[] = [];
    for (const id of changed) for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'changed', path });
    for (const id of gone) {
      for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'deleted', path });
      this.servedPaths.delete(id);
      this.store.forget(id);
    }
    if (events.length > 0) this.opts.onFileEvents?.(events);
    return { changed, deleted: gone };
  }

  /**
   * Anki's current version of a note, fresh (for "Compare with Anki's Version"); it also becomes the version
   * the editor is considered to have seen, so a following save (Overwrite) goes through knowingly.
   */
  async compareBase(path: string): Promise<{ text: string; snapshot: NoteSnapshot }> {
    const id = this.noteIdOf(path);
    if (id === undefined) throw new FsEngineError('notFound', msg('notSavedNote', path));
    const p = this.parse(path);
    const deckHint = p.kind === 'note' || p.kind === 'newNote' ? p.deck : undefined;
    const snap = await this.store.fetchFresh(id, deckHint);
    const { changed } = this.store.apply(snap);
    this.store.acknowledge(id);
    this.store.markServed(id);
    if (changed) this.fireChanged([id]);
    return { text: this.opts.codec.render(snap), snapshot: snap };
  }
}
