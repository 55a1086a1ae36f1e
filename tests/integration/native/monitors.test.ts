import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { X11Session } from '../../../src/main/native/binding.js';
import { openNativeX11 } from '../../../src/main/native/x11.js';
import type { TestDisplay } from '../../support/display.js';
import { crop, differingShare, importRoot, pixelAt, requireAddon, sleep, startTwoMonitorDisplay, waitForWindow } from './native-support.js';

// One 3840x1080 screen split into two 1920x1080 monitors with `xrandr --setmonitor` (RandR 1.5), the
// way a desktop with two heads looks to clients. Each side gets a terminal of its own colour.
describe('native capture on two monitors', () => {
  let display: TestDisplay;
  let session: X11Session;

  beforeAll(async () => {
    requireAddon();
    display = await startTwoMonitorDisplay();
    display.spawnClient('xterm', ['-class', 'LeftTerm', '-bg', '#c02020', '-geometry', '60x20+100+100', '-hold', '-e', 'echo', 'left']);
    display.spawnClient('xterm', ['-class', 'RightTerm', '-bg', '#20a040', '-geometry', '60x20+2100+100', '-hold', '-e', 'echo', 'right']);
    waitForWindow(display, 'LeftTerm');
    waitForWindow(display, 'RightTerm');
    await sleep(800);
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    session = opened.x11.session;
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  it('lists both monitors with their XRandR geometry', () => {
    const monitors = session.monitors().map(({ name, x, y, width, height }) => ({ name, x, y, width, height }));
    expect(monitors).toEqual([
      { name: 'LEFT', x: 0, y: 0, width: 1920, height: 1080 },
      { name: 'RIGHT', x: 1920, y: 0, width: 1920, height: 1080 },
    ]);
  });

  it('captures one image per monitor, each equal to its half of the screen', () => {
    const frames = session.captureMonitors(4);
    const reference = importRoot(display);
    expect(frames.map((f) => [f.name, f.width, f.height])).toEqual([
      ['LEFT', 1920, 1080],
      ['RIGHT', 1920, 1080],
    ]);
    for (const frame of frames) {
      const half = crop(reference, 3840, frame.x, frame.y, frame.width, frame.height);
      expect(differingShare(frame.data, half)).toBeLessThan(0.001);
    }
    // Each terminal is on its own monitor: red on the left, green on the right, at monitor coordinates.
    const [left, right] = frames;
    expect(pixelAt(left!.data, 1920, 4, 300, 300)).toEqual([0xc0, 0x20, 0x20]);
    expect(pixelAt(right!.data, 1920, 4, 300, 300)).toEqual([0x20, 0xa0, 0x40]);
  });

  it('captures the primary monitor alone: the first when none is marked, else the marked one', () => {
    expect(session.capturePrimary(3)).toMatchObject({ name: 'LEFT', width: 1920, height: 1080, channels: 3 });
    // Re-created with a '*' that marks it primary (replacing a monitor in place is refused by Xvfb).
    display.run('xrandr', ['--delmonitor', 'RIGHT']);
    display.run('xrandr', ['--setmonitor', '*RIGHT', '1920/508x1080/286+1920+0', 'none']);
    const frame = session.capturePrimary(3);
    expect([frame.name, frame.x, frame.primary]).toEqual(['RIGHT', 1920, true]);
    expect(pixelAt(frame.data, 1920, 3, 300, 300)).toEqual([0x20, 0xa0, 0x40]);
  });

  it('captures both monitors in one composite image', () => {
    const all = session.captureComposite(4);
    expect([all.x, all.y, all.width, all.height]).toEqual([0, 0, 3840, 1080]);
    expect(pixelAt(all.data, 3840, 4, 300, 300)).toEqual([0xc0, 0x20, 0x20]);
    expect(pixelAt(all.data, 3840, 4, 2220, 300)).toEqual([0x20, 0xa0, 0x40]);
  });
});
