// The one-sentence summary of a document's problems (src/core/fsErrors.ts), as a failed save shows it.
import { describe, expect, it } from 'vitest';
import { problemsMessage } from '../../../src/core/fsErrors';
import type { DocumentProblem } from '../../../src/notes/model';

const p = (line: number, column: number, message: string, code: DocumentProblem['code'] = 'yaml'): DocumentProblem => ({ code, message, line, column });

describe('problemsMessage', () => {
  it('the same sentence twice on one line (YAML reports one mistake twice) is said once', () => {
    const msg = 'YAML syntax error: a value cannot start with "@"';
    expect(problemsMessage([p(3, 5, msg), p(3, 9, msg)])).toBe(`Line 3, column 5: ${msg}.`);
  });

  it('two problems are both shown; a third becomes "and 1 more problem"', () => {
    expect(problemsMessage([p(1, 1, 'A.'), p(2, 1, 'B.')])).toBe('Line 1, column 1: A. Line 2, column 1: B.');
    expect(problemsMessage([p(1, 1, 'A.'), p(2, 1, 'B.'), p(4, 2, 'C.')])).toBe(
      'Line 1, column 1: A. Line 2, column 1: B. (and 1 more problem: see the Problems panel.)',
    );
    expect(problemsMessage([p(1, 1, 'A.'), p(2, 1, 'B.'), p(4, 2, 'C.'), p(5, 1, 'D.')])).toMatch(/\(and 2 more problems: see the Problems panel\.\)$/);
  });

  it('consequences (a missing field) come after the cause; the same sentence on other lines is kept', () => {
    expect(problemsMessage([p(2, 1, 'Missing field Back', 'missingField'), p(5, 1, 'Unknown field Bakc', 'unknownField')])).toBe(
      'Line 5, column 1: Unknown field Bakc. Line 2, column 1: Missing field Back.',
    );
    expect(problemsMessage([p(1, 1, 'Same.'), p(2, 1, 'Same.')])).toBe('Line 1, column 1: Same. Line 2, column 1: Same.');
  });
});
