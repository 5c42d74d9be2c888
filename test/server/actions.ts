/**
 * AnkiConnect's request handler and actions, re-implemented over the in-memory Collection.
 * Error texts follow the real add-on (Python exceptions turned into strings).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Card, Collection, Deck, Note } from './collection';
import type { Model } from './models';
import { parseTemplate, referencedFields, TemplateSyntaxError } from '../../src/template';
import type { ParsedNode } from '../../src/template';
import { pyRepr, pyTypeName } from './pyjson';
import { SearchError } from './search';
import { normalizeTag, stripHtmlPreservingMedia } from './text';
import { deckConfigActions } from './deckConfig';

/** The add-on folder name that appears in some Python TypeErrors. */
const PACKAGE = '2055492159';

/** Actions that work while no profile/collection is open. */
const NO_COLLECTION_NEEDED = new Set(['version', 'requestPermission', 'apiReflect', 'getProfiles', 'getActiveProfile', 'loadProfile', 'multi']);

/** An exception that escapes the per-request try/except (aborts an enclosing multi). */
export class Uncaught extends Error {}

/**
 * Which add-on build to behave like. `current`: upstream `532a3c8` (Nov 2025). `2023`: a build from before 2024
 * (reference §3.3 "Older builds" and the version-drift table): no `notesModTime`, `notesInfo` without `mod` and
 * `profile` and without the `query` parameter (`notes` required), none of the actions added in 2024–2025, no
 * `nextReviews`/`flags` in `cardsInfo`, `addNotes` answering `[id, null, …]` without rollback, and the
 * plain-text version banner.
 */
export type AddonBuild = 'current' | '2023';
export const ADDON_BUILDS: readonly AddonBuild[] = ['current', '2023'];

/** Actions a 2023 build does not have (added Jan 2024 – Feb 2025). */
const ADDED_SINCE_2024 = new Set([
  'notesModTime',
  'canAddNotesWithErrorDetail',
  'canAddNoteWithErrorDetail',
  'findModelsById',
  'findModelsByName',
  'guiSelectNote',
  'guiSelectCard',
  'updateNoteModel',
  'getActiveProfile',
  'setDueDate',
]);

export interface DispatchConfig {
  apiKey: string | null;
  addon: AddonBuild;
  /** origins silently denied by requestPermission */
  ignoreOrigins: string[];
}

export interface DispatchHooks {
  /** called for every (sub-)request that reaches the dispatcher */
  onAction?: (action: string) => void;
  /** returns a forced failure for the entry of the current multi, if one is armed */
  takeMultiFailure?: () => { index: number; message: string } | undefined;
}

type Params = Record<string, unknown>;
interface ActionDef {
  required: string[];
  optional: string[];
  run: (p: Params) => unknown;
}

/** Python's str() of a value in messages like `Note was not found: 123`. */
function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getKey(obj: unknown, key: string): unknown {
  if (!isDict(obj)) {
    if (Array.isArray(obj)) throw new Error('list indices must be integers or slices, not str');
    throw new Error(`'${pyTypeName(obj)}' object is not subscriptable`);
  }
  if (!(key in obj)) throw new Error(pyRepr(key));
  return obj[key];
}

function iter(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return Object.keys(v);
  throw new Error(`'${pyTypeName(v)}' object is not iterable`);
}

function asId(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * An id handed to Anki's backend (get_note/get_card): anything but an int fails with protobuf's TypeError
 * (not a "not found"), which aborts the whole action — e.g. ids sent as strings.
 */
function backendId(v: unknown): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new Error(`${pyRepr(v)} has type ${pyTypeName(v)}, but expected one of: int`);
}

function asString(v: unknown): string {
  if (typeof v !== 'string') throw new Error('bad argument type for built-in operation');
  return v;
}

