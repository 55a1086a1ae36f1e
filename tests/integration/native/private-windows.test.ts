import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateWindowMatcher } from '../../../src/shared/privacy/index.js';
import type { StackedWindow, X11Session } from '../../../src/main/native/binding.js';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeScreenCapturer } from '../../../src/main/sensors/native/native-screen-capturer.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { decode } from '../../support/image-measures.js';
import { eventually, frameGeometry, importRoot, requireAddon, sameShareIn, sleep, startTwoMonitorDisplay, waitForWindow, type ScreenRect } from './native-support.js';

const GREY = 0x3c; // what the addon paints private windows with (native/src/redaction.h)
const PATIENT_BG = [0x1a, 0x2b, 0x3c] as const;
const VAULT_BG = [0x3c, 0x1a, 0x2b] as const;
const RULES = new PrivateWindowMatcher([
  { kind: 'title', pattern: '*PATIENT*' },
  { kind: 'app', pattern: 'keepassxc' },
]);

const hex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const area = (r: ScreenRect) => r.width * r.height;
function intersect(a: ScreenRect, b: ScreenRect): ScreenRect {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  return { x, y, width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - x), height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - y) };
}
const inside = (r: ScreenRect, x: number, y: number) => x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;

/** How many pixels of a packed image have exactly this colour. */
function countColour(data: Buffer, channels: number, rgb: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < data.length; i += channels) if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2]) n += 1;
  return n;
}

function countGreyIn(data: Buffer, channels: number, width: number, rect: ScreenRect): number {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.height; y += 1) {
    for (let x = rect.x; x < rect.x + rect.width; x += 1) {
      const i = (y * width + x) * channels;
      if (data[i] === GREY && data[i + 1] === GREY && data[i + 2] === GREY) n += 1;
    }
  }
  return n;
}

/** A terminal with a colour and text of its own, stacked above the ones opened before it. */
function terminal(display: TestDisplay, o: { cls: string; title: string; bg: readonly number[]; geometry: string; text: string }): number {
  display.spawnClient('xterm', ['-class', o.cls, '-T', o.title, '-bg', hex(o.bg), '-fg', '#e8d8c8', '-geometry', o.geometry, '-hold', '-e', 'sh', '-c', `yes "${o.text}" | head -12`]);
  const id = waitForWindow(display, o.cls);
  display.run('xdotool', ['windowraise', String(id)]);
  return id;
}

