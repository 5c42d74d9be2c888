// Open as One Document's engine against the test server over real HTTP: 1,000 notes open in 2 requests, three
// edited blocks are saved in 2, an invalid block stops everything, a conflict is reported for its block only.
import { afterEach, describe, expect, it } from 'vitest';
import { applyInsertions, idInsertions, StreamEngine } from '../../../src/stream/engine';
import { basicNote, countRequests, makeFixture, type Fixture } from '../fs/helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function setup(n: number) {
  const ids: number[] = [];
  fx = await makeFixture({ setup: (col) => ids.push(...Array.from({ length: n }, (_, i) => basicNote(col, 'S', `front ${i}`, `back ${i}`))) });
  const f = fx;
  const engine = new StreamEngine({
    client: () => f.client,
    saveMany: (r) => f.provider.engine.saveNotes(r),
    createMany: (d) => f.provider.engine.createNotes(d),
    fieldNamesFor: async (t) => f.client.modelFieldNames(t).catch(() => undefined),
  });
  return { f, ids, engine };
}

const back = (f: Fixture, id: number): string | undefined => {
  const n = f.srv.collection.getNote(id);
  return n ? f.srv.collection.fieldsOf(n).Back : undefined;
};

describe('stream documents', () => {
  it('1,000 notes open in 2 requests; three edited blocks are saved in 2 and nothing else changes', async () => {
    const { f, ids, engine } = await setup(1000);
    const open = await countRequests(f.srv, () => engine.load('deck:S', 5000));
    expect(open.requests).toBe(2);
    const text = open.value.text;
    expect(text.split('\n').filter((l) => l === '---')).toHaveLength(1000);
    const edited = [ids[10], ids[500], ids[999]] as number[];
    let next = text;
    for (const id of edited) {
      const i = ids.indexOf(id);
      next = next.replace(`  Back: back ${i}\n`, `  Back: edited ${i}\n`);
    }
    const save = await countRequests(f.srv, () => engine.write('deck:S', next));
    expect(save.requests).toBe(2);
    expect(save.value.refused).toBe(false);
    expect(save.value.outcomes.map((o) => [o.kind, o.kind === 'saved' ? o.id : 0])).toEqual(edited.map((id) => ['saved', id]));
    ids.forEach((id, i) => expect(back(f, id)).toBe(edited.includes(id) ? `edited ${i}` : `back ${i}`));
    // The same text again: nothing to send.
    const again = await countRequests(f.srv, () => engine.write('deck:S', next));
    expect(again.requests).toBe(0);
  });

  it('an invalid block sends nothing; a conflict fails only its block; a removed block is untouched', async () => {
    const { f, ids, engine } = await setup(3);
    const { text } = await engine.load('deck:S', 5000);
    const bad = text.replace('  Back: back 0\n', '  Bak: x\n').replace('  Back: back 1\n', '  Back: edited 1\n');
    const refused = await countRequests(f.srv, () => engine.write('deck:S', bad));
    expect(refused.requests).toBe(0);
    expect(refused.value.refused).toBe(true);
    expect(back(f, ids[1] as number)).toBe('back 1');
    f.srv.simulate.editInAnki(ids[2] as number, { fields: { Back: 'in Anki' } });
    const blocks = text.split('---\n').filter((b) => b !== '');
    const withoutFirst = ['', blocks[1], blocks[2]].join('---\n').replace('  Back: back 1\n', '  Back: edited 1\n').replace('  Back: back 2\n', '  Back: edited 2\n');
    const r = await engine.write('deck:S', withoutFirst);
    expect(r.removed).toEqual([ids[0]]);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['saved', 'failed']);
    expect(r.outcomes[1]?.kind === 'failed' && r.outcomes[1].message).toMatch(/changed in Anki since you opened it/);
    expect([back(f, ids[0] as number), back(f, ids[1] as number), back(f, ids[2] as number)]).toEqual(['back 0', 'edited 1', 'in Anki']);
  });

  const newBlock = (front: string, deck = 'S'): string => `---\ndeck: ${deck}\nnoteType: Basic\ntags: [added]\nfields:\n  Front: ${front}\n  Back: new back\n`;

  it('a block without id becomes a new note in the same save; with its id written back, a second save sends nothing', async () => {
    const { f, ids, engine } = await setup(3);
    const { text } = await engine.load('deck:S', 5000);
    const written = text.replace('  Back: back 1\n', '  Back: edited 1\n') + newBlock('brand new');
    const before = f.srv.collection.findNotes('deck:S').length;
    const save = await countRequests(f.srv, () => engine.write('deck:S', written));
    // 2 for the edited block (conflict read, write + verify), 2 for the new one (addNote multi, notesInfo)
    expect(save.requests).toBe(4);
    expect(save.value.refused).toBe(false);
    expect(save.value.outcomes.map((o) => o.kind)).toEqual(['saved', 'created']);
    const [added] = save.value.created;
    expect(added?.block.index).toBe(3);
    const id = added?.id as number;
    expect(f.srv.collection.findNotes('deck:S').length).toBe(before + 1);
    const note = f.srv.collection.getNote(id);
    expect(note && f.srv.collection.fieldsOf(note)).toEqual({ Front: 'brand new', Back: 'new back' });
    expect(note?.tags).toEqual(['added']);
    expect(back(f, ids[1] as number)).toBe('edited 1');
    // The id line goes before the block's first key; the document is that text afterwards.
    const { insertions, unplaced } = idInsertions(written, save.value.created);
    expect(unplaced).toEqual([]);
    const withId = applyInsertions(written, insertions);
    expect(withId).toBe(text.replace('  Back: back 1\n', '  Back: edited 1\n') + `---\nid: ${id}\ndeck: S\nnoteType: Basic\ntags: [added]\nfields:\n  Front: brand new\n  Back: new back\n`);
    const again = await countRequests(f.srv, () => engine.write('deck:S', withId));
    expect(again.requests).toBe(0);
    expect(again.value.outcomes).toEqual([]);
    expect(f.srv.collection.findNotes('deck:S').length).toBe(before + 1);
    // Its block is now checked like the others: an edit of it is saved as an edit of that note.
    const edited = await engine.write('deck:S', withId.replace('  Back: new back\n', '  Back: newer back\n'));
    expect(edited.outcomes.map((o) => [o.kind, o.kind === 'saved' ? o.id : 0])).toEqual([['saved', id]]);
    expect(back(f, id)).toBe('newer back');
  });

  it('an added note whose id line is lost (undo) is refused, not added twice; the same text with the line saves nothing', async () => {
    const { f, engine } = await setup(2);
    const { text } = await engine.load('deck:S', 5000);
    const written = text + newBlock('only once');
    const first = await engine.write('deck:S', written);
    expect(first.created).toHaveLength(1);
    const count = f.srv.collection.findNotes('deck:S').length;
    // The id line was undone: the same block without id again.
    const again = await countRequests(f.srv, () => engine.write('deck:S', written));
    expect(again.requests).toBe(0);
    expect(again.value.refused).toBe(true);
    const o = again.value.outcomes[0];
    expect(o?.kind === 'invalid' && o.problems[0]?.message).toMatch(new RegExp(`This block is note ${first.created[0]?.id}, which an earlier save of this document added, without its "id:" line`));
    expect(o?.kind === 'invalid' && o.problems[0]?.line).toBe(text.split('\n').length + 1); // the block's first line
    expect(f.srv.collection.findNotes('deck:S').length).toBe(count);
  });

  it('a new block needs deck and noteType (nothing sent); a deck that does not exist fails only that block, the edits are saved', async () => {
    const { f, ids, engine } = await setup(2);
    const { text } = await engine.load('deck:S', 5000);
    const noDeck = text.replace('  Back: back 0\n', '  Back: edited 0\n') + '---\nnoteType: Basic\nfields:\n  Front: x\n';
    const refused = await countRequests(f.srv, () => engine.write('deck:S', noDeck));
    expect(refused.requests).toBe(0);
    expect(refused.value.refused).toBe(true);
    const p = refused.value.outcomes[0];
    expect(p?.kind === 'invalid' && p.problems.map((x) => [x.code, x.line])).toEqual([['missingKey', text.split('\n').length + 1]]);
    expect(back(f, ids[0] as number)).toBe('back 0');
    const count = f.srv.collection.findNotes('deck:*').length;
    const badDeck = text.replace('  Back: back 0\n', '  Back: edited 0\n') + newBlock('nowhere', 'No Such Deck');
    const r = await engine.write('deck:S', badDeck);
    expect(r.outcomes.map((o) => o.kind)).toEqual(['saved', 'failed']);
    expect(r.outcomes[1]?.kind === 'failed' && r.outcomes[1].message).toMatch(/The deck "No Such Deck" does not exist in Anki/);
    expect(r.created).toEqual([]);
    expect(back(f, ids[0] as number)).toBe('edited 0');
    expect(f.srv.collection.findNotes('deck:*').length).toBe(count);
    // Fixed and saved again: the edited block is not sent again, the new one is added once.
    const fixed = await countRequests(f.srv, () => engine.write('deck:S', badDeck.replace('No Such Deck', 'S')));
    expect(fixed.value.outcomes.map((o) => o.kind)).toEqual(['created']);
    expect(fixed.requests).toBe(2);
  });

  it('a block removed leaves its note untouched and is reported; a block whose id is not in the set is an error', async () => {
    const { f, ids, engine } = await setup(3);
    const { text } = await engine.load('deck:S', 5000);
    const blocks = text.split('---\n').filter((b) => b !== '');
    const removed = ['', blocks[0], blocks[2]].join('---\n');
    const r = await countRequests(f.srv, () => engine.write('deck:S', removed));
    expect(r.requests).toBe(0);
    expect(r.value.removed).toEqual([ids[1]]);
    expect(r.value.outcomes).toEqual([]);
    expect(f.srv.collection.getNote(ids[1] as number)).toBeDefined();
    expect(back(f, ids[1] as number)).toBe('back 1');
    const other = basicNote(f.srv.collection, 'Elsewhere', 'not in the set', 'b');
    const foreign = text + `---\nid: ${other}\ndeck: Elsewhere\nnoteType: Basic\ntags: []\nfields:\n  Front: not in the set\n  Back: changed\n`;
    const bad = await countRequests(f.srv, () => engine.write('deck:S', foreign));
    expect(bad.requests).toBe(0);
    expect(bad.value.refused).toBe(true);
    const o = bad.value.outcomes[0];
    expect(o?.kind === 'invalid' && o.problems[0]?.message).toMatch(new RegExp(`Note ${other} is not one of the notes of this document \\(deck:S\\)`));
    expect(back(f, other)).toBe('b');
  });
});
