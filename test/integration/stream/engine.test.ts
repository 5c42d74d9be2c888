// Open as One Document's engine against the test server over real HTTP: 1,000 notes open in 2 requests, three
// edited blocks are saved in 2, an invalid block stops everything, a conflict is reported for its block only.
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEngine } from '../../../src/stream/engine';
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
  const engine = new StreamEngine({ client: () => f.client, saveMany: (r) => f.provider.engine.saveNotes(r), fieldNamesFor: async () => undefined });
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
});