function typeErrorMissing(action: string, names: string[]): Error {
  const quoted = names.map((n) => `'${n}'`);
  let list: string;
  if (quoted.length === 1) list = quoted[0] as string;
  else if (quoted.length === 2) list = `${quoted[0]} and ${quoted[1]}`;
  else list = `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
  const plural = names.length === 1 ? 'argument' : 'arguments';
  return new Error(`AnkiConnect.${action}() missing ${names.length} required positional ${plural}: ${list}`);
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** The AnkiConnect add-on's dispatcher bound to one collection. */
export class AnkiConnect {
  readonly actions: Record<string, ActionDef>;
  /** in-memory media folder */
  readonly media = new Map<string, Buffer>();

  constructor(
    readonly col: Collection,
    readonly config: DispatchConfig,
    readonly hooks: DispatchHooks = {},
  ) {
    this.actions = this.defineActions();
  }

  /** Names of the available actions (alphabetical), as apiReflect lists them. */
  actionNames(): string[] {
    return Object.keys(this.actions)
      .filter((n) => this.hasAction(n))
      .sort();
  }

  private get old(): boolean {
    return this.config.addon === '2023';
  }

  /** Whether this build has the action (the 2023 build lacks those added since 2024). */
  private hasAction(name: string): boolean {
    return !(this.old && ADDED_SINCE_2024.has(name));
  }

  /**
   * The add-on's `handler(request)`: returns the reply value (bare result for version ≤ 4,
   * `{result, error}` otherwise; errors always enveloped). Throws Uncaught for errors Python would not catch.
   */
  handle(request: unknown): unknown {
    if (!isDict(request)) throw new Uncaught(`'${pyTypeName(request)}' object has no attribute 'get'`);
    const action = 'action' in request ? request.action : '';
    const version = 'version' in request ? request.version : 4;
    const params = 'params' in request ? request.params : {};
    const key = 'key' in request ? request.key : null;
    let result: unknown = null;
    let error: string | null = null;
    try {
      if (key !== this.config.apiKey && action !== 'requestPermission') throw new Error('valid api key must be provided');
      const name = typeof action === 'string' ? action : '';
      const def = Object.prototype.hasOwnProperty.call(this.actions, name) ? this.actions[name] : undefined;
      if (!def || !this.hasAction(name)) throw new Error('unsupported action');
      this.hooks.onAction?.(name);
      if (!isDict(params)) {
        throw new Error(`${PACKAGE}.AnkiConnect.${name}() argument after ** must be a mapping, not ${pyTypeName(params)}`);
      }
      const allowed = new Set([...def.required, ...def.optional]);
      for (const k of Object.keys(params)) {
        if (!allowed.has(k)) throw new Error(`AnkiConnect.${name}() got an unexpected keyword argument '${k}'`);
      }
      const missing = def.required.filter((k) => !(k in params));
      if (missing.length > 0) throw typeErrorMissing(name, missing);
      if (!this.col.available && !NO_COLLECTION_NEEDED.has(name)) throw new Error('collection is not available');
      result = def.run(params);
      if (result === undefined) result = null;
    } catch (e) {
      if (e instanceof Uncaught) throw e;
      error = e instanceof Error ? e.message : String(e);
    }
    if (error !== null) return { result: null, error };
    // format_success_reply runs inside the add-on's try: a non-numeric version turns a success into an error
    if (typeof version !== 'number' && typeof version !== 'boolean') {
      return { result: null, error: `'<=' not supported between instances of '${pyTypeName(version)}' and 'int'` };
    }
    return Number(version) <= 4 ? result : { result, error: null };
  }

  // ---------- helpers over the collection ----------
  private getNote(id: unknown): Note {
    const n = this.col.getNote(backendId(id));
    if (!n) throw new Error(`Note was not found: ${pyStr(id)}`);
    return n;
  }
  private modelByName(name: unknown): Model {
    const m = typeof name === 'string' ? this.col.modelByName(name) : undefined;
    if (!m) throw new Error(`model was not found: ${pyStr(name)}`);
    return m;
  }
  private fieldsInfo(note: Note): Record<string, { value: string; order: number }> {
    const out: Record<string, { value: string; order: number }> = {};
    for (const f of this.col.modelOf(note).fields) out[f.name] = { value: note.fields[f.ord] ?? '', order: f.ord };
    return out;
  }
  private findCards(query: unknown): number[] {
    if (query === null || query === undefined) return [];
    if (typeof query !== 'string') throw new SearchError('please check your input.');
    return this.col.findCards(query);
  }
  private findNotes(query: unknown): number[] {
    if (query === null || query === undefined) return [];
    if (typeof query !== 'string') throw new SearchError('please check your input.');
    return this.col.findNotes(query);
  }
  private tagRemover(tags: string): (tag: string) => boolean {
    const res = tags
      .split(/\s+/)
      .filter((t) => t !== '')
      .map((t) => {
        const src = [...t]
          .map((ch) => (ch === '*' ? '\\S*' : ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')))
          .join('');
        return new RegExp(`^${src}(?:::.*)?$`, 'iu');
      });
    return (tag) => res.some((re) => re.test(tag));
  }
  private bulkAddTags(noteIds: unknown, tags: unknown): void {
    const list = iter(noteIds);
    const tagStr = asString(tags);
    for (const id of list) {
      const n = asId(id) !== undefined ? this.col.getNote(id as number) : undefined;
      if (!n) continue;
      this.col.setTags(n, [...n.tags, tagStr]);
    }
  }
  private bulkRemoveTags(noteIds: unknown, tags: unknown): void {
    const list = iter(noteIds);
    const remove = this.tagRemover(asString(tags));
    for (const id of list) {
      const n = asId(id) !== undefined ? this.col.getNote(id as number) : undefined;
      if (!n) continue;
      this.col.setTags(
        n,
        n.tags.filter((t) => !remove(t)),
      );
    }
  }

  /** Store a media object; returns the stored name or throws with the reason. */
  private storeMedia(obj: Params, deleteExisting: boolean): string | null {
    const filename = String(getKey(obj, 'filename'));
    let data: Buffer;
    if (typeof obj.data === 'string' && obj.data !== '') data = Buffer.from(obj.data, 'base64');
    else if (typeof obj.path === 'string' && obj.path !== '') data = readFileSync(obj.path);
    else if (typeof obj.url === 'string' && obj.url !== '') throw new Error(`${obj.url} download failed with return code 404`);
    else throw new Error('You must provide a "data", "path", or "url" field.');
    if (typeof obj.skipHash === 'string' && createHash('md5').update(data).digest('hex') === obj.skipHash) return null;
    const base = filename.split(/[\\/]/).pop()?.normalize('NFC') ?? filename;
    const existing = this.media.get(base);
    if (existing && !deleteExisting && !existing.equals(data)) {
      const hash = createHash('sha1').update(data).digest('hex').slice(0, 8);
      const dot = base.lastIndexOf('.');
      const renamed = dot > 0 ? `${base.slice(0, dot)}-${hash}${base.slice(dot)}` : `${base}-${hash}`;
      this.media.set(renamed, data);
      return renamed;
    }
    this.media.set(base, data);
    return base;
  }
  /** addMediaFromNote: append media references (or the error text) to the listed fields. */
  private addMediaToFields(values: Map<string, string>, note: Params): void {
    for (const kind of ['audio', 'video', 'picture'] as const) {
      if (!(kind in note)) continue;
      const raw = note[kind];
      const objs = Array.isArray(raw) ? raw : [raw];
      for (const o of objs) {
        if (!isDict(o)) continue;
        const targets = 'fields' in o ? iter(o.fields).map(String) : undefined;
        let text: string;
        try {
          const stored = this.storeMedia(o, false);
          if (stored === null) continue;
          text = kind === 'picture' ? `<img src="${stored}">` : `[sound:${stored}]`;
        } catch (e) {
          if (targets === undefined) throw new Error(pyRepr('fields'));
          text = htmlEscape(e instanceof Error ? e.message : String(e));
        }
        for (const t of targets ?? []) {
          for (const [name, value] of values) if (name === t) values.set(name, value + text);
        }
      }
    }
  }

  /** AnkiConnect's createNote + duplicate checks; returns what addNote needs. */
  private createNote(note: unknown): { model: Model; deck: Deck; fields: string[]; tags: string[] } {
    const model = this.modelByName(getKey(note, 'modelName'));
    const deckName = getKey(note, 'deckName');
    const deck = typeof deckName === 'string' ? this.col.deckByName(deckName) : undefined;
    if (!deck) throw new Error(`deck was not found: ${pyStr(deckName)}`);
    const n = note as Params;
    let tags: string[] = [];
    if ('tags' in n) {
      const t = n.tags;
      tags = typeof t === 'string' ? [...t] : iter(t).map((x) => asString(x));
    }
    const values = new Map<string, string>(model.fields.map((f) => [f.name, '']));
    const given = getKey(note, 'fields');
    if (!isDict(given)) throw new Error(`'${pyTypeName(given)}' object has no attribute 'items'`);
    for (const [name, value] of Object.entries(given)) {
      for (const f of model.fields) {
        if (name.toLowerCase() === f.name.toLowerCase()) {
          values.set(f.name, asString(value));
          break;
        }
      }
    }
    this.addMediaToFields(values, n);
    let allowDuplicate = false;
    let duplicateScope: unknown = null;
    let scopeDeckName: unknown = null;
    let checkChildren = false;
    let checkAllModels = false;
    if ('options' in n) {
      const options = n.options;
      if (isDict(options)) {
        if ('allowDuplicate' in options) {
          if (typeof options.allowDuplicate !== 'boolean') throw new Error('option parameter "allowDuplicate" must be boolean');
          allowDuplicate = options.allowDuplicate;
        }
        if ('duplicateScope' in options) duplicateScope = options.duplicateScope;
        const so = options.duplicateScopeOptions;
        if (isDict(so)) {
          if ('deckName' in so) scopeDeckName = so.deckName;
          if ('checkChildren' in so) {
            if (typeof so.checkChildren !== 'boolean') throw new Error('option parameter "duplicateScopeOptions.checkChildren" must be boolean');
            checkChildren = so.checkChildren;
          }
          if ('checkAllModels' in so) {
            if (typeof so.checkAllModels !== 'boolean') throw new Error('option parameter "duplicateScopeOptions.checkAllModels" must be boolean');
            checkAllModels = so.checkAllModels;
          }
        }
      }
    }
    const fieldValues = model.fields.map((f) => (values.get(f.name) ?? '').normalize('NFC'));
    const state = this.duplicateOrEmpty(model, deck, fieldValues, duplicateScope, scopeDeckName, checkChildren, checkAllModels);
    if (state === 1) throw new Error('cannot create note because it is empty');
    if (state === 2 && !allowDuplicate) throw new Error('cannot create note because it is a duplicate');
    if (state !== 0 && state !== 2) throw new Error('cannot create note for unknown reason');
    return { model, deck, fields: fieldValues, tags };
  }

  private duplicateOrEmpty(
    model: Model,
    deck: Deck,
    values: string[],
    scope: unknown,
    scopeDeckName: unknown,
    checkChildren: boolean,
    checkAllModels: boolean,
  ): number {
    if (scope !== 'deck' && !checkAllModels) return this.col.fieldsCheck(model, values);
    const first = values[0] ?? '';
    if (first.trim() === '') return 1;
    const key = stripHtmlPreservingMedia(first);
    let dids: Set<number> | null = null;
    if (scope === 'deck') {
      let target: Deck | undefined = deck;
      if (scopeDeckName !== null && scopeDeckName !== undefined) {
        target = typeof scopeDeckName === 'string' ? this.col.deckByName(scopeDeckName) : undefined;
        if (!target) return 0;
      }
      dids = new Set(checkChildren ? this.col.deckAndChildrenIds(target) : [target.id]);
    }
    for (const other of this.col.notes.values()) {
      if (!checkAllModels && other.mid !== model.id) continue;
      if (stripHtmlPreservingMedia(other.fields[0] ?? '') !== key) continue;
      if (dids === null) return 2;
      if (this.col.cardsOf(other.id).some((c) => (dids as Set<number>).has(c.did))) return 2;
    }
    return 0;
  }

  private addNote(note: unknown): number {
    const spec = this.createNote(note);
    return this.col.addNote(spec).id;
  }

  private cardInfo(card: Card): Record<string, unknown> {
    const note = this.col.getNote(card.nid) as Note;
    const model = this.col.modelOf(note);
    const { question, answer } = this.col.renderCard(card);
    return {
      cardId: card.id,
      fields: this.fieldsInfo(note),
      fieldOrder: card.ord,
      question,
      answer,
      modelName: model.name,
      ord: card.ord,
      deckName: this.col.deckById(card.did)?.name ?? 'Default',
      css: model.css,
      factor: card.factor,
      interval: card.ivl,
      note: card.nid,
      type: card.type,
      queue: card.queue,
      due: card.due,
      reps: card.reps,
      lapses: card.lapses,
      left: card.left,
      mod: card.mod,
      // nextReviews since Jun 2024, flags since Nov 2024
      ...(this.old ? {} : { nextReviews: nextReviews(card), flags: card.flags }),
    };
  }

  /** getDeckConfig, saveDeckConfig, setDeckConfigId, cloneDeckConfigId, removeDeckConfigId (deckConfig.ts). */
  private deckConfigDefs(a: (required: string[], optional: string[], run: (p: Params) => unknown) => ActionDef): Record<string, ActionDef> {
    const run = deckConfigActions(this.col, () => this.col.deckConfigs);
    const sig: Record<string, [string[], string[]]> = {
      getDeckConfig: [['deck'], []],
      saveDeckConfig: [['config'], []],
      setDeckConfigId: [['decks', 'configId'], []],
      cloneDeckConfigId: [['name'], ['cloneFrom']],
      removeDeckConfigId: [['configId'], []],
    };
    const out: Record<string, ActionDef> = {};
    for (const [name, [req, opt]] of Object.entries(sig)) out[name] = a(req, opt, run[name] as (p: Params) => unknown);
    return out;
  }

  private defineActions(): Record<string, ActionDef> {
    const col = this.col;
    const a = (required: string[], optional: string[], run: (p: Params) => unknown): ActionDef => ({ required, optional, run });
    return {
      // ----- misc -----
      version: a([], [], () => 6),
      requestPermission: a(['origin', 'allowed'], [], (p) => {
        if (p.allowed) return { permission: 'granted', requireApikey: this.config.apiKey !== null && this.config.apiKey !== '', version: 6 };
        return { permission: 'denied' };
      }),
      apiReflect: a([], ['scopes', 'actions'], (p) => {
        const scopes = p.scopes ?? null;
        const actions = p.actions ?? null;
        if (!Array.isArray(scopes)) throw new Error('scopes has invalid value');
        if (!(actions === null || Array.isArray(actions))) throw new Error('actions has invalid value');
        const result: Record<string, unknown> = { scopes: [] as string[] };
        if (scopes.includes('actions')) {
          const names = this.actionNames();
          const available = new Set(names);
          const picked = actions === null ? names : actions.filter((x): x is string => typeof x === 'string' && available.has(x));
          (result.scopes as string[]).push('actions');
          result.actions = picked;
        }
        return result;
      }),
      sync: a([], [], () => {
        throw new Error('sync: auth not configured');
      }),
      getProfiles: a([], [], () => [...col.profiles]),
      getActiveProfile: a([], [], () => col.profile),
      loadProfile: a(['name'], [], (p) => col.profiles.includes(String(p.name))),
      reloadCollection: a([], [], () => null),
      multi: a(['actions'], [], (p) => {
        const list = iter(p.actions);
        const forced = this.hooks.takeMultiFailure?.();
        return list.map((entry, i) => {
          if (forced && forced.index === i) return { result: null, error: forced.message };
          return this.handle(entry);
        });
      }),
      // ----- decks -----
      deckNames: a([], [], () => col.deckNames()),
      deckNamesAndIds: a([], [], () => {
        const out: Record<string, number> = {};
        for (const name of col.deckNames()) out[name] = (col.deckByName(name) as Deck).id;
        return out;
      }),
      getDecks: a(['cards'], [], (p) => {
        const out: Record<string, number[]> = {};
        for (const id of iter(p.cards)) {
          const card = asId(id) !== undefined ? col.getCard(id as number) : undefined;
          const name = card ? (col.deckById(card.did)?.name ?? 'Default') : 'Default';
          (out[name] ??= []).push(id as number);
        }
        return out;
      }),
      createDeck: a(['deck'], [], (p) => col.ensureDeck(asString(p.deck)).id),
      changeDeck: a(['cards', 'deck'], [], (p) => {
        const deck = col.ensureDeck(asString(p.deck));
        const now = col.nowSec();
        for (const id of iter(p.cards)) {
          const card = asId(id) !== undefined ? col.getCard(id as number) : undefined;
          if (!card) continue;
          card.did = deck.id;
          card.odid = 0;
          card.mod = now;
        }
        return null;
      }),
      deleteDecks: a(['decks'], ['cardsToo'], (p) => {
        if (!p.cardsToo) throw new Error("Since Anki 2.1.28 it's not possible to delete decks without deleting cards as well");
        const names = new Set(col.deckNames());
        for (const name of iter(p.decks)) {
          if (typeof name !== 'string' || !names.has(name)) continue;
          const deck = col.deckByName(name);
          if (deck) col.deleteDeck(deck);
        }
        return null;
      }),
      ...this.deckConfigDefs(a),
      deckNameFromId: a(['deckId'], [], (p) => {
        const d = asId(p.deckId) !== undefined ? col.deckById(p.deckId as number) : undefined;
        return (d ?? col.deckById(1))?.name ?? 'Default';
      }),
      // ----- notes -----
      findNotes: a([], ['query'], (p) => this.findNotes(p.query)),
      findCards: a([], ['query'], (p) => this.findCards(p.query)),
      // 2023: `def notesInfo(self, notes)` — no `query` (Nov 2024), no `profile` (Jul 2024), no `mod` (Jun 2024)
      notesInfo: a(this.old ? ['notes'] : [], this.old ? [] : ['notes', 'query'], (p) => {
        const notes = p.notes ?? null;
        const query = p.query ?? null;
        if (notes === null && query === null) throw new Error('Must provide either "notes" or a "query"');
        const ids = query !== null ? this.findNotes(query) : iter(notes);
        return ids.map((id) => {
          const n = col.getNote(backendId(id));
          if (!n) return {};
          if (this.old) {
            return { noteId: n.id, tags: [...n.tags], fields: this.fieldsInfo(n), modelName: col.modelOf(n).name, cards: col.cardsOf(n.id).map((c) => c.id) };
          }
          return {
            noteId: n.id,
            profile: col.profile,
            tags: [...n.tags],
            fields: this.fieldsInfo(n),
            modelName: col.modelOf(n).name,
            mod: n.mod,
            cards: col.cardsOf(n.id).map((c) => c.id),
          };
        });
      }),
      notesModTime: a(['notes'], [], (p) =>
        iter(p.notes).map((id) => {
          const n = col.getNote(backendId(id));
          return n ? { noteId: n.id, mod: n.mod } : {};
        }),
      ),
      cardsInfo: a(['cards'], [], (p) =>
        iter(p.cards).map((id) => {
          const c = col.getCard(backendId(id));
          return c ? this.cardInfo(c) : {};
        }),
      ),
      cardsModTime: a(['cards'], [], (p) =>
        iter(p.cards).map((id) => {
          const c = col.getCard(backendId(id));
          return c ? { cardId: c.id, mod: c.mod } : {};
        }),
      ),
      cardsToNotes: a(['cards'], [], (p) => {
        const out = new Set<number>();
        for (const id of iter(p.cards)) {
          const c = asId(id) !== undefined ? col.getCard(id as number) : undefined;
          if (c) out.add(c.nid);
        }
        return [...out];
      }),
      updateNoteFields: a(['note'], [], (p) => {
        const note = p.note;
        const n = this.getNote(getKey(note, 'id'));
        const fields = getKey(note, 'fields');
        if (!isDict(fields)) throw new Error(`'${pyTypeName(fields)}' object has no attribute 'items'`);
        const model = col.modelOf(n);
        const values = new Map<string, string>();
        for (const f of model.fields) values.set(f.name, n.fields[f.ord] ?? '');
        for (const [name, value] of Object.entries(fields)) {
          if (values.has(name)) values.set(name, asString(value));
        }
        this.addMediaToFields(values, note as Params);
        if (col.browserNoteId === n.id) return null; // issue #82: the open editor overwrites the change
        col.setFields(n, Object.fromEntries(values));
        return null;
      }),
      updateNote: a(['note'], [], (p) => {
        const note = p.note;
        if (!isDict(note)) throw new Error(`'${pyTypeName(note)}' object has no attribute 'keys'`);
        let updated = false;
        if ('fields' in note) {
          this.actions.updateNoteFields?.run({ note });
          updated = true;
        }
        if ('tags' in note) {
          this.actions.updateNoteTags?.run({ note: getKey(note, 'id'), tags: note.tags });
          updated = true;
        }
        if (!updated) throw new Error('Must provide a "fields" or "tags" property.');
        return null;
      }),
      updateNoteTags: a(['note', 'tags'], [], (p) => {
        let tags = p.tags;
        if (typeof tags === 'string') tags = [tags];
        if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new Error('Must provide tags as a list of strings');
        const n = this.getNote(p.note);
        // remove each old tag (with children, case-insensitive), then add each new one: every step bumps mod
        const old = [...n.tags];
        for (const t of old) this.bulkRemoveTags([n.id], t);
        for (const t of tags as string[]) this.bulkAddTags([n.id], t);
        if (old.length > 0 || (tags as string[]).some((t) => normalizeTag(t) !== '')) col.bumpNote(n);
        return null;
      }),
      getNoteTags: a(['note'], [], (p) => [...this.getNote(p.note).tags]),
      addTags: a(['notes', 'tags'], ['add'], (p) => {
        if (p.add === undefined || p.add) this.bulkAddTags(p.notes, p.tags);
        else this.bulkRemoveTags(p.notes, p.tags);
        return null;
      }),
      removeTags: a(['notes', 'tags'], [], (p) => {
        this.bulkRemoveTags(p.notes, p.tags);
        return null;
      }),
      getTags: a([], [], () => col.allTags()),
      clearUnusedTags: a([], [], () => {
        const used = new Set<string>();
        for (const n of col.notes.values()) for (const t of n.tags) used.add(t.toLowerCase());
        for (const k of [...col.tagRegistry.keys()]) if (!used.has(k)) col.tagRegistry.delete(k);
        return null;
      }),
      replaceTags: a(['notes', 'tag_to_replace', 'replace_with_tag'], [], (p) => {
        const from = asString(p.tag_to_replace).toLowerCase();
        const to = asString(p.replace_with_tag);
        for (const id of iter(p.notes)) {
          const n = asId(id) !== undefined ? col.getNote(id as number) : undefined;
          if (n && n.tags.some((t) => t.toLowerCase() === from)) col.setTags(n, n.tags.map((t) => (t.toLowerCase() === from ? to : t)));
        }
        return null;
      }),
      replaceTagsInAllNotes: a(['tag_to_replace', 'replace_with_tag'], [], (p) => {
        const from = asString(p.tag_to_replace).toLowerCase();
        const to = asString(p.replace_with_tag);
        for (const n of [...col.notes.values()]) {
          if (n.tags.some((t) => t.toLowerCase() === from)) col.setTags(n, [...n.tags.filter((t) => t.toLowerCase() !== from), to]);
        }
        return null;
      }),
      addNote: a(['note'], [], (p) => this.addNote(p.note)),
      addNotes: a(['notes'], [], (p) => {
        if (this.old) {
          // before Jun 2024: one entry per note, null for a failed one, nothing rolled back
          return iter(p.notes).map((note) => {
            try {
              return this.addNote(note);
            } catch {
              return null;
            }
          });
        }
        const added: number[] = [];
        const errors: string[] = [];
        for (const note of iter(p.notes)) {
          try {
            added.push(this.addNote(note));
          } catch (e) {
            errors.push(e instanceof Error ? e.message : String(e));
          }
        }
        if (errors.length > 0) {
          col.deleteNotes(added);
          throw new Error(pyRepr(errors));
        }
        return added;
      }),
      canAddNote: a(['note'], [], (p) => {
        try {
          this.createNote(p.note);
          return true;
        } catch {
          return false;
        }
      }),
      canAddNoteWithErrorDetail: a(['note'], [], (p) => this.canAddDetail(p.note)),
      canAddNotes: a(['notes'], [], (p) =>
        iter(p.notes).map((note) => {
          try {
            this.createNote(note);
            return true;
          } catch {
            return false;
          }
        }),
      ),
      canAddNotesWithErrorDetail: a(['notes'], [], (p) => iter(p.notes).map((note) => this.canAddDetail(note))),
      deleteNotes: a(['notes'], [], (p) => {
        col.deleteNotes(iter(p.notes).filter((x): x is number => asId(x) !== undefined));
        return null;
      }),
      // ----- cards -----
      suspend: a(['cards'], ['suspend'], (p) => {
        const suspend = p.suspend === undefined ? true : Boolean(p.suspend);
        const cards = iter(p.cards).map((id) => {
          const c = asId(id) !== undefined ? col.getCard(id as number) : undefined;
          if (!c) throw new Error(`Card was not found: ${pyStr(id)}`);
          return c;
        });
        const todo = cards.filter((c) => (c.queue === -1) !== suspend);
        if (todo.length === 0) return false;
        for (const c of todo) {
          c.queue = suspend ? -1 : c.type === 3 ? 1 : c.type;
          c.mod = col.nowSec();
        }
        return true;
      }),
      unsuspend: a(['cards'], [], (p) => this.actions.suspend?.run({ cards: p.cards, suspend: false })),
      areSuspended: a(['cards'], [], (p) =>
        iter(p.cards).map((id) => {
          const c = asId(id) !== undefined ? col.getCard(id as number) : undefined;
          return c ? c.queue === -1 : null;
        }),
      ),
      // ----- models -----
      modelNames: a([], [], () => col.modelNames()),
      modelNamesAndIds: a([], [], () => {
        const out: Record<string, number> = {};
        for (const name of col.modelNames()) out[name] = (col.modelByName(name) as Model).id;
        return out;
      }),
      modelNameFromId: a(['modelId'], [], (p) => {
        const m = asId(p.modelId) !== undefined ? col.models.get(p.modelId as number) : undefined;
        if (!m) throw new Error(`model was not found: ${pyStr(p.modelId)}`);
        return m.name;
      }),
      modelFieldNames: a(['modelName'], [], (p) => this.modelByName(p.modelName).fields.map((f) => f.name)),
      modelFieldsOnTemplates: a(['modelName'], [], (p) => {
        const m = this.modelByName(p.modelName);
        const out: Record<string, string[][]> = {};
        for (const t of m.templates) {
          // like the add-on: crude regex, no de-duplication; the back side skips fields already on the front
          const front: string[] = [];
          const back: string[] = [];
          for (const [fmt, list] of [[t.qfmt, front], [t.afmt, back]] as const) {
            for (const match of fmt.matchAll(/\{\{[^#/}]+?\}\}/g)) {
              const name = match[0].replace(/[{}]/g, '').split(':').pop() as string;
              if (name === 'FrontSide' || (list === back && front.includes(name))) continue;
              list.push(name);
            }
          }
          out[t.name] = [front, back];
        }
        return out;
      }),
      modelTemplates: a(['modelName'], [], (p) => {
        const m = this.modelByName(p.modelName);
        const out: Record<string, { Front: string; Back: string }> = {};
        for (const t of m.templates) out[t.name] = { Front: t.qfmt, Back: t.afmt };
        return out;
      }),
      modelStyling: a(['modelName'], [], (p) => ({ css: this.modelByName(p.modelName).css })),
      createModel: a(['modelName', 'inOrderFields', 'cardTemplates'], ['css', 'isCloze'], (p) => modelObject(this.createModel(p))),
      findModelsByName: a(['modelNames'], [], (p) =>
        iter(p.modelNames).map((name) => {
          const m = typeof name === 'string' ? col.modelByName(name) : undefined;
          if (!m) throw new Error(`model was not found: ${pyStr(name)}`);
          return modelObject(m);
        }),
      ),
      findModelsById: a(['modelIds'], [], (p) =>
        iter(p.modelIds).map((id) => {
          const m = asId(id) !== undefined ? col.models.get(id as number) : undefined;
          if (!m) throw new Error(`model was not found: ${pyStr(id)}`);
          return modelObject(m);
        }),
      ),
      updateNoteModel: a(['note'], [], (p) => {
        const note = p.note;
        if (!isDict(note)) throw new Error(`'${pyTypeName(note)}' object has no attribute 'get'`);
        if (note.id === undefined || note.id === null) throw new Error('Note ID is required');
        if (note.modelName === undefined || note.modelName === null || note.modelName === '') throw new Error('Model name is required');
        if (!isDict(note.fields) || Object.keys(note.fields).length === 0) throw new Error('Fields must be provided as a dictionary');
        const n = this.getNote(note.id);
        const m = typeof note.modelName === 'string' ? col.modelByName(note.modelName) : undefined;
        if (!m) throw new Error(`Model '${pyStr(note.modelName)}' not found`);
        const values = m.fields.map(() => '');
        for (const [name, value] of Object.entries(note.fields)) {
          const f = m.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
          if (f) values[f.ord] = asString(value).normalize('NFC');
        }
        n.mid = m.id;
        n.fields = values;
        n.tags = col.canonifyTags(iter(note.tags ?? []).map((t) => asString(t)));
        col.bumpNote(n);
        return null;
      }),
      // ----- media -----
      storeMediaFile: a(['filename'], ['data', 'path', 'url', 'skipHash', 'deleteExisting'], (p) =>
        this.storeMedia(p, p.deleteExisting === undefined ? true : Boolean(p.deleteExisting)),
      ),
      retrieveMediaFile: a(['filename'], [], (p) => {
        // basename, NFC, characters Anki's media folder cannot hold stripped (reference §3.6)
        // eslint-disable-next-line no-control-regex
        const base = (String(p.filename).split(/[\\/]/).pop() ?? '').normalize('NFC').replace(/[[\]<>:"?*^|\x00-\x1f]/g, '');
        const data = this.media.get(base);
        return data ? data.toString('base64') : false;
      }),
      getMediaFilesNames: a([], ['pattern'], (p) => {
        const pattern = typeof p.pattern === 'string' ? p.pattern : '*';
        const re = globRegExp(pattern);
        return [...this.media.keys()].filter((n) => re.test(n)).sort();
      }),
      deleteMediaFile: a(['filename'], [], (p) => {
        this.media.delete(String(p.filename));
        return null;
      }),
      getMediaDirPath: a([], [], () => '/tmp/anki-test-server/User 1/collection.media'),
      // ----- gui -----
      guiBrowse: a([], ['query', 'reorderCards'], (p) => {
        if (p.reorderCards !== undefined && p.reorderCards !== null && !isDict(p.reorderCards)) {
          throw new Error(`reorderCards should be a dict: ${pyRepr(p.reorderCards)}`);
        }
        if (p.query === undefined || p.query === null) return [];
        col.lastGuiBrowse = String(p.query);
        return this.findCards(p.query);
      }),
      guiSelectedNotes: a([], [], () => (col.browserNoteId !== null && col.getNote(col.browserNoteId) ? [col.browserNoteId] : [])),
      guiSelectCard: a(['card'], [], () => col.browserNoteId !== null),
      guiSelectNote: a(['note'], [], () => col.browserNoteId !== null),
      guiEditNote: a(['note'], [], (p) => {
        if (asId(p.note) === undefined || !col.getNote(p.note as number)) throw new Error('Note not found.');
        return null;
      }),
    };
  }

  /** AnkiConnect's createModel, then Anki's own note-type checks (rslib notetype/mod.rs check_templates). */
  private createModel(p: Params): Model {
    const fieldsIn = iter(p.inOrderFields);
    const cardsIn = iter(p.cardTemplates);
    if (fieldsIn.length === 0) throw new Error('Must provide at least one field for inOrderFields');
    if (cardsIn.length === 0) throw new Error('Must provide at least one card for cardTemplates');
    if (this.col.modelNames().includes(p.modelName as string)) throw new Error('Model name already exists');
    const name = asString(p.modelName).replace(/"/g, '').normalize('NFC');
    if (name === '') throw new Error('Empty notetype name');
    const templates = cardsIn.map((c, i) => {
      const front = getKey(c, 'Front');
      const back = getKey(c, 'Back');
      const tname = isDict(c) && 'Name' in c ? asString(c.Name) : `Card ${i + 1}`;
      return { name: tname.normalize('NFC'), qfmt: asString(front), afmt: asString(back) };
    });
    const fieldNames = fieldsIn.map((f) => asString(f).normalize('NFC'));
    const isCloze = p.isCloze === true;
    const problem = checkTemplates(name, fieldNames, templates, isCloze);
    if (problem) throw new Error(problem);
    const model: Model = {
      id: this.col.newId(),
      name,
      type: isCloze ? 1 : 0,
      fields: fieldNames.map((n, ord) => ({ name: n, ord })),
      templates,
      css: typeof p.css === 'string' ? p.css : DEFAULT_MODEL_CSS,
      sortf: 0,
      mod: this.col.nowSec(),
    };
    this.col.models.set(model.id, model);
    return model;
  }

  private canAddDetail(note: unknown): { canAdd: boolean; error?: string } {
    try {
      this.createNote(note);
      return { canAdd: true };
    } catch (e) {
      return { canAdd: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
}

/** The CSS Anki gives a new note type (`mm.new`). */
const DEFAULT_MODEL_CSS = `.card {
    font-family: arial;
    font-size: 20px;
    line-height: 1.5;
    text-align: center;
    color: black;
    background-color: white;
}
`;

const SPECIAL_FIELDS = new Set(['FrontSide', 'Card', 'CardFlag', 'Deck', 'Subdeck', 'Tags', 'Type', 'CardID']);

/** Anki's check_templates: fronts unique, parseable, with a field, no unknown field; cloze filter on cloze types. */
function checkTemplates(name: string, fieldNames: string[], templates: Array<{ qfmt: string; afmt: string }>, isCloze: boolean): string | undefined {
  const header = (ord: number): string => `Card template ${ord + 1} in note type '${name}' has a problem.<br>`;
  const seen = new Map<string, number>();
  for (const [i, t] of templates.entries()) {
    const old = seen.get(t.qfmt);
    if (old === undefined) seen.set(t.qfmt, i);
    else if (!/\{\{\s*Card\s*\}\}/.test(t.qfmt)) return `${header(i)}The front side is identical to card template ${old + 1}.`;
  }
  const parsed: Array<[ParsedNode[], ParsedNode[]]> = [];
  for (const [i, t] of templates.entries()) {
    let q: ParsedNode[];
    let a: ParsedNode[];
    try {
      q = parseTemplate(t.qfmt);
      a = parseTemplate(t.afmt);
    } catch (e) {
      if (e instanceof TemplateSyntaxError) return `${header(i)}See the preview for more information.`;
      throw e;
    }
    const qFields = referencedFields(q, { withConditionals: true });
    if (qFields.size === 0) return `${header(i)}Expected to find a field replacement on the front of the card template.`;
    for (const f of [...qFields, ...referencedFields(a, { withConditionals: true })]) {
      if (f !== '' && !SPECIAL_FIELDS.has(f) && !fieldNames.includes(f)) return `${header(i)}Field '${f}' not found.`;
    }
    parsed.push([q, a]);
  }
  const first = parsed[0];
  const hasCloze = (nodes: ParsedNode[]): boolean => referencedFields(nodes, { clozeOnly: true }).size > 0;
  if (isCloze && (!first || !hasCloze(first[0]) || !hasCloze(first[1]))) {
    return `${header(0)}Expected to find '{{cloze:Text}}' or similar on the front and back of the card template.`;
  }
  return undefined;
}

/** A shell glob (Python's fnmatch: `*`, `?`, `[seq]`, `[!seq]`) as an anchored regular expression. */
function globRegExp(pattern: string): RegExp {
  let src = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') src += '.*';
    else if (ch === '?') src += '.';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) src += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        src += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
      }
    } else src += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, 's');
}

/** A note type as findModelsByName/findModelsById return it (Anki's notetype dict). */
function modelObject(m: Model): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    type: m.type,
    mod: m.mod,
    usn: -1,
    sortf: m.sortf,
    did: null,
    tmpls: m.templates.map((t, ord) => ({ name: t.name, ord, qfmt: t.qfmt, afmt: t.afmt, bqfmt: '', bafmt: '', did: null, bfont: '', bsize: 0, id: m.id * 10 + ord })),
    flds: m.fields.map((f) => ({ name: f.name, ord: f.ord, sticky: false, rtl: false, font: 'Arial', size: 20, description: '', plainText: false, collapsed: false, excludeFromSearch: false, id: m.id * 100 + f.ord, tag: null, preventDeletion: false })),
    css: m.css,
    latexPre: '\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n',
    latexPost: '\\end{document}',
    latexsvg: false,
    req: m.type === 1 ? [] : m.templates.map((_t, ord) => [ord, 'any', [ord === 0 ? 0 : Math.min(1, m.fields.length - 1)]]),
    originalStockKind: 1,
  };
}

/** Crude localised next-interval strings for Again/Hard/Good/Easy. */
function nextReviews(card: Card): string[] {
  if (card.type === 0) return ['<1m', '<6m', '<10m', '4d'];
  if (card.type === 1 || card.type === 3) return ['<1m', '<6m', '1d', '4d'];
  const f = card.factor / 1000 || 2.5;
  const fmt = (d: number): string => (d >= 365 ? `${(d / 365).toFixed(1)}y` : d >= 30 ? `${(d / 30).toFixed(1)}mo` : `${Math.round(d)}d`);
  return ['<10m', fmt(card.ivl * 1.2), fmt(card.ivl * f), fmt(card.ivl * f * 1.3)];
}

