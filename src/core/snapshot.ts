// Note snapshots from AnkiConnect replies, content hashes and human-readable differences (pure: no `vscode`).
import { formatMessage, msg, type Message } from '../messages';
import { createHash } from 'node:crypto';
import type { CardId, NoteInfo } from '../anki/api';
import { sameDeck } from '../notes/deckName';
import type { NoteSnapshot } from '../notes/model';
import { stripHtml, truncateText } from '../notes/paths';

/** A note's fields in the note type's order: [name, raw HTML]. */
export function orderedFields(info: Pick<NoteInfo, 'fields'>): Array<[string, string]> {
  return Object.entries(info.fields)
    .sort((a, b) => a[1].order - b[1].order)
    .map(([name, f]): [string, string] => [name, f.value]);
}

/** Raw HTML of a note's first (sort) field ('' when it has none). */
export function firstFieldHtml(info: Pick<NoteInfo, 'fields'>): string {
  return orderedFields(info)[0]?.[1] ?? '';
}

/**
 * The one rule for which cards a move takes: the cards in the deck the note is moved FROM — the deck folder or
 * Decks-view listing it was dragged out of, else the note's own deck (the deck its document shows: that of its
 * first card; a `deck:` edit moves from there). When no card is in the source deck, the cards in the note's own
 * deck. Cards kept in other decks (e.g. a reverse card) stay where they are; cards of unknown deck move.
 */
export function cardsToMove(
  cards: readonly CardId[],
  deckOf: (card: CardId) => string | undefined,
  noteDeck: string,
  fromDeck: string = noteDeck,
): CardId[] {
  const inDeck = (deck: string) =>
    cards.filter((c) => {
      const d = deckOf(c);
      return d === undefined || sameDeck(d, deck);
    });
  const fromCards = inDeck(fromDeck);
  return fromCards.length > 0 || sameDeck(fromDeck, noteDeck) ? fromCards : inDeck(noteDeck);
}

/** Builds a snapshot from a notesInfo entry and the deck of its first card. */
export function snapshotFromInfo(info: NoteInfo, deck: string): NoteSnapshot {
  const fields = orderedFields(info);
  const snap: NoteSnapshot = {
    id: info.noteId,
    deck,
    noteType: info.modelName,
    tags: [...info.tags],
    fields,
    cards: [...info.cards],
  };
  if (info.mod !== undefined) snap.mod = info.mod;
  return snap;
}

/** Inverts a getDecks reply (deck -> cards) into card -> deck. */
export function deckByCard(getDecks: Record<string, CardId[]>): Map<CardId, string> {
  const m = new Map<CardId, string>();
  for (const [deck, cards] of Object.entries(getDecks)) for (const c of cards) m.set(c, deck);
  return m;
}

/** Hash of what a document shows: note type, deck, tags, fields (names, order and values). Not `mod`. */
export function contentHash(n: Pick<NoteSnapshot, 'noteType' | 'deck' | 'tags' | 'fields'>): string {
  return createHash('sha1')
    .update(JSON.stringify([n.noteType, n.deck, n.tags, n.fields]))
    .digest('hex');
}

/**
 * Whether two versions show the same content: note type, deck, tags and fields (names, order and values), `mod`
 * aside. Exactly `contentHash(a) === contentHash(b)` (both compare the same strings in the same order), without
 * hashing: the conflict check compares each note this way.
 */
export function sameContent(
  a: Pick<NoteSnapshot, 'noteType' | 'deck' | 'tags' | 'fields'>,
  b: Pick<NoteSnapshot, 'noteType' | 'deck' | 'tags' | 'fields'>,
): boolean {
  if (a === b) return true;
  if (a.noteType !== b.noteType || a.deck !== b.deck) return false;
  const at = a.tags;
  const bt = b.tags;
  if (at.length !== bt.length) return false;
  for (let i = 0; i < at.length; i++) if (at[i] !== bt[i]) return false;
  const af = a.fields;
  const bf = b.fields;
  if (af.length !== bf.length) return false;
  for (let i = 0; i < af.length; i++) {
    const x = af[i] as [string, string];
    const y = bf[i] as [string, string];
    if (x[0] !== y[0] || x[1] !== y[1]) return false;
  }
  return true;
}

/** What differs between two versions of a note, e.g. `["fields Back", "tags"]`. */
export function describeDifferences(
  a: Pick<NoteSnapshot, 'noteType' | 'deck' | 'tags' | 'fields'>,
  b: Pick<NoteSnapshot, 'noteType' | 'deck' | 'tags' | 'fields'>,
): Message[] {
  const out: Message[] = [];
  if (a.noteType !== b.noteType) out.push(msg('noteType'));
  const am = new Map(a.fields);
  const bm = new Map(b.fields);
  const changed: string[] = [];
  for (const [name, v] of b.fields) if (am.get(name) !== v) changed.push(name);
  for (const [name] of a.fields) if (!bm.has(name)) changed.push(name);
  if (changed.length > 0) out.push(fieldsMessage(changed));
  else if (a.fields.map((f) => f[0]).join('\u0000') !== b.fields.map((f) => f[0]).join('\u0000')) out.push(msg('fieldOrder'));
  if (JSON.stringify(a.tags) !== JSON.stringify(b.tags)) out.push(msg('tags'));
  if (a.deck !== b.deck) out.push(msg('deck'));
  return out;
}

/** Plain text of a field's HTML, shortened, for messages. */
export function shortLabel(html: string, max = 40): string {
  const text = stripHtml(html);
  return text === '' ? '' : truncateText(text, max);
}

/** `"Hello"` (first field's text) or `note 1234` for messages. */
export function noteName(n: Pick<NoteSnapshot, 'id' | 'fields'>): string {
  return formatMessage(noteNameMessage(n));
}

/** `noteName` as a message. */
export function noteNameMessage(n: Pick<NoteSnapshot, 'id' | 'fields'>): Message {
  const first = n.fields[0]?.[1] ?? '';
  const label = shortLabel(first);
  return label ? msg('noteNamed', label) : msg('noteNumbered', n.id);
}

/** `field Front` / `fields Front, Back` (names are data, joined by commas). */
export function fieldsMessage(names: readonly string[]): Message {
  return msg(names.length === 1 ? 'field' : 'fields', names.join(', '));
}

/** Same text for Anki's purposes: Anki stores fields NFC-normalised. */
export function sameFieldValue(a: string, b: string): boolean {
  return a === b || a.normalize('NFC') === b.normalize('NFC');
}

/** Same tag set, ignoring order and case (Anki may adopt an existing tag's case). */
export { sameTags } from '../notes/planner';

/** Same deck name as Anki compares them (normalised, case-insensitive). */
export { sameDeck } from '../notes/deckName';
