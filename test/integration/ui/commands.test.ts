// The commands over the real stack (Session → AnkiClient → test server over HTTP), VS Code UI from the shim:
// deck and note commands change Anki as asked, and with Anki down every command explains itself.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { shimConfigApi, shimUi } from '../../shim/vscode';
import { noSecrets, recordingLog } from '../../support/vscodeFakes';
import { Commands } from '../../../src/constants';
import { DeckListing } from '../../../src/core/listing';
import { SearchEngine } from '../../../src/core/search';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine, type FileEvent } from '../../../src/core/fsEngine';
import { DecksView, type DecksFs } from '../../../src/tree/decksView';
import type { NoteElement } from '../../../src/tree/items';
import { SearchResultsView } from '../../../src/tree/searchResultsView';
import { registerCommands, type CommandFs } from '../../../src/ui/commands';
import { Session } from '../../../src/ui/session';
import { SAMPLE_DECKS, startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let session: Session;
let decks: DecksView;
let results: SearchResultsView;
let subs: vscode.Disposable[] = [];
const drafts: Array<{ deck: string; noteType: string; fieldNames: readonly string[] }> = [];
const fileEvents: FileEvent[] = [];
let engine: FsEngine;

// The real engine changes the collection (the one path); URIs and drafts are simplified.
const fs: CommandFs & DecksFs = {
  createDeck: (name) => engine.createDeck(name),
  deleteNotes: (ids) => engine.deleteNotes(ids),
  moveNotes: (ids, deck, opts) => engine.moveNotes(ids, deck, opts),
  uriForNote: (deck, _html, id) => vscode.Uri.from({ scheme: 'anki', path: `/${deck.split('::').join('/')}/n.${id}.yaml` }),
  noteIdOf: (uri) => {
    const m = /\.(\d+)\.yaml$/.exec(uri.path);
    return m ? Number(m[1]) : undefined;
  },
  createDraft: (deck, noteType, fieldNames) => {
    drafts.push({ deck, noteType, fieldNames });
    return vscode.Uri.from({ scheme: 'anki', path: `/${deck}/New ${noteType}.yaml` });
  },
  checkForChanges: async () => undefined,
  compareWithAnki: async () => undefined,
};

const secrets = noSecrets();
const lines: string[] = [];
const log = recordingLog(lines);

const run = (id: string, ...args: unknown[]): Promise<unknown> => vscode.commands.executeCommand(id, ...args) as Promise<unknown>;

beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 300, seed: 9 });
  shimConfigApi.setConfig('ankiFiles.url', srv.url);
  session = new Session(secrets, log);
  engine = new FsEngine({ client: () => session.client, codec: notesCodec, onFileEvents: (e) => void fileEvents.push(...e) });
  const listing = new DeckListing(() => session.client);
  decks = new DecksView(listing, session, fs);
  results = new SearchResultsView(new SearchEngine({ api: () => session.client, deckOfNote: (id) => listing.deckOfNote(id) }), session, fs);
  subs = registerCommands({ session, fs, decks, results, openSearch: () => undefined });
  await session.check();
  await decks.getChildren();
});
afterAll(async () => {
  for (const d of subs) d.dispose();
  decks.dispose();
  results.dispose();
  session.dispose();
  shimConfigApi.clear();
  await srv.close();
});
beforeEach(() => {
  shimUi.reset();
});

async function firstNote(deck: string): Promise<NoteElement> {
  return (await decks.getChildren(decks.deckElement(deck))).find((e): e is NoteElement => e.kind === 'note')!;
}

