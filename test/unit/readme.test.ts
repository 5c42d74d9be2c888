// The README shows what the demo shows: its example note document is the sample collection's note of that id
// (rendered by the codec), its example URI is that note's path; the user sections come first, development last.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNote } from '../../src/notes/document';
import { notePath } from '../../src/notes/paths';
import { generateCollection, README_NOTE } from '../server';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  const col = generateCollection({ notes: 3000, seed: 2024 });
  const note = col.getNote(README_NOTE.id);
  if (!note) throw new Error('the README note is not in the sample collection');
  const deck = col.deckOf(note) ?? '';
  const snapshot = {
    id: note.id,
    deck,
    noteType: col.modelOf(note).name,
    tags: note.tags,
    fields: Object.entries(col.fieldsOf(note)),
    cards: col.cardsOf(note.id).map((c) => c.id),
  };

  it('its example document is the demo collection\'s note 1502298033753, as Anki Files renders it (a |- field included)', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(renderNote(snapshot));
    expect(block).toContain('Back: |-\n');
  });

  it('its example URI is that note\'s path', () => {
    expect(readme).toContain(`\`anki:${notePath(deck, note.fields[0] ?? '', note.id)}\``);
  });

  it('user sections first, Development last', () => {
    const sections = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections[0]).toBe('Status');
    expect(sections.at(-1)).toBe('Development');
  });
});
