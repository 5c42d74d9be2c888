// Where a new-note draft's cursor goes (src/ui/editors.ts firstFieldLine).
import { describe, expect, it } from 'vitest';
import { firstFieldLine } from '../../../src/ui/editors';
import { renderNewNoteTemplate } from '../../../src/notes/document';

describe('firstFieldLine', () => {
  it('is the line of the first field under fields: in a rendered draft', () => {
    const lines = renderNewNoteTemplate({ deck: 'D', noteType: 'Basic', fieldNames: ['Front', 'Back'] }).split('\n');
    const at = firstFieldLine(lines, 'Front')!;
    expect(lines[at]).toBe('  Front:');
  });
  it('finds quoted field names, and falls back to the first field line for an unknown name', () => {
    const lines = ['deck: D', 'fields:', '  "Q: A":', '  Back:', 'x: 1'];
    expect(firstFieldLine(lines, 'Q: A')).toBe(2);
    expect(firstFieldLine(lines, 'Nope')).toBe(2);
    expect(firstFieldLine(['deck: D'], 'Front')).toBeUndefined();
  });
});
