/** In-memory Anki collection: decks, note types, notes, cards, tags — the state behind the test server. */
import { stockModels, type Model } from './models';
import { cardOrdinals, renderCard } from './render';
import { searchCards, searchNotes } from './search';
import { DeckConfigs } from './deckConfig';
import {
  asciiLower,
  clozeNumbers,
  compareDeckNames,
  compareTags,
  deckKey,
  normalizeDeckName,
  normalizeTag,
  stripHtmlPreservingMedia,
} from './text';

export type { Model } from './models';

const SEARCH_CACHE = Symbol('searchText');

export interface Deck {
  id: number;
  name: string;
  /** filtered deck */
  dyn: boolean;
  mod: number;
}

export interface Note {
  id: number;
  mid: number;
  /** field values in field order, NFC-normalised */
  fields: string[];
  tags: string[];
  /** epoch seconds */
  mod: number;
  usn: number;
}

export interface Card {
  id: number;
  nid: number;
  did: number;
  /** original deck when in a filtered deck, else 0 */
  odid: number;
  ord: number;
  /** 0 new, 1 learning, 2 review, 3 relearning */
  type: number;
  /** -3 manually buried, -2 sibling buried, -1 suspended, 0 new, 1 learning, 2 review, 3 day-learn, 4 preview */
  queue: number;
  due: number;
  ivl: number;
  factor: number;
  reps: number;
  lapses: number;
  left: number;
  mod: number;
  flags: number;
}

/** Anki's NoteFieldsState: 0 normal, 1 empty, 2 duplicate, 3 missing cloze, 4 notetype not cloze, 5 field not cloze. */
export type FieldsState = 0 | 1 | 2 | 3 | 4 | 5;

export interface CollectionOptions {
  /** clock in epoch ms (default Date.now) */
  clock?: () => number;
  /** collection creation time, epoch seconds (default: 400 days before now, at 04:00 UTC) */
  crt?: number;
  profile?: string;
}

export class Collection {
  readonly decks = new Map<number, Deck>();
  readonly models = new Map<number, Model>();
  readonly notes = new Map<number, Note>();
  readonly cards = new Map<number, Card>();
  /** note id → card ids */
  private readonly noteCards = new Map<number, number[]>();
  /** lower-case tag → registered spelling */
  readonly tagRegistry = new Map<string, string>();
  /** deck options presets and which deck uses which */
  readonly deckConfigs: DeckConfigs;
  clock: () => number;
  /** collection creation, epoch seconds (day 0 starts here) */
  crt: number;
  profile: string;
  profiles: string[];
  /** false while no profile is open: actions fail with `collection is not available` */
  available = true;
  /** last query passed to guiBrowse (null until called) */
  lastGuiBrowse: string | null = null;
  /** note currently open in the simulated Browser editor (issue #82), or null */
  browserNoteId: number | null = null;
  private lastId = 0;
  private nextNewPos = 1;

  constructor(opts: CollectionOptions = {}) {
    this.clock = opts.clock ?? Date.now;
    const nowS = Math.floor(this.clock() / 1000);
    this.crt = opts.crt ?? Math.floor((nowS - 400 * 86400) / 86400) * 86400 + 4 * 3600;
    this.profile = opts.profile ?? 'User 1';
    this.profiles = [this.profile];
    for (const m of stockModels(nowS)) this.models.set(m.id, m);
    this.decks.set(1, { id: 1, name: 'Default', dyn: false, mod: nowS });
    this.deckConfigs = new DeckConfigs(this);
  }

  // ---------- time and ids ----------
  nowSec(): number {
    return Math.floor(this.clock() / 1000);
  }
  /** days elapsed since collection creation (Anki's "today") */
  today(): number {
    return Math.floor((this.nowSec() - this.crt) / 86400);
  }
  /** epoch seconds of the next day rollover */
  nextDayAt(): number {
    return this.crt + (this.today() + 1) * 86400;
  }
  /** a fresh 13-digit millisecond id, unique across notes, cards, decks */
  newId(atMs?: number): number {
    const id = Math.max(atMs ?? this.clock(), this.lastId + 1);
    this.lastId = id;
    return id;
  }
  /** make sure ids created later never collide with `id` */
  reserveId(id: number): void {
    if (id > this.lastId) this.lastId = id;
  }
  nextPosition(): number {
    return this.nextNewPos++;
  }
  reservePosition(pos: number): void {
    if (pos >= this.nextNewPos) this.nextNewPos = pos + 1;
  }

