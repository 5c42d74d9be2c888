// Find and replace against the test server over real HTTP: request counts for reading the scope and saving,
// conflicts per note, validation before anything is sent, open documents after a bulk save.
import { afterEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { prepareReplace, resultOf, saveRequestsOf, type ReplaceRequest } from '../../../src/replace/run';
import { basicNote, bytes, countRequests, makeFixture, rejection, text, uriOf, W, type Fixture } from '../fs/helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const fieldsOf = (f: Fixture, id: number): Record<string, string> | undefined => {
  const n = f.srv.collection.getNote(id);
  return n ? f.srv.collection.fieldsOf(n) : undefined;
};

async function replaceAll(f: Fixture, req: ReplaceRequest) {
  const prepared = await prepareReplace(f.client, req);
  if (!prepared.ok) throw new Error(`not prepared: ${JSON.stringify(prepared.problem)}`);
  const reqs = saveRequestsOf(prepared.plan);
  const outcomes = await f.provider.engine.saveNotes(reqs);
  return resultOf(prepared.plan, reqs, outcomes);
}

describe('find and replace', () => {
  it('10,000 notes: read in ⌈N/5000⌉+1 = 3 requests, saved in 2, every change applied and nothing else', async () => {
    const ids: number[] = [];
    fx = await makeFixture({
      setup: (col) => {
        for (let i = 0; i < 10000; i++) ids.push(basicNote(col, i % 2 ? 'Big::Odd' : 'Big', `word ${i}`, i % 3 === 0 ? `a dog, ${i}` : `a cat ${i}`));
      },
    });
    const f = fx;
    const read = await countRequests(f.srv, () => prepareReplace(f.client, { query: 'deck:Big', find: 'dog', replace: 'wolf', wholeWord: true }));
    expect(read.requests).toBe(3);
    if (!read.value.ok) throw new Error('not prepared');
    const plan = read.value.plan;
    expect(plan.scanned).toBe(10000);
    expect(plan.changes.length).toBe(3334);
    expect(plan.replacements).toBe(3334);
    const reqs = saveRequestsOf(plan);
    const save = await countRequests(f.srv, () => f.provider.engine.saveNotes(reqs));
    expect(save.requests).toBe(2);
    const result = resultOf(plan, reqs, save.value);
    expect(result).toEqual({ notes: 3334, replacements: 3334, saved: 3334, failed: [] });
    ids.forEach((id, i) => {
      expect(fieldsOf(f, id)).toEqual({ Front: `word ${i}`, Back: i % 3 === 0 ? `a wolf, ${i}` : `a cat ${i}` });
    });
  });

  it('a note edited in Anki after the read is not overwritten and is reported; the others are saved', async () => {
    const ids: number[] = [];
    fx = await makeFixture({ setup: (col) => ids.push(...[0, 1, 2].map((i) => basicNote(col, 'D', `F${i}`, `old ${i}`))) });
    const f = fx;
    const prepared = await prepareReplace(f.client, { query: 'deck:D', find: 'old', replace: 'new' });
    if (!prepared.ok) throw new Error('not prepared');
    f.srv.simulate.editInAnki(ids[1] as number, { fields: { Back: 'edited in Anki' } });
    const reqs = saveRequestsOf(prepared.plan);
    const r = await countRequests(f.srv, () => f.provider.engine.saveNotes(reqs));
    expect(r.requests).toBe(2);
    const result = resultOf(prepared.plan, reqs, r.value);
    expect(result.saved).toBe(2);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]?.id).toBe(ids[1]);
    expect(result.failed[0]?.reason).toMatch(/changed in Anki since you opened it \(field Back\)/);
    expect(fieldsOf(f, ids[0] as number)?.Back).toBe('new 0');
    expect(fieldsOf(f, ids[1] as number)?.Back).toBe('edited in Anki');
    expect(fieldsOf(f, ids[2] as number)?.Back).toBe('new 2');
  });

  it('emptying every cloze deletion of a Cloze note is refused before anything is sent (one modelTemplates read)', async () => {
    let cloze = 0;
    fx = await makeFixture({
      setup: (col) => {
        const model = col.modelByName('Cloze');
        if (!model) throw new Error('no Cloze model');
        cloze = col.addNote({ model, deck: col.ensureDeck('C'), fields: ['{{c1::Paris}} is the capital', ''], tags: [] }).id;
        basicNote(col, 'C', '{{c1::not a cloze note}}', 'x');
      },
    });
    const f = fx;
    const before = f.srv.stats.actions.updateNoteFields ?? 0;
    const r = await countRequests(f.srv, () =>
      prepareReplace(f.client, { query: 'deck:C', find: '\\{\\{c1::(.*?)\\}\\}', replace: '$1', regex: true }),
    );
    expect(r.requests).toBe(3); // findNotes+findCards, notesInfo+getDecks, modelTemplates of the two note types
    expect(r.value.ok).toBe(false);
    if (r.value.ok) return;
    expect(r.value.problem.code).toBe('invalidNotes');
    expect(r.value.problem.code === 'invalidNotes' && r.value.problem.problems).toEqual([{ noteId: cloze, code: 'clozeRemoved', noteType: 'Cloze' }]);
    expect(f.srv.stats.actions.updateNoteFields ?? 0).toBe(before);
  });

  it('an invalid query, an empty scope and unknown fields are named', async () => {
    fx = await makeFixture({ setup: (col) => void basicNote(col, 'D', 'a', 'b') });
    const f = fx;
    const bad = await prepareReplace(f.client, { query: 'deck:(', find: 'a', replace: 'b' });
    expect(bad.ok === false && bad.problem.code).toBe('invalidQuery');
    const none = await prepareReplace(f.client, { query: 'deck:Nope', find: 'a', replace: 'b' });
    expect(none.ok === false && none.problem).toEqual({ code: 'noNotes', query: 'deck:Nope' });
    const fields = await prepareReplace(f.client, { query: 'deck:D', find: 'a', replace: 'b', fields: ['Nope'] });
    expect(fields.ok === false && fields.problem).toEqual({ code: 'unknownFields', fields: ['Nope'], known: ['Front', 'Back'] });
  });

  it('open documents: a clean one gets Changed and shows the new text; a dirty one keeps its base, so its save is a conflict', async () => {
    const ids: number[] = [];
    fx = await makeFixture({ setup: (col) => ids.push(basicNote(col, 'D', 'clean', 'old'), basicNote(col, 'D', 'dirty', 'old')) });
    const f = fx;
    const cleanUri = uriOf('D', 'clean', ids[0] as number);
    const dirtyUri = uriOf('D', 'dirty', ids[1] as number);
    await f.provider.readFile(cleanUri);
    const dirtyText = text(await f.provider.readFile(dirtyUri));
    f.dirty.add(dirtyUri.toString());
    const result = await replaceAll(f, { query: 'deck:D', find: 'old', replace: 'new' });
    expect(result.saved).toBe(2);
    const changed = f.events.filter((e) => e.type === vscode.FileChangeType.Changed).map((e) => e.uri.toString());
    expect(changed).toContain(cleanUri.toString());
    expect(text(await f.provider.readFile(cleanUri))).toContain('Back: new');
    const err = await rejection(f.provider.writeFile(dirtyUri, bytes(dirtyText.replace('Back: old', 'Back: mine')), W));
    expect(err.message).toMatch(/changed in Anki since you opened it/);
    expect(fieldsOf(f, ids[1] as number)?.Back).toBe('new');
  });
});
