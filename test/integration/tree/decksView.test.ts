// The Decks view's provider logic (children, ids, parents, paging, drag-and-drop moves, offline state, reveal)
// over real HTTP against the test server, with VS Code's window/tree API from the shim.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { shimUi } from '../../shim/vscode';
import { AnkiClient } from '../../../src/anki/client';
import { DECKS_TREE_MIME } from '../../../src/constants';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine, type FileEvent } from '../../../src/core/fsEngine';
import { DeckListing } from '../../../src/core/listing';
import type { AnkiSession, ConnectionState } from '../../../src/session';
import { DecksView, type DecksFs } from '../../../src/tree/decksView';
import type { Element, NoteElement } from '../../../src/tree/items';
import { README_NOTE, SAMPLE_DECKS, startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let client: AnkiClient;

// The real engine does the moves (the one path for collection changes); paths are simplified.
const fileEvents: FileEvent[] = [];
let engine: FsEngine;
const uris: DecksFs = {
  moveNotes: (ids, deck, opts) => engine.moveNotes(ids, deck, opts),
  uriForNote: (deck, _html, id) => vscode.Uri.from({ scheme: 'anki', path: `/${deck.split('::').join('/')}/n.${id}.yaml` }),
  noteIdOf: (uri) => {
    const m = /\.(\d+)\.yaml$/.exec(uri.path);
    return m ? Number(m[1]) : undefined;
  },
};

function makeSession(pageSize: number) {
  const emitter = new vscode.EventEmitter<ConnectionState>();
  let state: ConnectionState = { kind: 'connected', version: 6 };
  const session = {
    client,
    log: undefined as unknown as vscode.LogOutputChannel,
    get state() {
      return state;
    },
    onDidChangeState: emitter.event,
    onDidChangeClient: new vscode.EventEmitter<void>().event,
    reportSuccess() {},
    reportFailure() {},
    check: async () => state,
    pageSize,
  } satisfies AnkiSession;
  const setState = (s: ConnectionState): void => {
    state = s;
    emitter.fire(s);
  };
  return { session, setState };
}

function setup(pageSize = 50) {
  const { session, setState } = makeSession(pageSize);
  const listing = new DeckListing(() => client);
  const view = new DecksView(listing, session, uris);
  return { view, listing, setState };
}

const names = (els: Element[]): string[] =>
  els.map((e) => (e.kind === 'deck' ? `deck ${e.name}` : e.kind === 'note' ? `note ${e.note.id}` : e.kind));

beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 600, seed: 11 });
  client = new AnkiClient({ url: srv.url });
  engine = new FsEngine({ client: () => client, codec: notesCodec, onFileEvents: (e) => void fileEvents.push(...e) });
});
afterAll(async () => {
  await srv.close();
});
beforeEach(() => {
  shimUi.reset();
  srv.stats.reset();
});

