import type { DisplayGeometry, Rect, ScreenFrame } from '../sensors/screen/screen-sources.js';
import type { CapturedImage } from '../sensors/types.js';
import { loadSharp } from './encode.js';

/** A monitor's picture and where it goes in the image of all monitors (pixels of that image). */
export interface PlacedFrame {
  readonly frame: ScreenFrame;
  readonly dest: Rect;
}

export interface ScreenLayout {
  readonly width: number;
  readonly height: number;
  readonly placed: readonly PlacedFrame[];
}

/**
 * Where each monitor's picture goes in one image of them all, as the person arranged them: each display's bounds
 * relative to the top-left corner of their union, one DIP to one pixel. A 2× monitor's picture is halved and a 1×
 * one kept, so monitors of different scale factors meet edge to edge as they do on the desk, and the image is never
 * narrower than the 1280 px screenshot made from it on a usual desktop.
 *
 *   displays (DIP)          A: 0,0 1920×1080 @1     B: 1920,0 1280×800 @2 (its picture 2560×1600)
 *   image 3200×1080         A at 0,0 as it is       B at 1920,0 scaled to 1280×800; the rest black
 *
 * Pictures are matched to displays by display_id; pictures without one take the displays left, in order, when there
 * are as many of each; any other picture goes to the right of the rest at its own size (a Wayland portal stream
 * says nothing of where it is).
 */
export function layoutScreens(displays: readonly DisplayGeometry[], frames: readonly ScreenFrame[]): ScreenLayout {
  const free = new Map(displays.map((d) => [d.id, d]));
  const matched: { frame: ScreenFrame; display: DisplayGeometry | null }[] = frames.map((frame) => {
    const display = frame.displayId ? (free.get(frame.displayId) ?? null) : null;
    if (display) free.delete(display.id);
    return { frame, display };
  });
  const unmatched = matched.filter((m) => m.display === null);
  if (unmatched.length > 0 && unmatched.length === free.size) {
    const left = [...free.values()];
    unmatched.forEach((m, i) => (m.display = left[i] ?? null));
  }

  const placedOnDesk = matched.filter((m) => m.display !== null).map((m) => ({ frame: m.frame, dest: m.display!.bounds }));
  const union = unionOf(placedOnDesk.map((p) => p.dest));
  const placed: PlacedFrame[] = placedOnDesk.map((p) => ({
    frame: p.frame,
    dest: { x: p.dest.x - union.x, y: p.dest.y - union.y, width: p.dest.width, height: p.dest.height },
  }));
  let right = union.width;
  for (const m of matched.filter((m) => m.display === null)) {
    placed.push({ frame: m.frame, dest: { x: right, y: 0, width: m.frame.width, height: m.frame.height } });
    right += m.frame.width;
  }
  const height = Math.max(0, ...placed.map((p) => p.dest.y + p.dest.height));
  return { width: right, height, placed };
}

/** The thumbnail size to ask desktopCapturer for: the largest display's DIP size, so that one is neither scaled up nor down. */
export function thumbnailSizeFor(displays: readonly DisplayGeometry[]): { width: number; height: number } {
  if (displays.length === 0) return { width: 3840, height: 2160 };
  return {
    width: Math.max(...displays.map((d) => Math.round(d.bounds.width))),
    height: Math.max(...displays.map((d) => Math.round(d.bounds.height))),
  };
}

/**
 * The layout drawn into one R,G,B image, in memory: each picture's B,G,R,A rows swizzled to R,G,B, scaled (sharp,
 * area-averaging when it shrinks) only when its size is not its place's, and copied row by row into the image.
 * Where no monitor covers the union (an L-shaped desk) the image is black.
 */
export async function composeScreens(layout: ScreenLayout): Promise<Extract<CapturedImage, { kind: 'raw' }>> {
  const { width, height } = layout;
  if (width <= 0 || height <= 0 || layout.placed.length === 0) throw new RangeError('nothing to compose: no monitor picture');
  // One monitor whose picture is exactly the image: its swizzled copy is the image (the usual laptop).
  const only = layout.placed.length === 1 ? layout.placed[0]! : null;
  if (only && only.frame.width === width && only.frame.height === height && only.dest.x === 0 && only.dest.y === 0) {
    return { kind: 'raw', data: bgraToRgb(only.frame), width, height, channels: 3 };
  }
  const image = Buffer.alloc(width * height * 3);
  for (const { frame, dest } of layout.placed) {
    const rgb = await fitted(frame, dest);
    const rowBytes = dest.width * 3;
    for (let y = 0; y < dest.height; y += 1) {
      rgb.copy(image, ((dest.y + y) * width + dest.x) * 3, y * rowBytes, (y + 1) * rowBytes);
    }
  }
  return { kind: 'raw', data: image, width, height, channels: 3 };
}

/**
 * Whether every monitor shows one flat colour (each pixel within `tolerance` of that monitor's first, alpha
 * ignored): a black screen from a capture that was not allowed, a blank portal stream, or an empty desktop with a
 * plain background. No such picture is evidence of work, so none is stored.
 */
export function allFlat(frames: readonly ScreenFrame[], tolerance = 2): boolean {
  return frames.every((frame) => isFlat(frame, tolerance));
}

function isFlat(frame: ScreenFrame, tolerance: number): boolean {
  const px = frame.bgra;
  const end = frame.width * frame.height * 4;
  const [b, g, r] = [px[0] ?? 0, px[1] ?? 0, px[2] ?? 0];
  for (let i = 4; i < end; i += 4) {
    if (Math.abs(px[i]! - b) > tolerance || Math.abs(px[i + 1]! - g) > tolerance || Math.abs(px[i + 2]! - r) > tolerance) return false;
  }
  return true;
}

/** B,G,R,A → R,G,B in one pass (the encoder drops alpha anyway; screens are opaque). */
export function bgraToRgb(frame: ScreenFrame): Buffer {
  const pixels = frame.width * frame.height;
  if (frame.bgra.length < pixels * 4) throw new RangeError(`a ${frame.width}×${frame.height} picture needs ${pixels * 4} bytes, got ${frame.bgra.length}`);
  const src = frame.bgra;
  const rgb = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0, o = 0; i < pixels * 4; i += 4, o += 3) {
    rgb[o] = src[i + 2]!;
    rgb[o + 1] = src[i + 1]!;
    rgb[o + 2] = src[i]!;
  }
  return rgb;
}

async function fitted(frame: ScreenFrame, dest: Rect): Promise<Buffer> {
  const rgb = bgraToRgb(frame);
  if (frame.width === dest.width && frame.height === dest.height) return rgb;
  const sharp = await loadSharp();
  return sharp(rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .resize({ width: dest.width, height: dest.height, fit: 'fill' })
    .raw()
    .toBuffer();
}

function unionOf(rects: readonly Rect[]): Rect {
  if (rects.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const bottom = Math.max(...rects.map((r) => r.y + r.height));
  return { x, y, width: right - x, height: bottom - y };
}