describe('commands', () => {
  it('every manifest command is registered (those of feature modules by their own register functions)', () => {
    // Feature modules (src/ui/media.ts, mediaEditor.ts, history.ts, preview, findReplace.ts, streamDocument.ts, conflict.ts,
    // editing/checkNotes.ts, decksAndTags.ts) register these; the e2e tier checks that activation registers every command.
    const elsewhere = new Set<string>([
      Commands.insertMedia,
      Commands.addMediaFile,
      Commands.playMedia,
      Commands.undoLastSave,
      Commands.undoSave,
      Commands.redoLastSave,
      Commands.showNoteHistory,
      Commands.restoreNoteVersion,
      Commands.openPreview,
      Commands.findAndReplace,
      Commands.openAsDocument,
      Commands.keepMine,
      Commands.takeAnkis,
      Commands.checkNotes,
      Commands.saveWhenAnkiIsBack,
      Commands.showWaitingSaves,
      Commands.discardWaitingSaves,
      // src/ui/decksAndTags.ts
      Commands.renameDeck,
      Commands.deleteDeck,
      Commands.renameTag,
      Commands.removeTag,
      Commands.searchTag,
      Commands.refreshTags,
      Commands.addTags,
      Commands.removeTags,
      Commands.moveToDeck,
      Commands.deleteNotes,
      Commands.openSelectionAsDocument,
    ]);
    for (const id of Object.values(Commands)) expect(shimUi.handlers.has(id), id).toBe(!elsewhere.has(id));
  });

  it('New Deck validates the name and creates the deck; the tree shows it', async () => {
    shimUi.answers.push('Spanish::Idioms');
    await run(Commands.newDeck);
    const box = shimUi.inputBoxes[0]!;
    expect(box.validate?.('spanish')).toMatch(/already exists/);
    expect(box.validate?.('A::::B')).toBeTruthy();
    expect(box.validate?.('Brand new')).toBeUndefined();
    expect(srv.collection.deckByName('Spanish::Idioms')).toBeDefined();
    expect(decks.listing.tree!.byName.has('Spanish::Idioms')).toBe(true);
    // and the Decks view reveals (selects) it
    const reveal = (decks.view as unknown as { reveals: Array<{ element: unknown; options: unknown }> }).reveals.at(-1)!;
    expect(reveal.element).toEqual({ kind: 'deck', name: 'Spanish::Idioms' });
    expect(reveal.options).toMatchObject({ select: true });
  });

  it('New Sub-deck pre-fills the parent and insists on it', async () => {
    shimUi.answers.push('Medicine::Cardiology');
    await run(Commands.newSubDeck, decks.deckElement('Medicine'));
    const box = shimUi.inputBoxes[0]!;
    expect(box.value).toBe('Medicine::');
    expect(box.validate?.('Other::X')).toMatch(/starts with/);
    expect(srv.collection.deckByName('Medicine::Cardiology')).toBeDefined();
  });

  it('New Note asks for the note type and opens a draft with its fields', async () => {
    shimUi.answers.push('Basic');
    await run(Commands.newNote, decks.deckElement(SAMPLE_DECKS.verbs));
    expect(drafts.at(-1)).toEqual({ deck: SAMPLE_DECKS.verbs, noteType: 'Basic', fieldNames: ['Front', 'Back'] });
    // pinned, not a preview tab
    expect(shimUi.commands.find((c) => c.command === 'vscode.open')?.args[1]).toEqual({ preview: false });
  });

  it('Copy Note ID puts the id on the clipboard; Open in Anki browses nid:', async () => {
    const note = await firstNote(SAMPLE_DECKS.kanji);
    await run(Commands.copyNoteId, note);
    expect(shimUi.clipboard).toBe(String(note.note.id));
    srv.stats.reset();
    await run(Commands.openInAnki, note);
    expect(srv.stats.actions['guiBrowse']).toBe(1);
    expect(shimUi.messages.at(-1)).toMatchObject({ level: 'info', message: "Anki's Browser now shows the selected notes. Switch to Anki to see it." });
    await run(Commands.openInAnki, decks.deckElement(SAMPLE_DECKS.kanji));
    expect(srv.stats.actions['guiBrowse']).toBe(2);
    expect(shimUi.messages.at(-1)!.message).toBe(`Anki's Browser now shows the deck "${SAMPLE_DECKS.kanji}". Switch to Anki to see it.`);
  });

  it('Open in Anki says why not: nothing selected, or the request failed (our sentence, no command id)', async () => {
    await run(Commands.openInAnki);
    expect(shimUi.messages.at(-1)).toMatchObject({ level: 'info', message: "Select a deck or a note (or open one) to show it in Anki's Browser." });
    const note = await firstNote(SAMPLE_DECKS.kanji);
    srv.stats.reset();
    await srv.faults.resetNext(1);
    await run(Commands.openInAnki, note);
    const last = shimUi.messages.at(-1)!;
    expect(last.level).toBe('error');
    expect(last.message).toMatch(/^Could not open Anki's Browser: AnkiConnect at 127\.0\.0\.1:\d+ closed the connection before answering/);
    expect(last.message).not.toMatch(/ankiFiles\.|failed:/);
  });

  it('Delete Note asks first (modal); cancelling keeps it, confirming deletes it, refreshes, and its document is deleted', async () => {
    const note = await firstNote(SAMPLE_DECKS.capitals);
    const path = `/${SAMPLE_DECKS.capitals.split('::').join('/')}/n.${note.note.id}.yaml`;
    await engine.readFile(path);
    fileEvents.length = 0;
    // its tab (clean) closes once it is deleted; another note's tab and a dirty tab of it stay
    const tabs = vscode.window.tabGroups as unknown as { all: Array<{ tabs: Array<{ input: unknown; isDirty: boolean }> }>; closed: unknown[] };
    const own = { input: new vscode.TabInputText(vscode.Uri.from({ scheme: 'anki', path })), isDirty: false };
    const dirtyOwn = { input: new vscode.TabInputText(vscode.Uri.from({ scheme: 'anki', path })), isDirty: true };
    const other = { input: new vscode.TabInputText(vscode.Uri.from({ scheme: 'anki', path: '/X/n.1.yaml' })), isDirty: false };
    tabs.all[0]!.tabs = [own, dirtyOwn, other];
    tabs.closed.length = 0;
    await run(Commands.deleteNote, note);
    expect(srv.collection.getNote(note.note.id)).toBeDefined();
    const ask = shimUi.messages.find((m) => m.level === 'warning')!;
    expect(ask.items[0]).toMatchObject({ modal: true });
    const before = decks.listing.tree!.byName.get(SAMPLE_DECKS.capitals)!.totalCount!;
    shimUi.answers.push('Delete');
    await run(Commands.deleteNote, note);
    expect(srv.collection.getNote(note.note.id)).toBeUndefined();
    expect(decks.listing.tree!.byName.get(SAMPLE_DECKS.capitals)!.totalCount).toBe(before - 1);
    expect(fileEvents).toEqual([{ kind: 'deleted', path }]);
    expect(tabs.closed).toEqual([own]);
    expect(tabs.all[0]!.tabs).toEqual([dirtyOwn, other]);
  });

  it('Show All Results fills the Search Results view', async () => {
    await run(Commands.showAllResults, 'tag:verb');
    expect(results.query).toBe('tag:verb');
    const kids = results.getChildren();
    expect(kids.filter((k) => k.kind === 'note').length).toBe(Math.min(200, srv.collection.findNotes('tag:verb').length));
    expect(shimUi.commands).toContainEqual({ command: 'setContext', args: ['ankiFiles.hasSearchResults', true] });
  });

  it('Retry on a Search Results error re-runs the search (not the Decks view\'s Refresh)', async () => {
    const ids = srv.collection.findNotes('tag:verb');
    await srv.faults.refuseConnections(true);
    try {
      await results.show('tag:verb', ids);
    } finally {
      await srv.faults.refuseConnections(false);
    }
    const error = results.getChildren().find((e) => e.kind === 'info')!;
    const cmd = results.getTreeItem(error).command!;
    expect(cmd).toMatchObject({ command: Commands.showAllResults, arguments: ['tag:verb'] });
    await run(cmd.command, ...(cmd.arguments ?? []));
    expect(results.getChildren().filter((k) => k.kind === 'note').length).toBe(Math.min(200, ids.length));
    expect(results.getChildren().some((k) => k.kind === 'info')).toBe(false);
  });

  it('with Anki down: commands explain themselves (one message with the fix), Refresh shows the welcome view instead', async () => {
    await srv.faults.refuseConnections(true);
    try {
      await run(Commands.refresh);
      expect(session.state.kind).toBe('notRunning');
      expect(shimUi.messages).toEqual([]);
      expect(await decks.getChildren()).toEqual([]);

      await run(Commands.newDeck);
      expect(shimUi.inputBoxes).toEqual([]); // did not even ask
      expect(shimUi.messages).toHaveLength(1);
      expect(shimUi.messages[0]!.message).toMatch(/not running/);
      expect(shimUi.messages[0]!.items).toContain('Retry');
    } finally {
      await srv.faults.refuseConnections(false);
    }
    await run(Commands.retryConnection);
    expect(session.state.kind).toBe('connected');
    await new Promise((r) => setTimeout(r, 50));
    expect((await decks.getChildren()).length).toBeGreaterThan(0);
  });
});
