// What Anki answered, kept so the same reads can be answered while Anki is closed (pure: no `vscode`).
//
// The session records every successful read of the client (the deck list, each deck's note ids, the notes the
// user listed or opened, note types, tags, media names, feature detection) and, when a request fails because
// nothing answers at AnkiConnect's address, asks this cache instead. Only reads are ever answered; writes fail
// as before ("Anki is not running — your text is kept"). Notes are answered per id: a `notesInfo` of five notes
// is answered only when all five are cached (never a partial answer that would look like "deleted").
//
// `multi` sub-actions are recorded and answered one by one in their raw (wire) form, which the client then
// validates with the same schemas as a live reply.
import type { CardId, MultiAction, MultiOutcome, NoteId, NoteInfo } from '../anki/api';

/** Raw `multi` sub-actions answered from the cache (reads only). */
const CACHEABLE_ACTIONS = new Set([
  'apiReflect',
  'deckNames',
  'deckNamesAndIds',
  'getDecks',
  'findNotes',
  'findCards',
  'notesInfo',
  'notesModTime',
  'modelNames',
  'modelFieldNames',
  'modelTemplates',
  'modelStyling',
  'getTags',
  'getMediaFilesNames',
]);

/** Client methods answered from the cache: the same reads, plus the client's own feature probe and `multi`. */
export const CACHEABLE_METHODS = new Set([...CACHEABLE_ACTIONS, 'features', 'getProfiles', 'getActiveProfile', 'multi']);

export interface OfflineData {
  /** When a live answer was last recorded (ms since the epoch). */
  savedAt: number;
  /** `method(args)` or `raw action(params)` → answer. */
  calls: Record<string, unknown>;
  /** Note id → the note as last read, and when (eviction order: least recently seen first). */
  notes: Record<string, { info: NoteInfo; seenAt: number }>;
  /** Card id → deck name (from `getDecks`). */
  cardDecks: Record<string, string>;
}

export function emptyOfflineData(): OfflineData {
  return { savedAt: 0, calls: {}, notes: {}, cardDecks: {} };
}

export type Answer = { hit: true; value: unknown } | { hit: false };

/** The error of a `multi` entry the cache cannot answer while the others are answered. */
export const OFFLINE_ENTRY_ERROR = 'Anki is not running: this part is not in the offline cache';
const MISS: Answer = { hit: false };

function callKey(method: string, args: readonly unknown[]): string {
  return `${method}(${JSON.stringify(args)})`;
}

function rawKey(action: string, params: Record<string, unknown> | undefined): string {
  return `raw ${action}(${JSON.stringify(params ?? {})})`;
}

function isNoteInfo(v: unknown): v is NoteInfo {
  return typeof v === 'object' && v !== null && 'noteId' in v && typeof v.noteId === 'number' && 'fields' in v;
}

function idList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

export class OfflineReads {
  data: OfflineData;
  /** Bumped on every change (the glue persists when it moved). */
  generation = 0;

  constructor(
    data: OfflineData = emptyOfflineData(),
    private readonly now: () => number = Date.now,
  ) {
    this.data = data;
  }

  private touch(): void {
    this.data.savedAt = this.now();
    this.generation++;
  }

  private rememberNotes(infos: readonly unknown[]): void {
    const at = this.now();
    for (const n of infos) if (isNoteInfo(n)) this.data.notes[String(n.noteId)] = { info: n, seenAt: at };
  }

  private rememberDecks(byDeck: unknown): void {
    if (typeof byDeck !== 'object' || byDeck === null) return;
    for (const [deck, cards] of Object.entries(byDeck)) for (const c of idList(cards) ?? []) this.data.cardDecks[String(c)] = deck;
  }

  /** A live answer of a client method. */
  record(method: string, args: readonly unknown[], value: unknown): void {
    if (!CACHEABLE_METHODS.has(method)) return;
    switch (method) {
      case 'notesInfo':
        if (Array.isArray(value)) this.rememberNotes(value);
        break;
      case 'notesModTime':
        break; // derived from notes (a mod time alone cannot be served as a note)
      case 'getDecks':
        this.rememberDecks(value);
        break;
      case 'multi': {
        const actions = args[0];
        if (!Array.isArray(actions) || !Array.isArray(value)) return;
        (actions as MultiAction[]).forEach((a, i) => {
          const o = (value as MultiOutcome[])[i];
          if (o?.ok) this.recordRaw(a.action, a.params, o.value);
        });
        break;
      }
      default:
        this.data.calls[callKey(method, args)] = value;
    }
    this.touch();
  }

