// Find and replace over notes: what would change, per note and field, and what would make a note invalid
// (pure: no `vscode` import).
import type { NoteId } from '../anki/api';
import type { EditedNote, NoteSnapshot } from '../notes/model';
import { replaceInText, type Match, type Matcher } from './engine';

/** Where to replace: every field, the named fields (of any note type in scope that has them), or the tags. */
export type ReplaceScope = { kind: 'allFields' } | { kind: 'fields'; names: readonly string[] } | { kind: 'tags' };

export interface FieldChange {
  name: string;
  before: string;
  after: string;
  matches: Match[];
}

export interface TagChange {
  before: string[];
  after: string[];
  /** Each changed tag: its old text and what it became ('' = removed). */
  edits: Array<{ before: string; after: string; matches: number }>;
}

export interface NoteReplacement {
  note: NoteSnapshot;
  fields: FieldChange[];
  tags?: TagChange;
  /** Number of replacements in this note. */
  count: number;
  /** The note as it would be saved. */
  edited: EditedNote;
}

/** A replacement that would make a note invalid (nothing is sent while any exists). */
export type NoteProblem =
  | { noteId: NoteId; code: 'tagHasSpace'; tag: string }
  | { noteId: NoteId; code: 'clozeRemoved'; noteType: string };

export interface ReplacePlan {
  /** Notes searched. */
  scanned: number;
  changes: NoteReplacement[];
  replacements: number;
}

/** Cloze deletions (`{{c1::…}}`) in a text. */
export function countClozes(text: string): number {
  return text.match(/\{\{c\d+::/g)?.length ?? 0;
}

/** Replaces in one note; `undefined` when nothing matches. */
export function replaceInNote(note: NoteSnapshot, matcher: Matcher, scope: ReplaceScope): NoteReplacement | undefined {
  const fields: FieldChange[] = [];
  let count = 0;
  let tags: TagChange | undefined;
  if (scope.kind === 'tags') {
    const edits: TagChange['edits'] = [];
    const after: string[] = [];
    const seen = new Set<string>();
    for (const tag of note.tags) {
      const r = replaceInText(tag, matcher);
      if (r.matches.length > 0) {
        count += r.matches.length;
        edits.push({ before: tag, after: r.text, matches: r.matches.length });
      }
      const key = r.text.toLowerCase();
      if (r.text !== '' && !seen.has(key)) {
        seen.add(key);
        after.push(r.text);
      }
    }
    if (edits.length > 0) tags = { before: [...note.tags], after, edits };
  } else {
    const wanted = scope.kind === 'fields' ? new Set(scope.names) : undefined;
    for (const [name, value] of note.fields) {
      if (wanted && !wanted.has(name)) continue;
      const r = replaceInText(value, matcher);
      if (r.matches.length === 0 || r.text === value) continue;
      count += r.matches.length;
      fields.push({ name, before: value, after: r.text, matches: r.matches });
    }
  }
  if (fields.length === 0 && (!tags || sameList(tags.before, tags.after))) return undefined;
  const changed = new Map(fields.map((f) => [f.name, f.after]));
  const edited: EditedNote = {
    id: note.id,
    deck: note.deck,
    noteType: note.noteType,
    tags: tags ? tags.after : [...note.tags],
    fields: note.fields.map(([n, v]): [string, string] => [n, changed.get(n) ?? v]),
  };
  const result: NoteReplacement = { note, fields, count, edited };
  if (tags) result.tags = tags;
  return result;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function planReplace(notes: readonly NoteSnapshot[], matcher: Matcher, scope: ReplaceScope): ReplacePlan {
  const changes: NoteReplacement[] = [];
  let replacements = 0;
  for (const note of notes) {
    const r = replaceInNote(note, matcher, scope);
    if (!r) continue;
    changes.push(r);
    replacements += r.count;
  }
  return { scanned: notes.length, changes, replacements };
}

/** Note types of changes that would remove every cloze deletion of their note (to check which are Cloze types). */
export function clozeCandidates(plan: ReplacePlan): string[] {
  const types = new Set<string>();
  for (const c of plan.changes) if (losesAllClozes(c)) types.add(c.note.noteType);
  return [...types];
}

function losesAllClozes(c: NoteReplacement): boolean {
  if (c.fields.length === 0) return false;
  const before = c.note.fields.reduce((n, [, v]) => n + countClozes(v), 0);
  const after = c.edited.fields.reduce((n, [, v]) => n + countClozes(v), 0);
  return before > 0 && after === 0;
}

/** Problems that must be fixed before anything is saved. `clozeTypes`: the Cloze note types among the candidates. */
export function validatePlan(plan: ReplacePlan, clozeTypes: ReadonlySet<string>): NoteProblem[] {
  const problems: NoteProblem[] = [];
  for (const c of plan.changes) {
    if (c.tags) {
      for (const t of c.tags.after) if (/\s/u.test(t)) problems.push({ noteId: c.note.id, code: 'tagHasSpace', tag: t });
    }
    if (clozeTypes.has(c.note.noteType) && losesAllClozes(c)) {
      problems.push({ noteId: c.note.id, code: 'clozeRemoved', noteType: c.note.noteType });
    }
  }
  return problems;
}

/** Field names present in the notes (for the "chosen fields" picker and to check a field list). */
export function fieldNamesIn(notes: readonly NoteSnapshot[]): string[] {
  const names = new Set<string>();
  for (const n of notes) for (const [f] of n.fields) names.add(f);
  return [...names];
}
