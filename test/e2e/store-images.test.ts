// npm run store-images, end to end: the real extension on the demo call with the face clip as
// the camera; the pictures must have the store's sizes and show something (not a blank or
// one-colour page, and the call's videos playing).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module shared with npm run store-images
import { makeStoreImages } from '../../scripts/store-images.mjs';
import { ARTIFACTS, CLIP, missingPrerequisite } from './support/call-harness';

const missing = missingPrerequisite();
if (missing) console.warn(`Skipping store image tests: ${missing}`);

interface Picture {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel. */
  rgb: Uint8Array;
}

/** Reads the 8-bit RGB or RGBA, non-interlaced PNGs Chromium writes. */
function readPng(path: string): Picture {
  const file = readFileSync(path);
  expect(file.subarray(1, 4).toString()).toBe('PNG');
  let width = 0, height = 0, channels = 0;
  const data: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    const type = file.subarray(at + 4, at + 8).toString();
    const body = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      expect(body[12]).toBe(0);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
    }
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      pixels[y * stride + x] = (line[x]! + predictor) & 0xff;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(pixels.subarray(i * channels, i * channels + 3), i * 3);
  return { width, height, rgb };
}

/** Standard deviation of the luma, and how many distinct colours (5 bits a channel). */
function content(picture: Picture): { lumaSpread: number; colours: number } {
  let sum = 0, sumSq = 0;
  const colours = new Set<number>();
  const n = picture.width * picture.height;
  for (let i = 0; i < n; i++) {
    const [r, g, b] = [picture.rgb[i * 3]!, picture.rgb[i * 3 + 1]!, picture.rgb[i * 3 + 2]!];
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    sum += luma;
    sumSq += luma * luma;
    colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
  }
  return { lumaSpread: Math.sqrt(sumSq / n - (sum / n) ** 2), colours: colours.size };
}

describe.skipIf(missing)('store images', () => {
  it('writes a call and a popup screenshot at 1280x800 and a 440x280 promo tile, none of them blank', async () => {
    const files = await makeStoreImages({ outDir: resolve(ARTIFACTS, 'store'), clip: CLIP });
    const sizes = { call: [1280, 800], popup: [1280, 800], promo: [440, 280] } as const;
    for (const [name, [width, height]] of Object.entries(sizes)) {
      const picture = readPng(files[name]);
      const seen = content(picture);
      console.log(`${name}: ${picture.width}x${picture.height}, luma spread ${seen.lumaSpread.toFixed(1)}, ${seen.colours} colours`);
      expect([picture.width, picture.height]).toEqual([width, height]);
      // A blank page or a one-colour card has a handful of colours, text on it a few dozen; with
      // the face clip's video there are hundreds (5 bits a channel).
      expect(seen.lumaSpread).toBeGreaterThan(20);
      expect(seen.colours).toBeGreaterThan(200);
    }
  }, 120_000);
});