  private recordRaw(action: string, params: Record<string, unknown> | undefined, value: unknown): void {
    if (!CACHEABLE_ACTIONS.has(action)) return;
    if (action === 'notesInfo') {
      if (Array.isArray(value)) this.rememberNotes(value);
      return;
    }
    if (action === 'getDecks') return this.rememberDecks(value);
    if (action === 'notesModTime') return;
    this.data.calls[rawKey(action, params)] = value;
  }

  /** The cached answer of a client method, if every part of it is known. */
  answer(method: string, args: readonly unknown[]): Answer {
    if (!CACHEABLE_METHODS.has(method)) return MISS;
    switch (method) {
      case 'notesInfo': {
        const ids = idList(args[0]);
        return ids ? this.notes(ids) : MISS;
      }
      case 'notesModTime': {
        const ids = idList(args[0]);
        return ids ? this.modTimes(ids) : MISS;
      }
      case 'getDecks': {
        const ids = idList(args[0]);
        return ids ? this.decksOf(ids) : MISS;
      }
      case 'multi': {
        const actions = args[0];
        if (!Array.isArray(actions)) return MISS;
        const out: MultiOutcome[] = [];
        let hits = 0;
        for (const a of actions as MultiAction[]) {
          const r = this.answerRaw(a.action, a.params);
          if (r.hit) {
            hits++;
            out.push({ ok: true, value: r.value });
          } else if (a.action === 'findCards') {
            // A side question (which of the note's cards are in a deck) that the caller can do without:
            // answered as a failed entry, as Anki answers an entry it cannot serve.
            out.push({ ok: false, error: OFFLINE_ENTRY_ERROR });
          } else return MISS;
        }
        return hits > 0 ? { hit: true, value: out } : MISS;
      }
      default: {
        const key = callKey(method, args);
        return key in this.data.calls ? { hit: true, value: this.data.calls[key] } : MISS;
      }
    }
  }

  private answerRaw(action: string, params: Record<string, unknown> | undefined): Answer {
    if (!CACHEABLE_ACTIONS.has(action)) return MISS;
    if (action === 'notesInfo') {
      const ids = idList(params?.notes);
      return ids ? this.notes(ids) : MISS;
    }
    if (action === 'notesModTime') {
      const ids = idList(params?.notes);
      return ids ? this.modTimes(ids) : MISS;
    }
    if (action === 'getDecks') {
      const ids = idList(params?.cards);
      return ids ? this.decksOf(ids) : MISS;
    }
    const key = rawKey(action, params);
    return key in this.data.calls ? { hit: true, value: this.data.calls[key] } : MISS;
  }

  private notes(ids: readonly NoteId[]): Answer {
    const out: NoteInfo[] = [];
    for (const id of ids) {
      const n = this.data.notes[String(id)];
      if (!n) return MISS;
      out.push(n.info);
    }
    return { hit: true, value: out };
  }

  private modTimes(ids: readonly NoteId[]): Answer {
    const out: Array<{ noteId: NoteId; mod: number }> = [];
    for (const id of ids) {
      const mod = this.data.notes[String(id)]?.info.mod;
      if (mod === undefined) return MISS;
      out.push({ noteId: id, mod });
    }
    return { hit: true, value: out };
  }

  private decksOf(cards: readonly CardId[]): Answer {
    const out: Record<string, CardId[]> = {};
    for (const c of cards) {
      const deck = this.data.cardDecks[String(c)];
      if (deck === undefined) return MISS;
      (out[deck] ??= []).push(c);
    }
    return { hit: true, value: out };
  }

  /** Every cached note, as last read. */
  cachedNotes(): NoteInfo[] {
    return Object.values(this.data.notes).map((n) => n.info);
  }

  /** Drops notes Anki no longer has (the catch-up found them deleted). Returns how many were cached. */
  forgetNotes(ids: readonly NoteId[]): number {
    let n = 0;
    for (const id of ids) {
      const e = this.data.notes[String(id)];
      if (!e) continue;
      delete this.data.notes[String(id)];
      for (const c of e.info.cards) delete this.data.cardDecks[String(c)];
      n++;
    }
    if (n > 0) this.generation++;
    return n;
  }

  /** Drops the least recently seen notes until at most `keep` remain (the size bound of the glue). */
  evictNotes(keep: number): number {
    const entries = Object.entries(this.data.notes);
    if (entries.length <= keep) return 0;
    entries.sort((a, b) => a[1].seenAt - b[1].seenAt);
    const drop = entries.slice(0, entries.length - keep);
    for (const [id, n] of drop) {
      delete this.data.notes[id];
      for (const c of n.info.cards) delete this.data.cardDecks[String(c)];
    }
    this.generation++;
    return drop.length;
  }
}
