// Tags: the hierarchy (`::`), the search of a tag, and tag rename/removal across notes (pure: no `vscode`).
//
// Rename and removal are per-note saves through the engine's save batch (`FsEngine.saveNotes`), not
// `replaceTagsInAllNotes`/`removeTags`: every note gets the usual conflict check (a note edited in Anki meanwhile
// is not overwritten and is reported), the change is in the save journal (Anki: Undo Last Save undoes it), and
// open documents follow. Requests: reading the notes ⌈N/5000⌉ + 1 (`readScope`), the save batch 2, then
// `clearUnusedTags` 1 (so the old tag leaves Anki's tag list, as a rename in Anki's own sidebar does).
import type { AnkiApi, NoteId } from '../anki/api';
import { DECK_SEPARATOR } from '../notes/deckName';
import type { NoteSnapshot } from '../notes/model';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import { readScope } from '../replace/run';

export interface TagNode {
  /** Full tag, spelled as registered (an implied parent takes its first child's spelling). */
  name: string;
  /** Last `::` component. */
  label: string;
  /** False for a parent only implied by `a::b` (not registered itself). */
  registered: boolean;
  children: TagNode[];
}

const key = (t: string): string => t.toLowerCase();

/** The tag hierarchy from `getTags` (case-insensitive, sorted as Anki sorts: case-insensitively). */
export function buildTagTree(tags: readonly string[]): TagNode[] {
  const roots: TagNode[] = [];
  const byKey = new Map<string, TagNode>();
  const sorted = [...tags].sort((a, b) => key(a).localeCompare(key(b)) || a.localeCompare(b));
  for (const tag of sorted) {
    const parts = tag.split(DECK_SEPARATOR);
    let siblings = roots;
    for (let i = 1; i <= parts.length; i++) {
      const name = parts.slice(0, i).join(DECK_SEPARATOR);
      let node = byKey.get(key(name));
      if (!node) {
        node = { name, label: parts[i - 1] ?? name, registered: false, children: [] };
        byKey.set(key(name), node);
        siblings.push(node);
      }
      if (i === parts.length) node.registered = true;
      siblings = node.children;
    }
  }
  const sortRec = (nodes: TagNode[]): void => {
    nodes.sort((a, b) => key(a.label).localeCompare(key(b.label)) || a.label.localeCompare(b.label));
    for (const n of nodes) sortRec(n.children);
  };
  sortRec(roots);
  return roots;
}

/** `"tag:<tag>"`, matching the tag and its child tags (Anki's `tag:`), with `*` `_` `\` `"` taken literally. */
export function tagQuery(tag: string): string {
  return `"tag:${tag.replace(/[\\"*_]/g, (c) => `\\${c}`)}"`;
}

/** True when `t` is `tag` or one of its child tags (case-insensitive, as Anki matches tags). */
export function isTagOrChild(t: string, tag: string): boolean {
  return key(t) === key(tag) || key(t).startsWith(key(tag) + DECK_SEPARATOR);
}

export type TagNameProblem = 'empty' | 'space' | 'emptyComponent' | 'sameName' | 'caseOnly';

/** Why `to` cannot be the new name of `from` (Anki tags have no spaces; `::` levels need a name). */
export function checkTagRename(from: string, to: string): TagNameProblem | undefined {
  if (to.trim() === '') return 'empty';
  if (/\s/u.test(to)) return 'space';
  if (to.split(DECK_SEPARATOR).some((c) => c === '')) return 'emptyComponent';
  if (to === from) return 'sameName';
  // Anki keeps a registered tag's spelling: a case-only rename would not show.
  if (key(to) === key(from)) return 'caseOnly';
  return undefined;
}

/** The note's tags with `from` (and its child tags) renamed to `to`, deduplicated case-insensitively. */
export function renameTagIn(tags: readonly string[], from: string, to: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const next = isTagOrChild(t, from) ? to + t.slice(from.length) : t;
    if (!seen.has(key(next))) {
      seen.add(key(next));
      out.push(next);
    }
  }
  return out;
}

/** The note's tags without `tag` and its child tags. */
export function removeTagFrom(tags: readonly string[], tag: string): string[] {
  return tags.filter((t) => !isTagOrChild(t, tag));
}

export type TagChange = { kind: 'rename'; from: string; to: string } | { kind: 'remove'; tag: string };

/** Save requests for the notes whose tags change (each based on the version read). */
export function planTagChange(notes: readonly NoteSnapshot[], change: TagChange): SaveRequest[] {
  const label = change.kind === 'rename' ? `rename tag "${change.from}" → "${change.to}"` : `remove tag "${change.tag}"`;
  const reqs: SaveRequest[] = [];
  for (const n of notes) {
    const tags = change.kind === 'rename' ? renameTagIn(n.tags, change.from, change.to) : removeTagFrom(n.tags, change.tag);
    if (tags.length === n.tags.length && tags.every((t, i) => t === n.tags[i])) continue;
    reqs.push({ noteId: n.id, edited: { id: n.id, deck: n.deck, noteType: n.noteType, tags, fields: n.fields }, base: baseOf(n), meta: { label } });
  }
  return reqs;
}

export interface TagChangeReport {
  /** Notes carrying the tag (or a child tag). */
  notes: number;
  saved: number;
  failed: Array<{ id: NoteId; reason: string }>;
}

/** Reads the notes of the tag, saves their new tags as one batch, then clears unused tags. */
export async function runTagChange(
  client: AnkiApi,
  saveNotes: (reqs: readonly SaveRequest[]) => Promise<SaveOutcome[]>,
  change: TagChange,
): Promise<TagChangeReport> {
  const tag = change.kind === 'rename' ? change.from : change.tag;
  const { notes } = await readScope(client, tagQuery(tag));
  const reqs = planTagChange(notes, change);
  const outcomes = reqs.length > 0 ? await saveNotes(reqs) : [];
  const failed: TagChangeReport['failed'] = [];
  let saved = 0;
  outcomes.forEach((o, i) => {
    const id = reqs[i]?.noteId;
    if (id === undefined) return;
    if (o.kind === 'saved') saved++;
    else failed.push({ id, reason: o.message });
  });
  await client.clearUnusedTags();
  return { notes: notes.length, saved, failed };
}
