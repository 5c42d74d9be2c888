/** The sample-collection generator: determinism and the shape promised to other tests. */
import { describe, expect, it } from 'vitest';
import { generateCollection, README_NOTE, SAMPLE_DECKS } from './generate';
import type { Collection, Note } from './collection';
import { JP_KANJI, JP_VOCAB } from './sampleData';

const NOW = Date.UTC(2026, 10, 20, 9, 0, 0);

function snapshot(col: Collection): unknown {
  return {
    decks: [...col.decks.values()],
    notes: [...col.notes.values()],
    cards: [...col.cards.values()],
    tags: col.allTags(),
  };
}

describe('generateCollection', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateCollection({ notes: 500, seed: 42, now: NOW });
    const b = generateCollection({ notes: 500, seed: 42, now: NOW });
    const c = generateCollection({ notes: 500, seed: 43, now: NOW });
    expect(snapshot(a)).toEqual(snapshot(b));
    expect(snapshot(a)).not.toEqual(snapshot(c));
  });

  it.each([20, 137, 2000])('makes exactly %i notes with unique 13-digit ids, at least one card each', (n) => {
    const col = generateCollection({ notes: n, seed: 7, now: NOW });
    expect(col.notes.size).toBe(n);
    const ids = [...col.notes.keys(), ...col.cards.keys()];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(String(id)).toMatch(/^\d{13}$/);
    for (const id of ids) expect(id).toBeLessThan(NOW);
    for (const note of col.notes.values()) expect(col.cardsOf(note.id).length).toBeGreaterThan(0);
  });

  it('has the promised nested decks, one of them holding at least 40% of the notes', () => {
    const col = generateCollection({ notes: 2000, seed: 1, now: NOW });
    const names = col.deckNames();
    for (const d of Object.values(SAMPLE_DECKS)) expect(names).toContain(d);
    expect(names).toEqual(expect.arrayContaining(['Japanese', 'Japanese::JLPT N3', 'Medicine', 'Medicine::Pharmacology', 'Geography_World']));
    expect(col.notesInDeck(SAMPLE_DECKS.vocabulary).length).toBeGreaterThanOrEqual(800);
    expect(col.deckByName('Default')?.id).toBe(1);
  });

  it('looks like a real collection: HTML, ruby, media refs, cloze, unicode, hierarchical tags, mixed states', () => {
    const col = generateCollection({ notes: 2000, seed: 1, now: NOW });
    const all = [...col.notes.values()].map((n) => n.fields.join('\u001f')).join('\n');
    for (const needle of ['<br>', '<b>', '<ruby>', '<rt>', '[sound:', '<img src="', '{{c1::', '🇫🇷', 'é']) expect(all).toContain(needle);
    expect(col.allTags()).toEqual(expect.arrayContaining(['jlpt::n3', 'jlpt::n5', 'verb', 'spanish::verbs::irregular']));
    const models = new Set([...col.notes.values()].map((n) => col.modelOf(n).name));
    expect(models).toEqual(
      new Set(['Basic', 'Basic (and reversed card)', 'Basic (optional reversed card)', 'Basic (type in the answer)', 'Cloze', 'Japanese (recognition)']),
    );
    const cards = [...col.cards.values()];
    const count = (pred: (c: (typeof cards)[number]) => boolean) => cards.filter(pred).length;
    expect(count((c) => c.type === 0)).toBeGreaterThan(100);
    expect(count((c) => c.type === 2)).toBeGreaterThan(100);
    expect(count((c) => c.queue === -1)).toBeGreaterThan(5);
    expect(count((c) => c.queue === 1)).toBeGreaterThan(5);
    // Cloze notes have one card per cloze number; optional-reversed only with "Add Reverse"
    for (const n of col.notes.values()) {
      const m = col.modelOf(n);
      if (m.name === 'Basic (optional reversed card)') expect(col.cardsOf(n.id).length).toBe(n.fields[2] ? 2 : 1);
      if (m.name === 'Basic (and reversed card)') expect(col.cardsOf(n.id).length).toBe(2);
    }
  });

  it('first fields are unique within each note type (no accidental duplicates)', () => {
    const col = generateCollection({ notes: 5000, seed: 3, now: NOW });
    const seen = new Set<string>();
    for (const n of col.notes.values()) {
      const key = `${n.mid}\u001f${n.fields[0]}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('some notes are recent (added:7 finds them) and mods never lie in the future', () => {
    const col = generateCollection({ notes: 1000, seed: 9, now: Date.now() });
    expect(col.findNotes('added:7').length).toBeGreaterThan(10);
    const nowS = Math.floor(Date.now() / 1000);
    for (const n of col.notes.values()) expect(n.mod).toBeLessThanOrEqual(nowS);
  });

  it('new notes added later get ids above every generated id', () => {
    const col = generateCollection({ notes: 300, seed: 2 });
    const max = Math.max(...col.notes.keys(), ...col.cards.keys());
    const m = col.modelByName('Basic');
    if (!m) throw new Error('no Basic');
    const n = col.addNote({ model: m, deck: col.ensureDeck('Default'), fields: ['fresh', ''] });
    expect(n.id).toBeGreaterThan(max);
  });

  it('the Japanese decks open with the curated real words and kanji, in creation order', () => {
    const col = generateCollection({ notes: 3000, seed: 4, now: NOW });
    const inDeck = (deck: string): Note[] => {
      const did = col.deckByName(deck)?.id;
      return [...col.notes.values()].filter((n) => col.cardsOf(n.id)[0]?.did === did).sort((a, b) => a.id - b.id);
    };
    const vocab = inDeck(SAMPLE_DECKS.vocabulary);
    expect(vocab.length).toBeGreaterThan(JP_VOCAB.length);
    JP_VOCAB.forEach(([expr, reading, meaning], i) => {
      const f = (vocab[i] as Note).fields;
      expect(f[0]).toBe(expr);
      expect(f[1]).toBe(`<ruby>${expr}<rt>${reading}</rt></ruby>`);
      expect(f[2]).toContain(meaning);
      expect(f[3]).toMatch(/^[^<]*<b>[^<]+<\/b>[^<]*<br><i>[^<]+<\/i>$/);
    });
    // past the list: phrases joining two curated nouns with の, still with furigana per word
    const next = (vocab[JP_VOCAB.length] as Note).fields;
    expect(next[0]).toMatch(/^[^の]+の[^の]+$/);
    expect(next[1]).toMatch(/^<ruby>[^<]+<rt>[ぁ-ゖー]+<\/rt><\/ruby>の<ruby>[^<]+<rt>[ぁ-ゖー]+<\/rt><\/ruby>$/);
    const kanji = inDeck(SAMPLE_DECKS.kanji);
    JP_KANJI.forEach(([k, on, kun, meaning], i) => {
      expect((kanji[i] as Note).fields).toEqual([`<b>${k}</b>`, `On: ${on}<br>Kun: ${kun}<br><i>${meaning}</i>`]);
    });
  });

  it('the curated data is well-formed: hiragana readings, one marked word per example, no duplicates', () => {
    expect(JP_VOCAB.length).toBeGreaterThanOrEqual(250);
    expect(new Set(JP_VOCAB.map((w) => w[0])).size).toBe(JP_VOCAB.length);
    for (const [expr, reading, meaning, , sentence, translation] of JP_VOCAB) {
      expect(reading).toMatch(/^[ぁ-ゖ]+$/);
      expect(expr).not.toContain('の'); // the synthetic phrases rely on it for uniqueness
      const marked = [...sentence.matchAll(/\{([^{}]+)\}/g)].map((x) => x[1] as string);
      expect(marked).toHaveLength(1);
      // the marked (possibly inflected) form starts like the word itself
      expect((marked[0] as string).startsWith(expr.slice(0, Math.max(1, expr.length - 1)))).toBe(true);
      expect(sentence).toMatch(/[。？]$/);
      expect(meaning.length).toBeGreaterThan(0);
      expect(translation).toMatch(/^[A-Z].*[.?!]$/);
      for (const text of [expr, reading, meaning, sentence, translation]) expect(text).not.toMatch(/[<>&]/);
    }
    expect(JP_KANJI.length).toBeGreaterThanOrEqual(100);
    expect(new Set(JP_KANJI.map((k) => k[0])).size).toBe(JP_KANJI.length);
    for (const [k, on, kun] of JP_KANJI) {
      expect([...k]).toHaveLength(1);
      expect(on).toMatch(/^(—|[ァ-ヶー]+(、[ァ-ヶー]+)*)$/);
      expect(kun).toMatch(/^(—|[ぁ-ゖ.]+(、[ぁ-ゖ.]+)*)$/);
    }
  });

  it('first fields stay unique when the synthetic tails run long (60k notes: three-noun phrases, kanji pairs)', () => {
    const col = generateCollection({ notes: 60_000, seed: 5, now: NOW });
    const seen = new Set<string>();
    let triples = 0;
    for (const n of col.notes.values()) {
      const key = `${n.mid}\u001f${n.fields[0]}`;
      if (seen.has(key)) throw new Error(`duplicate first field ${key}`);
      seen.add(key);
      if (/^[^の]+の[^の]+の[^の]+$/.test(n.fields[0] ?? '')) triples++;
    }
    expect(triples).toBeGreaterThan(0);
    expect([...seen].some((k) => k.includes('</b>・<b>'))).toBe(true);
  });

  describe('reads like a real learner\'s collection (the demo\'s 3,000 notes)', () => {
    const col = generateCollection({ notes: 3000, seed: 2024, now: NOW });
    const inDeck = (deck: string): Note[] => {
      const did = col.deckByName(deck)?.id;
      return [...col.notes.values()].filter((n) => col.cardsOf(n.id)[0]?.did === did);
    };

    it('the README\'s example note exists, as the README shows it', () => {
      const n = col.getNote(README_NOTE.id);
      expect(n && col.modelOf(n).name).toBe('Basic');
      expect(n && col.deckOf(n)).toBe('Japanese::JLPT N3');
      expect(n?.fields).toEqual(['あいさつ', 'greeting<br>\n<b>formal</b>']);
      expect(n?.tags).toEqual(['jlpt::n3', 'vocab']);
      // and in small collections too
      expect(generateCollection({ notes: 20, seed: 7, now: NOW }).getNote(README_NOTE.id)).toBeDefined();
    });

    it('Spanish verb cards give the full conjugated form, never a stem', () => {
      const verbs = inDeck(SAMPLE_DECKS.verbs);
      expect(verbs.length).toBeGreaterThan(200);
      for (const n of verbs) expect(n.fields[1]).toMatch(/^(yo|tú|él\/ella|nosotros|vosotros|ellos) [a-záéíóúñü]{2,}$/);
      const backs = new Set(verbs.map((n) => n.fields[1]));
      for (const form of ['yo hablo', 'tú comes', 'nosotros vivimos']) expect(backs.has(form) || verbs.length < 120).toBe(true);
      expect([...backs].some((b) => b?.includes('…'))).toBe(false);
    });

    it('the Default deck has no numbered copies', () => {
      const firsts = inDeck('Default').map((n) => n.fields[0] ?? '');
      expect(firsts.length).toBeGreaterThanOrEqual(100);
      expect(new Set(firsts).size).toBe(firsts.length);
      for (const f of firsts) expect(f).not.toMatch(/\(\d+\)$/);
    });

    it('some fields span several lines (their documents show YAML block scalars)', () => {
      const multi = [...col.notes.values()].filter((n) => n.fields.some((f) => f.includes('\n')));
      expect(multi.length).toBeGreaterThanOrEqual(20);
      // also in the end-to-end tests' 300 notes
      const small = generateCollection({ notes: 300, seed: 7, now: NOW });
      expect([...small.notes.values()].some((n) => n.id !== README_NOTE.id && n.fields.some((f) => f.includes('\n')))).toBe(true);
    });

    it('no first field is what a user naturally types first in a new note (no surprise duplicate warning)', () => {
      const firsts = new Set([...col.notes.values()].map((n) => (n.fields[0] ?? '').toLowerCase()));
      for (const typed of ['test', 'hello', 'hola', 'hi', 'a', 'abc', 'asdf', 'foo', 'example', 'front', 'question', 'new note', 'dog', 'cat', 'apple', '1']) {
        expect(firsts.has(typed), typed).toBe(false);
      }
    });
  });
});
