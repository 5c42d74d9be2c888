// The save journal's record format (pure: no `vscode` import).
//
// One JSON object per line (JSON Lines), each with `v` (the format version) and `t` (the record type):
//   batch   — written (and fsync'ed) BEFORE the batch's write request is sent: the batch id, time, the
//             AnkiConnect URL + Anki profile it goes to, its kind (save / undo / redo / create / delete), an
//             optional label ("find and replace 'colour' → 'color'"), and per note the state Anki had right
//             before (fields, tags, deck, mod, cards) and the intended change (changed fields, full tag list,
//             deck) — the intended state is `before` with `change` applied.
//   outcome — written after verification: per note its outcome kind and, when saved, the content hash and
//             `mod` of the version Anki has now (what a later undo compares against).
//   ack     — the user was told about a batch that has no outcome (crash report): never reported again.
// Readers skip, with a warning, any line that is not valid JSON, does not match, or has a newer `v`.
import { z } from 'zod';

export const JOURNAL_FORMAT = 1;

const noteId = z.number().int().nonnegative();

/** A note's content as the journal keeps it (what a document shows, plus mod and cards). */
export const noteStateSchema = z.object({
  noteType: z.string(),
  deck: z.string(),
  tags: z.array(z.string()),
  fields: z.array(z.tuple([z.string(), z.string()])),
  mod: z.number().optional(),
  cards: z.array(z.number().int()).optional(),
});
export type NoteState = z.infer<typeof noteStateSchema>;

/** What a batch changes on a note (the saver's NoteChange: changed fields only, full tag list, deck). */
export const noteChangeSchema = z.object({
  fields: z.record(z.string(), z.string()).optional(),
  tags: z.array(z.string()).optional(),
  deck: z.string().optional(),
});
export type JournalChange = z.infer<typeof noteChangeSchema>;

export const batchKinds = ['save', 'undo', 'redo', 'create', 'delete'] as const;
export type BatchKind = (typeof batchKinds)[number];

/** Where the writes went: AnkiConnect's URL and the Anki profile (when the add-on reports it). */
export const journalKeySchema = z.object({ url: z.string(), profile: z.string().optional() });
export type JournalKey = z.infer<typeof journalKeySchema>;

export const batchNoteSchema = z.object({
  /** The note id (for `create`: 0 until the outcome gives the new id). */
  id: noteId,
  /** Anki's state right before the write (absent for `create`). */
  before: noteStateSchema.optional(),
  /** The change sent (for `create`: absent, `created` holds the whole note; for `delete`: absent). */
  change: noteChangeSchema.optional(),
  /** `create` only: the note added. */
  created: noteStateSchema.optional(),
});
export type BatchNote = z.infer<typeof batchNoteSchema>;

export const batchRecordSchema = z.object({
  v: z.literal(JOURNAL_FORMAT),
  t: z.literal('batch'),
  id: z.string().min(1),
  /** Epoch ms. */
  at: z.number(),
  key: journalKeySchema,
  kind: z.enum(batchKinds),
  label: z.string().optional(),
  /** For undo: the batch undone; for redo: the undo batch redone. */
  of: z.string().optional(),
  /** The writing process (a batch of a process still running is in flight, not interrupted). */
  pid: z.number().int().optional(),
  notes: z.array(batchNoteSchema),
});
export type BatchRecord = z.infer<typeof batchRecordSchema>;

export const noteOutcomeSchema = z.object({
  id: noteId,
  /** The saver's outcome kind (saved, conflict, deleted, verifyFailed, actionFailed, unavailable, …). */
  kind: z.string(),
  /** Nothing had to be written (Anki already had this content). */
  unchanged: z.boolean().optional(),
  /** Content hash of Anki's version after the batch (saved notes). */
  hash: z.string().optional(),
  mod: z.number().optional(),
  /** Anki's version after the batch when it differs from `before` + `change` (normalisation, tag case). */
  after: noteStateSchema.optional(),
  /** `create`: the id Anki gave the new note. */
  newId: noteId.optional(),
  /** The outcome's message (failures only). */
  message: z.string().optional(),
});
export type NoteOutcome = z.infer<typeof noteOutcomeSchema>;

export const outcomeRecordSchema = z.object({
  v: z.literal(JOURNAL_FORMAT),
  t: z.literal('outcome'),
  id: z.string().min(1),
  at: z.number(),
  notes: z.array(noteOutcomeSchema),
});
export type OutcomeRecord = z.infer<typeof outcomeRecordSchema>;

export const ackRecordSchema = z.object({
  v: z.literal(JOURNAL_FORMAT),
  t: z.literal('ack'),
  id: z.string().min(1),
  at: z.number(),
});
export type AckRecord = z.infer<typeof ackRecordSchema>;

export const recordSchema = z.discriminatedUnion('t', [batchRecordSchema, outcomeRecordSchema, ackRecordSchema]);
export type JournalRecord = z.infer<typeof recordSchema>;

/**
 * What replaying the journal on start checks of a batch line: the header and each note's id (the notes'
 * contents are validated when the batch is read back, `parseLine`) — a full journal is read in a fraction
 * of the time.
 */
const batchHeaderSchema = batchRecordSchema.extend({ notes: z.array(z.looseObject({ id: noteId })) });
const headerRecordSchema = z.discriminatedUnion('t', [batchHeaderSchema, outcomeRecordSchema, ackRecordSchema]);
export type HeaderRecord = z.infer<typeof headerRecordSchema>;

export type LineProblem = 'badJson' | 'torn' | 'newerFormat' | 'badRecord';

/** Reads one journal line: the record, or why it is skipped. */
export function parseLine(line: string): { ok: true; record: JournalRecord } | { ok: false; problem: LineProblem; detail: string } {
  return parseWith(line, recordSchema);
}

/** `parseLine` for replaying: batch notes are checked for their id only. */
export function parseHeaderLine(line: string): { ok: true; record: HeaderRecord } | { ok: false; problem: LineProblem; detail: string } {
  return parseWith(line, headerRecordSchema);
}

function parseWith<T>(line: string, schema: z.ZodType<T>): { ok: true; record: T } | { ok: false; problem: LineProblem; detail: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, problem: 'badJson', detail: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value === 'object' && value !== null && 'v' in value) {
    const v = (value as { v: unknown }).v;
    if (typeof v === 'number' && v > JOURNAL_FORMAT) {
      return { ok: false, problem: 'newerFormat', detail: `format version ${v} (this version of Anki Files reads ${JOURNAL_FORMAT})` };
    }
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, problem: 'badRecord', detail: issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'not a journal record' };
  }
  return { ok: true, record: r.data };
}

/** Same key: same URL and same profile (an unknown profile matches only an unknown profile). */
export function sameKey(a: JournalKey, b: JournalKey): boolean {
  return a.url === b.url && a.profile === b.profile;
}
