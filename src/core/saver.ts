// The batched, conflict-safe saver (pure: no `vscode` import).
//
// Batching follows VS Code's own save, not a timer. Before VS Code writes a document it fires
// `workspace.onWillSaveTextDocument` for it; a Save All fires it for every document before any of their
// writes (each write waits for its own save participants, which include that event). The glue passes these
// announcements on (`announce`), and the batch collecting is sent as soon as every announced write has arrived
// (`save`) or been withdrawn (`withdraw`: the write reached the file system but not the saver, e.g. an invalid
// document). So a Save All of N notes is one batch for any N and any load, and a single save is sent at once.
// Writes nobody announced (`workspace.fs.writeFile`, other extensions, tests) are sent promptly: on the
// microtask after their arrival, together with whatever else arrived in the same turn.
// The one timer: an announced write that never comes (VS Code refused it — "the file is newer" —, a save
// participant was cancelled) may hold the others at most `announcedWriteTimeoutMs` (5 s) after the last progress
// on an announced write (announcement, VS Code's stat or read of it, its arrival); then the missing ones count as not coming (a late one is saved as an unannounced write).
// While a batch is in flight the next one collects. Per batch exactly 2 requests, whatever its size:
//   1. `multi[notesInfo(ids), getDecks(known cards), deckNames]`: the conflict check;
//   2. ONE `multi` with every non-conflicting note's actions, then `notesInfo` + `getDecks` to verify.
// Each note gets its own outcome.
import type { AnkiApi, CardId, MultiOutcome, NoteId, NoteInfo } from '../anki/api';
import { actions, parseOutcome, type TypedAction } from '../anki/actions';
import { AnkiConnectError, AnkiTransportError, describeAnkiError } from '../anki/errors';
import { formatMessage, joinMessages, msg, type Message } from '../messages';
import type { EditedNote, NoteSnapshot } from '../notes/model';
import type { SavePlan } from '../notes/planner';
import { chunkIds } from './noteStore';
import {
  cardsToMove,
  contentHash,
  deckByCard,
  describeDifferences,
  noteName,
  sameContent,
  fieldsMessage,
  noteNameMessage,
  sameDeck,
  sameFieldValue,
  sameTags,
  snapshotFromInfo,
} from './snapshot';

/**
 * What a save changes, relative to the loaded note: the planner's plan (changed fields only, the full new tag
 * list, the deck to move the note's cards in its deck to).
 */
export type NoteChange = Pick<SavePlan, 'fields' | 'tags' | 'deck'>;

export function isEmptyChange(c: NoteChange): boolean {
  return (c.fields === undefined || Object.keys(c.fields).length === 0) && c.tags === undefined && c.deck === undefined;
}

/** A save request's own base (`SaveRequest.base`): a version the caller read, checked by content. */
export function baseOf(snapshot: NoteSnapshot): { snapshot: NoteSnapshot; hash: string } {
  return { snapshot, hash: contentHash(snapshot) };
}

export interface SaveRequest {
  noteId: NoteId;
  edited: EditedNote;
  /**
   * The version the edit is based on, when it is not the one the editor loaded (undo: the version the undone
   * batch wrote). The conflict check compares Anki's current content with the snapshot's (`hash` is its
   * `contentHash`; the check compares the content itself, which is the same test without hashing).
   */
  base?: { snapshot: NoteSnapshot; hash: string };
  /** What the batch is, for the save journal (bulk callers: find and replace, undo). */
  meta?: BatchMeta;
}

/** What a batch is, for the save journal: its kind, a label ("find and replace 'colour' → 'color'"), the batch it undoes. */
export interface BatchMeta {
  kind?: 'save' | 'undo' | 'redo';
  label?: string;
  of?: string;
}

/**
 * The save journal as the saver sees it (src/journal; optional: without it nothing changes). `record` runs
 * after the conflict-check read and before the write request, which is sent only once it resolved (a
 * rejection fails the batch, nothing sent); `outcome` runs after verification, before the notes' outcomes are
 * delivered.
 */
