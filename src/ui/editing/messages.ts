// User-facing texts of the editing help (the pure checks return codes + arguments).
import * as vscode from 'vscode';
import type { FixKind, LintProblem } from '../../lint/lint';
import { localize } from '../messages';

const t = vscode.l10n.t;

/** The diagnostic message of a problem: the parser's own (the save's) message, or ours by code. */
export function problemMessage(p: LintProblem): string {
  if (p.msg !== undefined) return localize(p.msg);
  if (p.message !== undefined) return p.message;
  const a = (i: number): string => p.args[i] ?? '';
  switch (p.code) {
    case 'fieldLeftOut':
      return t('The field "{0}" is left out: saving creates the note with "{0}" empty.', a(0));
    case 'newDeck':
      return t('There is no deck "{0}" in Anki yet: saving creates the deck.', a(0));
    case 'emptyFirstField':
      return p.variant === 'new'
        ? t('The first field ("{0}") is empty: Anki cannot create a note whose first field is empty. Fill in "{0}".', a(0))
        : t('The first field ("{0}") is empty: Anki shows such a note as empty in its Browser and may treat it as an empty card. Fill in "{0}".', a(0));
    case 'noCloze':
      return p.variant === 'new'
        ? t('This "{0}" note has no cloze deletion: Anki cannot create it. Mark the text to hide as {{c1::text}} (or {{c1::text::hint}}).', a(0))
        : t('This "{0}" note has no cloze deletion, so it produces no card. Mark the text to hide as {{c1::text}}.', a(0));
    case 'clozeInNonCloze':
      return t('Cloze deletions only work in a Cloze note type; "{0}" shows this as plain text, and Anki refuses to add such a note. Remove the cloze markers or use a Cloze note type.', a(0));
    case 'malformedCloze':
      return p.variant === 'noNumber'
        ? t('"{0}" is not a cloze deletion: a deletion needs a number, e.g. {{c1::text}}.', a(0))
        : p.variant === 'singleColon'
          ? t('"{0}" is not a cloze deletion: write two colons, e.g. {{c1::text}}.', a(0))
          : t('This cloze deletion is not closed: end it with "}}", e.g. {{c1::text}}.');
    case 'unclosedElement':
      return t('<{0}> is not closed in the field "{1}": add </{0}> where it should end, or the rest of the card is formatted too.', a(0), a(1));
    case 'strayEndTag':
      return t('</{0}> in the field "{1}" closes no open <{0}>: remove it or add the missing <{0}>.', a(0), a(1));
    case 'missingMedia':
      return t('There is no file "{0}" in Anki\'s media folder: the card shows nothing here. Add the file to Anki or fix the name.', a(0));
    case 'duplicateNote':
      return t('Another note of this type has the same {0} ({1} in total): Anki marks it as a duplicate. Use the quick fix to open it.', a(0), a(1));
    default:
      return p.code;
  }
}

export function fixTitle(kind: FixKind, args: readonly string[]): string {
  const a = (i: number): string => args[i] ?? '';
  switch (kind) {
    case 'renameField':
      return t('Rename "{0}" to "{1}"', a(0), a(1));
    case 'splitTag':
      return t('Split "{0}" into the tags {1}', a(0), a(1));
    case 'joinTag':
      return t('Join the words: "{0}"', a(1));
    case 'removeTag':
      return t('Remove the tag "{0}"', a(0));
    case 'closeElement':
      return t('Close <{0}>', a(0));
    case 'removeEndTag':
      return t('Remove </{0}>', a(0));
    case 'addField':
      return t('Add the field "{0}"', a(0));
  }
}
