// §3.3 getTags and §3.6 media actions of the test server, and the sample collection's media.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server';
import { sampleMedia, samplePng, sampleWav } from './sampleMedia';
import { v6 } from './helpers';

let srv: TestServer;
const ok = async <T>(action: string, params?: Record<string, unknown>): Promise<T> => {
  const r = await v6(srv.port, action, params);
  expect(r.error).toBeNull();
  return r.result as T;
};

beforeAll(async () => {
  srv = await startTestServer({ port: 0, notes: 600, seed: 7 });
});
afterAll(async () => {
  await srv.close();
});

describe('sample media', () => {
  it('every image the sample notes reference is in the media folder; a few sounds are missing', async () => {
    const names = await ok<string[]>('getMediaFilesNames');
    const referenced = new Set<string>();
    const sounds = new Set<string>();
    for (const n of srv.collection.notes.values()) {
      for (const f of n.fields) {
        for (const m of f.matchAll(/<img[^>]*?\ssrc="([^"]+)"/g)) referenced.add(m[1] as string);
        for (const m of f.matchAll(/\[sound:([^\]]+)\]/g)) sounds.add(m[1] as string);
      }
    }
    expect(referenced.size).toBeGreaterThan(0);
    expect(sounds.size).toBeGreaterThan(25);
    for (const r of referenced) expect(names).toContain(r);
    const missing = [...sounds].filter((s) => !names.includes(s));
    expect(missing.length).toBe(Math.floor(sounds.size / 25));
    expect(names).toEqual([...names].sort());
  });

  it('images are valid PNGs and sounds valid WAVs, small', () => {
    const png = samplePng(24, [1, 2, 3]);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(24);
    expect(png.length).toBeLessThan(1024);
    const wav = sampleWav(120, 440);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(sampleMedia(srv.collection).size).toBeGreaterThan(0);
  });
});

describe('§3.6 media actions', () => {
  it('retrieveMediaFile: base64 of the file, false when missing; the name reduced to its basename, NFC', async () => {
    const [name] = await ok<string[]>('getMediaFilesNames', { pattern: '*.png' });
    expect(name).toBeDefined();
    const data = await ok<string>('retrieveMediaFile', { filename: name });
    expect(Buffer.from(data, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(await ok('retrieveMediaFile', { filename: `some/dir/${name as string}` })).toBe(data);
    expect(await ok('retrieveMediaFile', { filename: 'nope.png' })).toBe(false);
    await ok('storeMediaFile', { filename: 'cafe\u0301.png', data: Buffer.from('x').toString('base64') });
    expect(await ok('retrieveMediaFile', { filename: 'caf\u00e9.png' })).toBe(Buffer.from('x').toString('base64'));
  });

  it('getMediaFilesNames: shell globs (*, ?, [seq], [!seq]), "*" by default', async () => {
    await ok('storeMediaFile', { filename: 'g1.txt', data: 'eA==' });
    await ok('storeMediaFile', { filename: 'g2.txt', data: 'eA==' });
    await ok('storeMediaFile', { filename: 'gx.txt', data: 'eA==' });
    expect(await ok('getMediaFilesNames', { pattern: 'g?.txt' })).toEqual(['g1.txt', 'g2.txt', 'gx.txt']);
    expect(await ok('getMediaFilesNames', { pattern: 'g[12].txt' })).toEqual(['g1.txt', 'g2.txt']);
    expect(await ok('getMediaFilesNames', { pattern: 'g[!12].txt' })).toEqual(['gx.txt']);
    expect((await ok<string[]>('getMediaFilesNames')).length).toBe((await ok<string[]>('getMediaFilesNames', { pattern: '*' })).length);
  });

  it('getTags lists the registered tags', async () => {
    const tags = await ok<string[]>('getTags');
    expect(tags).toContain('vocab');
    expect(tags).toEqual([...tags].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)));
  });
});
