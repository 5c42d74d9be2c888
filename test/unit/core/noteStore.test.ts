// Note store bookkeeping without a server: synthetic mtimes, sizes, base vs current versions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnkiApi } from '../../../src/anki/api';
import { NoteStore } from '../../../src/core/noteStore';
import { contentHash, describeDifferences as differences, noteName } from '../../../src/core/snapshot';
import { formatMessage } from '../../../src/messages';

const describeDifferences = (...a: Parameters<typeof differences>): string[] => differences(...a).map((m) => formatMessage(m));
import { renderNote } from '../../../src/notes/document';
import type { NoteSnapshot } from '../../../src/notes/model';

const noClient = (): AnkiApi => {
  throw new Error('this test makes no requests');
};

const snap = (over: Partial<NoteSnapshot> = {}): NoteSnapshot => ({
  id: 1_700_000_000_000,
  deck: 'Default',
  noteType: 'Basic',
  tags: ['a'],
  fields: [
    ['Front', 'Hello'],
    ['Back', 'World'],
  ],
  mod: 1_700_000_000,
  cards: [1_700_000_000_001],
  ...over,
});

describe('NoteStore.apply', () => {
  it('mtime strictly increases whenever the rendered bytes change, and stays when they do not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ back: fc.string({ maxLength: 20 }), modDelta: fc.integer({ min: -5, max: 5 }) }), { minLength: 1, maxLength: 30 }),
        (steps) => {
          const store = new NoteStore({ client: noClient, render: renderNote, now: () => 1_000 });
          let mod = 1_700_000_000;
          let prev = store.apply(snap({ mod })).stored;
          for (const s of steps) {
            mod += s.modDelta; // Anki's mod may even go backwards (clock changes): mtime must not
            const { stored } = store.apply(snap({ mod, fields: [['Front', 'Hello'], ['Back', s.back]] }));
            if (stored.text === prev.text) {
              expect(stored.mtime).toBe(prev.mtime);
            } else {
              expect(stored.mtime).toBeGreaterThan(prev.mtime);
              expect(stored.mtime).toBeGreaterThanOrEqual(mod * 1000); // max(mod*1000, last+1)
            }
            expect(stored.bytes.byteLength).toBe(new TextEncoder().encode(stored.text).byteLength);
            prev = stored;
          }
        },
      ),
    );
  });

  it('mtime is mod in milliseconds on first load, and never goes back after forget + reload', () => {
    const store = new NoteStore({ client: noClient, render: renderNote });
    const a = store.apply(snap()).stored;
    expect(a.mtime).toBe(1_700_000_000_000);
    store.apply(snap({ tags: ['b'] }));
    const bumped = store.peek(snap().id)?.mtime ?? 0;
    expect(bumped).toBe(a.mtime + 1); // same second: +1 ms
    store.forget(snap().id);
    const again = store.apply(snap()).stored;
    expect(again.mtime).toBeGreaterThan(bumped);
  });

  it('keeps the version the editor loaded (base) apart from the latest known version', () => {
    const store = new NoteStore({ client: noClient, render: renderNote });
    const id = snap().id;
    store.apply(snap(), { asBase: true });
    store.apply(snap({ fields: [['Front', 'Hello'], ['Back', 'Changed in Anki']] }));
    expect(store.base(id)?.snapshot.fields[1]?.[1]).toBe('World');
    expect(store.peek(id)?.snapshot.fields[1]?.[1]).toBe('Changed in Anki');
    store.acknowledge(id);
    expect(store.base(id)?.snapshot.fields[1]?.[1]).toBe('Changed in Anki');
  });

  it('only served notes are checked for changes', () => {
    const store = new NoteStore({ client: noClient, render: renderNote });
    store.apply(snap());
    store.apply(snap({ id: 2 }));
    expect(store.servedIds()).toEqual([]);
    store.markServed(2);
    expect(store.servedIds()).toEqual([2]);
  });
});

describe('snapshot helpers', () => {
  it('content hash ignores mod and cards but not content', () => {
    expect(contentHash(snap())).toBe(contentHash(snap({ mod: 1, cards: [9] })));
    expect(contentHash(snap())).not.toBe(contentHash(snap({ fields: [['Front', 'Hello'], ['Back', 'Worle']] })));
    expect(contentHash(snap())).not.toBe(contentHash(snap({ deck: 'Other' })));
    expect(contentHash(snap())).not.toBe(contentHash(snap({ tags: ['b'] })));
  });

  it('describes what changed', () => {
    const b = snap({ fields: [['Front', 'Hi'], ['Back', 'There']], tags: ['x'], deck: 'D2' });
    expect(describeDifferences(snap(), b)).toEqual(['fields Front, Back', 'tags', 'deck']);
    expect(describeDifferences(snap(), snap({ fields: [['Front', 'Hello'], ['Back', 'W']] }))).toEqual(['field Back']);
    expect(describeDifferences(snap(), snap())).toEqual([]);
  });

  it('names notes by their first field as plain text', () => {
    expect(noteName(snap({ fields: [['Front', '<b>Bold</b>&nbsp;text'], ['Back', '']] }))).toBe('"Bold text"');
    expect(noteName(snap({ fields: [['Front', '<img src="a.png">'], ['Back', '']] }))).toBe('note 1700000000000');
  });
});