describe('Decks view provider', () => {
  it('root lists top-level decks with ids and counts; progress shows in the view', async () => {
    const { view } = setup();
    const roots = await view.getChildren();
    const top = [...new Set(srv.collection.deckNames().map((d) => d.split('::')[0]!))];
    expect(names(roots).sort()).toEqual(top.map((d) => `deck ${d}`).sort());
    const jp = roots.find((e) => e.kind === 'deck' && e.name === 'Japanese')!;
    const item = view.getTreeItem(jp);
    expect(item.id).toBe(`deck:${srv.collection.deckByName('Japanese')!.id}`);
    expect(item.description).toBe(String(srv.collection.notesInDeck('Japanese', true).length));
    expect(shimUi.progress).toContainEqual({ viewId: 'ankiFiles.decks' });
    expect(view.view.message).toBeUndefined();
  });

  it('a deck lists sub-decks first, then its own notes in pages with "Load more"', async () => {
    const { view } = setup(50);
    await view.getChildren();
    const n3 = view.deckElement('Japanese::JLPT N3');
    // its sub-decks, then the one note in the deck itself (the README's example note)
    expect(names(await view.getChildren(n3))).toEqual(['deck Japanese::JLPT N3::Kanji', 'deck Japanese::JLPT N3::Vocabulary', `note ${README_NOTE.id}`]);
    const vocab = view.deckElement(SAMPLE_DECKS.vocabulary);
    srv.stats.reset();
    const kids = await view.getChildren(vocab);
    expect(srv.stats.requests).toBe(1);
    const own = srv.collection.notesInDeck(SAMPLE_DECKS.vocabulary);
    expect(own.length).toBeGreaterThan(100);
    expect(names(kids)).toEqual([...own.slice(0, 50).map((id) => `note ${id}`), 'more']);
    const more = kids.at(-1)!;
    expect(String(view.getTreeItem(more).label)).toContain(String(own.length - 50));
    if (more.kind !== 'more') throw new Error('expected a more item');
    await view.loadMore(more);
    const kids2 = await view.getChildren(vocab);
    expect(kids2.filter((e) => e.kind === 'note')).toHaveLength(100);
  });

  it('note items: stable id, open command, parent is the deck (same object), tooltip filled lazily', async () => {
    const { view } = setup();
    await view.getChildren();
    const deck = view.deckElement(SAMPLE_DECKS.kanji);
    const note = (await view.getChildren(deck)).find((e): e is NoteElement => e.kind === 'note')!;
    const item = view.getTreeItem(note);
    expect(item.id).toBe(`note:${note.note.id}`);
    expect(item.command?.command).toBe('vscode.open');
    expect(item.tooltip).toBeUndefined();
    expect(view.resolveTreeItem(item, note).tooltip).toBeInstanceOf(vscode.MarkdownString);
    expect(view.getParent(note)).toBe(deck);
    expect(view.getParent(deck)).toBe(view.deckElement('Japanese::JLPT N3'));
    expect(view.getParent(view.deckElement('Japanese'))).toBeUndefined();
  });

  it('dragging notes gives their anki: URIs; dropping them on a deck moves their cards there', async () => {
    const { view, listing } = setup();
    await view.getChildren();
    const from = view.deckElement(SAMPLE_DECKS.capitals);
    const notes = (await view.getChildren(from)).filter((e): e is NoteElement => e.kind === 'note').slice(0, 2);
    const drag = new vscode.DataTransfer();
    view.handleDrag(notes, drag);
    const list = await drag.get('text/uri-list')!.asString();
    expect(list.split('\r\n').map((u) => uris.noteIdOf(vscode.Uri.parse(u)))).toEqual(notes.map((n) => n.note.id));

    const drop = new vscode.DataTransfer();
    drop.set(DECKS_TREE_MIME, new vscode.DataTransferItem(notes));
    await view.handleDrop(view.deckElement(SAMPLE_DECKS.verbs), drop, { isCancellationRequested: false } as vscode.CancellationToken);
    for (const n of notes) {
      for (const c of srv.collection.cardsOf(n.note.id)) expect(srv.collection.deckById(c.did)!.name).toBe(SAMPLE_DECKS.verbs);
    }
    expect(listing.deckOfNote(notes[0]!.note.id)).toBe(SAMPLE_DECKS.verbs);
    expect(listing.tree!.byName.get(SAMPLE_DECKS.verbs)!.ownCount).toBe(srv.collection.notesInDeck(SAMPLE_DECKS.verbs).length);
  });

  it('one move rule for every move (drop, file move, `deck:` edit): the cards in the deck moved from, others stay', async () => {
    // A note with a reverse card the learner keeps in another deck.
    const model = srv.collection.modelByName('Basic (and reversed card)')!;
    const mk = (front: string) => {
      const note = srv.collection.addNote({ model, deck: srv.collection.ensureDeck(SAMPLE_DECKS.french), fields: [front, 'b'] });
      const [, reverse] = srv.collection.cardsOf(note.id);
      reverse!.did = srv.collection.ensureDeck('Reverse Cards').id;
      return note.id;
    };
    const decksOf = (id: number) => srv.collection.cardsOf(id).map((c) => srv.collection.deckById(c.did)!.name);
    const dropped = mk('move rule drop');
    const renamed = mk('move rule rename');
    const edited = mk('move rule edit');
    const { view } = setup();
    await view.getChildren();

    const drop = new vscode.DataTransfer();
    drop.set('text/uri-list', new vscode.DataTransferItem(uris.uriForNote(SAMPLE_DECKS.french, '', dropped).toString()));
    await view.handleDrop(view.deckElement('Default'), drop, { isCancellationRequested: false } as vscode.CancellationToken);
    expect(decksOf(dropped)).toEqual(['Default', 'Reverse Cards']);
    // Dragged out of the Reverse Cards listing: the card there moves.
    const listed = (await view.getChildren(view.deckElement('Reverse Cards'))).filter((e): e is NoteElement => e.kind === 'note');
    const own = new vscode.DataTransfer();
    own.set(DECKS_TREE_MIME, new vscode.DataTransferItem(listed.filter((e) => e.note.id === dropped)));
    await view.handleDrop(view.deckElement(SAMPLE_DECKS.verbs), own, { isCancellationRequested: false } as vscode.CancellationToken);
    expect(decksOf(dropped)).toEqual(['Default', SAMPLE_DECKS.verbs]);

    const from = `/${SAMPLE_DECKS.french.split('::').join('/')}/move rule rename.${renamed}.yaml`;
    await engine.rename(from, `/Default/move rule rename.${renamed}.yaml`);
    expect(decksOf(renamed)).toEqual(['Default', 'Reverse Cards']);

    const path = `/${SAMPLE_DECKS.french.split('::').join('/')}/move rule edit.${edited}.yaml`;
    const text = new TextDecoder().decode(await engine.readFile(path));
    await engine.writeFile(path, new TextEncoder().encode(text.replace(`deck: ${SAMPLE_DECKS.french}`, 'deck: Default')), { create: false, overwrite: true });
    expect(decksOf(edited)).toEqual(['Default', 'Reverse Cards']);
  });

  it('a move reports the moved notes\' open documents as changed (their deck: line)', async () => {
    const { view } = setup();
    await view.getChildren();
    const id = srv.collection.notesInDeck(SAMPLE_DECKS.capitals)[3]!;
    const path = `/${SAMPLE_DECKS.capitals.split('::').join('/')}/x.${id}.yaml`;
    await engine.readFile(path);
    fileEvents.length = 0;
    await view.moveNotes([id], SAMPLE_DECKS.verbs);
    expect(fileEvents).toEqual([{ kind: 'changed', path }]);
    expect(new TextDecoder().decode(await engine.readFile(path))).toContain(`deck: ${SAMPLE_DECKS.verbs}`);
  });

  it('a text/uri-list drop (e.g. an editor tab) moves the note too', async () => {
    const { view } = setup();
    await view.getChildren();
    const id = srv.collection.notesInDeck(SAMPLE_DECKS.french)[0]!;
    const drop = new vscode.DataTransfer();
    drop.set('text/uri-list', new vscode.DataTransferItem(uris.uriForNote(SAMPLE_DECKS.french, '', id).toString()));
    await view.handleDrop(view.deckElement('Default'), drop, { isCancellationRequested: false } as vscode.CancellationToken);
    expect(srv.collection.deckOf(srv.collection.getNote(id)!)).toBe('Default');
  });

  it('while Anki is down the root is empty (the welcome view explains); reconnecting brings the tree back', async () => {
    const { view, setState } = setup();
    expect((await view.getChildren()).length).toBeGreaterThan(0);
    setState({ kind: 'notRunning', message: 'Anki is not running' });
    expect(await view.getChildren()).toEqual([]);
    expect(shimUi.messages).toEqual([]); // no notification storm
    setState({ kind: 'connected', version: 6 });
    await new Promise((r) => setTimeout(r, 50));
    expect((await view.getChildren()).length).toBeGreaterThan(0);
  });

  it('one deck\'s count failing leaves that count blank and still lists the deck and its notes (one request)', async () => {
    const { view, listing } = setup();
    srv.faults.failMultiEntry(0, 'something odd');
    const roots = await view.getChildren();
    srv.faults.clear();
    const first = listing.tree!.roots[0]!;
    expect(roots.length).toBe(listing.tree!.roots.length);
    expect(view.getTreeItem(view.deckElement(first.name)).description).toBe('');
    expect(shimUi.messages).toEqual([]);
    srv.stats.reset();
    const kids = await view.getChildren(view.deckElement(first.name));
    expect(kids.some((e) => e.kind === 'note')).toBe(true);
    expect(srv.stats.actions['findNotes']).toBe(1); // its ids were not cached: fetched on expand
  });

  it('reveals a note deep in a deck by loading the pages up to it in one request', async () => {
    const { view, listing } = setup(20);
    await view.getChildren();
    const own = srv.collection.notesInDeck(SAMPLE_DECKS.vocabulary);
    const target = own[95]!;
    srv.stats.reset();
    const found = await view.revealNote(target, { focus: false });
    expect(found).toBe(true);
    expect(srv.stats.requests).toBe(2); // first page, then pages 2–5 together
    expect(listing.peekPages(SAMPLE_DECKS.vocabulary)!.items.map((n) => n.id)).toEqual(own.slice(0, 100));
    const shim = shimUi.treeViews.get('ankiFiles.decks')!;
    const last = shim.reveals.at(-1)!.element as NoteElement;
    expect(last.kind).toBe('note');
    expect(last.note.id).toBe(target);
    expect(view.getTreeItem(last).id).toBe(`note:${target}`);
  });
});
