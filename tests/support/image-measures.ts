import sharp from 'sharp';

/** Decoded pixels of an encoded image (JPEG/PNG), as sharp reads them. */
export interface Decoded {
  readonly pixels: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

export async function decode(image: Buffer, options: { greyscale?: boolean } = {}): Promise<Decoded> {
  const pipeline = options.greyscale ? sharp(image).greyscale() : sharp(image).removeAlpha();
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height, channels: info.channels };
}

/** Mean absolute difference per channel between two decoded images of the same size. */
export function meanAbsDiffPerChannel(a: Decoded, b: Decoded): number[] {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new Error(`sizes differ: ${a.width}x${a.height}x${a.channels} vs ${b.width}x${b.height}x${b.channels}`);
  }
  const sums = new Array<number>(a.channels).fill(0);
  for (let i = 0; i < a.pixels.length; i += 1) sums[i % a.channels]! += Math.abs(a.pixels[i]! - b.pixels[i]!);
  return sums.map((s) => s / (a.width * a.height));
}

/** Mean and maximum absolute difference between horizontal neighbours of a greyscale image: what makes glyphs legible. */
export function edges(image: Pick<Decoded, 'pixels' | 'width' | 'height'>): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 1; x < image.width; x += 1) {
      const d = Math.abs(image.pixels[y * image.width + x]! - image.pixels[y * image.width + x - 1]!);
      sum += d;
      if (d > max) max = d;
      n += 1;
    }
  }
  return { mean: sum / n, max };
}

export function variance(pixels: Buffer): number {
  let sum = 0;
  for (const p of pixels) sum += p;
  const mean = sum / pixels.length;
  let acc = 0;
  for (const p of pixels) acc += (p - mean) ** 2;
  return acc / pixels.length;
}

/** A screen-like page of dark text on white, rendered by sharp's SVG renderer, as raw RGB pixels. */
export async function textPage(width: number, height: number): Promise<{ pixels: Buffer; width: number; height: number }> {
  const lines = Array.from(
    { length: Math.floor((height - 60) / 56) },
    (_, i) => `<text x="24" y="${60 + i * 56}" font-size="36" font-family="sans-serif">Invoice ${4700 + i}: confidential figures for the client, line ${i}</text>`,
  );
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${lines.join('')}</svg>`;
  const { data } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width, height };
}

/**
 * Counts timer ticks (setInterval 1 ms) until `work` settles. Work done on the JS thread lets no timer
 * run before it settles (its promise resolves before the timers phase); work on another thread does.
 */
export async function ticksWhile<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 1);
  try {
    const result = await work();
    return { result, ticks };
  } finally {
    clearInterval(timer);
  }
}

export const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
