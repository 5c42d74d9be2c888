// Save When Anki Is Back: the queue of documents to save once Anki answers again (pure: `node:fs` only).
//
// An entry is one note's document as the user asked to save it while Anki was closed: the text, the version
// of the note that text is based on (what the editor had loaded: the conflict check compares Anki's note with
// it, so a note changed in Anki meanwhile is never overwritten), and the collection it belongs to (AnkiConnect
// URL + Anki profile: a queued save is only ever sent to that collection).
//
// Which text is saved (`planFlush`): the queued text, unless the document is open with unsaved changes — then
// the user's current text wins (they kept editing after queueing; what the editor shows is what they want).
//
// The queue file is written like the offline cache: temp file in the same directory, fsync, rename. A file
// that does not parse or has the wrong shape is set aside (renamed `*.unreadable-<time>`, never deleted: it
// holds the user's text) with a log line, and the queue starts empty.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { NoteId } from '../anki/api';
import { writeFileAtomic } from '../cache/atomicWrite';
import type { NoteSnapshot } from '../notes/model';

export const QUEUE_FORMAT = 1;

export interface QueueKey {
  url: string;
  /** The Anki profile the document was read from ('' when the add-on cannot tell). */
  profile: string;
}

export interface QueuedSave {
  noteId: NoteId;
  /** The document's `anki:` path when it was queued. */
  path: string;
  /** The document's text when it was queued. */
  text: string;
  /** The version of the note the text is based on (what the editor had loaded). */
  base: NoteSnapshot;
  key: QueueKey;
  /** When it was queued (ms since the epoch). */
  queuedAt: number;
}

const snapshotSchema = z.object({
  id: z.number(),
  deck: z.string(),
  noteType: z.string(),
  tags: z.array(z.string()),
  fields: z.array(z.tuple([z.string(), z.string()])),
  mod: z.number().optional(),
  cards: z.array(z.number()),
});

const entrySchema = z.object({
  noteId: z.number(),
  path: z.string(),
  text: z.string(),
  base: snapshotSchema,
  key: z.object({ url: z.string(), profile: z.string() }),
  queuedAt: z.number(),
});

const fileSchema = z.object({ format: z.literal(QUEUE_FORMAT), entries: z.array(entrySchema) });

const sameKey = (a: QueueKey, b: QueueKey): boolean => a.url === b.url && a.profile === b.profile;

/** The queue in memory: at most one entry per note and collection (queueing a note again replaces its entry). */
export class SaveQueue {
  private list: QueuedSave[];

  constructor(entries: readonly QueuedSave[] = []) {
    this.list = [...entries];
  }

  get entries(): readonly QueuedSave[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Adds an entry; an entry of the same note and collection is replaced (its base is kept: the editor's). */
  add(entry: QueuedSave): void {
    const i = this.list.findIndex((e) => e.noteId === entry.noteId && sameKey(e.key, entry.key));
    if (i >= 0) this.list[i] = entry;
    else this.list.push(entry);
  }

  /** The entries of one collection, oldest first. */
  forKey(key: QueueKey): QueuedSave[] {
    return this.list.filter((e) => sameKey(e.key, key));
  }

  has(noteId: NoteId, key: QueueKey): boolean {
    return this.list.some((e) => e.noteId === noteId && sameKey(e.key, key));
  }

  /** Removes the entries of these notes in this collection; returns how many went. */
  remove(noteIds: Iterable<NoteId>, key: QueueKey): number {
    const ids = new Set(noteIds);
    const before = this.list.length;
    this.list = this.list.filter((e) => !(ids.has(e.noteId) && sameKey(e.key, key)));
    return before - this.list.length;
  }

  clear(): number {
    const n = this.list.length;
    this.list = [];
    return n;
  }

  serialise(): string {
    return JSON.stringify({ format: QUEUE_FORMAT, entries: this.list });
  }
}

/** What an open editor of a queued note has (undefined: not open). */
export interface EditorState {
  dirty: boolean;
  text: string;
}

export interface FlushItem {
  entry: QueuedSave;
  /** The text to save. */
  text: string;
  /** Where it comes from: the queued text, or the open editor's unsaved text (which wins). */
  source: 'queued' | 'editor';
}

/**
 * Which text each queued entry saves: the queued text, unless the note's document is open with unsaved
 * changes — then the editor's current text (the user kept editing after queueing).
 */
export function planFlush(entries: readonly QueuedSave[], editorOf: (entry: QueuedSave) => EditorState | undefined): FlushItem[] {
  return entries.map((entry) => {
    const ed = editorOf(entry);
    return ed?.dirty ? { entry, text: ed.text, source: 'editor' } : { entry, text: entry.text, source: 'queued' };
  });
}

/** How a flushed entry ended, as the glue classifies the saver's outcome. */
export type FlushVerdict = 'saved' | 'conflict' | 'deleted' | 'invalid' | 'unavailable' | 'failed';

/**
 * Whether an entry stays queued after a flush: only when Anki could not be reached again (nothing was sent).
 * Every other outcome is final: saved, or handed to the editor (conflict flow, error message) with the text.
 */
export function staysQueued(verdict: FlushVerdict): boolean {
  return verdict === 'unavailable';
}

export interface QueueLog {
  warn(message: string): void;
}

export type QueueLoad = { kind: 'missing' | 'loaded'; queue: SaveQueue } | { kind: 'setAside'; queue: SaveQueue; reason: string; movedTo: string };

/** Reads the queue file; a missing file is an empty queue; an unreadable one is set aside (kept), not deleted. */
export async function loadQueue(file: string, log: QueueLog, now: () => number = Date.now): Promise<QueueLoad> {
  let raw: string;
  try {
    raw = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT') return { kind: 'missing', queue: new SaveQueue() };
    return setAside(file, `cannot be read (${errText(e)})`, log, now);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return setAside(file, `is not valid JSON (${errText(e)})`, log, now);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return setAside(file, `does not have the expected shape (${parsed.error.issues[0]?.message ?? 'schema'})`, log, now);
  return { kind: 'loaded', queue: new SaveQueue(parsed.data.entries) };
}

async function setAside(file: string, reason: string, log: QueueLog, now: () => number): Promise<QueueLoad> {
  const movedTo = `${file}.unreadable-${now()}`;
  await fsp.rename(file, movedTo).catch(() => undefined);
  log.warn(`The queue of saves waiting for Anki (${path.basename(file)}) ${reason}; it was set aside as ${path.basename(movedTo)} and the queue starts empty.`);
  return { kind: 'setAside', queue: new SaveQueue(), reason, movedTo };
}

/** Writes the queue atomically (temp file + fsync + rename); an empty queue removes the file. */
export async function writeQueue(file: string, queue: SaveQueue): Promise<void> {
  if (queue.size === 0) {
    await fsp.rm(file, { force: true });
    return;
  }
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, queue.serialise());
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
