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
import { FsEngineError, problemsMessage } from './fsErrors';
import { NoteStore, type StoredNote } from './noteStore';
import { Saver, type NoteChange, type SaveOutcome, type SaveRequest, type SaverJournal, type SaverLog } from './saver';
import { cardsToMove, contentHash, deckByCard, firstFieldHtml, noteName, snapshotFromInfo } from './snapshot';
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
  /** See `SaverOptions.announcedWriteTimeoutMs`. */
  announcedWriteTimeoutMs?: number;
  /** How long a deck list is reused for stat/readDirectory (ms). */
  deckCacheMs?: number;
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

function addNoteMessage(serverMessage: string, note: NewNoteDraft): string {
  const first = note.fields[0];
  const firstName = first?.[0] ?? 'first field';
  if (serverMessage.includes('duplicate')) {
    return `Anki refused to add this note: a note of type ${note.noteType} with the same ${firstName} already exists (Anki treats it as a duplicate). Change ${firstName}, or find the existing note with "Anki: Search Notes…". Your text is kept.`;
  }
  if (serverMessage.includes('it is empty')) {
    return `Anki cannot add this note because its first field (${firstName}) is empty. Fill in ${firstName} and save again. Your text is kept.`;
  }
  if (serverMessage.includes('unknown reason')) {
    return `Anki could not add this note ("unknown reason"): this is almost always a cloze problem — a Cloze note needs at least one {{c1::…}} deletion, and a non-cloze note type (e.g. ${note.noteType === 'Cloze' ? 'Basic' : note.noteType}) must not contain {{c1::…}}. Fix the fields and save again. Your text is kept.`;
  }
  const model = /^model was not found: (.*)$/i.exec(serverMessage);
  if (model) return `There is no note type "${model[1] ?? note.noteType}" in Anki. Choose an existing note type and save again. Your text is kept.`;
  const deck = /^deck was not found: (.*)$/i.exec(serverMessage);
  if (deck) {
    return `The deck "${deck[1] ?? note.deck}" does not exist in Anki. Create it first ("Anki: New Deck") or change "deck:" in the document, then save again. Your text is kept.`;
  }
  return `Anki could not add the note: ${serverMessage}. Your text is kept.`;
}

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

  constructor(opts: FsEngineOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.store = new NoteStore({ client: opts.client, render: (n) => opts.codec.render(n), now: this.now });
    const saverOpts: ConstructorParameters<typeof Saver>[0] = {
      client: opts.writeClient ?? opts.client,
      base: (id) => {
        const b = this.store.base(id);
        return b ? { snapshot: b.snapshot, hash: b.hash } : undefined;
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
        if (!(await this.deckExists(p.deck))) throw new FsEngineError('notFound', `There is no deck "${p.deck}" in Anki.`);
        return { type: 'directory', ctime: 0, mtime: 0, size: 0 };
      }
      case 'note':
        return this.noteStat(await this.store.get(p.noteId, p.deck));
      case 'newNote': {
        const alias = this.aliases.get(path);
        if (alias !== undefined) return this.noteStat(await this.store.get(alias, p.deck));
        const d = this.drafts.get(path);
        if (d) return { type: 'file', ctime: d.ctime, mtime: d.mtime, size: d.bytes.length };
        throw new FsEngineError('notFound', `"${path}" does not exist yet: saving it creates a new note in deck "${p.deck}".`);
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
        throw new FsEngineError('isDirectory', `"${path}" is a deck folder, not a note.`);
      case 'invalid':
        throw new FsEngineError('notFound', p.reason);
      case 'note':
        return this.serve(path, p.noteId, p.deck, opts);
      case 'newNote': {
        const alias = this.aliases.get(path);
        if (alias !== undefined) return this.serve(path, alias, p.deck, opts);
        const d = this.drafts.get(path);
        if (d) return d.bytes;
        throw new FsEngineError('notFound', `"${path}" does not exist yet: saving it creates a new note in deck "${p.deck}".`);
      }
    }
  }

  private async serve(path: string, id: NoteId, deckHint: string, opts: { adoptAsBase?: boolean }): Promise<Uint8Array> {
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
    if (p.kind === 'note' || p.kind === 'newNote') throw new FsEngineError('notDirectory', `"${path}" is a note, not a deck folder.`);
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
    if (real === undefined) throw new FsEngineError('notFound', `There is no deck "${deck}" in Anki.`);
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
    if (p.kind === 'root' || p.kind === 'deck') throw new FsEngineError('isDirectory', `"${path}" is a deck folder, not a note.`);
    if (p.kind === 'invalid') throw new FsEngineError('noPermissions', `Cannot save "${path}": ${p.reason}`);
    let text: string;
    try {
      text = decoder.decode(content);
    } catch {
      throw new FsEngineError(
        'invalid',
        'The document is not valid UTF-8 (was it saved with another encoding?). Reopen it with the UTF-8 encoding ("Change File Encoding" in the status bar) and save again. Nothing was sent to Anki.',
        { problems: [{ code: 'yaml', message: 'The document is not valid UTF-8.', line: 1, column: 1 }] },
      );
    }
    switch (p.kind) {
      case 'note':
        if (opts.create && !opts.overwrite) throw new FsEngineError('exists', `Note ${p.noteId} already exists: open it and edit it instead.`);
        return this.saveExisting(path, p.noteId, p.deck, text, arrival);
      case 'newNote': {
        const alias = this.aliases.get(path);
        if (alias !== undefined && opts.create && !opts.overwrite) {
          throw new FsEngineError('exists', `"${path}" was already saved as note ${alias}.`);
        }
        if (alias !== undefined) return this.saveExisting(path, alias, p.deck, text, arrival);
        if (!this.drafts.has(path) && !opts.create) {
          throw new FsEngineError('notFound', `"${path}" does not exist yet: saving it creates a new note.`);
        }
        return this.createNote(path, p.deck, text);
      }
    }
  }

  private async saveExisting(path: string, id: NoteId, deckHint: string, text: string, arrival: { queued: boolean }): Promise<WriteResult> {
    let base = this.store.base(id);
    if (!base) {
      await this.store.read(id, deckHint);
      base = this.store.base(id);
      if (!base) throw new FsEngineError('notFound', `Note ${id} could not be loaded from Anki.`);
    }
    const current = this.store.peek(id);
    if (text === base.text && current && current.text === base.text) {
      return { noteId: id, unchanged: true, created: false, summary: 'unchanged' };
    }
    const parsed = this.opts.codec.parse(text, base.snapshot);
    if (!parsed.ok) {
      throw new FsEngineError('invalid', `${problemsMessage(parsed.problems)} Nothing was sent to Anki; ${noteName(base.snapshot)} is unchanged there.`, {
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
    outcomes.forEach((o, i) => {
      const req = reqs[i];
      if (!req) return;
      const id = req.noteId;
      if (o.kind === 'saved' && o.fresh && !o.unchanged) {
        notes.push(id);
        decks.add(o.note.deck);
        if (req.base) decks.add(req.base.snapshot.deck);
        if (o.createdDeck !== undefined) this.invalidateDecks();
        if (this.store.has(id) && this.store.apply(o.note).changed) changed.push(id);
      } else if ((o.kind === 'conflict' || o.kind === 'verifyFailed') && this.store.has(id)) {
        if (this.store.apply(o.current).changed) changed.push(id);
      }
    });
    this.fireChanged(changed);
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
          if (cur && canonical !== text && cur.hash === contentHash(outcome.note)) {
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
        throw new FsEngineError('conflict', outcome.message);
      case 'deleted':
        this.store.forget(id);
        log?.warn(outcome.message);
        throw new FsEngineError('notFound', outcome.message);
      case 'verifyFailed':
        this.store.apply(outcome.current, { asBase: true });
        log?.warn(`Save not verified: ${outcome.message}`);
        throw new FsEngineError('failed', outcome.message);
      case 'actionFailed':
        if (outcome.current) this.store.apply(outcome.current, { asBase: true });
        log?.warn(`Save failed: ${outcome.message}`);
        throw new FsEngineError('failed', outcome.message, { cause: outcome.error });
      case 'unavailable':
        if (outcome.unknownOutcome) this.store.markStale(id);
        log?.warn(`Save failed: ${outcome.message}`);
        throw new FsEngineError('unavailable', outcome.message, { cause: outcome.error });
      case 'noPermissions':
        log?.warn(`Save refused: ${outcome.message}`);
        throw new FsEngineError('noPermissions', outcome.message, { cause: outcome.error });
    }
  }

  /** Runs a journal record; a failure means the request must not be sent. */
  private async journaled<T>(f: () => Promise<T>, what: string): Promise<T> {
    try {
      return await f();
    } catch (e) {
      this.opts.log?.warn(`Save journal: ${String(e)}`);
      throw new FsEngineError('failed', `${what}: the save journal (Anki Files' undo history) could not be written (${e instanceof Error ? e.message : String(e)}). Nothing was sent to Anki.`, { cause: e });
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
      if (!cur || cur.hash !== contentHash(s)) this.store.apply(s, { asBase: !this.servedPaths.has(s.id) });
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
      throw new FsEngineError('invalid', `${problemsMessage(first.problems)} The note was not created: nothing was sent to Anki.`, {
        problems: first.problems,
      });
    }
    const note = first.note;
    let id: NoteId;
    const journalId = this.opts.journal ? await this.journaled(() => (this.opts.journal as EngineJournal).recordCreate(note), 'The note was not created') : undefined;
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
      throw new FsEngineError('unavailable', `The note was added to Anki (id ${id}), but re-reading it failed. Close this editor and open the note from the Anki Files view.`, { cause: e });
    }
    this.trackPath(id, path);
    // The saved document has no id yet: serve the user's bytes for the post-write stat, then the canonical form.
    this.store.apply(stored.snapshot, { text, asBase: true });
    this.scheduleCanonical(id, this.opts.canonicalDelayMs ?? DEFAULT_CANONICAL_DELAY_MS);
    this.opts.log?.info(`Added note ${id} (${note.noteType}) to deck "${note.deck}".`);
    this.opts.onCollectionChange?.({ decks: [note.deck, ...(sameDeck(note.deck, pathDeck) ? [] : [pathDeck])], notes: [id] });
    return { noteId: id, unchanged: false, created: true, summary: `added to deck "${note.deck}"` };
  }

  // ------------------------------------------------------------------ folders, delete, rename

  async createDirectory(path: string): Promise<void> {
    const p = this.parse(path);
    if (p.kind === 'root') throw new FsEngineError('exists', 'The collection root always exists.');
    if (p.kind !== 'deck') {
      throw new FsEngineError('noPermissions', p.kind === 'invalid' ? p.reason : `"${path}" is a note file name, not a deck name.`);
    }
    await this.createDeck(p.deck);
  }

  /**
   * Creates a deck (and its missing parents): the one path for new decks (New Deck, a new folder). Throws
   * `exists` when a deck of that name exists (Anki compares names ignoring case).
   */
  async createDeck(name: string): Promise<void> {
    const deck = normalizeDeckName(name);
    if (await this.deckExists(deck)) throw new FsEngineError('exists', `The deck "${deck}" already exists.`);
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
      journalId = await this.journaled(() => journal.recordDelete(snaps, meta), 'Nothing was deleted');
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
      if (first !== undefined && move.includes(first)) journaled.push({ before: snapshotFromInfo(info, noteDeck), change: { deck: target } });
    }
    if (cards.length === 0) return report;
    const journal = this.opts.journal;
    const journalId = journal && journaled.length > 0 ? await this.journaled(() => journal.recordChanges(journaled, `move to "${target}"`), 'Nothing was moved') : undefined;
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
    if (real === undefined) throw new FsEngineError('notFound', `There is no deck "${deck}" in Anki.`);
    if (sameDeck(real, 'Default')) throw new FsEngineError('noPermissions', 'Anki keeps the Default deck: deleting it would only delete its cards. Delete its notes instead.');
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
      throw new FsEngineError('noPermissions', `"${real}" is a filtered deck: empty or delete it in Anki (its cards go back to their home decks).`);
    }
    const cards = cardsOut.value.length;
    if (opts.expectCards !== undefined && opts.expectCards !== cards) {
      throw new FsEngineError('conflict', `The deck "${real}" now holds ${cards} card(s), not the ${opts.expectCards} you confirmed: nothing was deleted. Try again.`);
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
        throw new FsEngineError('noPermissions', 'The collection root cannot be deleted.');
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
          throw new FsEngineError('notFound', `"${path}" does not exist.`);
        }
        const deleted = await this.deleteNotes([id]);
        if (deleted.length === 0) throw new FsEngineError('notFound', `Note ${id} does not exist in Anki (already deleted?).`);
        return;
      }
      case 'deck': {
        const real = await this.deckExists(p.deck);
        if (real === undefined) throw new FsEngineError('notFound', `There is no deck "${p.deck}" in Anki.`);
        const cards = await this.client.findCards(deckQuery(real, { includeSubdecks: true }));
        if (cards.length > 0) {
          throw new FsEngineError(
            'noPermissions',
            `The deck "${real}" is not empty (${cards.length} card${cards.length === 1 ? '' : 's'}, sub-decks included), so it was not deleted. Move or delete its notes first, or delete the deck in Anki.`,
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
        throw new FsEngineError('noPermissions', 'A note file keeps its note id: the number before ".yaml" cannot be changed.');
      }
      if (sameDeck(from.deck, to.deck)) {
        throw new FsEngineError(
          'noPermissions',
          "Note file names come from the note's sort field and id: edit the field instead of renaming the file. Moving the file to another deck folder moves the note.",
        );
      }
      const id = from.noteId;
      const target = await this.deckExists(to.deck);
      if (target === undefined) throw new FsEngineError('notFound', `There is no deck "${to.deck}" in Anki.`);
      const report = await this.moveNotes([id], target, { from: () => from.deck });
      if (report.missing.length > 0) throw new FsEngineError('notFound', `Note ${id} does not exist in Anki (deleted?).`);
      const label = from.label;
      const dest = to.kind === 'note' ? newPath : `${deckPath(target)}/${label}.${id}.yaml`;
      this.opts.onFileEvents?.([
        { kind: 'deleted', path: oldPath },
        { kind: 'created', path: dest },
      ]);
      return;
    }
    if (from.kind === 'deck') {
      throw new FsEngineError('noPermissions', `Decks cannot be renamed or moved here: rename "${from.deck}" in Anki (Browse ▸ Decks), then refresh.`);
    }
    if (from.kind === 'note') {
      throw new FsEngineError('noPermissions', 'A note file can only be moved into another deck folder (which moves the note to that deck).');
    }
    throw new FsEngineError('noPermissions', `"${oldPath}" cannot be renamed: only note files can be moved, into another deck folder.`);
  }

  // ------------------------------------------------------------------ changes made in Anki

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
    const report = await this.store.checkForChanges();
    const events: FileEvent[] = [];
    for (const id of report.changed) for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'changed', path });
    for (const id of report.deleted) {
      for (const path of this.servedPaths.get(id) ?? []) events.push({ kind: 'deleted', path });
      this.servedPaths.delete(id);
    }
    // No onCollectionChange here: these changes were made in Anki, not through the file system (the views
    // run their own check for changes).
    if (events.length > 0) this.opts.onFileEvents?.(events);
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
    if (id === undefined) throw new FsEngineError('notFound', `"${path}" is not a saved note.`);
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
