// Sending the queued saves once Anki answers again (pure: no `vscode` import): every entry whose text reads
// as a note document goes into ONE batch of the normal saver (`FsEngine.saveNotes`: 2 requests, the conflict
// check against the version each text is based on). Each entry gets its own verdict; the glue shows them.
import type { NoteSnapshot, EditedNote, DocumentProblem } from '../notes/model';
import type { ParseResult } from '../notes/document';
import { baseOf, type SaveOutcome, type SaveRequest } from '../core/saver';
import type { FlushItem, FlushVerdict } from './saveQueue';

export interface FlushDeps {
  parse(text: string, base: NoteSnapshot): ParseResult<EditedNote>;
  saveNotes(reqs: readonly SaveRequest[]): Promise<SaveOutcome[]>;
}

export interface FlushResult {
  item: FlushItem;
  verdict: FlushVerdict;
  /** What happened, for the user (the saver's own sentence, or the document's problems). */
  message: string;
  /** Anki's version after the batch, when the saver read it (saved, conflict). */
  current?: NoteSnapshot;
  problems?: DocumentProblem[];
}

export const FLUSH_LABEL = 'saved when Anki was back';

export function verdictOf(o: SaveOutcome): FlushVerdict {
  switch (o.kind) {
    case 'saved':
      return 'saved';
    case 'conflict':
      return 'conflict';
    case 'deleted':
      return 'deleted';
    case 'unavailable':
      // Nothing was sent (Anki went away again before the write): still waiting. An unknown outcome is final.
      return o.unknownOutcome ? 'failed' : 'unavailable';
    default:
      return 'failed';
  }
}

/** Saves the items as one batch; documents that do not parse are not sent. Results in the items' order. */
export async function flushQueued(items: readonly FlushItem[], deps: FlushDeps): Promise<FlushResult[]> {
  const results: Array<FlushResult | undefined> = items.map(() => undefined);
  const reqs: SaveRequest[] = [];
  const at: number[] = [];
  items.forEach((item, i) => {
    const parsed = deps.parse(item.text, item.entry.base);
    if (!parsed.ok) {
      results[i] = {
        item,
        verdict: 'invalid',
        problems: parsed.problems,
        message: parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('; '),
      };
      return;
    }
    reqs.push({ noteId: item.entry.noteId, edited: parsed.note, base: baseOf(item.entry.base), meta: { kind: 'save', label: FLUSH_LABEL } });
    at.push(i);
  });
  const outcomes = reqs.length > 0 ? await deps.saveNotes(reqs) : [];
  outcomes.forEach((o, k) => {
    const i = at[k];
    const item = i === undefined ? undefined : items[i];
    if (i === undefined || !item) return;
    const r: FlushResult = { item, verdict: verdictOf(o), message: o.kind === 'saved' ? o.summary : o.message };
    if (o.kind === 'saved') r.current = o.note;
    else if ((o.kind === 'conflict' || o.kind === 'verifyFailed') && o.current) r.current = o.current;
    results[i] = r;
  });
  return results.map(
    (r, i) => r ?? { item: items[i] as FlushItem, verdict: 'failed' as const, message: 'The saver gave no outcome for this note.' },
  );
}
