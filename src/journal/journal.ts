// The save journal: an append-only, durable, bounded log of every write Anki Files makes (pure: `node:fs`
// only, no `vscode`; the glue passes the directory, VS Code's global storage).
//
// Storage: segment files `journal-00000001.jsonl`, `journal-00000002.jsonl`, … in the directory, one record
// per line (format: ./format.ts). Appends go to the newest segment; a segment is closed once it holds an
// eighth of the bounds (bytes or note versions), and when the segments together exceed the bounds the oldest
// segments are deleted whole — so nothing is ever rewritten, and the history kept is between 7/8 of the
// bounds and the bounds. The newest segment is never deleted (never an empty history).
//
// Durability: `append` resolves after the line was written and `fdatasync`ed; the saver awaits the batch
// record before it sends the write request. Appends are serialised (one line, one write call, in order), so
// concurrent batches never interleave.
//
// Tolerance: a line that is not JSON (a torn last line after a crash), not a record, or from a newer format
// version is skipped with a warning in the log; the lines around it are read normally. A torn last line is
// never continued: the next append starts on a new line.
//
// Memory: the index keeps per batch its header (id, time, key, kind, label, note ids, where its line is) and
// its outcome; the notes' contents are read from disk when needed (`readBatch`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  JOURNAL_FORMAT,
  parseHeaderLine,
  parseLine,
  sameKey,
  type AckRecord,
  type BatchKind,
  type BatchRecord,
  type HeaderRecord,
  type JournalKey,
  type JournalRecord,
  type OutcomeRecord,
} from './format';

export const DEFAULT_MAX_VERSIONS = 50_000;
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;
/** Segments per bound: a segment is closed at 1/8 of the bounds. */
const SEGMENTS_PER_BOUND = 8;
const SEGMENT_RE = /^journal-(\d{8})\.jsonl$/;

