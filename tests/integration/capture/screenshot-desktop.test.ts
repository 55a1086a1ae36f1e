import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeScreenshot } from '../../../src/main/capture/encode.js';
import type { SensorEnvironment } from '../../../src/main/sensors/environment.js';
import { SensorError } from '../../../src/main/sensors/errors.js';
import { ScreenshotDesktopCapturer } from '../../../src/main/sensors/screen/screenshot-desktop-capturer.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return Array.from(data.subarray(at, at + 3));
}

/**
 * screenshot-desktop runs xrandr and ImageMagick's `import` with this process's environment, so
 * the test points this process at its own display (each test file runs in its own worker).
 */
describe('screenshot-desktop capturer under Xvfb', () => {
  let display: TestDisplay;
  let savedDisplay: string | undefined;
  let env: SensorEnvironment;

  beforeAll(async () => {
    requireTools(['xrandr', 'import', 'xsetroot']);
    display = await startDisplay({ width: 1920, height: 1080 });
    savedDisplay = process.env.DISPLAY;
    process.env.DISPLAY = display.display;
    env = { platform: 'linux', vars: process.env, hasCommand: () => true };
  });
  afterAll(async () => {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await display?.stop();
  });

  it('captures the screen as a PNG of the screen size, and the encoder makes a 1280 px JPEG of it', async () => {
    display.run('xsetroot', ['-solid', 'red']);
    const capturer = new ScreenshotDesktopCapturer({ env });
    expect(capturer.state()).toMatchObject({ status: 'ok', backend: 'screenshot-desktop' });

    const image = await capturer.capture();
    expect(image.kind).toBe('encoded');
    expect(image.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const meta = await sharp(image.data).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 1920, height: 1080 });
    expect(await pixel(image.data, 960, 540)).toEqual([255, 0, 0]);

    const encoded = await encodeScreenshot(image, { blur: false });
    expect({ width: encoded.width, height: encoded.height }).toEqual({ width: 1280, height: 720 });
    expect(encoded.jpeg.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
    const [r, g, b] = await pixel(encoded.jpeg, 640, 360);
    expect(r).toBeGreaterThan(240);
    expect(g).toBeLessThan(16);
    expect(b).toBeLessThan(16);
  });

  it('sees what is on the screen (a second colour after xsetroot)', async () => {
    display.run('xsetroot', ['-solid', '#0000ff']);
    const image = await new ScreenshotDesktopCapturer({ env }).capture();
    expect(await pixel(image.data, 10, 10)).toEqual([0, 0, 255]);
  });

  it('fails with a named error, not a hang or a crash, when the display is gone', async () => {
    process.env.DISPLAY = ':999';
    try {
      const capturer = new ScreenshotDesktopCapturer({ env: { ...env, vars: { ...process.env } }, timeoutMs: 20_000 });
      const failure = await capturer.capture().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(SensorError);
      expect(failure).toMatchObject({ code: 'ERR_CAPTURE_FAILED' });
      expect((failure as Error).message).toMatch(/^xrandr could not list the screens/);
    } finally {
      process.env.DISPLAY = display.display;
    }
  });

  it('refuses to capture without DISPLAY, saying why', async () => {
    const capturer = new ScreenshotDesktopCapturer({ env: { platform: 'linux', vars: {}, hasCommand: () => true } });
    expect(capturer.state()).toEqual({ status: 'unavailable', backend: 'screenshot-desktop', reason: 'no X display (DISPLAY is not set)' });
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_SENSOR_UNAVAILABLE' });
  });
});
