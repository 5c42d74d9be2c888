// Reading a reply entry by entry (src/anki/replyScan.ts) and the client's notesInfoEach built on it.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AnkiClient } from '../../../src/anki/client';
import { AnkiConnectError, AnkiProtocolError } from '../../../src/anki/errors';
import { scanResultEntries } from '../../../src/anki/replyScan';
import { rawReply, scripted, type Scripted } from './rawServer';

function scan(text: string): { entries: unknown[]; out: ReturnType<typeof scanResultEntries> } {
  const entries: unknown[] = [];
  const out = scanResultEntries(Buffer.from(text, 'utf8'), (json, i) => {
    expect(i).toBe(entries.length);
    entries.push(JSON.parse(json));
  });
  return { entries, out };
}

describe('scanResultEntries', () => {
  it('hands over each element of result, in order, with the error member', () => {
    const { entries, out } = scan(' {"result": [ {"a": "x,]}\\"y"}, {}, [1, [2]], "s\\\\", 3.5e2, null, true ] , "error" : null }\n');
    expect(out).toEqual({ count: 7, error: null });
    expect(entries).toEqual([{ a: 'x,]}"y' }, {}, [1, [2]], 's\\', 350, null, true]);
  });

  it('keys in any order, unknown keys skipped, an empty result, an error string', () => {
    expect(scan('{"error": "boom", "x": {"result": [1]}, "result": []}').out).toEqual({ count: 0, error: 'boom' });
    expect(scan('{"result":[1,2]}').out).toEqual({ count: 2, error: undefined });
  });

  it('any JSON array of values reads as JSON.parse reads it (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), fc.constantFrom('', ' ', '\n\t '), (values, ws) => {
        const text = `{${ws}"result"${ws}:${ws}[${values.map((v) => ws + JSON.stringify(v) + ws).join(',')}]${ws},${ws}"error":null${ws}}${ws}`;
        const { entries, out } = scan(text);
        expect(out).toEqual({ count: values.length, error: null });
        expect(entries).toEqual(JSON.parse(text).result);
      }),
      { numRuns: 300 },
    );
  });

  it('other shapes give undefined (the caller parses the reply whole)', () => {
    for (const text of [
      '[1, 2]',
      '{}',
      '{"result": 5, "error": null}',
      '{"result": [1], "result": [2], "error": null}',
      '{"result": [1 2], "error": null}',
      '{"result": [1], "error": null',
      '{"result": [1], "error": null} x',
      '{"result": ["unterminated], "error": null}',
      '{"apiVersion": "AnkiConnect v.6"}',
    ]) {
      expect(scan(text).out, text).toBeUndefined();
    }
  });

  it("an error thrown by each stops the scan and propagates", () => {
    const boom = new Error('each failed');
    expect(() =>
      scanResultEntries(Buffer.from('{"result": [1, 2], "error": null}'), () => {
        throw boom;
      }),
    ).toThrow(boom);
  });
});

describe('AnkiClient.notesInfoEach', () => {
  let srv: Scripted | undefined;
  afterEach(async () => {
    await srv?.close();
    srv = undefined;
  });
  const note = (id: number) => ({
    noteId: id,
    profile: 'User 1',
    modelName: 'Basic',
    tags: ['t'],
    fields: { Front: { value: `f${id} 日本語 "q" \\ ]`, order: 0 }, Back: { value: 'b', order: 1 } },
    mod: 1000 + id,
    cards: [id + 1],
  });
  const serve = (): Promise<Scripted> =>
    scripted((req, res) => {
      const ids = (req.body as { params: { notes: number[] } }).params.notes;
      const text = JSON.stringify({ result: ids.map((id) => (id % 3 === 0 ? {} : note(id))), error: null });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });

  it('the same requests and entries as notesInfo, each entry passed with its index', async () => {
    srv = await serve();
    const c = new AnkiClient({ url: srv.url, notesInfoChunk: 3 });
    const ids = [10, 11, 3, 2, 8, 6, 7, 100];
    const whole = await c.notesInfo(ids);
    const seen: Array<[number | undefined, number]> = [];
    const each = await c.notesInfoEach(ids, (info, i) => {
      seen.push([info?.noteId, i]);
      return info;
    });
    expect(each).toEqual(whole);
    expect(seen).toEqual(ids.map((id, i) => [id % 3 === 0 ? undefined : id, i]));
    expect(each[0]).toEqual({ noteId: 10, modelName: 'Basic', tags: ['t'], fields: note(10).fields, mod: 1010, cards: [11] });
    expect(srv.requests.map((r) => (r.body as { params: { notes: number[] } }).params.notes)).toEqual([
      [10, 11, 3],
      [2, 8, 6],
      [7, 100],
      [10, 11, 3],
      [2, 8, 6],
      [7, 100],
    ]);
  });

  it('a bad reply gives the same error as notesInfo', async () => {
    const cases: Array<[string, new (...a: never[]) => Error, RegExp]> = [
      [JSON.stringify({ result: [note(2), { ...note(4), fields: { Front: { value: 7, order: 0 } } }], error: null }), AnkiProtocolError, /at \[1\]\.fields\.Front\.value/],
      [JSON.stringify({ result: [note(2)], error: null }), AnkiProtocolError, /asked for 2 entries, got 1/],
      [JSON.stringify({ result: null, error: 'unexpected failure xyz' }), AnkiConnectError, /unexpected failure xyz/],
      ['{"result": [', AnkiProtocolError, /not JSON/],
    ];
    for (const [text, type, pattern] of cases) {
      srv = await scripted(rawReply(200, text));
      const c = new AnkiClient({ url: srv.url });
      const a = await c.notesInfo([2, 4]).catch((x: unknown) => x);
      const b = await c.notesInfoEach([2, 4], (x) => x).catch((x: unknown) => x);
      expect(a, text).toBeInstanceOf(type);
      expect(b, text).toBeInstanceOf(type);
      expect(`${(b as Error).message} ${(b as AnkiProtocolError).detail ?? ''}`, text).toMatch(pattern);
      expect((b as Error).message).toBe((a as Error).message);
      await srv.close();
      srv = undefined;
    }
  });
});
