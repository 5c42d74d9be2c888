/**
 * Deck options presets ("deck configs") of the in-memory collection and the add-on's five deck-config actions
 * (upstream `plugin/__init__.py`: getDeckConfig, saveDeckConfig, setDeckConfigId, cloneDeckConfigId,
 * removeDeckConfigId), over Anki's legacy JSON shape (the dicts `col.decks.get_config` returns).
 *
 * What the add-on does, step by step (and what this double copies):
 * - `getDeckConfig(deck)`: `deck not in deckNames()` (exact, case-sensitive) ⇒ `false`; else
 *   `decks.config_dict_for_deck_id(did)`: a normal deck's preset with `dyn: false` (a preset that no longer exists
 *   falls back to the default preset, id 1); a filtered deck has no preset: its own deck dict (`dyn: 1`).
 * - `saveDeckConfig(config)`: `config['id']` (KeyError `'id'`), `int(str(id))` (ValueError text for e.g. `'x'`),
 *   not an existing preset ⇒ `false`; sets `mod`/`usn`; `decks.save(config)` treats a dict without `maxTaken` as a
 *   deck, which fails inside the add-on's `try` ⇒ `false` (inferred); else the preset is replaced ⇒ `true`.
 * - `setDeckConfigId(decks, configId)`: `int(configId)` first; any name not in `deckNames()` ⇒ `false` before
 *   anything changes; then each deck's `conf` is set (the id is NOT checked against the presets: a missing
 *   preset reads back as the default one); a filtered deck keeps no preset (accepted, no effect) ⇒ `true`.
 * - `cloneDeckConfigId(name, cloneFrom='1')`: `int(cloneFrom)`; unknown ⇒ `false`; else a deep copy under a new
 *   id with `name` ⇒ the new id.
 * - `removeDeckConfigId(configId)`: `int(configId)`; unknown ⇒ `false`; decks using it go back to preset 1, then
 *   the backend refuses to remove preset 1 (`can't delete default conf`, inferred from rslib); ⇒ `true`.
 *   (Inside Anki this is a schema change: Anki may first ask the user to confirm a full sync; no dialog here.)
 */
import type { Collection, Deck } from './collection';
import { pyRepr, pyTypeName } from './pyjson';

export type DeckConfigDict = Record<string, unknown> & { id: number; name: string };

/** Anki's default preset (legacy dict, the keys AnkiConnect's README shows). */
export function defaultDeckConfig(mod: number): DeckConfigDict {
  return {
    id: 1,
    mod,
    name: 'Default',
    usn: 0,
    maxTaken: 60,
    autoplay: true,
    timer: 0,
    replayq: true,
    dyn: false,
    new: { bury: false, delays: [1, 10], initialFactor: 2500, ints: [1, 4, 0], order: 1, perDay: 20, separate: true },
    rev: { bury: false, ease4: 1.3, ivlFct: 1, maxIvl: 36500, perDay: 200, hardFactor: 1.2, minSpace: 1, fuzz: 0.05 },
    lapse: { delays: [10], leechAction: 1, leechFails: 8, minInt: 1, mult: 0 },
  };
}

/** Python's `int(v)` for the values JSON can carry (message texts of CPython 3.9+). */
export function pyInt(v: unknown): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    const t = v.trim();
    if (/^[+-]?\d+(?:_\d+)*$/.test(t)) return Number(t.replace(/_/g, ''));
    throw new Error(`invalid literal for int() with base 10: ${pyRepr(v)}`);
  }
  throw new Error(`int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(v)}'`);
}

/** Python's `str(v)` of a JSON value (`str(1)` = `'1'`, `str(None)` = `'None'`, `str(True)` = `'True'`). */
function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The presets of a collection (created lazily with the default preset, id 1). */
export class DeckConfigs {
  private readonly byId = new Map<number, DeckConfigDict>();
  /** deck id → preset id (absent: 1) */
  private readonly deckConf = new Map<number, number>();

  constructor(private readonly col: Collection) {
    this.byId.set(1, defaultDeckConfig(col.nowSec()));
  }

