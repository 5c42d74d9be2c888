// Deck hierarchy from Anki's flat deck names ("A::B::C"), plus note counts (pure: no `vscode` import).
import type { NoteId } from '../anki/api';
import { deckKey, rustTrim } from '../notes/deckName';

export const DECK_SEPARATOR = '::';

export interface DeckNode {
  /** Full deck name as Anki spells it ("Japanese::JLPT N3"). */
  readonly name: string;
  /** Last `::` component ("JLPT N3"). */
  readonly label: string;
  /** Anki's deck id; `undefined` for a parent that Anki did not list (should not happen, handled anyway). */
  readonly id: number | undefined;
  readonly parent: DeckNode | undefined;
  readonly children: DeckNode[];
  readonly depth: number;
  filtered: boolean;
  /** Distinct notes with a card in this deck itself (not in sub-decks); undefined until counted. */
  ownCount: number | undefined;
  /** Distinct notes with a card in this deck or any sub-deck, as Anki's Browser shows for `deck:"name"`. */
  totalCount: number | undefined;
}

export interface DeckTree {
  readonly roots: DeckNode[];
  /** Every deck by its exact name. */
  readonly byName: ReadonlyMap<string, DeckNode>;
  /** Decks by lower-cased name (Anki looks deck names up case-insensitively). */
  readonly byLowerName: ReadonlyMap<string, DeckNode>;
  readonly byId: ReadonlyMap<number, DeckNode>;
}

export function deckSegments(name: string): string[] {
  return name.split(DECK_SEPARATOR);
}

export function parentDeckName(name: string): string | undefined {
  const i = name.lastIndexOf(DECK_SEPARATOR);
  return i < 0 ? undefined : name.slice(0, i);
}

/** Anki orders decks by name, case-insensitively, parents before children. */
export function compareDeckLabels(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la < lb) return -1;
  if (la > lb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds the hierarchy. `decks` is `deckNamesAndIds`'s answer (name → id) or a list of names.
 * Parents missing from the list are created (without id) so every deck has a place.
 */
export function buildDeckTree(
  decks: Readonly<Record<string, number>> | readonly string[],
  filtered: ReadonlySet<string> = new Set(),
): DeckTree {
  const entries: Array<[string, number | undefined]> = Array.isArray(decks)
    ? (decks as readonly string[]).map((n) => [n, undefined])
    : Object.entries(decks as Readonly<Record<string, number>>);
  const byName = new Map<string, DeckNode>();
  const byLowerName = new Map<string, DeckNode>();
  const byId = new Map<number, DeckNode>();
  const roots: DeckNode[] = [];
  const ids = new Map(entries);

  const ensure = (name: string): DeckNode => {
    const existing = byName.get(name);
    if (existing) return existing;
    const parentName = parentDeckName(name);
    const parent = parentName === undefined ? undefined : ensure(parentName);
    const id = ids.get(name);
    const node: DeckNode = {
      name,
      label: parentName === undefined ? name : name.slice(parentName.length + DECK_SEPARATOR.length),
      id,
      parent,
      children: [],
      depth: parent ? parent.depth + 1 : 0,
      filtered: filtered.has(name),
      ownCount: undefined,
      totalCount: undefined,
    };
    byName.set(name, node);
    if (!byLowerName.has(name.toLowerCase())) byLowerName.set(name.toLowerCase(), node);
    if (id !== undefined) byId.set(id, node);
    (parent ? parent.children : roots).push(node);
    return node;
  };
  for (const [name] of entries) {
    if (name.length > 0) ensure(name);
  }
  const sortRec = (list: DeckNode[]): void => {
    list.sort((a, b) => compareDeckLabels(a.label, b.label));
    for (const n of list) sortRec(n.children);
  };
  sortRec(roots);
  return { roots, byName, byLowerName, byId };
}

/** Every deck, parents before children, in display order. */
export function walkDecks(tree: DeckTree): DeckNode[] {
  const out: DeckNode[] = [];
  const rec = (list: readonly DeckNode[]): void => {
    for (const n of list) {
      out.push(n);
      rec(n.children);
    }
  };
  rec(tree.roots);
  return out;
}

/**
 * Fills `ownCount` and `totalCount` from the note ids whose cards are in each deck itself.
 * A note with cards in several decks of one subtree counts once for that subtree (distinct union),
 * which is what Anki's Browser shows for `deck:"name"`. Decks absent from `ownIds` count as unknown.
 */
export function applyCounts(tree: DeckTree, ownIds: ReadonlyMap<string, readonly NoteId[]>): void {
  const rec = (node: DeckNode): Set<NoteId> | undefined => {
    const own = ownIds.get(node.name);
    let known = own !== undefined;
    const union = new Set<NoteId>(own ?? []);
    node.ownCount = own === undefined ? undefined : new Set(own).size;
    for (const child of node.children) {
      const sub = rec(child);
      if (sub === undefined) known = false;
      else for (const id of sub) union.add(id);
    }
    node.totalCount = known ? union.size : undefined;
    return known ? union : undefined;
  };
  for (const root of tree.roots) rec(root);
}

export function ancestors(node: DeckNode): DeckNode[] {
  const out: DeckNode[] = [];
  for (let p = node.parent; p; p = p.parent) out.unshift(p);
  return out;
}

/** Validates a deck name typed by the user; returns a problem code or undefined when fine. */
export type DeckNameProblem = 'empty' | 'emptyComponent' | 'quote' | 'control' | 'exists';

export function checkNewDeckName(name: string, tree: DeckTree | undefined): DeckNameProblem | undefined {
  if (rustTrim(name) === '') return 'empty';
  if (name.includes('"')) return 'quote';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'control';
  if (deckSegments(name).some((s) => rustTrim(s.normalize('NFC')) === '')) return 'emptyComponent';
  if (tree && [...tree.byName.keys()].some((n) => deckKey(n) === deckKey(name))) return 'exists';
  return undefined;
}
