// The note as the editor sees it (pure: no `vscode` import).
import type { Message } from '../messages';
import type { CardId, NoteId } from '../anki/api';

/** A note as loaded from Anki: everything the YAML document shows plus what conflict checks need. */
export interface NoteSnapshot {
  id: NoteId;
  /** Deck of the note's first card (lowest template ordinal). */
  deck: string;
  noteType: string;
  tags: string[];
  /** Fields in the note type's order: [name, raw HTML]. */
  fields: Array<[string, string]>;
  /** Anki's note `mod` (epoch seconds), when the add-on reports it. */
  mod?: number;
  cards: CardId[];
}

/** What a user's edited YAML document says (after validation against the loaded note). */
export interface EditedNote {
  id: NoteId;
  deck: string;
  noteType: string;
  tags: string[];
  fields: Array<[string, string]>;
}

/** What a "New Note" document says (no id yet); fields in the chosen note type's order. */
export interface NewNoteDraft {
  deck: string;
  noteType: string;
  tags: string[];
  fields: Array<[string, string]>;
}

/** A problem in a document, with a 1-based position for diagnostics and messages. */
export interface DocumentProblem {
  code:
    | 'yaml'
    | 'duplicateKey'
    | 'notAMapping'
    | 'missingKey'
    | 'unknownKey'
    | 'idChanged'
    | 'noteTypeChanged'
    | 'unknownField'
    | 'missingField'
    | 'fieldNotScalar'
    | 'badTags'
    | 'tagHasSpace'
    | 'emptyDeck'
    | 'badDeck'
    /** New-note documents only: the chosen note type does not exist. */
    | 'unknownNoteType';
  /** English, for logs and tests. */
  message: string;
  /** What to tell the user (the glue localizes it); problems of the document parser always have it. */
  msg?: Message;
  line: number;
  column: number;
  /** Optional end position (1-based, exclusive) for a range. */
  endLine?: number;
  endColumn?: number;
}