export interface JournalLog {
  warn(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

export interface JournalOptions {
  dir: string;
  /** Note versions kept (a batch of n notes is n versions). */
  maxVersions?: number;
  maxBytes?: number;
  log?: JournalLog;
  /** fdatasync after every append (default true; benchmarks compare). */
  sync?: boolean;
}

/** What the index keeps of a batch. */
export interface BatchEntry {
  id: string;
  at: number;
  key: JournalKey;
  kind: BatchKind;
  label?: string;
  of?: string;
  pid?: number;
  noteIds: number[];
  outcome?: OutcomeRecord;
  acked: boolean;
  /** Where the batch line is. */
  segment: string;
  offset: number;
  length: number;
}

interface Segment {
  name: string;
  seq: number;
  bytes: number;
  versions: number;
  /** Batch ids whose record is in this segment. */
  batches: string[];
}

export interface JournalStats {
  segments: number;
  bytes: number;
  versions: number;
  batches: number;
  skippedLines: number;
}

function segmentName(seq: number): string {
  return `journal-${String(seq).padStart(8, '0')}.jsonl`;
}

let idCounter = 0;
/** A batch id unique across processes: time, pid, counter. */
export function newBatchId(now = Date.now()): string {
  idCounter = (idCounter + 1) % 0x100000;
  return `${now.toString(36)}-${process.pid.toString(36)}-${idCounter.toString(36)}`;
}

export class Journal {
  readonly dir: string;
  private readonly maxVersions: number;
  private readonly maxBytes: number;
  private readonly log: JournalLog | undefined;
  private readonly sync: boolean;
  private segments: Segment[] = [];
  private readonly batches = new Map<string, BatchEntry>();
  /** Batch ids in journal order. */
  private order: string[] = [];
  /** Outcomes/acks read before their batch (another process's segment order); applied when it comes. */
  private readonly early = new Map<string, { outcome?: OutcomeRecord; acked?: boolean }>();
  private handle: fs.promises.FileHandle | undefined;
  private handleSegment: Segment | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private loaded: Promise<void> | undefined;
  private skipped = 0;

  constructor(opts: JournalOptions) {
    this.dir = opts.dir;
    this.maxVersions = Math.max(1, opts.maxVersions ?? DEFAULT_MAX_VERSIONS);
    this.maxBytes = Math.max(1024, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    this.log = opts.log;
    this.sync = opts.sync ?? true;
  }

  /** Reads the journal (once; later calls share it). Never rejects for bad content, only for an unusable directory. */
  open(): Promise<void> {
    if (!this.loaded) this.loaded = this.load();
    return this.loaded;
  }

  private async load(): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const names = (await fs.promises.readdir(this.dir)).filter((n) => SEGMENT_RE.test(n)).sort();
    for (const name of names) {
      const seq = Number(SEGMENT_RE.exec(name)?.[1] ?? 0);
      let buf: Buffer;
      try {
        buf = await fs.promises.readFile(path.join(this.dir, name));
      } catch (e) {
        this.log?.warn(`Save journal: cannot read ${name} (${e instanceof Error ? e.message : String(e)}); skipped.`);
        continue;
      }
      const seg: Segment = { name, seq, bytes: buf.length, versions: 0, batches: [] };
      this.segments.push(seg);
      let pos = 0;
      let lineNo = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(10, pos);
        const end = nl < 0 ? buf.length : nl;
        lineNo++;
        if (end > pos) {
          const line = buf.toString('utf8', pos, end);
          const r = parseHeaderLine(line);
          if (!r.ok) {
            this.skipped++;
            const torn = nl < 0 && r.problem === 'badJson';
            this.log?.warn(
              `Save journal: ${name} line ${lineNo} skipped (${torn ? 'torn last line, probably written during a crash' : r.problem === 'newerFormat' ? `written by a newer version of Anki Files: ${r.detail}` : r.detail}).`,
            );
          } else {
            this.index(r.record, seg, pos, end - pos);
          }
        }
        pos = end + 1;
      }
    }
  }

  private index(rec: JournalRecord | HeaderRecord, seg: Segment, offset: number, length: number): void {
    switch (rec.t) {
      case 'batch': {
        if (this.batches.has(rec.id)) return;
        const e: BatchEntry = {
          id: rec.id,
          at: rec.at,
          key: rec.key,
          kind: rec.kind,
          noteIds: rec.notes.map((n) => n.id),
          acked: false,
          segment: seg.name,
          offset,
          length,
        };
        if (rec.label !== undefined) e.label = rec.label;
        if (rec.of !== undefined) e.of = rec.of;
        if (rec.pid !== undefined) e.pid = rec.pid;
        const early = this.early.get(rec.id);
        if (early) {
          if (early.outcome) e.outcome = early.outcome;
          if (early.acked) e.acked = true;
          this.early.delete(rec.id);
        }
        this.batches.set(rec.id, e);
        this.order.push(rec.id);
        seg.versions += rec.notes.length;
        seg.batches.push(rec.id);
        return;
      }
      case 'outcome': {
        const e = this.batches.get(rec.id);
        if (e) e.outcome = rec;
        else this.early.set(rec.id, { ...this.early.get(rec.id), outcome: rec });
        return;
      }
      case 'ack': {
        const e = this.batches.get(rec.id);
        if (e) e.acked = true;
        else this.early.set(rec.id, { ...this.early.get(rec.id), acked: true });
        return;
      }
    }
  }

  // ------------------------------------------------------------------ writing

  /**
   * Appends a batch record durably (resolves once it is on disk). The caller sends the write request only
   * after this resolves; a rejection means nothing may be sent.
   */
  appendBatch(rec: Omit<BatchRecord, 'v' | 't'>): Promise<BatchEntry> {
    const full: BatchRecord = { v: JOURNAL_FORMAT, t: 'batch', ...rec };
    return this.enqueue(async () => {
      const { seg, offset, length } = await this.write(full, rec.notes.length);
      this.index(full, seg, offset, length);
      return this.batches.get(rec.id) as BatchEntry;
    });
  }

  appendOutcome(rec: Omit<OutcomeRecord, 'v' | 't'>): Promise<void> {
    const full: OutcomeRecord = { v: JOURNAL_FORMAT, t: 'outcome', ...rec };
    return this.enqueue(async () => {
      const { seg, offset, length } = await this.write(full, 0);
      this.index(full, seg, offset, length);
    });
  }

  /** Marks an interrupted batch as reported to the user (it is not reported again). */
  acknowledge(id: string, at = Date.now()): Promise<void> {
    const full: AckRecord = { v: JOURNAL_FORMAT, t: 'ack', id, at };
    return this.enqueue(async () => {
      const { seg, offset, length } = await this.write(full, 0);
      this.index(full, seg, offset, length);
    });
  }

  private enqueue<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      await this.open();
      return f();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(rec: JournalRecord, versions: number): Promise<{ seg: Segment; offset: number; length: number }> {
    const line = Buffer.from(JSON.stringify(rec), 'utf8');
    const seg = await this.currentSegment(line.length + 1, versions);
    const fh = await this.fileFor(seg);
    // The file's real size (another window may append to the same journal).
    const size = (await fh.stat()).size;
    // A torn last line (crash mid-write) is never continued: start on a new line.
    let prefix = 0;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const { bytesRead } = await fh.read(last, 0, 1, size - 1);
      if (bytesRead === 1 && last[0] !== 10) prefix = 1;
    }
    const buf = Buffer.allocUnsafe(prefix + line.length + 1);
    if (prefix) buf[0] = 10;
    line.copy(buf, prefix);
    buf[prefix + line.length] = 10;
    await fh.write(buf, 0, buf.length, null);
    if (this.sync) await fh.datasync();
    const offset = size + prefix;
    seg.bytes = size + buf.length;
    return { seg, offset, length: line.length };
  }

