// src/ui/messages.ts: the core's messages (codes + arguments) become vscode.l10n.t strings, every level of a
// nested message translated, and the paths that show core errors to the user (file-system errors, problems,
// connection errors) go through it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as vscode from 'vscode';
import { AnkiConnectError, AnkiTransportError } from '../../../src/anki/errors';
import { FsEngineError, problemsMsg } from '../../../src/core/fsErrors';
import { toFileSystemError } from '../../../src/fs/errors';
import { fillTemplate, formatMessage, MESSAGES, msg, type MessageCode } from '../../../src/messages';
import { parseNoteDocument } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';
import { errorText, localize, problemText } from '../../../src/ui/messages';

/** A pseudo-translation: the template upper-cased (placeholders kept), as a translator's bundle would give. */
function pseudoLocale(): void {
  vi.spyOn(vscode.l10n, 't').mockImplementation(((template: string, ...args: string[]) =>
    fillTemplate(template.toUpperCase(), args.map(String))) as typeof vscode.l10n.t);
}

afterEach(() => vi.restoreAllMocks());

const loaded: NoteSnapshot = {
  id: 1700000000001,
  deck: 'Default',
  noteType: 'Basic',
  tags: [],
  fields: [
    ['Front', 'bonjour'],
    ['Back', 'hello'],
  ],
  mod: 1,
  cards: [1],
};

describe('localize', () => {
  it('renders every code through vscode.l10n.t with its English template and its arguments', () => {
    const seen: string[] = [];
    const real = vscode.l10n.t;
    vi.spyOn(vscode.l10n, 't').mockImplementation(((template: string, ...args: string[]) => {
      seen.push(template);
      return (real as (m: string, ...a: string[]) => string)(template, ...args);
    }) as typeof vscode.l10n.t);
    for (const code of Object.keys(MESSAGES) as MessageCode[]) {
      const n = new Set(MESSAGES[code].match(/\{\d+\}/g) ?? []).size;
      const m = msg(code, ...Array.from({ length: n }, (_, i) => `‹arg${i}›`));
      seen.length = 0;
      expect(localize(m), code).toBe(formatMessage(m));
      if (code === 'text') expect(seen, code).toEqual([]); // not ours to translate
      else expect(seen, code).toEqual([MESSAGES[code]]);
      for (let i = 0; i < n; i++) expect(localize(m), code).toContain(`‹arg${i}›`);
    }
  });

  it('translates every level of a nested message, never the data in it', () => {
    pseudoLocale();
    const apiKey = new AnkiConnectError('multi', 'valid api key must be provided', { apiKeyConfigured: true });
    const m = msg('notSavedBecause', msg('noteNamed', 'bonjour'), apiKey.msg);
    expect(formatMessage(m)).toBe(
      '"bonjour" was not saved: AnkiConnect rejected the API key: the key set for this extension does not match the "apiKey" in AnkiConnect\'s config.',
    );
    expect(localize(m)).toBe(
      '"bonjour" WAS NOT SAVED: ANKICONNECT REJECTED THE API KEY: THE KEY SET FOR THIS EXTENSION DOES NOT MATCH THE "APIKEY" IN ANKICONNECT\'S CONFIG.',
    );
  });

  it("a failed save's file-system error, a document problem and a connection error reach the user translated", () => {
    const bad = parseNoteDocument('id: 1700000000001\ndeck: Default\nnoteType: Basic\ntags: [a b]\nfields:\n  Front: bonjour\n  Back: hello\n', loaded);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const problem = bad.problems[0];
    expect(problem?.msg?.code).toBe('tagHasSpace');
    const englishProblem = problemText(problem!);
    expect(englishProblem).toBe(problem?.message);
    const engineError = new FsEngineError('invalid', msg('invalidUnchanged', problemsMsg(bad.problems), msg('noteNamed', 'bonjour')), { problems: bad.problems });
    const english = toFileSystemError(engineError, 'writeFile', '/Default/bonjour.1700000000001.yaml').message;
    expect(english).toBe(
      'Line 4, column 8: The tag "a b" contains a space: Anki separates tags by spaces. Write separate tags ([a, b]) or join the words with "_" or "-". Nothing was sent to Anki; "bonjour" is unchanged there.',
    );
    const down = new AnkiTransportError('notRunning', 'multi', msg('notRunning', '127.0.0.1:8765'));

    pseudoLocale();
    expect(toFileSystemError(engineError, 'writeFile', '/Default/bonjour.1700000000001.yaml').message).toBe(
      'LINE 4, COLUMN 8: THE TAG "a b" CONTAINS A SPACE: ANKI SEPARATES TAGS BY SPACES. WRITE SEPARATE TAGS ([a, b]) OR JOIN THE WORDS WITH "_" OR "-". NOTHING WAS SENT TO ANKI; "bonjour" IS UNCHANGED THERE.',
    );
    expect(problemText(problem!)).toBe(englishProblem.toUpperCase().replace('"A B"', '"a b"').replace('[A, B]', '[a, b]'));
    expect(toFileSystemError(down, 'stat', '/D').message).toBe(
      'ANKI IS NOT RUNNING OR ANKICONNECT IS NOT INSTALLED (NOTHING LISTENS ON 127.0.0.1:8765). START ANKI (WITH THE ANKICONNECT ADD-ON), THEN TRY AGAIN.',
    );
    expect(errorText(down)).toBe('ANKI IS NOT RUNNING OR ANKICONNECT IS NOT INSTALLED (NOTHING LISTENS ON 127.0.0.1:8765).');
  });
});