export interface SaverJournal {
  record(batch: { meta: BatchMeta; profile: string | undefined; notes: Array<{ before: NoteSnapshot; change: NoteChange }> }): Promise<string>;
  outcome(batchId: string, outcomes: Array<{ id: NoteId; outcome: SaveOutcome }>): Promise<void>;
}

export type SaveOutcome =
  | {
      kind: 'saved';
      /** The note as Anki has it now (re-read); for an empty change, the loaded note. */
      note: NoteSnapshot;
      /** `note` was read from Anki by this batch (false: nothing to do, `note` is the loaded version). */
      fresh: boolean;
      unchanged: boolean;
      /** The deck the note was moved to did not exist: changeDeck created it. */
      createdDeck?: string;
      /** What was done, for the log. */
      summary: string;
    }
  | ({ kind: 'conflict'; current: NoteSnapshot; differences: Message[] } & Said)
  | ({ kind: 'deleted' } & Said)
  | ({ kind: 'verifyFailed'; current: NoteSnapshot } & Said)
  | ({ kind: 'actionFailed'; current?: NoteSnapshot; error?: unknown } & Said)
  | ({ kind: 'unavailable'; error: unknown; unknownOutcome: boolean } & Said)
  | ({ kind: 'noPermissions'; error: unknown } & Said);

/** A failed outcome's message: `msg` for the user (localized by the glue), `message` its English for logs. */
export interface Said {
  msg: Message;
  message: string;
}

function said(m: Message): Said {
  return { msg: m, message: formatMessage(m) };
}

export interface SaverLog {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface SaverOptions {
  client: () => AnkiApi;
  /** The version the editor loaded (what the user's text is based on); `hash` is the snapshot's `contentHash`. */
  base: (id: NoteId) => { snapshot: NoteSnapshot; hash: string } | undefined;
  /** What the edited document changes relative to the loaded note. */
  diff: (base: NoteSnapshot, edited: EditedNote) => NoteChange;
  /**
   * How long announced writes that have not arrived may hold the others, counted from the last announcement or
   * announced arrival (ms; default 5000). Only for writes that never come: it never decides a batch whose
   * announced writes all arrive. VS Code's stat or read of an announced note before its write counts as progress,
   * and the bound does not run while one is waiting (e.g. behind other requests).
   */
  announcedWriteTimeoutMs?: number;
  log?: SaverLog;
  journal?: SaverJournal;
}

export interface SaverStats {
  batches: number;
  requests: number;
  notes: number;
  lastBatchSize: number;
}

interface Pending {
  req: SaveRequest;
  resolve: (o: SaveOutcome) => void;
}

interface Work {
  item: Pending;
  base: NoteSnapshot;
  change: NoteChange;
  current?: NoteSnapshot;
  idx?: { fields?: number; tags?: number; deck?: number };
  /** Cards of the note left in other decks by a deck change (only the cards in the note's deck move). */
  leftBehind?: number;
}


export class Saver {
  readonly stats: SaverStats = { batches: 0, requests: 0, notes: 0, lastBatchSize: 0 };
  private readonly opts: SaverOptions;
  private readonly announcedTimeoutMs: number;
  private pending: Pending[] = [];
  /** Notes whose write VS Code announced and that has not arrived yet. */
  private readonly expected = new Set<NoteId>();
  /** When an announcement, an announced arrival or a withdrawal last happened. */
  private lastProgress = 0;
  private releaseTimer: ReturnType<typeof setTimeout> | undefined;
  private flushQueued = false;
  /** Operations VS Code runs towards announced writes (their stat or read): the bound waits while any runs. */
  private working = 0;
  /** The next flush goes even if announced writes are missing (saveBatch). */
  private forceNext = false;
  private inFlight: Promise<void> | undefined;

  constructor(opts: SaverOptions) {
    this.opts = opts;
    this.announcedTimeoutMs = opts.announcedWriteTimeoutMs ?? 5000;
  }

