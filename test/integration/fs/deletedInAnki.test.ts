// A note deleted in Anki (not through Anki Files) while its document is open: the document stays, read-only,
// showing its last version under a "Deleted in Anki" notice; saving it is refused with that reason, nothing is
// sent, and the text stays in the editor. A note deleted through Anki Files fires Deleted (its tab closes).
import { afterEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { basicNote, bytes, countRequests, makeFixture, rejection, text, uriOf, W, type Fixture } from './helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function setup(): Promise<{ fx: Fixture; id: number; uri: vscode.Uri; shown: string }> {
  let id = 0;
  fx = await makeFixture({
    setup: (col) => {
      id = basicNote(col, 'Lang', 'Gato', 'cat', ['animal']);
    },
  });
  const uri = uriOf('Lang', 'Gato', id);
  fx.open.add(uri.toString());
  const shown = text(await fx.provider.readFile(uri));
  return { fx, id, uri, shown };
}

describe('a note deleted in Anki while open', () => {
  it('fires Changed; stat is read-only with a newer mtime; the document shows its last version under the notice', async () => {
    const { fx, id, uri, shown } = await setup();
    const deleted: number[][] = [];
    fx.provider.onDidDeleteNotes((ids) => deleted.push(ids));
    const before = await fx.provider.stat(uri);
    expect(before.permissions).toBeUndefined();
    fx.srv.simulate.deleteNote(id);
    await fx.provider.checkForChanges();
    expect(fx.events).toEqual([{ type: vscode.FileChangeType.Changed, uri }]);
    const after = await countRequests(fx.srv, () => fx.provider.stat(uri));
    expect(after.requests).toBe(0);
    expect(after.value.permissions).toBe(vscode.FilePermission.Readonly);
    expect(after.value.mtime).toBeGreaterThan(before.mtime);
    const served = text(await fx.provider.readFile(uri));
    expect(after.value.size).toBe(bytes(served).byteLength);
    const lines = served.split('\n');
    expect(lines[0]).toMatch(/^# Deleted in Anki — this note no longer exists there, so this copy is read-only\./);
    // everything but the header comment is the version the editor showed
    expect(lines.slice(1).join('\n')).toBe(shown.split('\n').slice(1).join('\n'));
    expect(shown.split('\n')[0]).toMatch(/^# Anki note · Basic/);
    expect(fx.provider.engine.isDeletedInAnki(id)).toBe(true);
    expect(deleted).toEqual([]); // its tab stays
  });

  it('saving it (an editor with unsaved text) is refused as deleted in Anki, sends nothing, and stays editable', async () => {
    const { fx, id, uri, shown } = await setup();
    fx.srv.simulate.deleteNote(id);
    await fx.provider.checkForChanges();
    fx.dirty.add(uri.toString());
    // a dirty editor is not made read-only: its save must reach writeFile to say why it fails
    expect((await fx.provider.stat(uri)).permissions).toBeUndefined();
    const before = fx.srv.stats.requests;
    const err = await rejection(fx.provider.writeFile(uri, bytes(shown.replace('Back: cat', 'Back: a cat')), W));
    expect(fx.srv.stats.requests).toBe(before);
    expect(err.code).toBe('FileNotFound');
    expect(err.message).toContain('"Gato" was deleted in Anki, so it cannot be saved: nothing was sent. Your text is kept in the editor');
  });

  it('a save that finds the note deleted (before any check) leaves the same read-only state behind', async () => {
    const { fx, id, uri, shown } = await setup();
    fx.srv.simulate.deleteNote(id);
    fx.dirty.add(uri.toString());
    const err = await rejection(fx.provider.writeFile(uri, bytes(shown.replace('Back: cat', 'Back: a cat')), W));
    expect(err.message).toMatch(/was deleted in Anki since you opened it, so it cannot be saved\. Your text is kept/);
    expect(fx.srv.collection.getNote(id)).toBeUndefined();
    // reverted (the editor is clean again): read-only, the notice on top
    fx.dirty.delete(uri.toString());
    expect((await fx.provider.stat(uri)).permissions).toBe(vscode.FilePermission.Readonly);
    expect(text(await fx.provider.readFile(uri))).toMatch(/^# Deleted in Anki/);
  });

  it('closing the document forgets it: a later open is "not found"', async () => {
    const { fx, id, uri } = await setup();
    fx.srv.simulate.deleteNote(id);
    await fx.provider.checkForChanges();
    fx.open.delete(uri.toString());
    fx.provider.documentClosed(uri);
    expect(fx.provider.engine.isDeletedInAnki(id)).toBe(false);
    expect((await rejection(fx.provider.stat(uri))).code).toBe('FileNotFound');
  });
});

describe('a note deleted through Anki Files', () => {
  it('fires Deleted for its document and onDidDeleteNotes (its tab closes); nothing read-only is kept', async () => {
    const { fx, id, uri } = await setup();
    const deleted: number[][] = [];
    fx.provider.onDidDeleteNotes((ids) => deleted.push(ids));
    expect(await fx.provider.engine.deleteNotes([id])).toEqual([id]);
    expect(deleted).toEqual([[id]]);
    expect(fx.events).toEqual([{ type: vscode.FileChangeType.Deleted, uri }]);
    expect(fx.provider.engine.isDeletedInAnki(id)).toBe(false);
  });
});
