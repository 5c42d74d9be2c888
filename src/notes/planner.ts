// Save planner (pure): what must change in Anki for an edited note document, as few actions as possible.
//
// Decisions (tested in test/unit/notes/planner.test.ts):
// - Fields: only the fields whose value differs byte for byte from the loaded note.
// - Tags: `updateNoteTags` with the full new list (one action that replaces all tags; the simplest to
//   verify). Anki stores a note's tags deduplicated case-insensitively and sorted, adopting the case of
//   tags it already knows, so a change of ORDER or of CASE only is not a change Anki would keep: the planner
//   compares tags as case-insensitive (NFC) sets and plans nothing for such an edit.
// - Deck: compared after Anki's normalisation, case-insensitively (Anki looks decks up by name
//   case-insensitively, so `changeDeck` to "japanese" when "Japanese" exists moves nothing and renames
//   nothing). A case-only edit of the note's own deck is therefore no deck action (the document parser
//   already reports it as a problem, so the user is told). The target is sent normalised, and spelled as
//   the existing deck when one matches case-insensitively. `createsDeck` says whether no known deck matches.

import { deckKey, normalizeDeckName } from './deckName';
import type { EditedNote, NoteSnapshot } from './model';

export { normalizeDeckName, sameDeck, deckKey } from './deckName';

export interface SavePlan {
  /** Changed fields only (name → new raw HTML), in the note type's order. */
  fields?: Record<string, string>;
  /** The full new tag list (for `updateNoteTags`), when the set of tags changed. */
  tags?: string[];
  /** The normalised target deck, when the note moves to another deck. */
  deck?: string;
  /** True when `deck` is set and no known deck has that name (`changeDeck` creates it). */
  createsDeck: boolean;
  /** Nothing to do in Anki. */
  isEmpty: boolean;
}

function tagKey(tag: string): string {
  return tag.normalize('NFC').toLowerCase();
}

/** Whether two tag lists are the same for Anki (case-insensitive sets). */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length && a.every((t, i) => t === b[i])) return true; // the usual case: tags untouched
  const ka = new Set(a.map(tagKey));
  const kb = new Set(b.map(tagKey));
  if (ka.size !== kb.size) return false;
  for (const k of ka) if (!kb.has(k)) return false;
  return true;
}

/** The value of the last field named `name` (what `new Map(fields).get(name)` gives). */
function lastValue(fields: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  for (let j = fields.length - 1; j >= 0; j--) {
    const f = fields[j] as readonly [string, string];
    if (f[0] === name) return f[1];
  }
  return undefined;
}

/**
 * The minimal changes from `loaded` to `edited`. `knownDecks` are the deck names in the collection (for
 * `createsDeck` and to spell an existing target deck as Anki does); without them any deck change counts
 * as possibly creating a deck.
 */
export function planSave(loaded: NoteSnapshot, edited: EditedNote, knownDecks?: readonly string[]): SavePlan {
  const plan: SavePlan = { createsDeck: false, isEmpty: true };

  const fields: Record<string, string> = {};
  let anyField = false;
  const before = loaded.fields;
  for (const [name, value] of edited.fields) {
    // As a Map of the loaded fields would answer, without building one per note.
    if (lastValue(before, name) !== value) {
      fields[name] = value;
      anyField = true;
    }
  }
  if (anyField) plan.fields = fields;

  if (!sameTags(loaded.tags, edited.tags)) plan.tags = [...edited.tags];

  const target = normalizeDeckName(edited.deck);
  if (deckKey(target) !== deckKey(loaded.deck)) {
    const existing = knownDecks?.find((d) => deckKey(d) === deckKey(target));
    plan.deck = existing !== undefined ? normalizeDeckName(existing) : target;
    plan.createsDeck = existing === undefined;
  }

  plan.isEmpty = plan.fields === undefined && plan.tags === undefined && plan.deck === undefined;
  return plan;
}