  /**
   * VS Code is about to write these notes (its `onWillSaveTextDocument` for each document). The batch collecting
   * waits for their writes. Announcing a note already announced changes nothing (a save that replaced a
   * cancelled one writes once).
   */
  announce(ids: Iterable<NoteId>): void {
    let any = false;
    for (const id of ids) {
      this.expected.add(id);
      any = true;
    }
    if (any) this.progress();
  }

  /** The announced write of this note came but will not reach `save` (e.g. the document is invalid). */
  withdraw(id: NoteId): void {
    if (this.expected.delete(id)) {
      this.progress();
      this.queueFlush();
    }
  }

  /**
   * VS Code is working towards the announced write of this note (the stat or read it makes before writing, which
   * may wait for a request): the bound for missing writes does not run meanwhile. Returns the function that ends
   * it (idempotent). For a note that is not announced, nothing happens.
   */
  workingOn(id: NoteId): () => void {
    if (!this.expected.has(id)) return () => undefined;
    this.working++;
    this.progress();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.working--;
      this.progress();
    };
  }

  /** Notes announced whose write has not arrived (for the log and tests). */
  get awaiting(): number {
    return this.expected.size;
  }

  /** Queues a save; resolves with this note's own outcome (never rejects). */
  save(req: SaveRequest): Promise<SaveOutcome> {
    return new Promise<SaveOutcome>((resolve) => {
      this.pending.push({ req, resolve });
      if (this.expected.delete(req.noteId)) this.progress();
      this.queueFlush();
    });
  }