  // ---------- decks ----------
  deckByName(name: string): Deck | undefined {
    const key = deckKey(name);
    for (const d of this.decks.values()) if (d.name.toLowerCase() === key) return d;
    return undefined;
  }
  deckById(id: number): Deck | undefined {
    return this.decks.get(id);
  }
  /** Create the deck (and missing parents) if needed; returns it. */
  ensureDeck(name: string, idAtMs?: number): Deck {
    // components are normalised one by one (a component may itself start or end with ':')
    const parts = name.split('::').map((c) => normalizeDeckName(c));
    const byKey = (comps: string[]): Deck | undefined => {
      const key = comps.join('::').toLowerCase();
      for (const d of this.decks.values()) if (d.name.toLowerCase() === key) return d;
      return undefined;
    };
    const existing = byKey(parts);
    if (existing) return existing;
    let deck: Deck | undefined;
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join('::');
      deck = byKey(parts.slice(0, i));
      if (!deck) {
        // keep an existing parent's spelling
        const parent = i > 1 ? byKey(parts.slice(0, i - 1)) : undefined;
        const full = parent ? `${parent.name}::${parts[i - 1]}` : prefix;
        deck = { id: this.newId(idAtMs), name: full, dyn: false, mod: this.nowSec() };
        this.decks.set(deck.id, deck);
      }
    }
    return deck as Deck;
  }
  deckNames(): string[] {
    return [...this.decks.values()].map((d) => d.name).sort(compareDeckNames);
  }
  /** ids of the deck and all its sub-decks */
  deckAndChildrenIds(deck: Deck): number[] {
    const lower = deck.name.toLowerCase();
    return [...this.decks.values()]
      .filter((d) => d.id === deck.id || d.name.toLowerCase().startsWith(lower + '::'))
      .map((d) => d.id);
  }
  /**
   * Create a filtered deck (like Tools → Create Filtered Deck) holding the cards that match `query`
   * (cards already in a filtered deck, suspended or buried cards are skipped, as in Anki). Returns it.
   */
  createFilteredDeck(name: string, query: string, limit = 100): Deck {
    const normal = normalizeDeckName(name);
    if (this.deckByName(normal)) throw new Error(`deck ${normal} already exists`);
    const deck: Deck = { id: this.newId(), name: normal, dyn: true, mod: this.nowSec() };
    const picked = this.findCards(query)
      .map((id) => this.cards.get(id) as Card)
      .filter((c) => c.odid === 0 && c.queue >= 0)
      .slice(0, limit);
    this.decks.set(deck.id, deck);
    for (const c of picked) {
      c.odid = c.did;
      c.did = deck.id;
      c.mod = this.nowSec();
    }
    return deck;
  }
  /** Empty a filtered deck: its cards go back to their home decks. */
  emptyFilteredDeck(deck: Deck): void {
    for (const c of this.cards.values()) {
      if (c.did === deck.id && c.odid !== 0) {
        c.did = c.odid;
        c.odid = 0;
        c.mod = this.nowSec();
      }
    }
  }
  /** Delete decks (with children) and their cards; `Default` is emptied but kept; filtered decks give their cards back. */
  deleteDeck(deck: Deck): void {
    const ids = new Set(this.deckAndChildrenIds(deck));
    for (const id of ids) {
      const d = this.decks.get(id);
      if (d?.dyn) this.emptyFilteredDeck(d);
    }
    const doomedCards = [...this.cards.values()].filter((c) => ids.has(c.did) || (c.odid !== 0 && ids.has(c.odid)));
    this.removeCards(doomedCards.map((c) => c.id));
    for (const id of ids) if (id !== 1) this.decks.delete(id);
  }

  // ---------- models ----------
  modelByName(name: string): Model | undefined {
    const lower = name.toLowerCase();
    for (const m of this.models.values()) if (m.name.toLowerCase() === lower) return m;
    return undefined;
  }
  modelOf(note: Note): Model {
    const m = this.models.get(note.mid);
    if (!m) throw new Error(`note ${note.id} has unknown model ${note.mid}`);
    return m;
  }
  modelNames(): string[] {
    return [...this.models.values()].map((m) => m.name).sort(compareTags);
  }

  // ---------- notes & cards ----------
  getNote(id: number): Note | undefined {
    return this.notes.get(id);
  }
  getCard(id: number): Card | undefined {
    return this.cards.get(id);
  }
  /** cards of a note, by template ordinal */
  cardsOf(noteId: number): Card[] {
    const ids = this.noteCards.get(noteId) ?? [];
    return ids.map((id) => this.cards.get(id) as Card).sort((a, b) => a.ord - b.ord);
  }
  /** field values of a note as a name → value record */
  fieldsOf(note: Note): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.modelOf(note).fields) out[f.name] = note.fields[f.ord] ?? '';
    return out;
  }
  /** deck name of a note's first card */
  deckOf(note: Note): string | undefined {
    const first = this.cardsOf(note.id)[0];
    return first ? this.decks.get(first.did)?.name : undefined;
  }
  /** note ids with a card in the deck (sub-decks included when `withChildren`) */
  notesInDeck(name: string, withChildren = false): number[] {
    const deck = this.deckByName(name);
    if (!deck) return [];
    const ids = new Set(withChildren ? this.deckAndChildrenIds(deck) : [deck.id]);
    const out = new Set<number>();
    for (const c of this.cards.values()) if (ids.has(c.did)) out.add(c.nid);
    return [...out].sort((a, b) => a - b);
  }
  /**
   * Search haystacks of a note: the HTML-stripped sort field (Anki's `sfld`) and the fields joined by \x1f
   * (Anki's `flds`). Cached on the note (non-enumerable), revalidated by field identity.
   */
  searchText(note: Note, model: Model): { sort: string; joined: string } {
    const holder = note as Note & { [SEARCH_CACHE]?: { fields: string[]; sort: string; joined: string } };
    // sort/joined are ASCII-lower-cased: unqualified search is ASCII case-insensitive (SQLite LIKE)
    const hit = holder[SEARCH_CACHE];
    if (hit && hit.fields.length === note.fields.length && hit.fields.every((f, i) => f === note.fields[i])) return hit;
    const entry = {
      fields: [...note.fields],
      sort: asciiLower(stripHtmlPreservingMedia(note.fields[model.sortf] ?? '')),
      joined: asciiLower(note.fields.join('\x1f')),
    };
    Object.defineProperty(holder, SEARCH_CACHE, { value: entry, enumerable: false, configurable: true, writable: true });
    return entry;
  }
  renderCard(card: Card): { question: string; answer: string } {
    const note = this.notes.get(card.nid) as Note;
    const deck = this.decks.get(card.odid || card.did)?.name ?? '';
    return renderCard(this.modelOf(note), note.fields, card.ord, { tags: note.tags, deck, flags: card.flags, cardId: card.id });
  }

  /** Anki's note_fields_check (empty / cloze problems / duplicate among same-type notes). */
  fieldsCheck(model: Model, values: string[], ignoreNoteId?: number): FieldsState {
    const first = (values[0] ?? '').normalize('NFC');
    const stripped = stripHtmlPreservingMedia(first);
    if (stripped.trim() === '') return 1;
    const cloze = this.clozeState(model, values);
    if (cloze !== 0) return cloze;
    for (const n of this.notes.values()) {
      if (n.mid !== model.id || n.id === ignoreNoteId) continue;
      if (stripHtmlPreservingMedia(n.fields[0] ?? '') === stripped) return 2;
    }
    return 0;
  }
  private clozeState(model: Model, values: string[]): FieldsState {
    if (model.type === 1) {
      const clozeFields = new Set<string>();
      for (const t of model.templates) for (const m of t.qfmt.matchAll(/\{\{[^}]*cloze:([^}]+)\}\}/g)) clozeFields.add((m[1] as string).trim());
      let any = false;
      for (const f of model.fields) {
        const has = clozeNumbers(values[f.ord] ?? '').size > 0;
        if (has && clozeFields.has(f.name)) any = true;
        else if (has) return 5;
      }
      return any ? 0 : 3;
    }
    for (const v of values) if (clozeNumbers(v).size > 0) return 4;
    return 0;
  }

  /** Add a note without checks; creates its cards (new) in `deck`. */
  addNote(input: { model: Model; deck: Deck; fields: string[]; tags?: string[]; id?: number; mod?: number }): Note {
    const values = input.model.fields.map((f) => (input.fields[f.ord] ?? '').normalize('NFC'));
    const id = input.id ?? this.newId();
    this.reserveId(id);
    const note: Note = {
      id,
      mid: input.model.id,
      fields: values,
      tags: this.canonifyTags(input.tags ?? []),
      mod: input.mod ?? this.nowSec(),
      usn: -1,
    };
    this.notes.set(note.id, note);
    let ords = cardOrdinals(input.model, values, note.tags);
    if (ords.length === 0) ords = [0];
    const cardIds: number[] = [];
    for (const ord of ords) {
      const card: Card = {
        id: this.newId(),
        nid: note.id,
        did: input.deck.id,
        odid: 0,
        ord,
        type: 0,
        queue: 0,
        due: this.nextPosition(),
        ivl: 0,
        factor: 0,
        reps: 0,
        lapses: 0,
        left: 0,
        mod: note.mod,
        flags: 0,
      };
      this.cards.set(card.id, card);
      cardIds.push(card.id);
    }
    this.noteCards.set(note.id, cardIds);
    return note;
  }

  /** Insert a fully-formed note and cards (used by the generator). */
  insertRaw(note: Note, cards: Card[]): void {
    this.notes.set(note.id, note);
    if (note.id > this.lastId) this.lastId = note.id;
    for (const t of note.tags) if (!this.tagRegistry.has(t.toLowerCase())) this.registerTag(t);
    const ids: number[] = [];
    for (const c of cards) {
      this.cards.set(c.id, c);
      if (c.id > this.lastId) this.lastId = c.id;
      ids.push(c.id);
      if (c.queue === 0 && c.due >= this.nextNewPos) this.nextNewPos = c.due + 1;
    }
    this.noteCards.set(note.id, ids);
  }

  /**
   * Set field values (by name, exact) on a note. Returns true if anything changed; bumps mod only then.
   * `strictMod` makes mod strictly increase (simulated edits in Anki).
   */
  setFields(note: Note, values: Record<string, string>, strictMod = false): boolean {
    const model = this.modelOf(note);
    let changed = false;
    for (const f of model.fields) {
      const v = values[f.name];
      if (v === undefined) continue;
      const nv = v.normalize('NFC');
      if (note.fields[f.ord] !== nv) {
        note.fields[f.ord] = nv;
        changed = true;
      }
    }
    if (changed) this.bumpNote(note, strictMod);
    return changed;
  }
  bumpNote(note: Note, strict = false): void {
    const now = this.nowSec();
    note.mod = strict ? Math.max(now, note.mod + 1) : Math.max(now, note.mod);
    note.usn = -1;
  }

  /** Remove notes and all their cards. Unknown ids ignored. */
  deleteNotes(ids: number[]): void {
    for (const id of ids) {
      const cardIds = this.noteCards.get(id) ?? [];
      for (const cid of cardIds) this.cards.delete(cid);
      this.noteCards.delete(id);
      this.notes.delete(id);
    }
  }
  /** Remove cards; notes left without cards are removed too. */
  removeCards(ids: number[]): void {
    const touched = new Set<number>();
    for (const id of ids) {
      const c = this.cards.get(id);
      if (!c) continue;
      this.cards.delete(id);
      touched.add(c.nid);
    }
    for (const nid of touched) {
      const left = (this.noteCards.get(nid) ?? []).filter((cid) => this.cards.has(cid));
      if (left.length === 0) this.deleteNotes([nid]);
      else this.noteCards.set(nid, left);
    }
  }

  // ---------- tags ----------
  /** Register a tag; returns its canonical spelling (existing tag's or existing parents' case). */
  registerTag(tag: string): string {
    const t = normalizeTag(tag);
    if (t === '') return '';
    const lower = t.toLowerCase();
    const existing = this.tagRegistry.get(lower);
    if (existing !== undefined) return existing;
    // adopt an existing parent's case
    const parts = t.split('::');
    let adjusted = t;
    for (let i = parts.length - 1; i >= 1; i--) {
      const prefixLower = parts.slice(0, i).join('::').toLowerCase();
      const spelled = this.prefixSpelling(prefixLower);
      if (spelled) {
        adjusted = [spelled, ...parts.slice(i)].join('::');
        break;
      }
    }
    this.tagRegistry.set(lower, adjusted);
    return adjusted;
  }
  private prefixSpelling(prefixLower: string): string | undefined {
    const depth = prefixLower.split('::').length;
    for (const spelled of this.tagRegistry.values()) {
      const parts = spelled.split('::');
      if (parts.length < depth) continue;
      const p = parts.slice(0, depth).join('::');
      if (p.toLowerCase() === prefixLower) return p;
    }
    return undefined;
  }
  /** Split on whitespace, register, dedupe case-insensitively and sort (Anki's canonify_tags). */
  canonifyTags(tags: string[]): string[] {
    const seen = new Map<string, string>();
    for (const raw of tags) {
      for (const piece of raw.split(/[\s\u3000]+/)) {
        const t = this.registerTag(piece);
        if (t !== '' && !seen.has(t.toLowerCase())) seen.set(t.toLowerCase(), t);
      }
    }
    return [...seen.values()].sort(compareTags);
  }
  /** Replace a note's tags; bumps mod if they changed. */
  setTags(note: Note, tags: string[], strictMod = false): boolean {
    const next = this.canonifyTags(tags);
    if (next.length === note.tags.length && next.every((t, i) => t === note.tags[i])) return false;
    note.tags = next;
    this.bumpNote(note, strictMod);
    return true;
  }
  allTags(): string[] {
    return [...this.tagRegistry.values()].sort(compareTags);
  }

  // ---------- search ----------
  /** Card ids matching an Anki search (throws `Invalid search: …`). */
  findCards(query: string): number[] {
    return searchCards(this, query);
  }
  /** Note ids matching an Anki search, ascending. */
  findNotes(query: string): number[] {
    return searchNotes(this, query);
  }

  /** A quick summary for logs and the CLI banner. */
  summary(): { notes: number; cards: number; decks: number } {
    return { notes: this.notes.size, cards: this.cards.size, decks: this.decks.size };
  }
}
