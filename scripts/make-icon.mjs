#!/usr/bin/env node
/**
 * Draws the app icon (build/icon.png, 512×512 RGBA) with no dependencies: a dark rounded
 * square crossed by a jagged orange "fault line", written as a PNG with node:zlib.
 * Run: `node scripts/make-icon.mjs [out.png] [size]`.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes RGBA pixels (size × size × 4 bytes) as a PNG. */
export function encodePng(pixels, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Draws the icon at `size` pixels. */
export function drawIcon(size) {
  const s = size / 512;
  const px = Buffer.alloc(size * size * 4);
  const radius = 96 * s;
  const line = [
    [40, 300],
    [150, 250],
    [205, 330],
    [290, 170],
    [350, 260],
    [472, 205],
  ].map(([x, y]) => [x * s, y * s]);
  const width = 26 * s;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Rounded square: distance outside the inner rectangle.
      const qx = Math.max(Math.abs(x + 0.5 - size / 2) - (size / 2 - radius), 0);
      const qy = Math.max(Math.abs(y + 0.5 - size / 2) - (size / 2 - radius), 0);
      const outside = Math.hypot(qx, qy) - radius;
      const alpha = Math.max(0, Math.min(1, 0.5 - outside));
      if (alpha === 0) continue;
      // Background: a dark vertical gradient.
      const g = y / size;
      let [r, gr, b] = [20 + 14 * g, 24 + 16 * g, 31 + 22 * g];
      // The fault line, anti-aliased.
      let d = Infinity;
      for (let k = 0; k + 1 < line.length; k++)
        d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, line[k], line[k + 1]));
      const glow = Math.max(0, 1 - d / (width * 2.2)) * 0.35;
      const core = Math.max(0, Math.min(1, width / 2 - d + 0.5));
      r = r + (255 - r) * glow;
      gr = gr + (106 - gr) * glow;
      b = b + (61 - b) * glow;
      r = r + (255 - r) * core;
      gr = gr + (122 - gr) * core;
      b = b + (69 - b) * core;
      px[i] = Math.round(r);
      px[i + 1] = Math.round(gr);
      px[i + 2] = Math.round(b);
      px[i + 3] = Math.round(alpha * 255);
    }
  }
  return encodePng(px, size);
}

const out = process.argv[2] ?? new URL('../build/icon.png', import.meta.url).pathname;
const size = Number(process.argv[3] ?? 512);
writeFileSync(out, drawIcon(size));
console.log(`wrote ${out} (${size}×${size})`);
