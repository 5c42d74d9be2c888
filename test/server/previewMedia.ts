/** Small images made by code for the card-preview sample note type (served by retrieveMediaFile). */
import { deflateSync } from 'node:zlib';
import { pngChunk } from './sampleMedia';

/** An RGB PNG whose pixel (x, y) is `color(x, y)`. */
export function makePng(width: number, height: number, color: (x: number, y: number) => [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) raw.set(color(x, y), row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** name → bytes: the table referenced by the antibiotics notes, and two images for the preview sample note type. */
export function previewMedia(): Map<string, Buffer> {
  return new Map([
    ['abx-table.png', makePng(48, 24, (x, y) => (y % 8 === 0 || x % 16 === 0 ? [40, 40, 40] : [240, 240, 230]))],
    ['preview-tile.png', makePng(8, 8, (x) => (x < 4 ? [200, 60, 60] : [60, 60, 200]))],
    ['preview-cat.png', makePng(32, 32, (x, y) => [x * 8, y * 8, 128])],
  ]);
}
