import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegLayoutProblem, jpegProblem } from '../../src/domain/jpeg.js';
import { fakeJpeg } from '../support/server.js';

/** A JPEG as an encoder writes it: noise (the hardest content to compress), baseline or progressive. */
const encode = (width: number, height: number, quality: number, progressive: boolean) =>
  sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } }).jpeg({ quality, progressive }).toBuffer();

const encoded = fc.record({
  width: fc.integer({ min: 1, max: 200 }),
  height: fc.integer({ min: 1, max: 120 }),
  quality: fc.integer({ min: 10, max: 100 }),
  progressive: fc.boolean(),
});

describe('screenshots are whole JPEGs, checked byte by byte (domain/jpeg.ts)', () => {
  it('accepts what a JPEG encoder writes, baseline or progressive, and the test fixtures', async () => {
    await fc.assert(
      fc.asyncProperty(encoded, async ({ width, height, quality, progressive }) => {
        const bytes = await encode(width, height, quality, progressive);
        expect(jpegLayoutProblem(bytes)).toBeNull();
        expect(await jpegProblem(bytes)).toBeNull();
      }),
      { numRuns: 25, seed: 1201 },
    );
    expect(await jpegProblem(fakeJpeg(70_000))).toBeNull(); // its payload spans two comment segments
  });

  it('refuses anything after the end of the image, which decoders ignore', async () => {
    await fc.assert(
      fc.asyncProperty(encoded, fc.uint8Array({ minLength: 1, maxLength: 64 }), async ({ width, height, quality, progressive }, tail) => {
        const bytes = Buffer.concat([await encode(width, height, quality, progressive), tail]);
        expect(jpegLayoutProblem(bytes)).not.toBeNull();
        expect(await jpegProblem(bytes)).not.toBeNull();
      }),
      { numRuns: 25, seed: 1202 },
    );
  });

  it('refuses a JPEG cut anywhere, and one with a piece of its image data cut out', async () => {
    await fc.assert(
      fc.asyncProperty(encoded, fc.double({ min: 0, max: 1, noNaN: true }), async ({ width, height, quality, progressive }, where) => {
        const bytes = await encode(width, height, quality, progressive);
        const cut = Math.floor(where * (bytes.length - 1));
        expect(await jpegProblem(bytes.subarray(0, cut))).not.toBeNull();
      }),
      { numRuns: 40, seed: 1203 },
    );
  });

  it('refuses image data cut short anywhere, the end marker kept: every marker in place, only decoding finds it', async () => {
    await fc.assert(
      fc.asyncProperty(encoded, fc.double({ min: 0.05, max: 0.999, noNaN: true }), async ({ width, height, quality }, where) => {
        const whole = await encode(Math.max(16, width), Math.max(16, height), quality, false);
        const scan = whole.lastIndexOf(Buffer.from([0xff, 0xda])) + 20; // past the scan header
        const cut = scan + Math.floor(where * (whole.length - 2 - scan));
        fc.pre(cut > scan && cut < whole.length - 2 && whole[cut - 1] !== 0xff);
        const gutted = Buffer.concat([whole.subarray(0, cut), whole.subarray(whole.length - 2)]);
        expect(jpegLayoutProblem(gutted)).toBeNull();
        expect(await jpegProblem(gutted)).toMatch(/does not decode/);
      }),
      { numRuns: 40, seed: 1204 },
    );
  });

  it.each([
    ['nothing', Buffer.alloc(0)],
    ['a JPEG signature in front of random bytes', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(300), Buffer.from([0xff, 0xd9])])],
    ['start and end markers only', Buffer.from([0xff, 0xd8, 0xff, 0xd9])],
    ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')],
    ['a marker segment longer than the file', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x7f, 0xff, 0x00])],
  ])('refuses %s', async (_name, bytes) => {
    expect(await jpegProblem(bytes)).not.toBeNull();
  });

  it('refuses a PNG or a WebP even when whole', async () => {
    const image = sharp(randomBytes(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } });
    for (const bytes of [await image.clone().png().toBuffer(), await image.clone().webp().toBuffer()]) expect(await jpegProblem(bytes)).not.toBeNull();
  });
});
