// Errors the file-system engines throw (pure: no `vscode` import). `src/fs/errors.ts` maps them, and the
// client's errors, to `FileSystemError` kinds in one place.
import type { DocumentProblem } from '../notes/model';

export type FsErrorKind =
  | 'notFound' // note/deck does not exist (or was deleted in Anki)
  | 'exists' // create of something that exists
  | 'isDirectory'
  | 'notDirectory'
  | 'noPermissions' // operation not possible on anki: (rename across kinds, non-empty deck delete, API key…)
  | 'unavailable' // Anki not reachable, or unknown outcome of a request
  | 'invalid' // the document does not parse/validate (has `problems`)
  | 'conflict' // changed in Anki since loaded
  | 'failed'; // Anki refused or did not apply the change

export class FsEngineError extends Error {
  override readonly name = 'FsEngineError';
  readonly kind: FsErrorKind;
  /** Document problems, for `invalid`. */
  readonly problems: DocumentProblem[];
  constructor(kind: FsErrorKind, message: string, opts: { problems?: DocumentProblem[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.problems = opts.problems ?? [];
  }
}

/** `Line 7, column 3: <problem>` for each problem (first few), as one message. */
export function problemsMessage(problems: readonly DocumentProblem[], max = 3): string {
  const shown = problems.slice(0, max).map((p) => `Line ${p.line}, column ${p.column}: ${p.message}`);
  const more = problems.length > max ? ` (and ${problems.length - max} more problem${problems.length - max === 1 ? '' : 's'})` : '';
  return shown.join('; ') + more;
}
