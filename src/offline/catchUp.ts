// The incremental catch-up when Anki answers again after the extension showed cached data (pure: no `vscode`).
//
// One refresh, never a full reload:
//   request 1: ONE `multi` — `deckNamesAndIds`, every listed deck's own note ids (`findNotes`, the listing's
//              query) and the cached notes' `notesModTime`; on add-on builds without `notesModTime` (the 2023
//              add-on) the cached notes' `notesInfo` instead, compared by content (their mod is not reported);
//   request 2: `notesInfo` of exactly the notes that changed (mod moved) or were added to a listed deck and are
//              not cached — only when there are any (on the 2023 path request 1 already read the cached ones);
//              with decks created in Anki meanwhile, a `multi` of their `findNotes` and that `notesInfo`.
// `diffCatchUp` says what changed: per deck the ids added and removed, the notes edited and deleted.
import type { AnkiApi, MultiAction, NoteId, NoteInfo } from '../anki/api';
import { readOutcome } from '../anki/actions';
import { deckQuery } from '../anki/query';
import { chunkIds } from '../core/noteStore';

/** What the extension had before (cached): each known note's signature and each listed deck's own ids. */
export interface CatchUpBefore {
  /** Note id → its `mod` (or, without mod times, a content signature). */
  notes: ReadonlyMap<NoteId, string>;
  decks: ReadonlyMap<string, readonly NoteId[]>;
}

/** What Anki has now: the known notes' signatures (undefined: gone) and the decks' own ids. */
export interface CatchUpAfter {
  notes: ReadonlyMap<NoteId, string | undefined>;
  decks: ReadonlyMap<string, readonly NoteId[]>;
}

export interface CatchUpDiff {
  /** Known notes whose signature changed. */
  edited: NoteId[];
  /** Known notes Anki no longer has. */
  deleted: NoteId[];
  /** Per deck: ids now listed that were not (new notes, notes moved in). A deck only in `after` is new. */
  added: Map<string, NoteId[]>;
  /** Per deck: ids no longer listed (deleted notes, notes moved out). */
  removed: Map<string, NoteId[]>;
  /** Decks whose own ids changed, or that list an edited note. */
  changedDecks: string[];
}

/** Compares the cached state with Anki's. Pure; ids ascending within each list. */
export function diffCatchUp(before: CatchUpBefore, after: CatchUpAfter): CatchUpDiff {
  const edited: NoteId[] = [];
  const deleted: NoteId[] = [];
  for (const [id, sig] of before.notes) {
    if (!after.notes.has(id)) continue; // not asked: unknown
    const now = after.notes.get(id);
    if (now === undefined) deleted.push(id);
    else if (now !== sig) edited.push(id);
  }
  const editedSet = new Set(edited);
  const added = new Map<string, NoteId[]>();
  const removed = new Map<string, NoteId[]>();
  const changedDecks: string[] = [];
  const names = new Set([...before.decks.keys(), ...after.decks.keys()]);
  for (const deck of names) {
    const was = new Set(before.decks.get(deck) ?? []);
    const nowIds = after.decks.get(deck);
    if (nowIds === undefined) {
      // The deck is gone (renamed or deleted in Anki): everything it listed is removed from it.
      if (was.size > 0) removed.set(deck, [...was].sort((a, b) => a - b));
      changedDecks.push(deck);
      continue;
    }
    const now = new Set(nowIds ?? []);
    const plus = [...now].filter((id) => !was.has(id)).sort((a, b) => a - b);
    const minus = [...was].filter((id) => !now.has(id)).sort((a, b) => a - b);
    if (plus.length > 0) added.set(deck, plus);
    if (minus.length > 0) removed.set(deck, minus);
    if (plus.length > 0 || minus.length > 0 || [...now].some((id) => editedSet.has(id))) changedDecks.push(deck);
  }
  edited.sort((a, b) => a - b);
  deleted.sort((a, b) => a - b);
  return { edited, deleted, added, removed, changedDecks: changedDecks.sort() };
}

/** A note's content signature for add-on builds without mod times (fields, tags, note type, cards). */
export function contentSignature(info: Pick<NoteInfo, 'modelName' | 'tags' | 'fields' | 'cards'>): string {
  const fields = Object.entries(info.fields)
    .sort((a, b) => a[1].order - b[1].order)
    .map(([k, f]) => [k, f.value]);
  return JSON.stringify([info.modelName, [...info.tags].sort(), fields, info.cards]);
}

/** The signature `diffCatchUp` compares for a cached note: its mod, or without one its content. */
export function signatureOf(info: NoteInfo, withModTimes: boolean): string {
  return withModTimes && info.mod !== undefined ? `mod:${info.mod}` : `content:${contentSignature(info)}`;
}

