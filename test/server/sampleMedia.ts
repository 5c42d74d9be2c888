// Sample media for the generated collection (made by code, no external files): every file the sample notes
// reference (`<img src>`, `[sound:]`) except a few, so "missing media" has real cases too. Images are small
// valid PNGs (a coloured square), sounds small valid WAV files (a short tone).
import { deflateSync } from 'node:zlib';
import type { Collection } from './collection';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
/** One PNG chunk: length, type, data, CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A `size`×`size` PNG filled with one RGB colour, with a darker diagonal. */
export function samplePng(size: number, rgb: readonly [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const dark = Math.abs(x - y) < 2 ? 0.5 : 1;
      row[1 + x * 3] = Math.round(rgb[0] * dark);
      row[2 + x * 3] = Math.round(rgb[1] * dark);
      row[3 + x * 3] = Math.round(rgb[2] * dark);
    }
    rows.push(row);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A mono 8 kHz 8-bit WAV of `ms` milliseconds of a sine tone. */
export function sampleWav(ms: number, hz: number): Buffer {
  const rate = 8000;
  const n = Math.floor((rate * ms) / 1000);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + n, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(n, 40);
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * hz * i) / rate));
  return Buffer.concat([header, data]);
}

const IMAGE_RE = /<img[^>]*?\ssrc=["']?([^"'>\s]+)/gi;
const SOUND_RE = /\[sound:([^\]]+)\]/g;

/**
 * The media folder of a sample collection: a file for every referenced name except every 25th distinct
 * sound (those stay missing, as in real collections). Deterministic for a given collection.
 */
export function sampleMedia(col: Collection): Map<string, Buffer> {
  const media = new Map<string, Buffer>();
  const sounds: string[] = [];
  const colours: Array<[number, number, number]> = [[230, 120, 60], [70, 150, 220], [90, 180, 110], [200, 80, 160]];
  for (const note of col.notes.values()) {
    for (const value of note.fields) {
      for (const m of value.matchAll(IMAGE_RE)) {
        const name = m[1] ?? '';
        if (!media.has(name)) media.set(name, samplePng(24, colours[media.size % colours.length] ?? [0, 0, 0]));
      }
      for (const m of value.matchAll(SOUND_RE)) {
        const name = m[1] ?? '';
        if (!media.has(name) && !sounds.includes(name)) sounds.push(name);
      }
    }
  }
  sounds.forEach((name, i) => {
    if (i % 25 !== 24) media.set(name, sampleWav(120, 330 + (i % 8) * 55));
  });
  return media;
}
