// Tag rename/removal through the engine's save batch, against the test server over real HTTP, with request counts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { notesCodec } from '../../../src/core/codec';
import { FsEngine } from '../../../src/core/fsEngine';
import { runTagChange } from '../../../src/tags/tags';
import { Collection, startTestServer, type TestServer } from '../../server';

let srv: TestServer;
let col: Collection;
let engine: FsEngine;
let client: AnkiClient;

function add(front: string, tags: string[]): number {
  const model = col.modelByName('Basic');
  if (!model) throw new Error('no Basic');
  return col.addNote({ model, deck: col.ensureDeck('Default'), fields: [front, 'b'], tags }).id;
}

beforeEach(async () => {
  col = new Collection();
  srv = await startTestServer({ port: 0, latency: 'none', collection: col });
  client = new AnkiClient({ url: srv.url });
  engine = new FsEngine({ client: () => client, codec: notesCodec });
});
afterEach(async () => {
  engine.dispose();
  await srv.close();
});

describe('runTagChange', () => {
  it('renames a tag and its child tags across notes in 5 requests; the old tag leaves the tag list', async () => {
    const a = add('a', ['geo', 'x']);
    const b = add('b', ['geo::europe']);
    const c = add('c', ['geology']);
    srv.stats.reset();
    const r = await runTagChange(client, (reqs) => engine.saveNotes(reqs), { kind: 'rename', from: 'geo', to: 'places' });
    expect(r).toEqual({ notes: 2, saved: 2, failed: [] });
    expect(srv.stats.requests).toBe(5);
    expect(col.getNote(a)?.tags).toEqual(['places', 'x']);
    expect(col.getNote(b)?.tags).toEqual(['places::europe']);
    expect(col.getNote(c)?.tags).toEqual(['geology']);
    expect(col.allTags()).toEqual(['geology', 'places', 'places::europe', 'x']);
  });

  it('a note edited in Anki after the read is not overwritten and is reported', async () => {
    const a = add('a', ['old']);
    const b = add('b', ['old']);
    let armed = true;
    const r = await runTagChange(
      client,
      async (reqs) => {
        if (armed) {
          armed = false;
          srv.simulate.editInAnki(b, { fields: { Front: 'edited in Anki' } });
        }
        return engine.saveNotes(reqs);
      },
      { kind: 'remove', tag: 'old' },
    );
    expect(r.notes).toBe(2);
    expect(r.saved).toBe(1);
    expect(r.failed.map((f) => f.id)).toEqual([b]);
    expect(col.getNote(a)?.tags).toEqual([]);
    expect(col.getNote(b)?.tags).toEqual(['old']);
  });
});
