import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeScreenshot } from '../../../src/main/capture/encode.js';
import { CaptureScreenshotTaker } from '../../../src/main/capture/screenshot-taker.js';
import { decryptScreenshot, FileKeyStore } from '../../../src/main/crypto/index.js';
import type { X11Session } from '../../../src/main/native/binding.js';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeScreenCapturer } from '../../../src/main/sensors/native/native-screen-capturer.js';
import { databasePath, openStore } from '../../../src/main/store/index.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { decode, edges, JPEG_SIGNATURE, meanAbsDiffPerChannel, ticksWhile } from '../../support/image-measures.js';
import { requireAddon, sleep, waitForWindow } from './native-support.js';

const CHILD = fileURLToPath(new URL('./fixtures/jpeg-child.mjs', import.meta.url));
const DIST_CAPTURER = fileURLToPath(new URL('../../../dist/main/sensors/native/native-screen-capturer.js', import.meta.url));

/** The native capture path that never loads sharp: XShm grab -> native downscale/blur/JPEG, on a real screen. */
describe('native capture straight to JPEG (output: jpeg)', () => {
  let display: TestDisplay;
  let x11: NativeX11;
  let session: X11Session;
  let capturer: NativeScreenCapturer;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay({ width: 1920, height: 1080 });
    const text = ['-hold', '-e', 'sh', '-c', 'ls -la /usr/lib | head -60; seq 1 400 | paste -sd" "'];
    display.spawnClient('xterm', ['-bg', '#fdf6e3', '-fg', '#222', '-geometry', '110x50+20+20', ...text]);
    display.spawnClient('display', ['-geometry', '+1100+500', '-size', '640x420', 'plasma:fractal']);
    waitForWindow(display, 'xterm');
    waitForWindow(display, 'display');
    await sleep(1500); // let both clients paint
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
    session = x11.session;
    if (typeof session.captureJpeg !== 'function') throw new Error('addon without captureJpeg: npm run build:native');
    capturer = new NativeScreenCapturer(x11, { output: 'jpeg' });
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  it('returns a finished 1280 px JPEG of the whole screen, aspect kept', async () => {
    const image = await capturer.capture();
    expect(image).toMatchObject({ kind: 'jpeg', width: 1280, height: 720, blurred: false });
    if (image.kind !== 'jpeg') return;
    expect(image.data.subarray(0, 3).equals(JPEG_SIGNATURE)).toBe(true);
    const decoded = await decode(image.data);
    expect([decoded.width, decoded.height]).toEqual([1280, 720]);
    expect(capturer.state()).toMatchObject({ status: 'ok', backend: 'native-xshm', detail: expect.stringContaining('native JPEG encoder') });
  });

  it('looks like sharp encoding the same capture: mean absolute difference under 4 per channel, blurred or not', async () => {
    const raw = session.captureComposite(3); // the screen is static: the capture below sees the same pixels
    const image = { kind: 'raw', data: raw.data, width: raw.width, height: raw.height, channels: raw.channels } as const;
    for (const blur of [false, true]) {
      const reference = await decode((await encodeScreenshot(image, { blur })).jpeg);
      const native = await capturer.capture({ blur });
      expect(native).toMatchObject({ kind: 'jpeg', blurred: blur });
      const diff = meanAbsDiffPerChannel(await decode(native.data), reference);
      for (const channel of diff) expect(channel, `blur ${blur}: ${diff.join(', ')}`).toBeLessThan(4);
    }
  });

  it('blurs the terminal text beyond reading', async () => {
    const crisp = edges(await decode((await capturer.capture()).data, { greyscale: true }));
    const blurred = edges(await decode((await capturer.capture({ blur: true })).data, { greyscale: true }));
    expect(crisp.max).toBeGreaterThan(100);
    expect(blurred.max).toBeLessThan(16);
    expect(blurred.mean).toBeLessThan(crisp.mean / 10);
  });

  it('honours maxWidth and the primary-monitor area', async () => {
    expect(await capturer.capture({ maxWidth: 640, quality: 50 })).toMatchObject({ kind: 'jpeg', width: 640, height: 360 });
    const primary = new NativeScreenCapturer(x11, { output: 'jpeg', area: 'primary' });
    expect(await primary.capture()).toMatchObject({ kind: 'jpeg', width: 1280, height: 720 });
  });

  it('does not block the event loop: timers run while the capture is encoded', async () => {
    const { result, ticks } = await ticksWhile(() => capturer.capture({ blur: true }));
    expect(result.kind).toBe('jpeg');
    expect(ticks).toBeGreaterThanOrEqual(1);
  });

  it('goes through CaptureScreenshotTaker unchanged: stored encrypted, decrypting to the native JPEG', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'worktrace-native-jpeg-'));
    const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
    try {
      const keys = new FileKeyStore(dataDir);
      const taker = new CaptureScreenshotTaker({ capturer, keys, screenshots: store.screenshots, newId: ulid });
      const startedAt = Math.floor(Date.now() / 600_000) * 600;
      const heads: Buffer[] = [];
      for (const [i, mode] of (['on', 'blurred'] as const).entries()) {
        const segmentId = ulid();
        store.segments.openSegment({ id: segmentId, contractId: 'c-1', startedAt: startedAt + i * 600, lengthSeconds: 600, memo: null, policyVersion: 1 });
        const id = await taker.take({ segmentId, contractId: 'c-1', takenAt: Date.now(), mode, policyVersion: 1 });
        if (typeof id !== 'string') throw new Error(`no screenshot stored: ${JSON.stringify(id)}`);
        const stored = store.screenshots.get(id!)!;
        expect(stored).toMatchObject({ width: 1280, height: 720, blurred: mode === 'blurred' });
        const jpeg = decryptScreenshot(await keys.loadOrCreate(), id!, stored.data);
        expect(jpeg.subarray(0, 3).equals(JPEG_SIGNATURE)).toBe(true);
        heads.push(jpeg.subarray(0, 32));
        const grey = edges(await decode(jpeg, { greyscale: true }));
        if (mode === 'blurred') expect(grey.max).toBeLessThan(16);
        else expect(grey.max).toBeGreaterThan(100);
      }
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      for (const entry of readdirSync(dataDir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile())) {
        const bytes = readFileSync(join(entry.parentPath, entry.name));
        for (const head of heads) expect(bytes.indexOf(head), `${entry.name} holds a plaintext JPEG`).toBe(-1);
      }
    } finally {
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects with a code, and reports unavailable, once its X connection is closed', async () => {
    const other = new (requireAddon().X11Session)(display.display);
    const closedCapturer = new NativeScreenCapturer({ platform: 'x11', addon: requireAddon(), session: other, display: display.display }, { output: 'jpeg' });
    expect((await closedCapturer.capture()).kind).toBe('jpeg');
    other.close();
    await expect(closedCapturer.capture()).rejects.toMatchObject({ name: 'NativeX11Error', code: 'ERR_CLOSED' });
    expect(closedCapturer.state()).toMatchObject({ status: 'unavailable', backend: 'native-xshm' });
  });

  it('writes no file and never loads sharp/libvips (a child process that may not write a byte to any file)', () => {
    if (!existsSync(DIST_CAPTURER)) throw new Error(`${DIST_CAPTURER} is missing: run npm run build first`);
    const empty = mkdtempSync(join(tmpdir(), 'worktrace-no-files-'));
    try {
      // ulimit -f 0: any write that grows a file fails (EFBIG; SIGXFSZ where not ignored), so a pipeline that
      // spilled pixels or JPEG bytes to disk would fail here. HOME, TMPDIR and the working directory are an
      // empty folder that must still be empty afterwards (an empty file created there would show).
      const run = spawnSync('sh', ['-c', `ulimit -f 0 && exec "${process.execPath}" "${CHILD}"`], {
        cwd: empty,
        env: { PATH: process.env.PATH, DISPLAY: display.display, HOME: empty, TMPDIR: empty },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.signal, run.stderr).toBeNull();
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { shots: { width: number; height: number; bytes: number }[]; vipsMapped: boolean; sharpLoaded: boolean };
      expect(report.shots).toHaveLength(3);
      for (const shot of report.shots) expect(shot).toMatchObject({ width: 1280, height: 720 });
      expect(report.vipsMapped).toBe(false);
      expect(report.sharpLoaded).toBe(false);
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
