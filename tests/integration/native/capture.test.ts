import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { X11Session } from '../../../src/main/native/binding.js';
import { openNativeX11 } from '../../../src/main/native/x11.js';
import { NativeScreenCapturer } from '../../../src/main/sensors/native/native-screen-capturer.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { colourCount, differingShare, importRoot, requireAddon, sleep, waitForWindow, windowGeometry } from './native-support.js';

describe('native capture (MIT-SHM) against import -window root', () => {
  let display: TestDisplay;
  let session: X11Session;
  let capturer: NativeScreenCapturer;
  let gradient: { x: number; y: number; width: number; height: number };

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay({ width: 1920, height: 1080 });
    display.spawnClient('xterm', ['-bg', '#203a70', '-fg', '#f0e0a0', '-geometry', '90x30+40+40', '-hold', '-e', 'seq', '1', '60']);
    display.spawnClient('display', ['-geometry', '+900+300', '-size', '480x320', 'gradient:#e02020-#2020e0']);
    waitForWindow(display, 'xterm');
    gradient = windowGeometry(display, waitForWindow(display, 'display'));
    await sleep(1000); // let both clients paint; the comparison below re-reads the screen anyway
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    session = opened.x11.session;
    capturer = new NativeScreenCapturer(opened.x11, { channels: 4 });
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  it('returns RGBA pixels equal to what import reads from the same screen', async () => {
    const image = await capturer.capture();
    const reference = importRoot(display);
    expect(image.kind).toBe('raw');
    if (image.kind !== 'raw') return;
    expect([image.width, image.height, image.channels]).toEqual([1920, 1080, 4]);
    expect(image.data.length).toBe(1920 * 1080 * 4);
    expect(colourCount(image.data)).toBeGreaterThan(8); // terminal, text and gradient: not a blank screen
    expect(differingShare(image.data, reference)).toBeLessThan(0.001);
    expect(capturer.state()).toMatchObject({ status: 'ok', backend: 'native-xshm', detail: expect.stringContaining('MIT-SHM') });
  });

  it('puts red first: the gradient window starts red and ends blue', () => {
    const frame = session.captureComposite(4);
    const at = (x: number, y: number) => [...frame.data.subarray((y * 1920 + x) * 4, (y * 1920 + x) * 4 + 4)];
    const middle = gradient.x + Math.floor(gradient.width / 2);
    const top = at(middle, gradient.y + 3);
    const bottom = at(middle, gradient.y + gradient.height - 3);
    expect(top[0]).toBeGreaterThan(180);
    expect(top[2]).toBeLessThan(80);
    expect(bottom[2]).toBeGreaterThan(180);
    expect(bottom[0]).toBeLessThan(80);
    expect(top[3]).toBe(255);
    expect(frame.shm).toBe(true);
  });

  it('gives the same pixels without alpha when asked for three channels', () => {
    const rgba = session.captureComposite(4).data;
    const rgb = session.captureComposite(3);
    expect(rgb.channels).toBe(3);
    expect(rgb.data.length).toBe(1920 * 1080 * 3);
    let mismatches = 0;
    for (let p = 0; p < 1920 * 1080; p += 1) {
      if (rgb.data[p * 3] !== rgba[p * 4] || rgb.data[p * 3 + 1] !== rgba[p * 4 + 1] || rgb.data[p * 3 + 2] !== rgba[p * 4 + 2]) {
        mismatches += 1;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('reuses its shared segment across many captures without changing the result', () => {
    const first = session.captureComposite().data;
    for (let i = 0; i < 20; i += 1) session.captureComposite();
    expect(differingShare(session.captureComposite().data, first, 0)).toBe(0);
  });

  it('hands the encoder RGB by default, the primary monitor when asked', async () => {
    const x11 = { platform: 'x11' as const, addon: requireAddon(), session, display: display.display };
    const image = await new NativeScreenCapturer(x11).capture();
    expect(image).toMatchObject({ kind: 'raw', width: 1920, height: 1080, channels: 3 });
    const primary = await new NativeScreenCapturer(x11, { area: 'primary' }).capture();
    expect(primary).toMatchObject({ kind: 'raw', width: 1920, height: 1080, channels: 3 });
  });

  it('rejects a channel count the encoder cannot take, with a code', () => {
    expect(() => session.captureComposite(2 as 3)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
  });
});
