/**
 * Every action of the test server has the parameter list of the real add-on (upstream 532a3c8,
 * `plugin/__init__.py`), so wrong parameters give Python's TypeError texts (reference §1.4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './index';
import { v6 } from './helpers';

/** [action, the real Python parameter list after `self`] */
const REAL_SIGNATURES: Array<[string, string]> = [
  ['addNote', 'note'],
  ['addNotes', 'notes'],
  ['addTags', 'notes, tags, add=True'],
  ['apiReflect', 'scopes=None, actions=None'],
  ['areSuspended', 'cards'],
  ['canAddNote', 'note'],
  ['canAddNoteWithErrorDetail', 'note'],
  ['canAddNotes', 'notes'],
  ['canAddNotesWithErrorDetail', 'notes'],
  ['cardsInfo', 'cards'],
  ['cardsModTime', 'cards'],
  ['cardsToNotes', 'cards'],
  ['changeDeck', 'cards, deck'],
  ['clearUnusedTags', ''],
  ['cloneDeckConfigId', "name, cloneFrom='1'"],
  ['getDeckConfig', 'deck'],
  ['removeDeckConfigId', 'configId'],
  ['replaceTagsInAllNotes', 'tag_to_replace, replace_with_tag'],
  ['saveDeckConfig', 'config'],
  ['setDeckConfigId', 'decks, configId'],
  ['createDeck', 'deck'],
  ['createModel', 'modelName, inOrderFields, cardTemplates, css=None, isCloze=False'],
  ['deckNameFromId', 'deckId'],
  ['deckNames', ''],
  ['deckNamesAndIds', ''],
  ['deleteDecks', 'decks, cardsToo=False'],
  ['deleteMediaFile', 'filename'],
  ['deleteNotes', 'notes'],
  ['findCards', 'query=None'],
  ['findModelsById', 'modelIds'],
  ['findModelsByName', 'modelNames'],
  ['findNotes', 'query=None'],
  ['getActiveProfile', ''],
  ['getDecks', 'cards'],
  ['getMediaDirPath', ''],
  ['getMediaFilesNames', "pattern='*'"],
  ['getNoteTags', 'note'],
  ['getProfiles', ''],
  ['getTags', ''],
  ['guiBrowse', 'query=None, reorderCards=None'],
  ['guiEditNote', 'note'],
  ['guiSelectCard', 'card'],
  ['guiSelectNote', 'note'],
  ['guiSelectedNotes', ''],
  ['loadProfile', 'name'],
  ['modelFieldNames', 'modelName'],
  ['modelFieldsOnTemplates', 'modelName'],
  ['modelNameFromId', 'modelId'],
  ['modelNames', ''],
  ['modelNamesAndIds', ''],
  ['modelStyling', 'modelName'],
  ['modelTemplates', 'modelName'],
  ['multi', 'actions'],
  ['notesInfo', 'notes=None, query=None'],
  ['notesModTime', 'notes'],
  ['reloadCollection', ''],
  ['removeTags', 'notes, tags'],
  ['replaceTags', 'notes, tag_to_replace, replace_with_tag'],
  ['requestPermission', 'origin, allowed'],
  ['retrieveMediaFile', 'filename'],
  ['storeMediaFile', 'filename, data=None, path=None, url=None, skipHash=None, deleteExisting=True'],
  ['suspend', 'cards, suspend=True'],
  ['sync', ''],
  ['unsuspend', 'cards'],
  ['updateNote', 'note'],
  ['updateNoteFields', 'note'],
  ['updateNoteModel', 'note'],
  ['updateNoteTags', 'note, tags'],
  ['version', ''],
];

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ port: 0 });
});
afterAll(async () => {
  await srv.close();
});

function parse(sig: string): { required: string[]; optional: string[] } {
  const args = sig.split(',').map((x) => x.trim()).filter((x) => x !== '');
  return { required: args.filter((x) => !x.includes('=')), optional: args.filter((x) => x.includes('=')).map((x) => (x.split('=')[0] as string).trim()) };
}

function missingText(action: string, names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  const list = q.length === 1 ? q[0] : q.length === 2 ? `${q[0]} and ${q[1]}` : `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
  return `AnkiConnect.${action}() missing ${names.length} required positional argument${names.length === 1 ? '' : 's'}: ${list}`;
}

describe('parameter lists match the real add-on', () => {
  it('every implemented action is in the table (and vice versa)', () => {
    expect(Object.keys(srv.anki.actions).sort()).toEqual(REAL_SIGNATURES.map(([a]) => a).sort());
  });

  it.each(REAL_SIGNATURES)('%s(%s)', async (action, sig) => {
    const { required } = parse(sig);
    const extra = await v6(srv.port, action, { bogusParam: 1 });
    expect(extra.error).toBe(`AnkiConnect.${action}() got an unexpected keyword argument 'bogusParam'`);
    if (required.length > 0 && action !== 'requestPermission') {
      expect((await v6(srv.port, action, {})).error).toBe(missingText(action, required));
    }
  });
});
