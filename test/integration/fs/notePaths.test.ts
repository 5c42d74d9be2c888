// `onDidChangeNotePaths`: the one event every way a note moves reaches (the tabs follow it, src/ui/noteTabs.ts).
// A `deck:` save, `moveNotes` (drag and drop, Move to Deck), a batch save (undo), a move made in Anki and a
// saved draft each fire it once with the note's own new path; a label-only edit or an unchanged save does not.
import { afterEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import type { NotePathChange } from '../../../src/core/fsEngine';
import { notePath } from '../../../src/notes/paths';
import { basicNote, bytes, makeFixture, text, uriOf, W, type Fixture } from './helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function setup(): Promise<{ fx: Fixture; id: number; uri: vscode.Uri; changes: NotePathChange[] }> {
  let id = 0;
  fx = await makeFixture({
    setup: (col) => {
      id = basicNote(col, 'Lang::Spanish', 'Hello <b>there</b>', 'World');
      col.ensureDeck('Lang::French');
    },
  });
  const changes: NotePathChange[] = [];
  fx.provider.onDidChangeNotePaths((c) => changes.push(...c));
  return { fx, id, uri: uriOf('Lang::Spanish', 'Hello <b>there</b>', id), changes };
}

describe('onDidChangeNotePaths', () => {
  it('a deck: edit saved fires the note\'s path in its new deck (label from the first field)', async () => {
    const { fx, id, uri, changes } = await setup();
    const doc = text(await fx.provider.readFile(uri));
    await fx.provider.writeFile(uri, bytes(doc.replace('deck: Lang::Spanish', 'deck: Lang::French')), W);
    expect(changes).toEqual([{ id, deck: 'Lang::French', path: notePath('Lang::French', 'Hello <b>there</b>', id) }]);
    expect(changes[0]?.path).toBe(`/Lang/French/Hello there.${id}.yaml`);
  });

  it('a first-field edit (label only) and an unchanged save fire nothing', async () => {
    const { fx, uri, changes } = await setup();
    const doc = text(await fx.provider.readFile(uri));
    await fx.provider.writeFile(uri, bytes(doc), W);
    await fx.provider.writeFile(uri, bytes(doc.replace('Front: Hello <b>there</b>', 'Front: Bye')), W);
    expect(fx.srv.collection.getNote(fx.provider.noteIdOf(uri) ?? 0)?.fields[0]).toBe('Bye');
    expect(changes).toEqual([]);
  });

  it('moveNotes (drag and drop, Move to Deck) fires each moved note\'s new path; notes already there fire nothing', async () => {
    const { fx, id, changes } = await setup();
    const stay = fx.srv.collection.addNote({ model: fx.srv.collection.modelByName('Basic') as never, deck: fx.srv.collection.ensureDeck('Lang::French'), fields: ['Bonjour', 'x'] }).id;
    const report = await fx.provider.engine.moveNotes([id, stay], 'Lang::French');
    expect(report.moved).toEqual([id]);
    expect(report.alreadyThere).toEqual([stay]);
    expect(changes).toEqual([{ id, deck: 'Lang::French', path: `/Lang/French/Hello there.${id}.yaml` }]);
  });

  it('a batch save (undo, bulk edits) that changes a note\'s deck fires its new path', async () => {
    const { fx, id, uri, changes } = await setup();
    await fx.provider.readFile(uri);
    const base = fx.provider.engine.store.base(id);
    if (!base) throw new Error('no base');
    const [outcome] = await fx.provider.engine.saveNotes([{ noteId: id, edited: { ...base.snapshot, deck: 'Lang::French' }, base: { snapshot: base.snapshot, hash: base.hash } }]);
    expect(outcome?.kind).toBe('saved');
    expect(changes).toEqual([{ id, deck: 'Lang::French', path: `/Lang/French/Hello there.${id}.yaml` }]);
  });

  it('a move made in Anki, seen by the check for changes, fires the new path', async () => {
    const { fx, id, uri, changes } = await setup();
    await fx.provider.readFile(uri);
    const col = fx.srv.collection;
    const french = col.ensureDeck('Lang::French');
    for (const c of col.cardsOf(id)) c.did = french.id;
    fx.srv.simulate.touch(id);
    await fx.provider.checkForChanges();
    expect(changes).toEqual([{ id, deck: 'Lang::French', path: `/Lang/French/Hello there.${id}.yaml` }]);
  });

  it('a saved new-note draft fires the created note\'s own path', async () => {
    const { fx, changes } = await setup();
    const draft = fx.provider.createDraft('Lang::French', 'Basic', ['Front', 'Back']);
    const filled = text(await fx.provider.readFile(draft)).replace(/Front:.*/, 'Front: Merci').replace(/Back:.*/, 'Back: Thanks');
    await fx.provider.writeFile(draft, bytes(filled), { create: true, overwrite: true });
    const id = fx.provider.noteIdOf(draft);
    expect(id).toBeTypeOf('number');
    expect(changes).toEqual([{ id, deck: 'Lang::French', path: `/Lang/French/Merci.${id}.yaml` }]);
  });
});
