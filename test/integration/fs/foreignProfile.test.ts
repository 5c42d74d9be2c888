// Tests of src/fs/provider.ts markForeign/clearForeign (used by src/ui/catchUp.ts on a profile switch).
// Anki switched to another profile (src/ui/catchUp.ts marks the open notes of the previous one): those documents
// are read-only (their stat says so, so VS Code shows them read-only) and a save is refused with the reason,
// sending nothing — the same note id in the other collection is another note or none. Back on the profile, they
// are editable again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { basicNote, bytes, makeFixture, rejection, text, uriOf, W, type Fixture } from './helpers';

let fx: Fixture;
let id: number;
beforeEach(async () => {
  fx = await makeFixture({ setup: (col) => void (id = basicNote(col, 'Default', 'alpha', 'one')) });
});
afterEach(() => fx.close());

describe('open notes of another profile', () => {
  it('are read-only and refuse a save (nothing sent) until their profile is open again', async () => {
    const uri = uriOf('Default', 'alpha', id);
    const t = text(await fx.provider.readFile(uri));
    expect((await fx.provider.stat(uri)).permissions).toBeUndefined();
    fx.events.length = 0;
    fx.provider.markForeign([uri.path], 'opened from profile "User 1"; Anki now has "User 2" open');
    expect(fx.events.map((e) => [e.type, e.uri.path])).toEqual([[vscode.FileChangeType.Changed, uri.path]]);
    expect((await fx.provider.stat(uri)).permissions).toBe(vscode.FilePermission.Readonly);
    fx.srv.stats.reset();
    const err = await rejection(fx.provider.writeFile(uri, bytes(t.replace('alpha', 'alpha 2')), W));
    expect(err.code).toBe('NoPermissions');
    expect(err.message).toContain('Anki now has "User 2" open');
    expect(fx.srv.stats.requests).toBe(0);
    expect(fx.srv.collection.fieldsOf(fx.srv.collection.getNote(id)!).Front).toBe('alpha');

    fx.provider.clearForeign();
    expect((await fx.provider.stat(uri)).permissions).toBeUndefined();
    await fx.provider.writeFile(uri, bytes(t.replace('alpha', 'alpha 2')), W);
    expect(fx.srv.collection.fieldsOf(fx.srv.collection.getNote(id)!).Front).toBe('alpha 2');
  });
});
