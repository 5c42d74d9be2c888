// The `anki:` file system (engine + provider adapter) against the test server over real HTTP.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { renderNote } from '../../../src/notes/document';
import { deckPath } from '../../../src/notes/paths';
import { ADDON_BUILDS, type AddonBuild } from '../../server';
import { basicNote, bytes, countRequests, fixtureDefaults, makeFixture, rejection, text, uriOf, W, type Fixture } from './helpers';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const DECK = 'Lang::Spanish';

async function setup(opts: { addon?: AddonBuild } = {}) {
  let hello = 0;
  let other = 0;
  fx = await makeFixture({
    ...opts,
    setup: (col) => {
      hello = basicNote(col, DECK, 'Hello', 'World', ['greeting']);
      other = basicNote(col, DECK, 'Other', 'Thing');
      basicNote(col, 'Lang::Spanish::Verbs', 'comer', 'to eat');
      col.ensureDeck('Empty');
    },
  });
  return { fx, hello, other, uri: uriOf(DECK, 'Hello', hello) };
}

// Reading, saving, conflict checks and change detection against both add-on builds (current, and one from
// before 2024: no notesModTime, no `mod`/`profile`/`query` in notesInfo).
describe.each(ADDON_BUILDS)('add-on %s', (addon) => {
  beforeAll(() => {
    fixtureDefaults.addon = addon;
  });
  afterAll(() => {
    fixtureDefaults.addon = 'current';
  });

  describe('stat / readFile / readDirectory', () => {
    it('reads a note in one request, and stat right after costs nothing', async () => {
      const { fx, hello, uri } = await setup();
      const t0 = Date.now();
      const read = await countRequests(fx.srv, () => fx.provider.readFile(uri));
      const t1 = Date.now();
      expect(read.requests).toBe(1);
      const doc = text(read.value);
      expect(doc).toContain(`id: ${hello}`);
      expect(doc).toContain('deck: Lang::Spanish');
      expect(doc).toContain('Front: Hello');
      const st = await countRequests(fx.srv, () => fx.provider.stat(uri));
      expect(st.requests).toBe(0);
      expect(st.value.type).toBe(vscode.FileType.File);
      expect(st.value.size).toBe(read.value.byteLength);
      const note = fx.srv.collection.getNote(hello);
      if (addon === 'current') expect(st.value.mtime).toBe((note?.mod ?? 0) * 1000);
      else {
        // no `mod` from a 2023 add-on: the time of the read
        expect(st.value.mtime).toBeGreaterThanOrEqual(t0);
        expect(st.value.mtime).toBeLessThanOrEqual(t1);
      }
    });

    it('coalesces concurrent stat/readFile of the same cold note into one request', async () => {
      const { fx, uri } = await setup();
      const r = await countRequests(fx.srv, () =>
        Promise.all([fx.provider.stat(uri), fx.provider.readFile(uri), fx.provider.stat(uri), fx.provider.readFile(uri)]),
      );
      expect(r.requests).toBe(1);
      expect(r.value[0].size).toBe(r.value[1].byteLength);
    });

    it('opening a note that was only stat-ed a while ago re-reads it (no stale content)', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.stat(uri);
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Newer' } });
      expect(text(await fx.provider.readFile(uri))).toContain('Back: World'); // within the freshness window
      fx.provider.documentClosed(uri);
      await fx.provider.stat(uri);
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Newest' } });
      fx.provider.engine.store.unservedMaxAgeMs = 0;
      const r = await countRequests(fx.srv, () => fx.provider.readFile(uri));
      expect(r.requests).toBe(1);
      expect(text(r.value)).toContain('Back: Newest');
    });

    it('finds the real deck when the path names another deck (fallback: 2 requests)', async () => {
      const { fx, hello } = await setup();
      const wrong = uriOf('Empty', 'Hello', hello);
      const r = await countRequests(fx.srv, () => fx.provider.readFile(wrong));
      expect(r.requests).toBe(2);
      expect(text(r.value)).toContain('deck: Lang::Spanish');
    });

    it('a note whose card sits in a filtered deck reads and saves without a false conflict', async () => {
      let id = 0;
      fx = await makeFixture({
        setup: (col) => {
          id = basicNote(col, 'Source', 'Filtered', 'card');
          const filtered = col.ensureDeck('Custom Study Session');
          filtered.dyn = true;
          const card = col.cardsOf(id)[0];
          if (!card) throw new Error('no card');
          card.odid = card.did;
          card.did = filtered.id;
        },
      });
      const uri = uriOf('Source', 'Filtered', id); // listed under its original deck
      const doc = text(await fx.provider.readFile(uri));
      expect(doc).toContain('deck: Custom Study Session');
      await fx.provider.writeFile(uri, bytes(doc.replace('Back: card', 'Back: edited')), W);
      const note = fx.srv.collection.getNote(id);
      expect(note && fx.srv.collection.fieldsOf(note).Back).toBe('edited');
    });

    it('size is the exact UTF-8 byte length for non-ASCII content', async () => {
      fx = await makeFixture({ setup: (col) => void basicNote(col, 'Japanese', 'あいさつ', 'greeting 👋') });
      const id = [...fx.srv.collection.notes.keys()][0] as number;
      const uri = uriOf('Japanese', 'あいさつ', id);
      const content = await fx.provider.readFile(uri);
      const st = await fx.provider.stat(uri);
      expect(st.size).toBe(content.byteLength);
      expect(st.size).toBeGreaterThan(text(content).length);
    });

    it('lists top-level decks at the root and sub-decks + the deck\'s own notes in a folder', async () => {
      const { fx, hello, other } = await setup();
      const root = await fx.provider.readDirectory(vscode.Uri.parse('anki:/'));
      expect(root).toEqual(expect.arrayContaining([['Lang', vscode.FileType.Directory], ['Empty', vscode.FileType.Directory], ['Default', vscode.FileType.Directory]]));
      expect(root.find(([n]) => n.includes('Spanish'))).toBeUndefined();
      const dir = await fx.provider.readDirectory(vscode.Uri.from({ scheme: 'anki', path: deckPath(DECK) }));
      expect(dir).toEqual(
        expect.arrayContaining([
          ['Verbs', vscode.FileType.Directory],
          [`Hello.${hello}.yaml`, vscode.FileType.File],
          [`Other.${other}.yaml`, vscode.FileType.File],
        ]),
      );
      expect(dir).toHaveLength(3); // the sub-deck's note is not listed here
      const st = await fx.provider.stat(vscode.Uri.from({ scheme: 'anki', path: deckPath(DECK) }));
      expect(st.type).toBe(vscode.FileType.Directory);
    });

    it('missing notes and decks are FileNotFound', async () => {
      const { fx } = await setup();
      expect((await rejection(fx.provider.stat(uriOf(DECK, 'x', 999)))).code).toBe('FileNotFound');
      expect((await rejection(fx.provider.stat(vscode.Uri.from({ scheme: 'anki', path: '/Nope' })))).code).toBe('FileNotFound');
    });

    it('Anki down: an open note reads Unavailable with a specific message', async () => {
      const { fx, uri } = await setup();
      fx.open.add(uri.toString());
      await fx.srv.faults.refuseConnections(true);
      const e = await rejection(fx.provider.readFile(uri));
      expect(e.code).toBe('Unavailable');
      expect(e.message).toMatch(/Anki/);
      expect(fx.unreachableOpens).toEqual([]);
      await fx.srv.faults.refuseConnections(false);
    });

    it('Anki down: opening a note is "not found" for now (the glue says Anki is not running); when Anki answers it is reported created, so the editor opens it', async () => {
      const { fx, uri } = await setup();
      await fx.srv.faults.refuseConnections(true);
      const e = await rejection(fx.provider.stat(uri));
      expect(e.code).toBe('FileNotFound');
      expect(e.message).toMatch(/Anki/);
      expect(fx.unreachableOpens).toEqual([uri.path]);
      await fx.srv.faults.refuseConnections(false);
      fx.events.length = 0;
      fx.provider.releaseWaiting();
      expect(fx.events).toEqual([{ type: vscode.FileChangeType.Created, uri }]);
      expect(text(await fx.provider.readFile(uri))).toContain(`id: ${fx.provider.noteIdOf(uri)}`);
      fx.provider.releaseWaiting();
      expect(fx.events).toHaveLength(1); // reported once
    });
  });

  describe('writeFile of an existing note', () => {
    it('an unchanged document sends nothing and succeeds', async () => {
      const { fx, uri } = await setup();
      const content = await fx.provider.readFile(uri);
      const r = await countRequests(fx.srv, () => fx.provider.writeFile(uri, content, W));
      expect(r.requests).toBe(0);
    });

    it('bytes that are not UTF-8 are refused before anything is sent', async () => {
      const { fx, hello, uri } = await setup();
      const content = await fx.provider.readFile(uri);
      const latin1 = new Uint8Array([...content.slice(0, 20), 0xe9, 0x0a, ...content.slice(20)]);
      const r = await countRequests(fx.srv, () => rejection(fx.provider.writeFile(uri, latin1, W)));
      expect(r.requests).toBe(0);
      expect(r.value.message).toMatch(/not valid UTF-8/);
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.fieldsOf(note)).toEqual({ Front: 'Hello', Back: 'World' });
    });

    it('applies a field + tag + deck change exactly, and the new version is served', async () => {
      const { fx, hello, uri } = await setup();
      const before = await fx.provider.stat(uri);
      const doc = text(await fx.provider.readFile(uri));
      const edited = doc
        .replace('Back: World', 'Back: <b>Mundo</b>')
        .replace('tags: [greeting]', 'tags: [greeting, spanish]')
        .replace('deck: Lang::Spanish', 'deck: Lang::Spanish::Verbs');
      expect(edited).not.toBe(doc);
      const r = await countRequests(fx.srv, () => fx.provider.writeFile(uri, bytes(edited), W));
      expect(r.requests).toBe(2);
      const col = fx.srv.collection;
      const note = col.getNote(hello);
      expect(note && col.fieldsOf(note)).toEqual({ Front: 'Hello', Back: '<b>Mundo</b>' });
      expect(note?.tags).toEqual(['greeting', 'spanish']);
      expect(note && col.deckOf(note)).toBe('Lang::Spanish::Verbs');
      const after = await countRequests(fx.srv, () => fx.provider.stat(uri));
      expect(after.requests).toBe(0);
      expect(after.value.mtime).toBeGreaterThan(before.mtime);
      expect(text(await fx.provider.readFile(uri))).toBe(edited);
      expect(fx.collectionChanges).toContainEqual({ decks: ['Lang::Spanish', 'Lang::Spanish::Verbs'], notes: [hello] });
    });

    it('a deck change moves the cards in the note\'s deck and leaves a card kept in another deck alone', async () => {
      let id = 0;
      fx = await makeFixture({
        setup: (col) => {
          const model = col.modelByName('Basic (and reversed card)');
          if (!model) throw new Error('no reversed model');
          id = col.addNote({ model, deck: col.ensureDeck('A'), fields: ['Two cards', 'back'] }).id;
          const reverse = col.cardsOf(id)[1];
          if (!reverse) throw new Error('no reverse card');
          reverse.did = col.ensureDeck('B').id;
          col.ensureDeck('C');
        },
      });
      const col = fx.srv.collection;
      const deckOfCard = (ord: number) => col.deckById(col.cardsOf(id)[ord]?.did ?? 0)?.name;
      const uri = uriOf('A', 'Two cards', id);
      const doc = text(await fx.provider.readFile(uri));
      expect(doc).toContain('deck: A');
      await fx.provider.writeFile(uri, bytes(doc.replace('deck: A', 'deck: C')), W);
      expect([deckOfCard(0), deckOfCard(1)]).toEqual(['C', 'B']);
      expect(fx.logs.some((l) => /1 card\(s\) in other decks were left where they are/.test(l.message))).toBe(true);
      // Moving the file from folder B to folder A moves only the card in B.
      await fx.provider.rename(uriOf('B', 'Two cards', id), uriOf('A', 'Two cards', id), { overwrite: false });
      expect([deckOfCard(0), deckOfCard(1)]).toEqual(['C', 'A']);
    });

    it('a deck move to a missing deck creates it and says so in the log', async () => {
      const { fx, hello, uri } = await setup();
      const doc = text(await fx.provider.readFile(uri));
      await fx.provider.writeFile(uri, bytes(doc.replace('deck: Lang::Spanish', 'deck: Brand New')), W);
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.deckOf(note)).toBe('Brand New');
      expect(fx.logs.some((l) => /Brand New.*did not exist/.test(l.message))).toBe(true);
    });

    it('mtime strictly increases on every change and size stays exact', async () => {
      const { fx, uri } = await setup();
      let doc = text(await fx.provider.readFile(uri));
      let last = (await fx.provider.stat(uri)).mtime;
      for (let i = 0; i < 4; i++) {
        doc = doc.replace(/Back: .*/, `Back: v${i}`);
        await fx.provider.writeFile(uri, bytes(doc), W);
        const st = await fx.provider.stat(uri);
        expect(st.mtime).toBeGreaterThan(last);
        expect(st.size).toBe(bytes(doc).byteLength);
        last = st.mtime;
      }
    });

    it('another YAML style is saved, then the canonical form is published (mtime bump + Changed)', async () => {
      const { fx, hello, uri } = await setup();
      const doc = text(await fx.provider.readFile(uri));
      const styled = doc.replace('tags: [greeting]', 'tags:\n  - greeting\n  - extra');
      await fx.provider.writeFile(uri, bytes(styled), W);
      const afterWrite = await fx.provider.stat(uri);
      expect(afterWrite.size).toBe(bytes(styled).byteLength); // VS Code records the version it wrote
      await fx.provider.engine.settled();
      const canonical = text(await fx.provider.readFile(uri));
      expect(canonical).toContain('tags: [extra, greeting]');
      const st = await fx.provider.stat(uri);
      expect(st.mtime).toBeGreaterThan(afterWrite.mtime);
      expect(fx.events).toContainEqual({ type: vscode.FileChangeType.Changed, uri });
      expect(fx.srv.collection.getNote(hello)?.tags).toEqual(['extra', 'greeting']);
    });

    it.each([
      ['invalid YAML', (d: string) => d.replace('fields:', 'fields: [oops'), /Line \d+, column \d+/],
      ['unknown field', (d: string) => d.replace('  Back: World', '  Bakc: World'), /Line 8, column 3: .*Bakc.*Back/],
      ['changed id', (d: string) => d.replace(/^id: \d+/m, 'id: 12345'), /Line 2, column \d+: .*id/],
      ['changed noteType', (d: string) => d.replace('noteType: Basic', 'noteType: Cloze'), /Line 4, column \d+: .*note type/],
    ])('%s: nothing is sent, the message names line and problem, diagnostics are published', async (_name, edit, pattern) => {
      const { fx, uri } = await setup();
      const doc = text(await fx.provider.readFile(uri));
      const before = fx.srv.stats.requests;
      const e = await rejection(fx.provider.writeFile(uri, bytes(edit(doc)), W));
      expect(fx.srv.stats.requests).toBe(before);
      expect(e.message).toMatch(pattern);
      expect(e.message).toMatch(/Nothing was sent to Anki; "Hello" is unchanged there\.$/);
      const diags = fx.diagnostics.get(uri.toString());
      expect(diags?.length).toBeGreaterThan(0);
      // Fixing the document clears the diagnostics on the next save.
      await fx.provider.writeFile(uri, bytes(doc.replace('Back: World', 'Back: Fixed')), W);
      expect(fx.diagnostics.has(uri.toString())).toBe(false);
    });
  });

  describe('diagnostics', () => {
    it('problems are published on the exact line, re-checked while editing, and cleared when fixed or closed', async () => {
      const { fx, uri } = await setup();
      const doc = text(await fx.provider.readFile(uri));
      const bad = doc.replace('  Back: World', '  Bakc: World');
      await rejection(fx.provider.writeFile(uri, bytes(bad), W));
      const diags = fx.diagnostics.get(uri.toString()) ?? [];
      const unknown = diags.find((d) => d.code === 'unknownField');
      expect(unknown?.range.start.line).toBe(7); // 0-based: "Line 8"
      expect(unknown?.range.start.character).toBe(2);
      expect(unknown?.severity).toBe(vscode.DiagnosticSeverity.Error);
      // Editing (no request): still wrong, then fixed.
      const before = fx.srv.stats.requests;
      fx.provider.revalidate(uri, bad.replace('Bakc', 'Bcak'));
      expect(fx.diagnostics.get(uri.toString())?.some((d) => d.message.includes('Bcak'))).toBe(true);
      fx.provider.revalidate(uri, doc);
      expect(fx.diagnostics.has(uri.toString())).toBe(false);
      expect(fx.srv.stats.requests).toBe(before);
      // Closing the document clears them too.
      await rejection(fx.provider.writeFile(uri, bytes(bad), W));
      expect(fx.diagnostics.has(uri.toString())).toBe(true);
      fx.provider.documentClosed(uri);
      expect(fx.diagnostics.has(uri.toString())).toBe(false);
    });
  });

  describe('new notes, folders, delete, rename', () => {
    it('a draft is served until saved; saving adds the note and the URI then maps to it', async () => {
      const { fx } = await setup();
      const uri = fx.provider.createDraft('Empty', 'Basic', ['Front', 'Back']);
      const draft = text(await fx.provider.readFile(uri));
      expect(draft).toContain('noteType: Basic');
      const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
      expect(await fx.provider.readDirectory(vscode.Uri.from({ scheme: 'anki', path: '/Empty' }))).toEqual([[name, vscode.FileType.File]]);
      expect((await fx.provider.stat(uri)).size).toBe(bytes(draft).byteLength);
      const filled = draft.replace(/Front:.*/, 'Front: Brand new').replace(/Back:.*/, 'Back: Note');
      await fx.provider.writeFile(uri, bytes(filled), { create: true, overwrite: true });
      const id = fx.provider.noteIdOf(uri);
      expect(id).toBeTypeOf('number');
      const col = fx.srv.collection;
      const note = col.getNote(id as number);
      expect(note && col.fieldsOf(note)).toEqual({ Front: 'Brand new', Back: 'Note' });
      expect(note && col.deckOf(note)).toBe('Empty');
      await fx.provider.engine.settled();
      expect(text(await fx.provider.readFile(uri))).toContain(`id: ${id}`);
      expect(fx.collectionChanges).toContainEqual({ decks: ['Empty'], notes: [id] });
      // A second save of the same editor edits the created note.
      const again = text(await fx.provider.readFile(uri)).replace('Back: Note', 'Back: Edited');
      await fx.provider.writeFile(uri, bytes(again), W);
      expect(note && col.fieldsOf(note).Back).toBe('Edited');
    });

    it('a new .yaml file in a deck folder adds a note', async () => {
      const { fx } = await setup();
      const uri = vscode.Uri.from({ scheme: 'anki', path: '/Empty/my card.yaml' });
      expect((await rejection(fx.provider.stat(uri))).code).toBe('FileNotFound');
      const doc = 'deck: Empty\nnoteType: Basic\ntags: [x]\nfields:\n  Front: Written by hand\n  Back: ok\n';
      await fx.provider.writeFile(uri, bytes(doc), { create: true, overwrite: false });
      const id = fx.provider.noteIdOf(uri) as number;
      expect(fx.srv.collection.getNote(id)?.tags).toEqual(['x']);
    });

    it.each([
      ['duplicate', (d: string) => d.replace(/Front:.*/, 'Front: Hello'), /same Front already exists \(Anki treats it as a duplicate\)\. Change Front, or find the existing note with "Anki: Search Notes…"/],
      ['empty', (d: string) => d.replace(/Front:.*/, 'Front: ""'), /first field \(Front\) is empty/],
      ['cloze in a Basic note', (d: string) => d.replace(/Front:.*/, 'Front: "{{c1::x}}"'), /cloze problem/],
      ['missing deck', (d: string) => d.replace(`deck: ${DECK}`, 'deck: Nope').replace(/Front:.*/, 'Front: q'), /deck "Nope" does not exist in Anki/],
      ['unknown note type', (d: string) => d.replace('noteType: Basic', 'noteType: Basik'), /^Line 4, column \d+: There is no note type "Basik" in Anki\. Did you mean "Basic"\?/],
    ])('a new note that Anki refuses (%s) fails with a clear message and keeps the draft', async (_n, edit, pattern) => {
      const { fx } = await setup();
      const uri = fx.provider.createDraft(DECK, 'Basic', ['Front', 'Back']);
      const draft = edit(text(await fx.provider.readFile(uri)));
      const count = fx.srv.collection.notes.size;
      const e = await rejection(fx.provider.writeFile(uri, bytes(draft), { create: true, overwrite: true }));
      expect(e.message).toMatch(pattern);
      expect(e.message).toMatch(/Your text is kept|nothing was sent/);
      expect(fx.srv.collection.notes.size).toBe(count);
      expect(fx.provider.noteIdOf(uri)).toBeUndefined();
      expect(text(await fx.provider.readFile(uri))).toContain('noteType: Basic');
    });

    it('createDirectory creates a deck; delete of an empty deck works, of a non-empty deck is refused', async () => {
      const { fx } = await setup();
      const uri = vscode.Uri.from({ scheme: 'anki', path: '/Lang/Fresh' });
      await fx.provider.createDirectory(uri);
      expect(fx.srv.collection.deckByName('Lang::Fresh')).toBeDefined();
      expect((await rejection(fx.provider.createDirectory(uri))).code).toBe('FileExists');
      await fx.provider.delete(uri, { recursive: true });
      expect(fx.srv.collection.deckByName('Lang::Fresh')).toBeUndefined();
      const e = await rejection(fx.provider.delete(vscode.Uri.from({ scheme: 'anki', path: deckPath(DECK) }), { recursive: true }));
      expect(e.code).toBe('NoPermissions');
      expect(e.message).toMatch(/not empty \(3 cards/);
      expect(fx.srv.collection.deckByName(DECK)).toBeDefined();
    });

    it('delete of a note deletes it and fires Deleted', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.readFile(uri);
      await fx.provider.delete(uri, { recursive: false });
      expect(fx.srv.collection.getNote(hello)).toBeUndefined();
      expect(fx.events).toContainEqual({ type: vscode.FileChangeType.Deleted, uri });
    });

    it('rename into another deck folder moves the cards; other renames are refused', async () => {
      const { fx, hello, uri } = await setup();
      const target = uriOf('Empty', 'Hello', hello);
      await fx.provider.rename(uri, target, { overwrite: false });
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.deckOf(note)).toBe('Empty');
      expect(text(await fx.provider.readFile(target))).toContain('deck: Empty');
      const same = await rejection(fx.provider.rename(target, uriOf('Empty', 'Renamed', hello), { overwrite: false }));
      expect(same.code).toBe('NoPermissions');
      const deck = await rejection(
        fx.provider.rename(vscode.Uri.from({ scheme: 'anki', path: '/Empty' }), vscode.Uri.from({ scheme: 'anki', path: '/Other' }), { overwrite: false }),
      );
      expect(deck.code).toBe('NoPermissions');
      expect(deck.message).toMatch(/rename .* in Anki/);
    });
  });

  describe('changes made in Anki', () => {
    it('checkForChanges fires Changed for an edited open note, with a bumped mtime and the new content', async () => {
      const { fx, hello, other, uri } = await setup();
      await fx.provider.readFile(uri);
      await fx.provider.readFile(uriOf(DECK, 'Other', other));
      await fx.provider.checkForChanges(); // first call also probes the add-on's features
      const before = await fx.provider.stat(uri);
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Worle' } });
      const r = await countRequests(fx.srv, () => fx.provider.checkForChanges());
      // current: notesModTime for both, then a re-read of the changed one; 2023: notesInfo of both (content compared)
      expect(r.requests).toBe(addon === 'current' ? 2 : 1);
      expect(fx.events).toEqual([{ type: vscode.FileChangeType.Changed, uri }]);
      const st = await fx.provider.stat(uri);
      expect(st.mtime).toBeGreaterThan(before.mtime);
      expect(text(await fx.provider.readFile(uri))).toContain('Back: Worle');
      // Nothing changed: one request, no event.
      const quiet = await countRequests(fx.srv, () => fx.provider.checkForChanges());
      expect(quiet.requests).toBe(1);
      expect(fx.events).toHaveLength(1);
    });

    it('a read while the editor has unsaved changes does not disarm the conflict check; a revert re-arms saving', async () => {
      const { fx, hello, uri } = await setup();
      const doc = text(await fx.provider.readFile(uri));
      // The user starts editing; meanwhile Anki changes the note (same size) and the focus check notices it.
      fx.dirty.add(uri.toString());
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Worle' } });
      await fx.provider.checkForChanges();
      // Something reads the file while the editor is dirty (VS Code's own "file is newer" check, another extension).
      expect(text(await fx.provider.readFile(uri))).toContain('Back: Worle');
      // The user's save is based on the old version: refused, nothing sent, Anki's edit kept.
      fx.srv.stats.reset();
      const e = await rejection(fx.provider.writeFile(uri, bytes(doc.replace('Front: Hello', 'Front: Hola')), W));
      expect(e.message).toMatch(/changed in Anki since you opened it \(field Back\)/);
      expect(fx.srv.stats.actions.updateNoteFields ?? 0).toBe(0);
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.fieldsOf(note)).toEqual({ Front: 'Hello', Back: 'Worle' });
      // File: Revert File: VS Code reads while the document is still dirty, then shows Anki's text, clean.
      const reverted = text(await fx.provider.readFile(uri));
      fx.dirty.delete(uri.toString());
      fx.provider.documentShown(uri, reverted);
      await fx.provider.writeFile(uri, bytes(reverted.replace('Front: Hello', 'Front: Hola')), W);
      const after = fx.srv.collection.getNote(hello);
      expect(after && fx.srv.collection.fieldsOf(after)).toEqual({ Front: 'Hola', Back: 'Worle' });
    });

    it('a read of a clean editor (a reload after a change in Anki) makes that version the base', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.readFile(uri);
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Worle' } });
      await fx.provider.checkForChanges();
      const reloaded = text(await fx.provider.readFile(uri)); // VS Code reloads the clean editor after Changed
      await fx.provider.writeFile(uri, bytes(reloaded.replace('Front: Hello', 'Front: Hola')), W);
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.fieldsOf(note)).toEqual({ Front: 'Hola', Back: 'Worle' });
    });

    it('concurrent checks share one run', async () => {
      const { fx, uri } = await setup();
      await fx.provider.readFile(uri);
      await fx.provider.checkForChanges();
      const r = await countRequests(fx.srv, () => Promise.all([fx.provider.checkForChanges(), fx.provider.checkForChanges()]));
      expect(r.requests).toBe(1);
    });

    it('a touch in Anki (mod moved, same content) fires nothing', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.readFile(uri);
      const before = await fx.provider.stat(uri);
      fx.srv.simulate.touch(hello);
      await fx.provider.checkForChanges();
      expect(fx.events).toEqual([]);
      expect((await fx.provider.stat(uri)).mtime).toBe(before.mtime);
    });

    it('a note deleted in Anki fires Changed (not Deleted): its document stays, read-only (deletedInAnki.test.ts)', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.readFile(uri);
      fx.srv.simulate.deleteNote(hello);
      await fx.provider.checkForChanges();
      expect(fx.events).toEqual([{ type: vscode.FileChangeType.Changed, uri }]);
      expect((await fx.provider.stat(uri)).permissions).toBe(vscode.FilePermission.Readonly);
    });

    it('closed documents are no longer checked', async () => {
      const { fx, hello, uri } = await setup();
      await fx.provider.readFile(uri);
      fx.provider.documentClosed(uri);
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'changed' } });
      const r = await countRequests(fx.srv, () => fx.provider.checkForChanges());
      expect(r.requests).toBe(0);
      expect(fx.events).toEqual([]);
    });
  });

  describe('the 2023 add-on (no notesModTime, no mod)', () => {
    it('reads, saves with the conflict check, and detects changes by content', async () => {
      const { fx, hello, uri } = await setup({ addon: '2023' });
      const doc = text(await fx.provider.readFile(uri));
      const st = await fx.provider.stat(uri);
      expect(st.mtime).toBeGreaterThan(0);
      await fx.provider.writeFile(uri, bytes(doc.replace('Back: World', 'Back: Legacy')), W);
      const note = fx.srv.collection.getNote(hello);
      expect(note && fx.srv.collection.fieldsOf(note).Back).toBe('Legacy');
      const st2 = await fx.provider.stat(uri);
      expect(st2.mtime).toBeGreaterThan(st.mtime);
      // A same-size edit in Anki is caught at save time...
      fx.srv.simulate.editInAnki(hello, { fields: { Back: 'Legaci' } });
      const saved = text(await fx.provider.readFile(uri));
      expect(saved).toContain('Back: Legacy'); // cached: no check happened yet
      const e = await rejection(fx.provider.writeFile(uri, bytes(saved.replace('Front: Hello', 'Front: Hola')), W));
      expect(e.message).toMatch(/changed in Anki since you opened it \(field Back\)/);
      // ...and by checkForChanges (content comparison; one request).
      const r = await countRequests(fx.srv, () => fx.provider.checkForChanges());
      expect(r.requests).toBeLessThanOrEqual(2); // features probe (first time) + one multi
      expect(text(await fx.provider.readFile(uri))).toContain('Back: Legaci');
    });
  });

  describe('rendering', () => {
    it('what readFile serves is renderNote of the note', async () => {
      const { fx, hello, uri } = await setup();
      const served = text(await fx.provider.readFile(uri));
      const n = fx.srv.collection.getNote(hello);
      const cards = fx.srv.collection.cardsOf(hello).map((c) => c.id);
      expect(served).toBe(
        renderNote({ id: hello, deck: DECK, noteType: 'Basic', tags: n?.tags ?? [], fields: [['Front', 'Hello'], ['Back', 'World']], cards }),
      );
    });
  });
});
