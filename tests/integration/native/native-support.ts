import { spawnSync } from 'node:child_process';
import type { X11Addon } from '../../../src/main/native/binding.js';
import { loadX11Addon } from '../../../src/main/native/load.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';

/**
 * The addon under test. It is built by `npm install` (scripts.install) or `npm run build:native`;
 * when it is missing these tests fail, in CI and out of it, because nothing else tests native/.
 */
export function requireAddon(): X11Addon {
  const load = loadX11Addon();
  if (load.status === 'unavailable') {
    throw new Error(`native X11 addon unavailable (${load.reason}): run npm run build:native with the X11 -dev packages`);
  }
  return load.addon;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds; returns false at the deadline (the caller asserts, so failures show values). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** The window id of the first window of `className` once it is mapped. */
export function waitForWindow(display: TestDisplay, className: string): number {
  const out = display.run('xdotool', ['search', '--sync', '--onlyvisible', '--class', className]);
  const id = Number(out.trim().split('\n')[0]);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`no window of class ${className}`);
  return id;
}

/** The root window as ImageMagick's `import` sees it: RGBA bytes, row after row. */
export function importRoot(display: TestDisplay): Buffer {
  const result = spawnSync('import', ['-window', 'root', '-depth', '8', 'rgba:-'], {
    env: display.env,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`import failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Copies a rectangle out of a packed RGBA image `fullWidth` pixels wide. */
export function crop(rgba: Buffer, fullWidth: number, x: number, y: number, width: number, height: number): Buffer {
  const out = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row += 1) {
    rgba.copy(out, row * width * 4, ((y + row) * fullWidth + x) * 4, ((y + row) * fullWidth + x + width) * 4);
  }
  return out;
}

/** Share of pixels whose R, G or B differ by more than `tolerance` (alpha ignored: X leaves it undefined). */
export function differingShare(a: Buffer, b: Buffer, tolerance = 2): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (
      Math.abs(a[i]! - b[i]!) > tolerance ||
      Math.abs(a[i + 1]! - b[i + 1]!) > tolerance ||
      Math.abs(a[i + 2]! - b[i + 2]!) > tolerance
    ) {
      differing += 1;
    }
  }
  return differing / (a.length / 4);
}

/** The RGB of one pixel of a packed image. */
export function pixelAt(data: Buffer, width: number, channels: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

/** How many distinct RGB colours a packed RGBA image holds (capped), to show a capture is not blank. */
export function colourCount(rgba: Buffer, cap = 64): number {
  const seen = new Set<number>();
  for (let i = 0; i < rgba.length && seen.size < cap; i += 4 * 97) seen.add((rgba[i]! << 16) | (rgba[i + 1]! << 8) | rgba[i + 2]!);
  return seen.size;
}

/** Where a window's inside sits on the root window, as xwininfo reports it. */
export function windowGeometry(display: TestDisplay, id: number): { x: number; y: number; width: number; height: number } {
  const out = display.run('xwininfo', ['-id', String(id)]);
  const field = (label: string): number => {
    const match = new RegExp(`${label}:\\s+(-?\\d+)`).exec(out);
    if (!match) throw new Error(`xwininfo gave no ${label}`);
    return Number(match[1]);
  };
  return { x: field('Absolute upper-left X'), y: field('Absolute upper-left Y'), width: field('Width'), height: field('Height') };
}

export interface ScreenRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Where a client window's frame sits on the root window: the window manager's top-level window that holds it
 * (its ancestor whose parent is the root), read with xwininfo. Independent of _NET_FRAME_EXTENTS, which the
 * native capture uses, so a test comparing the two checks that the extents were honoured.
 */
export function frameGeometry(display: TestDisplay, clientId: number): ScreenRect {
  let id = `0x${clientId.toString(16)}`;
  for (let depth = 0; depth < 8; depth += 1) {
    const out = display.run('xwininfo', ['-id', id, '-children']);
    const parent = /Parent window id: (0x[0-9a-f]+)( \(the root window\))?/.exec(out);
    if (!parent) throw new Error(`xwininfo gave no parent for ${id}`);
    if (parent[2]) {
      const info = display.run('xwininfo', ['-id', id]);
      const field = (label: string): number => Number(new RegExp(`${label}:\\s+(-?\\d+)`).exec(info)![1]);
      // xwininfo's absolute corner is already the outer one (border included); its width and height are not.
      const border = field('Border width');
      return { x: field('Absolute upper-left X'), y: field('Absolute upper-left Y'), width: field('Width') + 2 * border, height: field('Height') + 2 * border };
    }
    id = parent[1]!;
  }
  throw new Error(`no top-level ancestor for window ${clientId}`);
}

/** The pixels of `rect` that two packed images (`a` with `ca` channels, `b` with `cb`, both `width` wide) share within `tolerance`. */
export function sameShareIn(a: Buffer, ca: number, b: Buffer, cb: number, width: number, rect: ScreenRect, tolerance = 2): number {
  let same = 0;
  for (let y = rect.y; y < rect.y + rect.height; y += 1) {
    for (let x = rect.x; x < rect.x + rect.width; x += 1) {
      const i = (y * width + x) * ca;
      const j = (y * width + x) * cb;
      if (Math.abs(a[i]! - b[j]!) <= tolerance && Math.abs(a[i + 1]! - b[j + 1]!) <= tolerance && Math.abs(a[i + 2]! - b[j + 2]!) <= tolerance) same += 1;
    }
  }
  return same / (rect.width * rect.height);
}

/**
 * One 3840x1080 screen split into two 1920x1080 monitors with `xrandr --setmonitor` (RandR 1.5), the way a desktop
 * with two heads looks to clients. The output "screen" moves to LEFT so that the automatic whole-screen monitor goes.
 */
export async function startTwoMonitorDisplay(): Promise<TestDisplay> {
  const display = await startDisplay({ width: 3840, height: 1080 });
  display.run('xrandr', ['--setmonitor', 'LEFT', '1920/508x1080/286+0+0', 'screen']);
  display.run('xrandr', ['--setmonitor', 'RIGHT', '1920/508x1080/286+1920+0', 'none']);
  return display;
}