  /** The segment to append to, rolling over (and dropping the oldest segments) when it is full. */
  private async currentSegment(bytes: number, versions: number): Promise<Segment> {
    const segBytes = Math.max(1, Math.floor(this.maxBytes / SEGMENTS_PER_BOUND));
    const segVersions = Math.max(1, Math.floor(this.maxVersions / SEGMENTS_PER_BOUND));
    let seg = this.segments[this.segments.length - 1];
    const full = (s: Segment) => s.bytes > 0 && (s.bytes + bytes > segBytes || (versions > 0 && s.versions + versions > segVersions));
    if (!seg || full(seg)) {
      const seq = (seg?.seq ?? 0) + 1;
      seg = { name: segmentName(seq), seq, bytes: 0, versions: 0, batches: [] };
      this.segments.push(seg);
      await this.closeHandle();
      this.enforceBounds(bytes, versions);
    }
    return seg;
  }

  /** Deletes the oldest segments while the rest (with the next record) exceeds the bounds; never the newest. */
  private enforceBounds(nextBytes: number, nextVersions: number): void {
    const total = () =>
      this.segments.reduce((a, s) => ({ bytes: a.bytes + s.bytes, versions: a.versions + s.versions }), { bytes: nextBytes, versions: nextVersions });
    while (this.segments.length > 1) {
      const t = total();
      if (t.bytes <= this.maxBytes && t.versions <= this.maxVersions) break;
      const oldest = this.segments.shift() as Segment;
      try {
        fs.unlinkSync(path.join(this.dir, oldest.name));
      } catch (e) {
        this.log?.warn(`Save journal: could not delete the old segment ${oldest.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const dropped = new Set(oldest.batches);
      for (const id of dropped) this.batches.delete(id);
      this.order = this.order.filter((id) => !dropped.has(id));
      this.log?.info?.(`Save journal: dropped the oldest ${oldest.batches.length} batch(es) (${oldest.versions} note versions) to stay within the bounds.`);
    }
  }

  private async fileFor(seg: Segment): Promise<fs.promises.FileHandle> {
    if (this.handle && this.handleSegment === seg) return this.handle;
    await this.closeHandle();
    this.handle = await fs.promises.open(path.join(this.dir, seg.name), 'a+');
    this.handleSegment = seg;
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    this.handleSegment = undefined;
    if (h) await h.close().catch(() => undefined);
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.chain;
    await this.closeHandle();
  }

  // ------------------------------------------------------------------ reading

  /** Batches, newest first (optionally only those for `key`). */
  list(key?: JournalKey): BatchEntry[] {
    const out: BatchEntry[] = [];
    for (let i = this.order.length - 1; i >= 0; i--) {
      const e = this.batches.get(this.order[i] as string);
      if (e && (!key || sameKey(e.key, key))) out.push(e);
    }
    return out;
  }

  get(id: string): BatchEntry | undefined {
    return this.batches.get(id);
  }

  /** The full batch record (notes' states) from disk; undefined when it is gone or unreadable. */
  async readBatch(id: string): Promise<BatchRecord | undefined> {
    const e = this.batches.get(id);
    if (!e) return undefined;
    const file = path.join(this.dir, e.segment);
    try {
      const fh = await fs.promises.open(file, 'r');
      let buf: Buffer;
      try {
        buf = Buffer.alloc(e.length);
        const { bytesRead } = await fh.read(buf, 0, e.length, e.offset);
        buf = buf.subarray(0, bytesRead);
      } finally {
        await fh.close().catch(() => undefined);
      }
      const r = parseLine(buf.toString('utf8'));
      if (r.ok && r.record.t === 'batch' && r.record.id === id) return r.record;
      // Another window appended to the same segment between our size check and our write (the line is
      // whole, at another offset): find it by id.
      const all = await fs.promises.readFile(file);
      let pos = 0;
      while (pos < all.length) {
        const nl = all.indexOf(10, pos);
        const end = nl < 0 ? all.length : nl;
        if (end > pos && all.indexOf(id, pos) !== -1 && all.indexOf(id, pos) < end) {
          const p = parseLine(all.toString('utf8', pos, end));
          if (p.ok && p.record.t === 'batch' && p.record.id === id) {
            e.offset = pos;
            e.length = end - pos;
            return p.record;
          }
        }
        pos = end + 1;
      }
      this.log?.warn(`Save journal: the record of batch ${id} could not be read back.`);
      return undefined;
    } catch (err) {
      this.log?.warn(`Save journal: reading batch ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  /**
   * Batches with a record but no outcome, not yet reported, and not written by a process that is still
   * running (another window's batch in flight) — the saves a crash may have interrupted.
   */
  interrupted(opts: { url?: string; isAlive?: (pid: number) => boolean } = {}): BatchEntry[] {
    const alive = opts.isAlive ?? processAlive;
    return this.list().filter(
      (e) =>
        !e.outcome &&
        !e.acked &&
        (opts.url === undefined || e.key.url === opts.url) &&
        // a batch of this process is in flight, not interrupted; one of another live process (window) too
        !(e.pid !== undefined && (e.pid === process.pid || alive(e.pid))),
    );
  }

  stats(): JournalStats {
    return {
      segments: this.segments.length,
      bytes: this.segments.reduce((a, s) => a + s.bytes, 0),
      versions: this.segments.reduce((a, s) => a + s.versions, 0),
      batches: this.batches.size,
      skippedLines: this.skipped,
    };
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