  ids(): number[] {
    return [...this.byId.keys()];
  }
  get(id: number): DeckConfigDict | undefined {
    const c = this.byId.get(id);
    return c ? clone(c) : undefined;
  }
  /** The preset id stored on a deck (may name a preset that no longer exists). */
  confIdOf(deck: Deck): number {
    return this.deckConf.get(deck.id) ?? 1;
  }
  setConfId(deck: Deck, id: number): void {
    if (!deck.dyn) this.deckConf.set(deck.id, id);
  }
  /** The preset a deck uses, as `config_dict_for_deck_id` returns it. */
  configForDeck(deck: Deck): Record<string, unknown> {
    if (deck.dyn) {
      return { id: deck.id, mod: deck.mod, name: deck.name, usn: -1, dyn: 1, desc: '', collapsed: false, browserCollapsed: false, resched: true, terms: [], delays: null, previewDelay: 0 };
    }
    const conf = this.byId.get(this.confIdOf(deck)) ?? (this.byId.get(1) as DeckConfigDict);
    return { ...clone(conf), dyn: false };
  }
  add(name: string, from: DeckConfigDict): number {
    const id = this.col.newId();
    this.byId.set(id, { ...clone(from), id, name, mod: this.col.nowSec(), usn: -1 });
    return id;
  }
  replace(id: number, config: Record<string, unknown>): void {
    const cur = this.byId.get(id);
    if (!cur) return;
    this.byId.set(id, { ...cur, ...clone(config), id, name: typeof config.name === 'string' ? config.name : cur.name });
  }
  remove(id: number): void {
    for (const [did, conf] of [...this.deckConf]) if (conf === id) this.deckConf.delete(did);
    if (id === 1) throw new Error("can't delete default conf");
    this.byId.delete(id);
  }
}

/** The five actions, as the dispatcher runs them (parameters already checked against the signatures). */
export function deckConfigActions(col: Collection, configs: () => DeckConfigs): Record<string, (p: Record<string, unknown>) => unknown> {
  const names = (): string[] => col.deckNames();
  const iterList = (v: unknown): unknown[] => {
    if (Array.isArray(v)) return v;
    if (typeof v === 'string') return [...v];
    if (isDict(v)) return Object.keys(v);
    throw new Error(`'${pyTypeName(v)}' object is not iterable`);
  };
  return {
    getDeckConfig: (p) => {
      if (!names().some((n) => n === p.deck)) return false;
      return configs().configForDeck(col.deckByName(p.deck as string) as Deck);
    },
    saveDeckConfig: (p) => {
      const config = p.config;
      if (!isDict(config)) {
        if (Array.isArray(config)) throw new Error('list indices must be integers or slices, not str');
        throw new Error(`'${pyTypeName(config)}' object is not subscriptable`);
      }
      if (!('id' in config)) throw new Error(pyRepr('id'));
      const id = pyInt(pyStr(config.id));
      const cfgs = configs();
      if (!cfgs.ids().includes(id)) return false;
      if (!('maxTaken' in config)) return false;
      cfgs.replace(id, { ...config, mod: col.nowSec(), usn: -1 });
      return true;
    },
    setDeckConfigId: (p) => {
      const id = pyInt(p.configId);
      const list = iterList(p.decks);
      const known = names();
      for (const d of list) if (!known.some((n) => n === d)) return false;
      for (const d of list) configs().setConfId(col.deckByName(d as string) as Deck, id);
      return true;
    },
    cloneDeckConfigId: (p) => {
      const from = pyInt(p.cloneFrom ?? '1');
      const cfgs = configs();
      const src = cfgs.get(from);
      if (!src) return false;
      if (typeof p.name !== 'string') throw new Error(`invalid type: ${pyTypeName(p.name)}, expected a string`);
      return cfgs.add(p.name, src);
    },
    removeDeckConfigId: (p) => {
      const id = pyInt(p.configId);
      const cfgs = configs();
      if (!cfgs.ids().includes(id)) return false;
      cfgs.remove(id);
      return true;
    },
  };
}
