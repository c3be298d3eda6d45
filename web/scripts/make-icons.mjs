#!/usr/bin/env node
// Writes public/icons/icon-192.png and icon-512.png (PWA manifest icons) with node's zlib only:
// a rounded blue square with a white speech bubble, drawn per pixel with 4x supersampling.
// The SVG (public/icons/icon.svg) is the master; this is a close raster of it. Run: npm run icons -w web
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
mkdirSync(out, { recursive: true });

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (buf) => {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in the SVG's 512-unit space.
const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const inTail = (x, y) => y >= 362 && y <= 420 && x >= 162 && x <= 236 - ((y - 362) * 74) / 58;
const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [255, 255, 255];
function sample(x, y, maskable) {
  if (!maskable && !inRoundRect(x, y, 0, 0, 512, 512, 112)) return null;
  // Maskable icons keep their content in the central 80% safe zone.
  const s = maskable ? 0.8 : 1;
  const ux = (x - 256) / s + 256;
  const uy = (y - 256) / s + 256;
  const bubble = inRoundRect(ux, uy, 88, 150, 424, 362, 40) || inTail(ux, uy);
  // A simple "dot dot dot" inside the bubble reads as a message at small sizes.
  const dot = [176, 256, 336].some((dx) => (ux - dx) ** 2 + (uy - 256) ** 2 <= 26 * 26);
  return bubble && !dot ? WHITE : BLUE;
}
function draw(size, maskable = false) {
  const n = 4;
  return png(size, (px, py) => {
    let r = 0,
      g = 0,
      b = 0,
      a = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const c = sample(((px + (i + 0.5) / n) * 512) / size, ((py + (j + 0.5) / n) * 512) / size, maskable);
        if (c) {
          r += c[0];
          g += c[1];
          b += c[2];
          a += 255;
        }
      }
    const k = n * n;
    const cov = a / 255;
    return cov ? [Math.round(r / cov), Math.round(g / cov), Math.round(b / cov), Math.round(a / k)] : [0, 0, 0, 0];
  });
}

writeFileSync(join(out, 'icon-192.png'), draw(192));
writeFileSync(join(out, 'icon-512.png'), draw(512));
writeFileSync(join(out, 'icon-maskable-512.png'), draw(512, true));
console.log(`icons written to ${out}`);
