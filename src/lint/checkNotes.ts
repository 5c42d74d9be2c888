// "Check Notes": the field checks over every note of an Anki query, without opening documents (pure: uses only
// the `AnkiApi` interface). Cost: 1 findNotes + ⌈N/chunk⌉ notesInfo + 1 getDecks (the decks of the notes'
// first cards) = ⌈N/5000⌉ + 2 requests; the collection facts (note types, media names) come from the cache.
// Duplicates are found among the checked notes (Anki's rule: same note type, same first field with the HTML
// stripped, NFC), without further requests.
import type { AnkiApi, NoteId, NoteInfo } from '../anki/api';
import type { NoteSnapshot } from '../notes/model';
import type { CollectionFacts } from './ankiContext';
import { fieldIsEmptyForAnki, stripHtmlPreservingMedia } from './html';
import { snapshotFindings, type Finding } from './lint';

export const CHECK_NOTES_CHUNK = 5000;

export interface CheckedNote {
  snapshot: NoteSnapshot;
  findings: Finding[];
}

export interface CheckNotesResult {
  /** Notes checked. */
  notes: number;
  /** The notes with findings. */
  checked: CheckedNote[];
  cancelled: boolean;
}

export interface CheckNotesOptions {
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
  isCancelled?: () => boolean;
}

function snapshotOf(info: NoteInfo, deck: string): NoteSnapshot {
  const fields = Object.entries(info.fields)
    .sort((a, b) => a[1].order - b[1].order)
    .map(([name, f]): [string, string] => [name, f.value]);
  const snap: NoteSnapshot = { id: info.noteId, deck, noteType: info.modelName, tags: info.tags, fields, cards: info.cards };
  if (info.mod !== undefined) snap.mod = info.mod;
  return snap;
}

export async function checkNotes(api: AnkiApi, query: string, facts: CollectionFacts, opts: CheckNotesOptions = {}): Promise<CheckNotesResult> {
  const chunk = opts.chunk ?? CHECK_NOTES_CHUNK;
  const ids = await api.findNotes(query);
  const infos: NoteInfo[] = [];
  opts.onProgress?.(0, ids.length);
  for (let i = 0; i < ids.length; i += chunk) {
    if (opts.isCancelled?.()) return { notes: infos.length, checked: [], cancelled: true };
    for (const info of await api.notesInfo(ids.slice(i, i + chunk))) if (info) infos.push(info);
    opts.onProgress?.(Math.min(ids.length, i + chunk), ids.length);
  }
  if (opts.isCancelled?.()) return { notes: infos.length, checked: [], cancelled: true };
  // The deck of each note's first card: one request for all of them.
  const deckOfCard = new Map<number, string>();
  const firstCards = infos.flatMap((n) => (n.cards[0] !== undefined ? [n.cards[0]] : []));
  if (firstCards.length > 0) {
    for (const [deck, cards] of Object.entries(await api.getDecks(firstCards))) for (const c of cards) deckOfCard.set(c, deck);
  }
  const snaps = infos.map((n) => snapshotOf(n, deckOfCard.get(n.cards[0] ?? -1) ?? 'Default'));

  const byKey = new Map<string, NoteId[]>();
  const keyOf = new Map<NoteId, string>();
  for (const s of snaps) {
    const first = s.fields[0]?.[1] ?? '';
    if (fieldIsEmptyForAnki(first)) continue;
    const key = `${s.noteType}\u0000${stripHtmlPreservingMedia(first).normalize('NFC')}`;
    keyOf.set(s.id, key);
    const list = byKey.get(key);
    if (list) list.push(s.id);
    else byKey.set(key, [s.id]);
  }
  const checked: CheckedNote[] = [];
  for (const s of snaps) {
    const key = keyOf.get(s.id);
    const duplicates = key !== undefined ? (byKey.get(key) ?? []).filter((id) => id !== s.id) : [];
    const findings = snapshotFindings(s, { isCloze: facts.noteTypes.get(s.noteType)?.isCloze, media: facts.media, duplicates });
    if (findings.length > 0) checked.push({ snapshot: s, findings });
  }
  return { notes: snaps.length, checked, cancelled: false };
}
