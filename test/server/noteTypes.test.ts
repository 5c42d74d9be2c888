// §3.5 note-type actions of the test server (createModel with Anki's template checks, modelNamesAndIds,
// findModelsByName, modelFieldsOnTemplates) and card generation by Anki's rule, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './index';
import { ok, v6 } from './helpers';

let srv: TestServer;
let port: number;
beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 50, seed: 3 });
  port = Number(new URL(srv.url).port);
});
afterAll(() => srv.close());

const create = (params: Record<string, unknown>) => v6(port, 'createModel', params);

describe('createModel', () => {
  it('creates a note type that every model action then knows', async () => {
    const m = await ok<Record<string, unknown>>(port, 'createModel', {
      modelName: 'Mine',
      inOrderFields: ['Q', 'A', 'Extra'],
      css: '.card { color: red }',
      cardTemplates: [{ Name: 'Forward', Front: '{{Q}}', Back: '{{FrontSide}}<hr id=answer>{{A}}' }, { Front: '{{#Extra}}{{A}}{{/Extra}}', Back: '{{Q}}' }],
    });
    expect(m.name).toBe('Mine');
    expect((m.tmpls as Array<{ name: string }>).map((t) => t.name)).toEqual(['Forward', 'Card 2']);
    const ids = await ok<Record<string, number>>(port, 'modelNamesAndIds');
    expect(ids.Mine).toBe(m.id);
    const [found] = await ok<Array<Record<string, unknown>>>(port, 'findModelsByName', { modelNames: ['Mine'] });
    expect(found?.id).toBe(m.id);
    expect(await ok(port, 'modelFieldNames', { modelName: 'Mine' })).toEqual(['Q', 'A', 'Extra']);
    expect(await ok(port, 'modelStyling', { modelName: 'Mine' })).toEqual({ css: '.card { color: red }' });
    expect(await ok(port, 'modelTemplates', { modelName: 'Mine' })).toEqual({
      Forward: { Front: '{{Q}}', Back: '{{FrontSide}}<hr id=answer>{{A}}' },
      'Card 2': { Front: '{{#Extra}}{{A}}{{/Extra}}', Back: '{{Q}}' },
    });
    expect(await ok(port, 'modelFieldsOnTemplates', { modelName: 'Mine' })).toEqual({ Forward: [['Q'], ['A']], 'Card 2': [['A'], ['Q']] });
  });

  it.each([
    [{ modelName: 'X', inOrderFields: [], cardTemplates: [{ Front: '{{F}}', Back: '' }] }, 'Must provide at least one field for inOrderFields'],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [] }, 'Must provide at least one card for cardTemplates'],
    [{ modelName: 'Basic', inOrderFields: ['F'], cardTemplates: [{ Front: '{{F}}', Back: '' }] }, 'Model name already exists'],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [{ Back: '' }] }, "'Front'"],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [{ Front: 'no field', Back: '' }] }, "Card template 1 in note type 'X' has a problem.<br>Expected to find a field replacement on the front of the card template."],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [{ Front: '{{F}}', Back: '{{G}}' }] }, "Card template 1 in note type 'X' has a problem.<br>Field 'G' not found."],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [{ Front: '{{F}}', Back: '' }, { Front: '{{F}}', Back: '' }] }, "Card template 2 in note type 'X' has a problem.<br>The front side is identical to card template 1."],
    [{ modelName: 'X', inOrderFields: ['F'], cardTemplates: [{ Front: '{{#F}}', Back: '' }] }, "Card template 1 in note type 'X' has a problem.<br>See the preview for more information."],
    [{ modelName: 'X', inOrderFields: ['Text'], isCloze: true, cardTemplates: [{ Front: '{{cloze:Text}}', Back: '{{Text}}' }] }, "Card template 1 in note type 'X' has a problem.<br>Expected to find '{{cloze:Text}}' or similar on the front and back of the card template."],
  ])('refuses %j: %s', async (params, message) => {
    expect((await create(params)).error).toBe(message);
    expect(await ok<string[]>(port, 'modelNames')).not.toContain('X');
  });

  it('allows special fields and {{Card}} duplicates, as Anki does', async () => {
    const r = await create({ modelName: 'Specials', inOrderFields: ['F'], cardTemplates: [{ Front: '{{Card}} {{F}}', Back: '{{Deck}} {{Tags}}' }, { Front: '{{Card}} {{F}}', Back: '' }] });
    expect(r.error).toBeNull();
  });
});

describe("card generation by Anki's rule", () => {
  it('a card per template whose front is not empty; cardsInfo renders with special fields', async () => {
    const id = await ok<number>(port, 'addNote', {
      note: { deckName: 'Default', modelName: 'Vocabulary (3 cards)', fields: { Word: '猫', Reading: '猫[ねこ]', Meaning: '', Hint: 'animal' }, tags: ['pets'] },
    });
    const [info] = await ok<Array<{ cards: number[] }>>(port, 'notesInfo', { notes: [id] });
    const cards = await ok<Array<{ ord: number; question: string; answer: string }>>(port, 'cardsInfo', { cards: info!.cards });
    // Recall ({{#Meaning}}…) is empty without a meaning
    expect(cards.map((c) => c.ord)).toEqual([0, 2]);
    expect(cards[0]!.answer).toContain('<ruby><rb>猫</rb><rt>ねこ</rt></ruby>');
    expect(cards[0]!.answer).toContain('Default · pets');
    expect(cards[1]!.question).toContain('<div class="word">猫</div>');
  });
  it('one card per cloze number; [[type:]] left for the reviewer; sounds as [anki:play] markers', async () => {
    const id = await ok<number>(port, 'addNote', {
      note: { deckName: 'Default', modelName: 'Cloze', fields: { Text: '{{c2::a}} {{c5::b}} [sound:x.mp3]', 'Back Extra': '' } },
    });
    const [info] = await ok<Array<{ cards: number[] }>>(port, 'notesInfo', { notes: [id] });
    const cards = await ok<Array<{ ord: number; question: string }>>(port, 'cardsInfo', { cards: info!.cards });
    expect(cards.map((c) => c.ord)).toEqual([1, 4]);
    expect(cards[0]!.question).toContain('[anki:play:q:0]');
    expect(cards[0]!.question).toContain('<span class="cloze" data-cloze="a" data-ordinal="2">[...]</span>');
  });
  it('the sample media are served', async () => {
    const b64 = await ok<string>(port, 'retrieveMediaFile', { filename: 'abx-table.png' });
    expect(Buffer.from(b64, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
