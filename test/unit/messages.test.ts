// src/messages.ts: the core's message catalog (codes + arguments) and its English rendering.
import { describe, expect, it } from 'vitest';
import { fillTemplate, formatMessage, isMessage, joinMessages, msg, textMessage } from '../../src/messages';

describe('messages', () => {
  it('renders English with nested messages and joins, as the user saw before messages became codes', () => {
    const fields = joinMessages('joinAnd', [msg('field', 'Front'), msg('tags')]);
    expect(formatMessage(msg('partlySaved', msg('noteNamed', 'Hola'), fields, msg('partNotSaved', msg('deck'), 'boom')))).toBe(
      'Saving "Hola" only partly worked: field Front and tags saved; deck NOT saved (AnkiConnect: boom). Your text is kept: fix the problem and save again to apply the rest.',
    );
    expect(formatMessage(msg('changedInAnkiWhat', msg('noteNumbered', 42), joinMessages('joinComma', [msg('fields', 'Front, Back'), msg('deck')])))).toMatch(
      /^note 42 changed in Anki since you opened it \(fields Front, Back, deck\)\. Your text is kept/,
    );
    expect(joinMessages('joinSemicolon', [])).toBe('');
  });

  it('text that is not ours passes through untouched, braces included; unknown placeholders stay', () => {
    expect(formatMessage(textMessage('{{c1::x}} {0}'))).toBe('{{c1::x}} {0}');
    expect(fillTemplate('{0} {1} {{c1::…}}', ['a'])).toBe('a {1} {{c1::…}}');
    expect(formatMessage(msg('clozeProblem', 'Basic'))).toContain('at least one {{c1::…}} deletion, and a non-cloze note type (e.g. Basic)');
  });

  it('isMessage recognises only catalog codes', () => {
    expect(isMessage(msg('tags'))).toBe(true);
    expect(isMessage({ code: 'nope', args: [] })).toBe(false);
    expect(isMessage('tags')).toBe(false);
  });
});
