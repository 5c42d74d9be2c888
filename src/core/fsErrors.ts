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

/**
 * `Line 7, column 3: <problem>` for the first two problems, as one message (each problem a sentence), then
 * `(and 1 more problem: see the Problems panel.)`. Identical sentences on one line (YAML often reports one
 * mistake twice) count once. Problems that are consequences (a field reported missing because it was
 * misspelt) come after the others.
 */
export function problemsMessage(problems: readonly DocumentProblem[], max = 2): string {
  const rank = (p: DocumentProblem) => (p.code === 'missingField' || p.code === 'missingKey' ? 1 : 0);
  const sentence = (m: string) => {
    const t = m.trim();
    return /[.!?…]$/.test(t) ? t : `${t}.`;
  };
  const seen = new Set<string>();
  const unique = [...problems]
    .sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column)
    .filter((p) => {
      const key = `${p.line}\u0000${sentence(p.message)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const shown = unique.slice(0, max).map((p) => `Line ${p.line}, column ${p.column}: ${sentence(p.message)}`);
  const rest = unique.length - shown.length;
  const more = rest > 0 ? ` (and ${rest} more problem${rest === 1 ? '' : 's'}: see the Problems panel.)` : '';
  return shown.join(' ') + more;
}
