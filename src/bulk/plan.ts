// Bulk actions on a selection of notes (Add Tags, Remove Tags, Move to Deck, Delete Notes): the pure planning
// and the scriptable commands' arguments (pure: no `vscode` import). Problems are codes with arguments; the
// glue (src/ui/bulkActions.ts) turns them into messages.
import { z } from 'zod';
import type { NoteId } from '../anki/api';
import type { EditedNote, NoteSnapshot } from '../notes/model';

export type TagProblem =
  | { code: 'noTags' }
  | { code: 'tagHasSpace'; tag: string }
  | { code: 'tagBadCharacter'; tag: string };

/** Anki's tag rule (as the note documents check it): no space, no `"`, no control character, not empty. */
export function checkTag(tag: string): TagProblem | undefined {
  if (/[ \u3000\t\r\n]/.test(tag)) return { code: 'tagHasSpace', tag };
  // eslint-disable-next-line no-control-regex
  if (/["\x00-\x1f\x7f]/.test(tag)) return { code: 'tagBadCharacter', tag };
  return undefined;
}

/** Tags typed in one line, separated by spaces or commas (as Anki's Add Tags dialog splits them), deduplicated ignoring case. */
export function parseTagInput(input: string): { ok: true; tags: string[] } | { ok: false; problem: TagProblem } {
  return checkTags(input.split(/[\s,\u3000]+/).filter((w) => w !== ''));
}

/** A list of tags (scripted use): each one checked, duplicates (ignoring case) dropped, at least one. */
export function checkTags(tags: readonly string[]): { ok: true; tags: string[] } | { ok: false; problem: TagProblem } {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag === '') continue;
    const p = checkTag(tag);
    if (p) return { ok: false, problem: p };
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out.length === 0 ? { ok: false, problem: { code: 'noTags' } } : { ok: true, tags: out };
}

/** One note's edit of a tag action, based on the version it was planned from. */
export interface TagEdit {
  note: NoteSnapshot;
  edited: EditedNote;
}

export interface TagPlan {
  edits: TagEdit[];
  /** Notes that already have (Add) or do not have (Remove) the tags: nothing is sent for them. */
  unchanged: NoteId[];
}

function editOf(note: NoteSnapshot, tags: string[]): EditedNote {
  return { id: note.id, deck: note.deck, noteType: note.noteType, tags, fields: note.fields.map(([k, v]): [string, string] => [k, v]) };
}

/** Adds the tags each note does not have yet (Anki compares tags ignoring case), after its own tags. */
export function planAddTags(notes: readonly NoteSnapshot[], tags: readonly string[]): TagPlan {
  const plan: TagPlan = { edits: [], unchanged: [] };
  for (const note of notes) {
    const have = new Set(note.tags.map((t) => t.toLowerCase()));
    const added = tags.filter((t) => !have.has(t.toLowerCase()));
    if (added.length === 0) plan.unchanged.push(note.id);
    else plan.edits.push({ note, edited: editOf(note, [...note.tags, ...added]) });
  }
  return plan;
}

/** Removes the tags (ignoring case; a tag's children `tag::child` are other tags and stay). */
export function planRemoveTags(notes: readonly NoteSnapshot[], tags: readonly string[]): TagPlan {
  const plan: TagPlan = { edits: [], unchanged: [] };
  const drop = new Set(tags.map((t) => t.toLowerCase()));
  for (const note of notes) {
    const kept = note.tags.filter((t) => !drop.has(t.toLowerCase()));
    if (kept.length === note.tags.length) plan.unchanged.push(note.id);
    else plan.edits.push({ note, edited: editOf(note, kept) });
  }
  return plan;
}

/** The tags a selection has, with how many of its notes have each (ignoring case; the first spelling seen), most used first. */
export function tagsOfSelection(notes: ReadonlyArray<Pick<NoteSnapshot, 'tags'>>): Array<{ tag: string; count: number }> {
  const byKey = new Map<string, { tag: string; count: number }>();
  for (const n of notes) {
    const seen = new Set<string>();
    for (const tag of n.tags) {
      const key = tag.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const e = byKey.get(key);
      if (e) e.count++;
      else byKey.set(key, { tag, count: 1 });
    }
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

// ------------------------------------------------------------------ scriptable command arguments

const noteIds = z.array(z.number().int().positive()).min(1);

export const tagsArgSchema = z.object({ noteIds, tags: z.array(z.string()).optional() }).strict();
export const moveArgSchema = z.object({ noteIds, deck: z.string().optional() }).strict();
export const deleteArgSchema = z.object({ noteIds, confirm: z.boolean().optional() }).strict();
export const openArgSchema = z.object({ noteIds }).strict();

export type TagsArg = z.infer<typeof tagsArgSchema>;
export type MoveArg = z.infer<typeof moveArgSchema>;
export type DeleteArg = z.infer<typeof deleteArgSchema>;

/** Whether a command argument is meant as the scripted object (has `noteIds`), rather than a tree item or URI. */
export function isScriptedArg(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && 'noteIds' in v;
}

/** The first problem of an invalid scripted argument, as "path: message". */
export function argProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid argument';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

// ------------------------------------------------------------------ results

export interface Failure {
  id: NoteId;
  reason: string;
}

/** `ankiFiles.addTags` / `ankiFiles.removeTags`. */
export interface TagResult {
  /** Notes asked for. */
  notes: number;
  /** Notes whose tags were changed and saved. */
  saved: number;
  /** Notes that already had (Add) or did not have (Remove) the tags: nothing sent. */
  unchanged: number;
  failed: Failure[];
}

/** `ankiFiles.moveToDeck`. */
export interface MoveResult {
  notes: number;
  moved: number;
  /** Notes already in the deck: nothing sent. */
  unchanged: number;
  /** Cards of the moved notes that stay in other decks (the move rule). */
  cardsLeftBehind: number;
  failed: Failure[];
}

/** `ankiFiles.deleteNotes`. */
export interface DeleteResult {
  notes: number;
  deleted: number;
  failed: Failure[];
}
