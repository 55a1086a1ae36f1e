/** An R,G,B colour. */
export type Rgb = readonly [number, number, number];

/**
 * A monitor's picture as desktopCapturer gives it (B,G,R,A rows), in four quadrants of known colours (top-left,
 * top-right, bottom-left, bottom-right): after downscaling, blurring at the seams only and JPEG, each quadrant's centre
 * still shows its colour, so a test can tell where every monitor landed.
 */
export function quadrantPicture(width: number, height: number, colours: readonly [Rgb, Rgb, Rgb, Rgb]): Buffer {
  const bgra = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!;
      const o = (y * width + x) * 4;
      bgra[o] = b;
      bgra[o + 1] = g;
      bgra[o + 2] = r;
      bgra[o + 3] = 255;
    }
  }
  return bgra;
}

/** One colour everywhere: what a capture the OS did not allow, or a blank portal stream, looks like. */
export function flatPicture(width: number, height: number, [r, g, b]: Rgb): Buffer {
  return quadrantPicture(width, height, [
    [r, g, b],
    [r, g, b],
    [r, g, b],
    [r, g, b],
  ]);
}

/** R,G,B(,A) pixels → B,G,R,A (a picture drawn with sharp, handed out as desktopCapturer would). */
export function toBgra(pixels: Buffer, width: number, height: number, channels: 3 | 4): Buffer {
  const bgra = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i += 1) {
    bgra[i * 4] = pixels[i * channels + 2]!;
    bgra[i * 4 + 1] = pixels[i * channels + 1]!;
    bgra[i * 4 + 2] = pixels[i * channels]!;
    bgra[i * 4 + 3] = 255;
  }
  return bgra;
}

/** The colour at (x, y) of decoded R,G,B pixels. */
export function colourAt(image: { pixels: Buffer; width: number; channels: number }, x: number, y: number): Rgb {
  const o = (Math.round(y) * image.width + Math.round(x)) * image.channels;
  return [image.pixels[o]!, image.pixels[o + 1]!, image.pixels[o + 2]!];
}

/** Whether two colours are within `tolerance` on every channel (JPEG moves flat colours a few levels). */
export function near(a: Rgb, b: Rgb, tolerance = 12): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
}

export const RED: Rgb = [220, 30, 30];
export const GREEN: Rgb = [30, 200, 60];
export const BLUE: Rgb = [40, 60, 220];
export const YELLOW: Rgb = [230, 210, 40];
export const CYAN: Rgb = [40, 200, 210];
export const MAGENTA: Rgb = [200, 40, 190];
export const WHITE: Rgb = [245, 245, 245];
export const GREY: Rgb = [110, 110, 110];
export const BLACK: Rgb = [0, 0, 0];
