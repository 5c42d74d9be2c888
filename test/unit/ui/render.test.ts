import { describe, expect, it } from 'vitest';
import * as vscode from 'vscode';
import { Commands } from '../../../src/constants';
import { displayLabel, fieldSnippet, summarizeNote } from '../../../src/core/listing';
import { truncateText as truncate } from '../../../src/notes/paths';
import { isInvalidSearch, orderHits, pushRecent, renderSearchItem, Sequencer } from '../../../src/core/search';
import { AnkiConnectError } from '../../../src/anki/errors';
import { outcomeItems } from '../../../src/ui/searchPick';
import { formatRequestLog } from '../../../src/ui/session';
import { statusView } from '../../../src/ui/statusBar';

const note = summarizeNote(
  {
    noteId: 42,
    modelName: 'Basic',
    tags: [],
    fields: { Front: { value: 'Capital of <b>France</b>?', order: 0 }, Back: { value: 'Paris<br>🇫🇷', order: 1 }, Extra: { value: '', order: 2 } },
    cards: [43],
  },
  'Geography',
);

describe('labels and snippets', () => {
  it('label strips HTML; snippet joins the other non-empty fields', () => {
    expect(note.label).toBe('Capital of France?');
    expect(fieldSnippet(note)).toBe('Paris 🇫🇷');
    expect(renderSearchItem(note)).toEqual({ label: 'Capital of France?', description: 'Geography', detail: 'Paris 🇫🇷' });
  });
  it('truncates at grapheme boundaries with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    const flags = '🇫🇷🇯🇵🇪🇸🇩🇪';
    const t = truncate(flags, 5);
    expect(t.endsWith('…')).toBe(true);
    expect(flags.startsWith(t.slice(0, -1))).toBe(true);
    expect(displayLabel('<div>' + 'x'.repeat(200) + '</div>').length).toBeLessThanOrEqual(80);
  });
});

describe('search helpers', () => {
  it('recent queries: newest first, no duplicates, at most N, blanks ignored', () => {
    let r: string[] = [];
    for (const q of ['a', 'b', 'a', ' ', 'c']) r = pushRecent(r, q, 2);
    expect(r).toEqual(['c', 'a']);
  });
  it('hits are oldest first (creation order) without duplicates', () => {
    expect(orderHits([3, 1, 2, 3])).toEqual([1, 2, 3]);
  });
  it('only the latest sequence number counts', () => {
    const s = new Sequencer();
    const a = s.next();
    const b = s.next();
    expect(s.isLatest(a)).toBe(false);
    expect(s.isLatest(b)).toBe(true);
  });
  it('a findNotes error is a query problem unless it is about the key or the collection', () => {
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'Invalid search: unbalanced quote'))).toBe(true);
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'valid api key must be provided'))).toBe(false);
    expect(isInvalidSearch(new AnkiConnectError('findNotes', 'collection is not available'))).toBe(false);
    expect(isInvalidSearch(new AnkiConnectError('notesInfo', 'Invalid search: x'))).toBe(false);
  });
});

describe('QuickPick items', () => {
  it('hits first (Enter opens the first), "Show all N results" last, all shown whatever is typed', () => {
    const items = outcomeItems({ kind: 'ok', query: 'France', seq: 1, ids: [42, 7, 6], items: [note] });
    expect(items[0]).toMatchObject({ kind2: 'note', label: 'Capital of France?', description: 'Geography', detail: 'Paris 🇫🇷' });
    expect(items.at(-1)!.label).toContain('Show all 3 results');
    expect(items.at(-1)!.kind2).toBe('showAll');
    expect(items.every((i) => i.alwaysShow)).toBe(true);
  });
  it('no hits: one message item and no "show all"', () => {
    const items = outcomeItems({ kind: 'ok', query: 'zzz', seq: 1, ids: [], items: [] });
    expect(items).toHaveLength(1);
    expect(items[0]!.kind2).toBe('message');
  });
  it('invalid query shows the server message', () => {
    const items = outcomeItems({ kind: 'invalid', query: '(', seq: 1, message: 'Invalid search: unbalanced' });
    expect(items).toHaveLength(1);
    expect(items[0]!.detail).toBe('Invalid search: unbalanced');
  });
});

describe('status bar', () => {
  const url = 'http://127.0.0.1:8765';
  it('connected: short text, version and URL in the tooltip, no background', () => {
    const v = statusView({ kind: 'connected', version: 6 }, url);
    expect(v.text).toBe('$(check) Anki');
    expect(v.tooltip).toContain('6');
    expect(v.tooltip).toContain(url);
    expect(v.background).toBeUndefined();
  });
  it('not running: warning, click retries; key rejected: error, click sets the key; spinner while checking', () => {
    const nr = statusView({ kind: 'notRunning', message: 'x' }, url);
    expect([nr.background, nr.command]).toEqual(['warning', Commands.retryConnection]);
    const key = statusView({ kind: 'apiKey', message: 'AnkiConnect rejected the API key.' }, url);
    expect([key.background, key.command]).toEqual(['error', Commands.setApiKey]);
    expect(key.tooltip).toContain('rejected');
    expect(statusView({ kind: 'connecting' }, url).text).toContain('~spin');
    expect(statusView({ kind: 'error', message: 'boom' }, url)).toMatchObject({ background: 'error', command: Commands.retryConnection });
  });
});

describe('request log line', () => {
  it('names the action, sub-actions, bytes, time and outcome', () => {
    expect(formatRequestLog({ action: 'multi', subActions: 3, bytesOut: 120, bytesIn: 4000, ms: 12.4, ok: true })).toBe(
      'multi[3] 120 B out, 4000 B in, 12 ms, ok',
    );
    expect(formatRequestLog({ action: 'version', bytesOut: 10, bytesIn: 0, ms: 1, ok: false, error: 'refused' })).toContain('failed: refused');
  });
});

void vscode;
