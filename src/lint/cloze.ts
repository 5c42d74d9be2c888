// Cloze deletions in field HTML (pure). Anki's syntax is `{{cN::text}}` or `{{cN::text::hint}}` (N ≥ 1,
// lowercase `c`, two colons), nested deletions allowed; this finds the well-formed ones and the typical
// slips that Anki silently shows as plain text.

export interface ClozeDeletion {
  n: number;
  start: number;
  /** Exclusive end (after the closing `}}`). */
  end: number;
}

export type MalformedKind = 'noNumber' | 'singleColon' | 'unclosed';

export interface MalformedCloze {
  kind: MalformedKind;
  start: number;
  end: number;
}

export interface ClozeScan {
  deletions: ClozeDeletion[];
  malformed: MalformedCloze[];
}

const OPENER = /\{\{c(\d*)(:{1,2})/y;

/** Well-formed deletions and malformed openers of `text`, in order (offsets into `text`). */
export function scanCloze(text: string): ClozeScan {
  const deletions: ClozeDeletion[] = [];
  const malformed: MalformedCloze[] = [];
  let i = text.indexOf('{{c');
  while (i >= 0) {
    OPENER.lastIndex = i;
    const m = OPENER.exec(text);
    if (m) {
      const digits = m[1] ?? '';
      const colons = m[2] ?? '';
      const openerEnd = i + m[0].length;
      if (digits === '') malformed.push({ kind: 'noNumber', start: i, end: openerEnd });
      else if (colons.length === 1) malformed.push({ kind: 'singleColon', start: i, end: openerEnd });
      else {
        const close = matchingClose(text, openerEnd);
        if (close < 0) {
          const lineEnd = text.indexOf('\n', openerEnd);
          malformed.push({ kind: 'unclosed', start: i, end: lineEnd < 0 ? text.length : lineEnd });
        } else {
          deletions.push({ n: Number(digits), start: i, end: close + 2 });
        }
      }
    }
    i = text.indexOf('{{c', i + 3);
  }
  return { deletions, malformed };
}

/** Index of the `}}` closing a deletion whose content starts at `from` (nested deletions counted). */
function matchingClose(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    if (text.startsWith('}}', i)) {
      depth--;
      if (depth === 0) return i;
      i += 2;
      continue;
    }
    OPENER.lastIndex = i;
    const m = OPENER.exec(text);
    if (m && (m[1] ?? '') !== '' && m[2] === '::') {
      depth++;
      i += m[0].length;
      continue;
    }
    i++;
  }
  return -1;
}
