// The engine's document codec and planner, wired from src/notes (pure: no `vscode` import).
import { parseNewNoteDocument, parseNoteDocument, renderNewNoteTemplate, renderNote } from '../notes/document';
import { planSave } from '../notes/planner';
import type { NoteCodec } from './fsEngine';
import type { NoteChange } from './saver';

export const notesCodec: NoteCodec = {
  render: renderNote,
  parse: parseNoteDocument,
  renderNewTemplate: (t) => renderNewNoteTemplate(t),
  parseNew: (text, fieldNamesFor, noteTypeNames) => parseNewNoteDocument(text, fieldNamesFor, noteTypeNames),
  diff: (loaded, edited): NoteChange => planSave(loaded, edited),
};