  /**
   * Saves these notes as one batch, sent without waiting for more writes (bulk operations: find and replace,
   * undo). Resolves with each request's own outcome, in order (never rejects). A note listed twice, or a batch
   * already in flight, defers to the next batch as with `save`.
   */
  saveBatch(reqs: readonly SaveRequest[]): Promise<SaveOutcome[]> {
    const outcomes = reqs.map(
      (req) =>
        new Promise<SaveOutcome>((resolve) => {
          this.pending.push({ req, resolve });
          this.expected.delete(req.noteId);
        }),
    );
    this.forceNext = true;
    this.tryFlush();
    return Promise.all(outcomes);
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight || this.pending.length > 0 || this.flushQueued) {
      if (this.inFlight) await this.inFlight;
      else await new Promise<void>((r) => setTimeout(r, 5));
    }
  }

  private progress(): void {
    this.lastProgress = Date.now();
    this.armRelease();
  }

  /** Sends on the next microtask: writes arriving in the same turn (one IPC message burst) share the batch. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.tryFlush();
    });
  }

  /** Sends the pending writes unless a batch is in flight or announced writes are still to come. */
  private tryFlush(): void {
    if (this.inFlight || this.pending.length === 0) return;
    if (this.expected.size > 0 && !this.forceNext) {
      this.armRelease();
      return;
    }
    this.forceNext = false;
    this.flush();
  }

  /**
   * The bound for announced writes that never come: armed while some are missing and nothing is in flight,
   * counted from the last progress.
   */
  private armRelease(): void {
    if (this.releaseTimer !== undefined) clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
    if (this.expected.size === 0 || this.inFlight || this.working > 0) return;
    const wait = Math.max(0, this.lastProgress + this.announcedTimeoutMs - Date.now());
    this.releaseTimer = setTimeout(() => {
      this.releaseTimer = undefined;
      if (this.expected.size === 0) return;
      this.opts.log?.debug?.(
        `Saving without ${this.expected.size} announced write(s) that did not arrive within ${this.announcedTimeoutMs} ms (notes ${[...this.expected].join(', ')}): VS Code did not write them (refused or cancelled).`,
      );
      this.expected.clear();
      this.tryFlush();
    }, wait);
  }

  private flush(): void {
    if (this.releaseTimer !== undefined) clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
    // One entry per note per batch; a second save of the same note waits for the next batch (its base is
    // then the version the first save produced).
    const seen = new Set<NoteId>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    for (const p of this.pending) {
      if (seen.has(p.req.noteId)) rest.push(p);
      else {
        seen.add(p.req.noteId);
        batch.push(p);
      }
    }
    this.pending = rest;
    const run = this.runBatch(batch).catch((e: unknown) => {
      // Defensive: runBatch resolves every item itself; anything escaping is a bug, reported per note.
      const out = said(msg('saveUnexpected', describeAnkiError(e).msg));
      this.opts.log?.warn(out.message);
      for (const p of batch) p.resolve({ kind: 'actionFailed', ...out, error: e });
    });
    this.inFlight = run.finally(() => {
      this.inFlight = undefined;
      // Announced writes may have waited behind this batch (their stat or read shares the one connection):
      // the bound for the missing ones starts again now.
      this.lastProgress = Date.now();
      this.armRelease();
      this.tryFlush();
    });
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    this.stats.batches++;
    this.stats.lastBatchSize = batch.length;
    this.stats.notes += batch.length;
    const work: Work[] = [];
    for (const item of batch) {
      const b = item.req.base ?? this.opts.base(item.req.noteId);
      if (!b) {
        item.resolve({
          kind: 'actionFailed',
          ...said(msg('notLoadedBeforeSave', item.req.noteId)),
        });
        continue;
      }
      const change = this.opts.diff(b.snapshot, item.req.edited);
      if (isEmptyChange(change)) {
        item.resolve({ kind: 'saved', note: b.snapshot, fresh: false, unchanged: true, summary: 'no changes' });
        continue;
      }
      work.push({ item, base: b.snapshot, change });
    }
    if (work.length === 0) return;
    const client = this.opts.client();

    // ---- request 1: conflict check
    const ids = work.map((w) => w.base.id);
    const cards = [...new Set(work.flatMap((w) => w.base.cards))];
    const infoEntries = chunkIds(ids).map((c) => actions.notesInfo(c));
    const getDecksEntry = actions.getDecks(cards);
    const deckNamesEntry = actions.deckNames();
    // The journal's key: the Anki profile, read with the conflict check (no request of its own).
    const profileEntry = this.opts.journal ? actions.getActiveProfile() : undefined;
    const checkEntries: TypedAction<unknown>[] = [...infoEntries, getDecksEntry, deckNamesEntry, ...(profileEntry ? [profileEntry] : [])];
    let checkOut: MultiOutcome[];
    try {
      this.stats.requests++;
      checkOut = await client.multi(checkEntries);
    } catch (e) {
      this.failAll(work, e, false);
      return;
    }
    let infos: Array<NoteInfo | undefined>;
    let decks: Map<CardId, string>;
    let deckNames: string[] | undefined;
    let profile: string | undefined;
    try {
      infos = this.readInfos(infoEntries, checkOut, 0);
      const gd = parseOutcome(getDecksEntry, checkOut[infoEntries.length]);
      if (!gd.ok) throw gd.cause;
      decks = deckByCard(gd.value);
      const dn = parseOutcome(deckNamesEntry, checkOut[infoEntries.length + 1]);
      deckNames = dn.ok ? dn.value : undefined;
      if (profileEntry) {
        const pr = checkOut[infoEntries.length + 2];
        profile = pr?.ok && typeof pr.value === 'string' ? pr.value : undefined;
      }
      const missing = infos.flatMap((n) => (n && n.cards[0] !== undefined && !decks.has(n.cards[0]) ? [n.cards[0]] : []));
      if (missing.length > 0) {
        // Cards were added to a note since it was loaded (rare): one more getDecks for their decks.
        this.stats.requests++;
        for (const [c, d] of deckByCard(await client.getDecks(missing))) decks.set(c, d);
      }
    } catch (e) {
      this.failAll(work, e, false);
      return;
    }

    const proceed: Work[] = [];
    work.forEach((w, i) => {
      const info = infos[i];
      if (!info) {
        w.item.resolve({
          kind: 'deleted',
          ...said(msg('deletedSinceOpened', noteNameMessage(w.base))),
        });
        return;
      }
      const first = info.cards[0];
      const current = snapshotFromInfo(info, (first !== undefined ? decks.get(first) : undefined) ?? w.base.deck);
      w.current = current;
      // By content (as contentHash(current) !== contentHash(base), without hashing every note of the batch).
      if (!sameContent(current, w.base)) {
        if (isEmptyChange(this.opts.diff(current, w.item.req.edited))) {
          // Anki already has exactly what the user wrote (e.g. a retry after a save whose outcome was unknown).
          w.item.resolve({ kind: 'saved', note: current, fresh: true, unchanged: true, summary: 'Anki already had this version' });
          return;
        }
        const differences = describeDifferences(w.base, current);
        w.item.resolve({
          kind: 'conflict',
          current,
          differences,
          ...said(
            differences.length > 0
              ? msg('changedInAnkiWhat', noteNameMessage(w.base), joinMessages('joinComma', differences))
              : msg('changedInAnki', noteNameMessage(w.base)),
          ),
        });
        return;
      }
      proceed.push(w);
    });
    if (proceed.length === 0) return;

    // ---- request 2: every note's actions, then notesInfo + getDecks to verify
    const applyEntries: TypedAction<unknown>[] = [];
    for (const w of proceed) {
      const cur = w.current as NoteSnapshot;
      w.idx = {};
      if (w.change.fields && Object.keys(w.change.fields).length > 0) {
        w.idx.fields = applyEntries.push(actions.updateNoteFields(cur.id, w.change.fields)) - 1;
      }
      if (w.change.tags) w.idx.tags = applyEntries.push(actions.updateNoteTags(cur.id, w.change.tags)) - 1;
      if (w.change.deck !== undefined && cur.cards.length > 0) {
        // The one move rule (snapshot.ts `cardsToMove`): the cards in the note's deck move, others stay.
        const move = cardsToMove(cur.cards, (c) => decks.get(c), cur.deck);
        w.leftBehind = cur.cards.length - move.length;
        w.idx.deck = applyEntries.push(actions.changeDeck(move, w.change.deck)) - 1;
      }
    }
    const verifyStart = applyEntries.length;
    const verifyIds = proceed.map((w) => w.base.id);
    const verifyInfoEntries = chunkIds(verifyIds).map((c) => actions.notesInfo(c));
    const verifyCards = [...new Set(proceed.flatMap((w) => (w.current as NoteSnapshot).cards))];
    const verifyDecksEntry = actions.getDecks(verifyCards);
    applyEntries.push(...verifyInfoEntries, verifyDecksEntry);
    let journalId: string | undefined;
    if (this.opts.journal) {
      try {
        const meta = proceed.find((w) => w.item.req.meta)?.item.req.meta ?? {};
        journalId = await this.opts.journal.record({ meta, profile, notes: proceed.map((w) => ({ before: w.current as NoteSnapshot, change: w.change })) });
      } catch (e) {
        const d = describeAnkiError(e);
        this.opts.log?.warn(`Save batch of ${proceed.length} note(s) not sent: the save journal could not be written: ${d.message}`);
        for (const w of proceed) {
          w.item.resolve({
            kind: 'actionFailed',
            error: e,
            ...said(msg('journalNotWritten', noteNameMessage(w.base), d.msg)),
          });
        }
        return;
      }
    }
    let applyOut: MultiOutcome[];
    try {
      this.stats.requests++;
      applyOut = await client.multi(applyEntries);
    } catch (e) {
      await this.settle(proceed, this.failOutcomes(proceed, e, true), journalId);
      return;
    }

    let after: Array<NoteInfo | undefined> | undefined;
    let afterDecks: Map<CardId, string> | undefined;
    let verifyError: string | undefined;
    try {
      after = this.readInfos(verifyInfoEntries, applyOut, verifyStart);
      const gd = parseOutcome(verifyDecksEntry, applyOut[verifyStart + verifyInfoEntries.length]);
      if (gd.ok) afterDecks = deckByCard(gd.value);
      else verifyError = gd.error;
    } catch (e) {
      verifyError = describeAnkiError(e).message;
    }

    const outcomes = proceed.map((w, i) => this.outcomeOf(w, applyOut, after?.[i], after !== undefined, afterDecks, verifyError, deckNames));
    await this.settle(proceed, outcomes, journalId);
  }

  /** Journals the outcomes (when the batch was journaled), then delivers them. */
  private async settle(work: Work[], outcomes: SaveOutcome[], journalId: string | undefined): Promise<void> {
    if (journalId !== undefined && this.opts.journal) {
      try {
        await this.opts.journal.outcome(journalId, work.map((w, i) => ({ id: w.base.id, outcome: outcomes[i] as SaveOutcome })));
      } catch (e) {
        this.opts.log?.warn(`The save journal could not record the outcome of batch ${journalId}: ${describeAnkiError(e).message}`);
      }
    }
    work.forEach((w, i) => w.item.resolve(outcomes[i] as SaveOutcome));
  }

  private readInfos(entries: TypedAction<unknown>[], out: MultiOutcome[], start: number): Array<NoteInfo | undefined> {
    const infos: Array<NoteInfo | undefined> = [];
    entries.forEach((entry, k) => {
      const o = parseOutcome(entry as TypedAction<Array<NoteInfo | undefined>>, out[start + k]);
      if (!o.ok) throw o.cause;
      infos.push(...o.value);
    });
    return infos;
  }

  private outcomeOf(
    w: Work,
    out: MultiOutcome[],
    afterInfo: NoteInfo | undefined,
    haveAfter: boolean,
    afterDecks: Map<CardId, string> | undefined,
    verifyError: string | undefined,
    deckNames: string[] | undefined,
  ): SaveOutcome {
    const name = noteNameMessage(w.base);
    const idx = w.idx ?? {};
    const failed: Array<{ what: Message; error: string }> = [];
    const applied: Message[] = [];
    const fieldNames = Object.keys(w.change.fields ?? {});
    const step = (i: number | undefined, what: Message) => {
      if (i === undefined) return;
      const o = out[i];
      if (o && o.ok) applied.push(what);
      else failed.push({ what, error: o && !o.ok ? o.error : 'no result' });
    };
    step(idx.fields, fieldsMessage(fieldNames));
    step(idx.tags, msg('tags'));
    step(idx.deck, msg('movedToDeck', w.change.deck ?? ''));

    let current: NoteSnapshot | undefined;
    if (afterInfo) {
      const first = afterInfo.cards[0];
      const deck = (first !== undefined ? afterDecks?.get(first) : undefined) ?? w.change.deck ?? (w.current as NoteSnapshot).deck;
      current = snapshotFromInfo(afterInfo, deck);
    }

    if (failed.length > 0) {
      const apiKey = failed.find((f) => new AnkiConnectError('multi', f.error).isApiKey);
      if (apiKey && applied.length === 0) {
        const err = new AnkiConnectError('updateNoteFields', apiKey.error);
        return { kind: 'noPermissions', ...said(msg('notSavedBecause', name, err.msg)), error: err };
      }
      if (haveAfter && !afterInfo) {
        return { kind: 'deleted', ...said(msg('deletedWhileSaving', name)) };
      }
      const failedText = joinMessages('joinSemicolon', failed.map((f) => msg('partNotSaved', f.what, f.error)));
      const message =
        applied.length === 0
          ? msg('notSavedNothingChanged', name, failedText)
          : msg('partlySaved', name, joinMessages('joinAnd', applied), failedText);
      const result: SaveOutcome = { kind: 'actionFailed', ...said(message), error: new AnkiConnectError('multi', failed[0]?.error ?? '') };
      if (current) result.current = current;
      return result;
    }

    if (!haveAfter || verifyError !== undefined) {
      return {
        kind: 'unavailable',
        unknownOutcome: true,
        error: new Error(verifyError ?? 'verification missing'),
        ...said(msg('verifyReadFailed', name, verifyError ?? msg('noResult'))),
      };
    }
    if (!current) {
      return { kind: 'deleted', ...said(msg('deletedWhileSaving', name)) };
    }

    // Verify: what Anki has now must be what we sent.
    const problems: Message[] = [];
    const verified: Message[] = [];
    const curFields = new Map(current.fields);
    const lost: string[] = [];
    const unknown: string[] = [];
    for (const [f, v] of Object.entries(w.change.fields ?? {})) {
      const now = curFields.get(f);
      if (now === undefined) unknown.push(f);
      else if (!sameFieldValue(now, v)) lost.push(f);
    }
    if (unknown.length > 0) {
      problems.push(
        msg(unknown.length === 1 ? 'fieldNotInNoteType' : 'fieldsNotInNoteType', fieldsMessage(unknown), current.noteType, current.fields.map((f) => f[0]).join(', ')),
      );
    }
    if (lost.length > 0) {
      problems.push(msg('fieldsNotKept', fieldsMessage(lost)));
    }
    if (fieldNames.length > 0 && lost.length + unknown.length === 0) verified.push(fieldsMessage(fieldNames));
    if (w.change.tags) {
      if (sameTags(current.tags, w.change.tags)) verified.push(msg('tags'));
      else problems.push(msg('otherTags', current.tags.join(' '), w.change.tags.join(' ')));
    }
    if (w.change.deck !== undefined) {
      if (sameDeck(current.deck, w.change.deck)) verified.push(msg('deck'));
      else problems.push(msg('otherDeck', current.deck, w.change.deck));
    }
    if (problems.length > 0) {
      return {
        kind: 'verifyFailed',
        current,
        ...said(
          verified.length > 0
            ? msg('notSavedAsWrittenPartly', name, joinMessages('joinSemicolon', problems), joinMessages('joinAnd', verified))
            : msg('notSavedAsWritten', name, joinMessages('joinSemicolon', problems)),
        ),
      };
    }

    let createdDeck: string | undefined;
    if (w.change.deck !== undefined && deckNames && !deckNames.some((d) => sameDeck(d, w.change.deck as string))) {
      createdDeck = current.deck;
    }
    const summary =
      applied.map((a) => formatMessage(a)).join(', ') +
      (createdDeck !== undefined ? `; deck "${createdDeck}" did not exist and was created` : '') +
      (w.leftBehind ? `; ${w.leftBehind} card(s) in other decks were left where they are` : '');
    this.opts.log?.info(`Saved ${formatMessage(name)} (${current.id}): ${summary}`);
    const result: SaveOutcome = { kind: 'saved', note: current, fresh: true, unchanged: false, summary };
    if (createdDeck !== undefined) result.createdDeck = createdDeck;
    return result;
  }

  private failAll(work: Work[], e: unknown, duringApply: boolean): void {
    const outcomes = this.failOutcomes(work, e, duringApply);
    work.forEach((w, i) => w.item.resolve(outcomes[i] as SaveOutcome));
  }

  private failOutcomes(work: Work[], e: unknown, duringApply: boolean): SaveOutcome[] {
    const d = describeAnkiError(e);
    this.opts.log?.warn(`Save batch of ${work.length} note(s) failed ${duringApply ? 'while applying' : 'during the conflict check'}: ${d.message}`);
    const unknownOutcome =
      duringApply && e instanceof AnkiTransportError && e.kind !== 'notRunning' && e.kind !== 'forbidden' && e.kind !== 'badUrl';
    return work.map((w) => {
      const name = noteNameMessage(w.base);
      let outcome: SaveOutcome;
      if (e instanceof AnkiConnectError && e.isApiKey) {
        outcome = { kind: 'noPermissions', ...said(msg('notSavedBecause', name, d.msg)), error: e };
      } else if (unknownOutcome) {
        outcome = {
          kind: 'unavailable',
          unknownOutcome: true,
          error: e,
          ...said(msg('outcomeUnknown', name, d.msg)),
        };
      } else if (e instanceof AnkiTransportError) {
        outcome = {
          kind: 'unavailable',
          unknownOutcome: false,
          error: e,
          ...said(msg('notSavedUnreachable', name, d.msg)),
        };
      } else {
        outcome = {
          kind: 'actionFailed',
          error: e,
          ...said(msg(duringApply ? 'notSavedKept' : 'notSavedUnchanged', name, d.msg)),
        };
      }
      return outcome;
    });
  }
}
