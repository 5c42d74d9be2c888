// Errors the file-system engines throw (pure: no `vscode` import). `src/fs/errors.ts` maps them, and the
// client's errors, to `FileSystemError` kinds in one place.
import { formatMessage, msg, textMessage, type Message } from '../messages';
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
  /** What to tell the user (localized by the glue); `message` is its English, for logs. */
  readonly msg: Message;
  constructor(kind: FsErrorKind, message: string | Message, opts: { problems?: DocumentProblem[]; cause?: unknown } = {}) {
    const m = typeof message === 'string' ? textMessage(message) : message;
    super(formatMessage(m), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.msg = m;
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
  return formatMessage(problemsMsg(problems, max));
}

/** `problemsMessage` as a message (each problem's own message, localized by the glue). */
export function problemsMsg(problems: readonly DocumentProblem[], max = 2): Message {
  const rank = (p: DocumentProblem) => (p.code === 'missingField' || p.code === 'missingKey' ? 1 : 0);
  const sentence = (p: DocumentProblem): Message => {
    const m = p.msg ?? textMessage(p.message.trim());
    return /[.!?…]$/.test(p.message.trim()) ? m : msg('sentence', m);
  };
  const seen = new Set<string>();
  const unique = [...problems]
    .sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column)
    .filter((p) => {
      const key = `${p.line}\u0000${formatMessage(sentence(p))}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const shown = unique.slice(0, max).map((p) => msg('problemAt', p.line, p.column, sentence(p)));
  const rest = unique.length - shown.length;
  const all = shown.slice(1).reduce<Message>((acc, x) => msg('twoSentences', acc, x), shown[0] ?? textMessage(''));
  return rest === 0 ? all : rest === 1 ? msg('moreProblem', all) : msg('moreProblems', all, rest);
}
