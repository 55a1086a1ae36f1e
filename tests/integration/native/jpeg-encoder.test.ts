import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BLUR_SIGMA, encodeScreenshot } from '../../../src/main/capture/encode.js';
import type { X11Addon } from '../../../src/main/native/binding.js';
import { decode, edges, JPEG_SIGNATURE, meanAbsDiffPerChannel, textPage, ticksWhile, variance } from '../../support/image-measures.js';
import { requireAddon } from './native-support.js';

type Encode = NonNullable<X11Addon['encodeJpeg']>;

/** The addon's JPEG encoder (native/src/encode_worker.cc) on known pixels, against sharp's encoding of the same pixels. */
describe('native JPEG encoder (addon.encodeJpeg)', () => {
  let encodeJpeg: Encode;
  let page: { pixels: Buffer; width: number; height: number };

  beforeAll(async () => {
    const addon = requireAddon();
    if (typeof addon.encodeJpeg !== 'function') throw new Error(`addon abiVersion ${addon.abiVersion} has no encoder: npm run build:native`);
    encodeJpeg = addon.encodeJpeg;
    page = await textPage(2560, 1440);
  });

  it('downscales to 1280 px wide with the aspect kept, as a JPEG with no metadata', async () => {
    const out = await encodeJpeg(page.pixels, page.width, page.height, 3, { maxWidth: 1280, quality: 70 });
    expect({ width: out.width, height: out.height }).toEqual({ width: 1280, height: 720 });
    expect(out.data.subarray(0, 3).equals(JPEG_SIGNATURE)).toBe(true);
    const meta = await sharp(out.data).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 1280, height: 720 });
    expect([meta.exif, meta.icc, meta.xmp]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps odd aspects, never upscales, and uses 1280 wide and quality 70 by default', async () => {
    const laptop = Buffer.alloc(1366 * 768 * 3, 0x60);
    expect(await encodeJpeg(laptop, 1366, 768, 3)).toMatchObject({ width: 1280, height: 720 }); // 768 * 1280 / 1366 = 719.6
    const small = Buffer.alloc(800 * 600 * 3, 0x60);
    expect(await encodeJpeg(small, 800, 600, 3, { maxWidth: 1280 })).toMatchObject({ width: 800, height: 600 });
    const high = await encodeJpeg(page.pixels, page.width, page.height, 3, { maxWidth: 960, quality: 95 });
    const low = await encodeJpeg(page.pixels, page.width, page.height, 3, { maxWidth: 960, quality: 40 });
    expect([high.width, high.height]).toEqual([960, 540]);
    expect(low.data.length).toBeLessThan(high.data.length);
  });

  it('matches sharp encoding the same pixels: mean absolute difference under 4 per channel', async () => {
    const native = await decode((await encodeJpeg(page.pixels, page.width, page.height, 3, { maxWidth: 1280, quality: 70 })).data);
    const raw = { kind: 'raw', data: page.pixels, width: page.width, height: page.height, channels: 3 } as const;
    const reference = await decode((await encodeScreenshot(raw, { blur: false })).jpeg);
    const diff = meanAbsDiffPerChannel(native, reference);
    for (const channel of diff) expect(channel).toBeLessThan(4);

    const blurredNative = await decode((await encodeJpeg(page.pixels, page.width, page.height, 3, { blurSigma: BLUR_SIGMA })).data);
    const blurredReference = await decode((await encodeScreenshot(raw, { blur: true })).jpeg);
    for (const channel of meanAbsDiffPerChannel(blurredNative, blurredReference)) expect(channel).toBeLessThan(4);
  });

  it('blurs so that the text is gone: edges and contrast collapse', async () => {
    const crisp = await decode((await encodeJpeg(page.pixels, page.width, page.height, 3)).data, { greyscale: true });
    const blurred = await decode((await encodeJpeg(page.pixels, page.width, page.height, 3, { blurSigma: BLUR_SIGMA })).data, { greyscale: true });
    const before = edges(crisp);
    const after = edges(blurred);
    expect(before.max).toBeGreaterThan(150); // the page really has crisp glyphs (fonts present)
    // A Gaussian of sigma 12 limits a black/white step to ~8.5 levels per pixel; thin strokes stay under that.
    expect(after.max).toBeLessThan(16);
    expect(after.mean).toBeLessThan(before.mean / 10);
    expect(variance(blurred.pixels)).toBeLessThan(variance(crisp.pixels) / 4);
  });

  it('drops an alpha channel instead of compositing it (X leaves alpha 0)', async () => {
    const rgba = Buffer.alloc(1600 * 100 * 4);
    for (let i = 0; i < 1600 * 100; i += 1) rgba.set([200, 30, 40, 0], i * 4);
    const out = await encodeJpeg(rgba, 1600, 100, 4);
    expect([out.width, out.height]).toEqual([1280, 80]);
    const { pixels } = await decode(out.data);
    const centre = (40 * 1280 + 640) * 3;
    expect([...pixels.subarray(centre, centre + 3)].map((v, i) => Math.abs(v - [200, 30, 40][i]!) < 8)).toEqual([true, true, true]);
  });

  it('encodes on the thread pool: timers keep running while a large image is encoded', async () => {
    const width = 5120;
    const height = 2880;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 7) & 0xff;
    const pending = encodeJpeg(pixels, width, height, 3, { maxWidth: width, blurSigma: BLUR_SIGMA });
    expect(pending).toBeInstanceOf(Promise);
    const { result, ticks } = await ticksWhile(() => pending);
    expect(result).toMatchObject({ width, height });
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad arguments with a code instead of crashing', () => {
    const pixels = Buffer.alloc(10 * 10 * 3);
    expect(() => encodeJpeg(pixels, 10, 11, 3)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => encodeJpeg(pixels, 10, 10, 2 as 3)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => encodeJpeg(pixels, 10, 10, 3, { quality: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => encodeJpeg(pixels, 10, 10, 3, { maxWidth: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => encodeJpeg(pixels, 10, 10, 3, { blurSigma: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });
});
