// Where the ids of notes added from a stream document's blocks are written back (pure).
import { describe, expect, it } from 'vitest';
import { splitStream } from '../../../src/stream/codec';
import { applyInsertions, idInsertions } from '../../../src/stream/engine';

const existing = (id: number, front: string): string => `---\n# Basic\nid: ${id}\ndeck: D\nnoteType: Basic\ntags: []\nfields:\n  Front: ${front}\n  Back: b\n`;
const fresh = (front: string): string => `---\n# a new one\ndeck: D\nnoteType: Basic\ntags: []\nfields:\n  Front: ${front}\n  Back: b\n`;

describe('idInsertions', () => {
  const saved = existing(1, 'one') + fresh('new A') + existing(2, 'two') + fresh('new B');
  const blocks = splitStream(saved);
  const added = [
    { id: 101, block: blocks[1] as (typeof blocks)[number] },
    { id: 102, block: blocks[3] as (typeof blocks)[number] },
  ];

  it('puts each id before the first key of its block, in the text as saved', () => {
    const { insertions, unplaced } = idInsertions(saved, added);
    expect(unplaced).toEqual([]);
    expect(applyInsertions(saved, insertions)).toBe(existing(1, 'one') + fresh('new A').replace('deck: D', 'id: 101\ndeck: D') + existing(2, 'two') + fresh('new B').replace('deck: D', 'id: 102\ndeck: D'));
  });

  it('follows the blocks when the user typed elsewhere or added a block above since the save', () => {
    const now = existing(7, 'inserted') + existing(1, 'one, edited') + fresh('new A') + existing(2, 'two') + fresh('new B');
    const { insertions, unplaced } = idInsertions(now, added);
    expect(unplaced).toEqual([]);
    expect(applyInsertions(now, insertions)).toBe(existing(7, 'inserted') + existing(1, 'one, edited') + fresh('new A').replace('deck: D', 'id: 101\ndeck: D') + existing(2, 'two') + fresh('new B').replace('deck: D', 'id: 102\ndeck: D'));
  });

  it('a block edited since the save is not guessed at: its note is unplaced', () => {
    const now = saved.replace('Front: new B', 'Front: new B, edited');
    const { insertions, unplaced } = idInsertions(now, added);
    expect(unplaced).toEqual([102]);
    expect(insertions.map((x) => x.id)).toEqual([101]);
  });

  it('two identical new blocks at other positions than saved are not guessed at either', () => {
    const twice = existing(9, 'x') + existing(8, 'y') + fresh('new A') + fresh('new A');
    const { unplaced } = idInsertions(twice, [added[0] as (typeof added)[number]]);
    expect(unplaced).toEqual([101]);
  });
});