// Two 1920x1080 monitors side by side (xrandr --setmonitor), a private terminal on each: on the left one partly
// covered by an ordinary terminal, on the right one covering an ordinary terminal; a third private one minimised.
describe('private windows painted out of the native capture, on two monitors', () => {
  let display: TestDisplay;
  let x11: NativeX11;
  let session: X11Session;
  let capturer: NativeScreenCapturer;
  const ids = { patient: 0, invoice: 0, notes: 0, vault: 0, minimised: 0 };
  const frames: Record<keyof typeof ids, ScreenRect> = {} as never;

  beforeAll(async () => {
    requireAddon();
    display = await startTwoMonitorDisplay();
    ids.patient = terminal(display, { cls: 'ChartTerm', title: 'Chart of PATIENT 4711', bg: PATIENT_BG, geometry: '80x24+100+100', text: 'PATIENT 4711 diagnosis' });
    ids.invoice = terminal(display, { cls: 'InvoiceTerm', title: 'Invoice draft', bg: [0xf0, 0xf0, 0xd0], geometry: '60x15+400+250', text: 'invoice line' });
    ids.notes = terminal(display, { cls: 'NotesTerm', title: 'Notes', bg: [0xd0, 0xf0, 0xf0], geometry: '80x24+2100+100', text: 'meeting notes' });
    ids.vault = terminal(display, { cls: 'KeePassXC', title: 'Passwords', bg: VAULT_BG, geometry: '60x15+2300+250', text: 'bank 1234' });
    ids.minimised = terminal(display, { cls: 'ListTerm', title: 'PATIENT list', bg: PATIENT_BG, geometry: '40x10+1200+600', text: 'PATIENT list' });
    display.run('xdotool', ['windowminimize', String(ids.minimised)]);
    expect(await eventually(() => display.run('xwininfo', ['-id', String(ids.minimised)]).includes('IsUnMapped'))).toBe(true);
    await sleep(800); // let every terminal paint
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) if (key !== 'minimised') frames[key] = frameGeometry(display, ids[key]);
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
    session = x11.session;
    capturer = new NativeScreenCapturer(x11, { channels: 3 });
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  const isPrivate = (w: { title: string; apps: readonly string[] }) => RULES.matches(w);

  it('hands the decision every mapped top-level window bottom to top, with its frame as the window manager drew it', () => {
    let seen: readonly StackedWindow[] = [];
    const frame = session.captureComposite(3, (windows) => {
      seen = windows;
      return windows.map(() => false);
    });
    expect(frame.redactedWindows).toBe(0);
    const order = seen.map((w) => w.id).filter((id) => Object.values(ids).includes(id));
    expect(order).toEqual([ids.patient, ids.invoice, ids.notes, ids.vault]); // the minimised one is not on the screen
    for (const key of ['patient', 'invoice', 'notes', 'vault'] as const) {
      const w = seen.find((s) => s.id === ids[key])!;
      expect({ x: w.x, y: w.y, width: w.width, height: w.height }, key).toEqual(frames[key]);
    }
    expect(seen.find((w) => w.id === ids.vault)).toMatchObject({ title: 'Passwords', className: 'KeePassXC', instanceName: 'xterm', pid: expect.any(Number) });
    expect(seen.find((w) => w.id === ids.patient)?.title).toBe('Chart of PATIENT 4711');
  });

  it('paints the visible part of each private window solid, title bar included; every other pixel is what import -window root sees', async () => {
    const image = await capturer.capture({ isPrivate });
    const reference = importRoot(display);
    expect(image).toMatchObject({ kind: 'raw', width: 3840, height: 1080, redactedWindows: 2 });
    if (image.kind !== 'raw') return;
    const { patient, invoice, notes, vault } = frames;
    // Left: the private chart under the invoice keeps the invoice on top of it.
    const covered = intersect(patient, invoice);
    expect(area(covered)).toBeGreaterThan(10_000);
    expect(countGreyIn(image.data, 3, 3840, patient)).toBe(area(patient) - area(covered));
    expect(sameShareIn(image.data, 3, reference, 4, 3840, invoice)).toBe(1);
    // Right: the private vault on top of the notes is painted whole, over the notes.
    expect(area(intersect(vault, notes))).toBeGreaterThan(10_000);
    expect(countGreyIn(image.data, 3, 3840, vault)).toBe(area(vault));
    // Everywhere else: exactly the screen.
    let outside = 0;
    let different = 0;
    for (let y = 0; y < 1080; y += 1) {
      for (let x = 0; x < 3840; x += 1) {
        if ((inside(patient, x, y) && !inside(invoice, x, y)) || inside(vault, x, y)) continue;
        outside += 1;
        const i = (y * 3840 + x) * 3;
        const j = (y * 3840 + x) * 4;
        if (image.data[i] !== reference[j] || image.data[i + 1] !== reference[j + 1] || image.data[i + 2] !== reference[j + 2]) different += 1;
      }
    }
    expect(outside).toBeGreaterThan(3_000_000);
    expect(different).toBe(0);
    // The private backgrounds are on the screen, and nowhere in the capture.
    expect(countColour(reference.subarray(0), 4, PATIENT_BG)).toBeGreaterThan(50_000);
    expect(countColour(image.data, 3, PATIENT_BG)).toBe(0);
    expect(countColour(image.data, 3, VAULT_BG)).toBe(0);
  });

  it('paints before encoding: the JPEG of the private parts is uniform, the rest looks like the screen', async () => {
    const frame = await session.captureJpeg!('all', { maxWidth: 1920 }, (windows) => windows.map((w) => isPrivate({ title: w.title, apps: [w.className, w.instanceName] })));
    expect(frame).toMatchObject({ width: 1920, height: 540, redactedWindows: 2 });
    const jpeg = await decode(frame.data);
    // Inset by one JPEG block (16 px with 4:2:0 chroma): blocks that straddle the edge mix in the neighbours.
    const half = (r: ScreenRect): ScreenRect => ({ x: Math.ceil(r.x / 2) + 16, y: Math.ceil(r.y / 2) + 16, width: Math.floor(r.width / 2) - 32, height: Math.floor(r.height / 2) - 32 });
    const vault = half(frames.vault);
    let off = 0;
    for (let y = vault.y; y < vault.y + vault.height; y += 1) {
      for (let x = vault.x; x < vault.x + vault.width; x += 1) {
        const i = (y * 1920 + x) * 3;
        for (let c = 0; c < 3; c += 1) off = Math.max(off, Math.abs(jpeg.pixels[i + c]! - GREY));
      }
    }
    expect(off).toBeLessThanOrEqual(3);
  });

  it('fails the capture, returning nothing, when the decision throws or does not answer one boolean per window', async () => {
    expect(() => session.captureComposite(3, () => { throw new Error('rules unreadable'); })).toThrow('rules unreadable');
    expect(() => session.captureComposite(3, () => [true])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => session.captureComposite(3, (ws) => ws.map(() => 1 as unknown as boolean))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    expect(() => session.captureComposite(3, 'yes' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    // The grab and the decision run inside the call; only the encoding is asynchronous.
    expect(() => session.captureJpeg!('all', {}, () => { throw new Error('no'); })).toThrow('no');
    // The server grab was let go each time: another client still draws and is captured.
    expect(session.captureComposite(3).width).toBe(3840);
  });

  it('paints a window where it is at the capture, however it moved or opened just before (geometry and pixels read in one grab)', async () => {
    // The chart moves all the time and a new private terminal opens, while captures are taken back to back.
    const mover = spawn('sh', ['-c', `for i in $(seq 1 60); do xdotool windowmove ${ids.patient} $((100 + (i * 37) % 1500)) $((60 + (i * 53) % 500)); done`], { env: display.env, stdio: 'ignore' });
    display.spawnClient('xterm', ['-class', 'NewChart', '-T', 'PATIENT intake', '-bg', hex(PATIENT_BG), '-geometry', '50x12+600+500', '-hold', '-e', 'echo', 'PATIENT intake']);
    let captures = 0;
    let leaked = 0;
    const done = new Promise<void>((resolve) => mover.once('exit', () => resolve()));
    let moving = true;
    void done.then(() => (moving = false));
    while (moving || captures < 20) {
      const frame = session.captureComposite(3, (windows) => windows.map((w) => isPrivate({ title: w.title, apps: [w.className] })));
      captures += 1;
      leaked += countColour(frame.data, 3, PATIENT_BG);
      await sleep(5);
    }
    waitForWindow(display, 'NewChart');
    const last = session.captureComposite(3, (windows) => windows.map((w) => isPrivate({ title: w.title, apps: [w.className] })));
    expect(captures).toBeGreaterThanOrEqual(20);
    expect(leaked).toBe(0);
    expect(last.redactedWindows).toBe(3);
    expect(countColour(last.data, 3, PATIENT_BG)).toBe(0);
  });
});

// No window manager: no _NET_CLIENT_LIST_STACKING, so the stack is the root window's children in XQueryTree order.
describe('private windows without a window manager (XQueryTree order)', () => {
  let display: TestDisplay;
  let session: X11Session;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay({ width: 1280, height: 800, windowManager: false });
    display.spawnClient('xterm', ['-class', 'ChartTerm', '-T', 'PATIENT chart', '-bg', hex(PATIENT_BG), '-geometry', '60x20+50+50', '-hold', '-e', 'echo', 'x']);
    waitForWindow(display, 'ChartTerm');
    display.spawnClient('xterm', ['-class', 'Cover', '-T', 'cover', '-bg', '#ffffff', '-geometry', '30x10+200+120', '-hold', '-e', 'echo', 'y']);
    waitForWindow(display, 'Cover');
    await sleep(500);
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    session = opened.x11.session;
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  it('finds the windows in stacking order and keeps a covering window visible', () => {
    const reference = importRoot(display);
    const chart = frameGeometry(display, waitForWindow(display, 'ChartTerm'));
    const cover = frameGeometry(display, waitForWindow(display, 'Cover'));
    const frame = session.captureComposite(3, (windows) => windows.map((w) => RULES.matches({ title: w.title, apps: [w.className] })));
    expect(frame.redactedWindows).toBe(1);
    expect(countGreyIn(frame.data, 3, 1280, chart)).toBe(area(chart) - area(intersect(chart, cover)));
    expect(sameShareIn(frame.data, 3, reference, 4, 1280, cover)).toBe(1);
    expect(countColour(frame.data, 3, PATIENT_BG)).toBe(0);
  });

  it('never shows a window that moves thousands of times a second (without the server grab this one fails)', async () => {
    const chart = waitForWindow(display, 'ChartTerm');
    // One xdotool process moving the window back and forth as fast as the server takes it (no window manager in between).
    const moves = Array.from({ length: 12_000 }, (_, i) => ['windowmove', String(chart), String(50 + (i % 2) * 600), String(50 + (i % 3) * 200)]).flat();
    const mover = spawn('xdotool', moves, { env: display.env, stdio: 'ignore' });
    let moving = true;
    mover.once('exit', () => (moving = false));
    let captures = 0;
    let leaked = 0;
    while (moving || captures < 10) {
      const frame = session.captureComposite(3, (windows) => windows.map((w) => RULES.matches({ title: w.title, apps: [w.className] })));
      captures += 1;
      leaked += countColour(frame.data, 3, PATIENT_BG);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(captures).toBeGreaterThanOrEqual(10);
    expect(leaked).toBe(0);
  });
});
