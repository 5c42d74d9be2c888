// The card preview's data path over real HTTP: one request per note type (templates + CSS + fields + type),
// media fetched once per file in one multi, cached with a size cap; and our rendering equals the server's
// cardsInfo for the sample collection (both are src/template, so this checks the wiring, not Anki itself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../src/anki/client';
import { MediaCache } from '../../src/preview/media';
import { NoteTypeCache } from '../../src/preview/noteTypes';
import { sanitizeCardHtml } from '../../src/preview/sanitize';
import { renderNoteCard } from '../../src/template';
import { startTestServer, type TestServer } from '../server';

let srv: TestServer;
let client: AnkiClient;
beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 120, seed: 5 });
  client = new AnkiClient({ url: srv.url });
});
afterAll(() => srv.close());

describe('preview data', () => {
  it('a note type costs one request, then none; unknown types are undefined', async () => {
    const cache = new NoteTypeCache();
    srv.stats.reset();
    const [a, b] = await Promise.all([cache.get(client, 'Cloze'), cache.get(client, 'Cloze')]);
    expect(a).toBe(b);
    expect(a?.isCloze).toBe(true);
    expect(a?.fieldNames).toEqual(['Text', 'Back Extra']);
    expect(a?.templates.map((t) => t.name)).toEqual(['Cloze']);
    expect(srv.stats.requests).toBe(1);
    expect(srv.stats.actions).toMatchObject({ multi: 1, modelTemplates: 1, modelStyling: 1, modelFieldNames: 1, findModelsByName: 1 });
    await cache.get(client, 'Cloze');
    expect(srv.stats.requests).toBe(1);
    expect(await cache.get(client, 'No such type')).toBeUndefined();
    const vocab = await cache.get(client, 'Vocabulary (3 cards)');
    expect(vocab?.isCloze).toBe(false);
    expect(vocab?.css).toContain('.nightMode');
  });

  it('media: missing names fetched in one multi, once per file; missing files remembered; size cap evicts', async () => {
    const media = new MediaCache({ maxBytes: 600 });
    srv.stats.reset();
    await media.fetch(client, ['abx-table.png', 'preview-cat.png', 'nope.png', 'abx-table.png']);
    expect(srv.stats.requests).toBe(1);
    expect(srv.stats.actions.retrieveMediaFile).toBe(3);
    expect(media.get('nope.png')).toBeNull();
    await media.fetch(client, ['nope.png', 'preview-tile.png']);
    expect(srv.stats.actions.retrieveMediaFile).toBe(4);
    expect(media.get('preview-tile.png')).toMatch(/^data:image\/png;base64,/);
    expect(media.size.bytes).toBeLessThanOrEqual(600);
    // the oldest entries went first
    expect(media.get('abx-table.png')).toBeUndefined();
  });

  it("our rendering of a sample note's cards matches cardsInfo (after the reviewer's additions are left out)", async () => {
    const cache = new NoteTypeCache();
    const ids = srv.collection.findNotes('note:Cloze').slice(0, 5);
    for (const id of ids) {
      const note = srv.collection.getNote(id)!;
      const model = srv.collection.modelOf(note);
      const nt = (await cache.get(client, model.name))!;
      const cards = srv.collection.cardsOf(id);
      const infos = await client.cardsInfo(cards.map((c) => c.id));
      for (const [i, card] of cards.entries()) {
        const deck = srv.collection.decks.get(card.did)!.name;
        const ours = renderNoteCard(nt, { fields: model.fields.map((f) => [f.name, note.fields[f.ord] ?? '']), tags: note.tags, deck }, card.ord);
        expect(`<style>${nt.css}</style>${ours.question}`).toBe(infos[i]!.question);
      }
    }
    expect(ids.length).toBe(5);
  });

  it('an image of a sample note becomes a data URI once fetched', async () => {
    const media = new MediaCache();
    const html = 'See <img src="abx-table.png">';
    const first = sanitizeCardHtml(html, { scripts: false, media: (n) => media.get(n), labels: { remote: 'R', missing: 'M', loading: 'L' } });
    expect(first.wanted).toEqual(['abx-table.png']);
    await media.fetch(client, first.wanted);
    const second = sanitizeCardHtml(html, { scripts: false, media: (n) => media.get(n), labels: { remote: 'R', missing: 'M', loading: 'L' } });
    expect(second.html).toMatch(/^See <img src="data:image\/png;base64,[A-Za-z0-9+/=]+">$/);
  });
});

describe('preview note types: template order', () => {
  it('keeps Anki\'s template order even for integer-like template names (from findModelsByName)', async () => {
    await client.multi([
      { action: 'createModel', params: { modelName: 'Numbered', inOrderFields: ['F', 'G'], cardTemplates: [{ Name: '2', Front: '{{F}}', Back: '' }, { Name: '1', Front: '{{G}}', Back: '' }] } },
    ]);
    const nt = await new NoteTypeCache().get(client, 'Numbered');
    expect(nt?.templates.map((t) => [t.name, t.qfmt])).toEqual([['2', '{{F}}'], ['1', '{{G}}']]);
  });
});