export interface CatchUpInput {
  /** The cached notes (as last read). */
  notes: readonly NoteInfo[];
  /** The listed decks' own ids as cached (deck name → ids). */
  decks: ReadonlyMap<string, readonly NoteId[]>;
}

export interface CatchUpResult {
  diff: CatchUpDiff;
  /** Deck name → id, as Anki has them now. */
  deckNamesAndIds: Record<string, number>;
  /** Every listed deck's own ids now (ascending). */
  decks: Map<string, NoteId[]>;
  /** Notes read from Anki by the catch-up (edited, added and not cached). */
  fresh: Map<NoteId, NoteInfo>;
  /** Requests sent (1 or 2). */
  requests: number;
  /** False on add-on builds without `notesModTime` (content compared). */
  modTimes: boolean;
}

/** Runs the catch-up against Anki (1 request, +1 for the notes that changed). */
export async function runCatchUp(api: AnkiApi, input: CatchUpInput): Promise<CatchUpResult> {
  const features = await api.features();
  const modTimes = features.notesModTime;
  const ids = input.notes.map((n) => n.noteId);
  const deckNames = [...input.decks.keys()];
  const entries: MultiAction[] = [
    { action: 'deckNamesAndIds' },
    ...deckNames.map((d): MultiAction => ({ action: 'findNotes', params: { query: deckQuery(d, { includeSubdecks: false }) } })),
  ];
  const idChunks = ids.length > 0 ? chunkIds(ids) : [];
  for (const c of idChunks) entries.push(modTimes ? { action: 'notesModTime', params: { notes: c } } : { action: 'notesInfo', params: { notes: c } });
  const out = await api.multi(entries);
  let requests = 1;
  const deckNamesAndIds = readOutcome('deckNamesAndIds', out[0]);
  const decksNow = new Map<string, NoteId[]>();
  deckNames.forEach((d, i) => {
    if (!(d in deckNamesAndIds)) return; // deck gone
    decksNow.set(d, [...new Set(readOutcome('findNotes', out[1 + i]))].sort((a, b) => a - b));
  });
  const notesNow = new Map<NoteId, string | undefined>();
  const fresh = new Map<NoteId, NoteInfo>();
  idChunks.forEach((chunk, c) => {
    const o = out[1 + deckNames.length + c];
    if (modTimes) {
      const mods = readOutcome('notesModTime', o);
      chunk.forEach((id, i) => notesNow.set(id, mods[i] ? `mod:${mods[i]!.mod}` : undefined));
    } else {
      const infos = readOutcome('notesInfo', o);
      chunk.forEach((id, i) => {
        const info = infos[i];
        notesNow.set(id, info ? signatureOf(info, false) : undefined);
        if (info) fresh.set(id, info);
      });
    }
  });
  const before = new Map(input.notes.map((n) => [n.noteId, signatureOf(n, modTimes)] as const));
  const diff = diffCatchUp({ notes: before, decks: input.decks }, { notes: notesNow, decks: decksNow });
  // Without mod times request 1 read every cached note: keep only the changed ones as fresh.
  if (!modTimes) for (const id of [...fresh.keys()]) if (!diff.edited.includes(id)) fresh.delete(id);
  const known = new Set(ids);
  const toRead = [...new Set([...diff.edited.filter(() => modTimes), ...[...diff.added.values()].flat().filter((id) => !known.has(id))])].sort((a, b) => a - b);
  // Decks created in Anki meanwhile: their own ids come with request 2 (their notes are read when expanded).
  const newDecks = input.decks.size > 0 ? Object.keys(deckNamesAndIds).filter((d) => !input.decks.has(d)) : [];
  const accept = (infos: Array<NoteInfo | undefined>): void =>
    toRead.forEach((id, i) => {
      const info = infos[i];
      if (info) fresh.set(id, info);
    });
  let finalDiff = diff;
  if (newDecks.length > 0) {
    requests++;
    const second: MultiAction[] = newDecks.map((d) => ({ action: 'findNotes', params: { query: deckQuery(d, { includeSubdecks: false }) } }));
    if (toRead.length > 0) second.push({ action: 'notesInfo', params: { notes: toRead } });
    const out2 = await api.multi(second);
    newDecks.forEach((d, i) => decksNow.set(d, [...new Set(readOutcome('findNotes', out2[i]))].sort((a, b) => a - b)));
    if (toRead.length > 0) accept(readOutcome('notesInfo', out2[newDecks.length]));
    finalDiff = diffCatchUp({ notes: before, decks: input.decks }, { notes: notesNow, decks: decksNow });
  } else if (toRead.length > 0) {
    requests++;
    accept(await api.notesInfo(toRead));
  }
  return { diff: finalDiff, deckNamesAndIds, decks: decksNow, fresh, requests, modTimes };
}
