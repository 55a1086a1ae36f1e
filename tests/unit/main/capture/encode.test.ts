import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BLUR_SIGMA, encodeScreenshot } from '../../../../src/main/capture/encode.js';
import { edges, JPEG_SIGNATURE, variance } from '../../../support/image-measures.js';

/** A screen-like page of text, rendered by sharp's SVG renderer (librsvg + the system fonts). */
async function textScreen(width: number, height: number): Promise<Buffer> {
  const lines = Array.from({ length: 24 }, (_, i) => `<text x="24" y="${60 + i * 56}" font-size="36" font-family="sans-serif">Invoice ${4700 + i}: confidential figures for the client, line ${i}</text>`);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${lines.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function grey(jpeg: Buffer): Promise<{ pixels: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}


describe('encodeScreenshot', () => {
  it('downscales a wide screen to 1280 px wide, keeping the aspect ratio, as a JPEG', async () => {
    const png = await textScreen(2560, 1440);
    const out = await encodeScreenshot({ kind: 'encoded', data: png }, { blur: false });
    expect(out.jpeg.subarray(0, 3).equals(JPEG_SIGNATURE)).toBe(true);
    expect({ width: out.width, height: out.height }).toEqual({ width: 1280, height: 720 });
    const meta = await sharp(out.jpeg).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 1280, height: 720 });
  });

  it('never upscales a screen narrower than the limit', async () => {
    const png = await textScreen(800, 600);
    const out = await encodeScreenshot({ kind: 'encoded', data: png }, { blur: false, maxWidth: 1280 });
    expect({ width: out.width, height: out.height }).toEqual({ width: 800, height: 600 });
  });

  it('honours a smaller maxWidth and a quality setting (lower quality, fewer bytes)', async () => {
    const png = await textScreen(1920, 1080);
    const high = await encodeScreenshot({ kind: 'encoded', data: png }, { blur: false, maxWidth: 960, quality: 95 });
    const low = await encodeScreenshot({ kind: 'encoded', data: png }, { blur: false, maxWidth: 960, quality: 40 });
    expect(high.width).toBe(960);
    expect(low.jpeg.length).toBeLessThan(high.jpeg.length);
  });

  it('blurs so that the text is gone: edges and contrast collapse', async () => {
    const png = await textScreen(2560, 1440);
    const sharpImage = await grey((await encodeScreenshot({ kind: 'encoded', data: png }, { blur: false })).jpeg);
    const blurredOut = await encodeScreenshot({ kind: 'encoded', data: png }, { blur: true });
    const blurred = await grey(blurredOut.jpeg);
    expect({ width: blurredOut.width, height: blurredOut.height }).toEqual({ width: 1280, height: 720 });

    const before = edges(sharpImage);
    const after = edges(blurred);
    // The rendered text really has crisp glyph edges (fonts present), so the comparison means something.
    expect(before.max).toBeGreaterThan(150);
    // A Gaussian of sigma 12 limits a black/white step to ~255/(sqrt(2*pi)*12) = 8.5 levels per pixel;
    // glyph strokes are thinner than a step, so they stay well under that (plus JPEG noise).
    expect(BLUR_SIGMA).toBeGreaterThanOrEqual(10);
    expect(after.max).toBeLessThan(16);
    expect(after.mean).toBeLessThan(before.mean / 10);
    expect(variance(blurred.pixels)).toBeLessThan(variance(sharpImage.pixels) / 4);
  });

  it('accepts raw RGB pixels and drops an alpha channel instead of compositing it to black', async () => {
    const width = 1600;
    const height = 100;
    // X servers often leave alpha at 0: the picture must still be the colours on screen.
    const rgba = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i += 1) rgba.set([200, 30, 40, 0], i * 4);
    const out = await encodeScreenshot({ kind: 'raw', data: rgba, width, height, channels: 4 }, { blur: false });
    expect({ width: out.width, height: out.height }).toEqual({ width: 1280, height: 80 });
    const { data } = await sharp(out.jpeg).raw().toBuffer({ resolveWithObject: true });
    const centre = (40 * 1280 + 640) * 3;
    expect(Math.abs(data[centre]! - 200)).toBeLessThan(8);
    expect(Math.abs(data[centre + 1]! - 30)).toBeLessThan(8);
    expect(Math.abs(data[centre + 2]! - 40)).toBeLessThan(8);

    const rgb = Buffer.alloc(640 * 480 * 3, 0x80);
    const small = await encodeScreenshot({ kind: 'raw', data: rgb, width: 640, height: 480, channels: 3 }, { blur: true });
    expect({ width: small.width, height: small.height }).toEqual({ width: 640, height: 480 });
  });

  it('strips metadata (EXIF, ICC) from what it stores', async () => {
    const tagged = await sharp(await textScreen(1400, 300))
      .withExif({ IFD0: { Copyright: 'Worktrace test', ImageDescription: 'private' } })
      .withIccProfile('srgb')
      .jpeg()
      .toBuffer();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const out = await encodeScreenshot({ kind: 'encoded', data: tagged }, { blur: false });
    const meta = await sharp(out.jpeg).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
  });

  it('stores a finished JPEG from the capturer as it is, without re-encoding', async () => {
    const jpeg = await sharp(await textScreen(1280, 720)).jpeg({ quality: 70 }).toBuffer();
    const out = await encodeScreenshot({ kind: 'jpeg', data: jpeg, width: 1280, height: 720, blurred: false }, { blur: false });
    expect(out.jpeg).toBe(jpeg); // the same bytes, not a copy or a re-encoding
    expect({ width: out.width, height: out.height }).toEqual({ width: 1280, height: 720 });
    const blurredJpeg = await sharp(jpeg).blur(BLUR_SIGMA).jpeg().toBuffer();
    const kept = await encodeScreenshot({ kind: 'jpeg', data: blurredJpeg, width: 1280, height: 720, blurred: true }, { blur: true });
    expect(kept.jpeg).toBe(blurredJpeg);
  });

  it('blurs a finished JPEG that was not blurred when blurring was asked (fails safe), and shrinks one too wide', async () => {
    const jpeg = await sharp(await textScreen(1280, 720)).jpeg({ quality: 90 }).toBuffer();
    const out = await encodeScreenshot({ kind: 'jpeg', data: jpeg, width: 1280, height: 720, blurred: false }, { blur: true });
    expect(out.jpeg).not.toBe(jpeg);
    const before = edges(await grey(jpeg));
    const after = edges(await grey(out.jpeg));
    expect(before.max).toBeGreaterThan(150);
    expect(after.max).toBeLessThan(16);

    const wide = await sharp(await textScreen(1600, 900)).jpeg().toBuffer();
    const shrunk = await encodeScreenshot({ kind: 'jpeg', data: wide, width: 1600, height: 900, blurred: false }, { blur: false });
    expect({ width: shrunk.width, height: shrunk.height }).toEqual({ width: 1280, height: 720 });
  });

  it('rejects bytes that are not an image', async () => {
    await expect(encodeScreenshot({ kind: 'encoded', data: Buffer.from('not an image') }, { blur: false })).rejects.toThrow();
  });
});
