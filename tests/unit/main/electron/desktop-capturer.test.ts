import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureScreenshotTaker } from '../../../../src/main/capture/screenshot-taker.js';
import { decryptScreenshot, FileKeyStore } from '../../../../src/main/crypto/index.js';
import type { CaptureElectron } from '../../../../src/main/electron/desktop-capturer.js';
import type { SensorEnvironment } from '../../../../src/main/sensors/environment.js';
import { DesktopScreenCapturer } from '../../../../src/main/sensors/screen/desktop-screen-capturer.js';
import { databasePath, openStore, type Store } from '../../../../src/main/store/index.js';
import { fakeElectron, type FakeDisplay } from '../../../support/fake-electron.js';
import { decode, edges, textPage } from '../../../support/image-measures.js';
import {
  BLACK,
  BLUE,
  colourAt,
  CYAN,
  flatPicture,
  GREEN,
  GREY,
  MAGENTA,
  near,
  quadrantPicture,
  RED,
  toBgra,
  WHITE,
  YELLOW,
  type Rgb,
} from '../../../support/screen-pictures.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);

const { electronScreenSources } = await import('../../../../src/main/electron/desktop-capturer.js');

const MONITOR_A: readonly [Rgb, Rgb, Rgb, Rgb] = [RED, GREEN, BLUE, YELLOW];
const MONITOR_B: readonly [Rgb, Rgb, Rgb, Rgb] = [CYAN, MAGENTA, WHITE, GREY];

function display(id: number, bounds: FakeDisplay['bounds'], scaleFactor: number, colours: readonly [Rgb, Rgb, Rgb, Rgb]): FakeDisplay {
  const width = bounds.width * scaleFactor;
  const height = bounds.height * scaleFactor;
  return { id, bounds, scaleFactor, picture: quadrantPicture(width, height, colours) };
}

function env(platform: NodeJS.Platform, vars: Record<string, string> = {}): SensorEnvironment {
  return { platform, vars, hasCommand: () => true };
}

function capturerFor(platform: NodeJS.Platform, vars: Record<string, string> = { DISPLAY: ':0' }): DesktopScreenCapturer {
  const sources = electronScreenSources(fakeElectron.module as unknown as CaptureElectron, platform);
  return new DesktopScreenCapturer({ sources, env: env(platform, vars) });
}

/** The centre of each quadrant of a monitor placed at `rect` (pixels of the decoded screenshot). */
function quadrantCentres(rect: { x: number; y: number; width: number; height: number }): [number, number][] {
  const { x, y, width: w, height: h } = rect;
  return [
    [x + w / 4, y + h / 4],
    [x + (3 * w) / 4, y + h / 4],
    [x + w / 4, y + (3 * h) / 4],
    [x + (3 * w) / 4, y + (3 * h) / 4],
  ];
}

describe('desktopCapturer backend: pixels in memory → encode → encrypt → store (fake electron, real pipeline)', () => {
  let dataDir: string;
  let store: Store;
  let keys: FileKeyStore;
  let minute = Math.floor(Date.now() / 60_000) * 60 - 86_400;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'wt-desktop-capture-'));
    store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
    keys = new FileKeyStore(dataDir);
  });
  afterAll(() => {
    store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fakeElectron.screen.displays = [];
    fakeElectron.desktopCapturer.windows = [{ handle: 77, name: 'Invoice.xlsx — Numbers', ownProcess: false }];
    fakeElectron.desktopCapturer.failWith = null;
    fakeElectron.desktopCapturer.declined = false;
    fakeElectron.desktopCapturer.calls.length = 0;
    fakeElectron.systemPreferences.screen = 'granted';
  });

  /** One screenshot through the agent's own taker; the decrypted JPEG, decoded, and what the store kept. */
  async function shoot(capturer: DesktopScreenCapturer, mode: 'on' | 'blurred' = 'on') {
    const taker = new CaptureScreenshotTaker({ capturer, keys, screenshots: store.screenshots, newId: ulid });
    const segmentId = ulid();
    minute += 60;
    store.segments.openSegment({ id: segmentId, contractId: 'c-1', startedAt: minute, lengthSeconds: 60, memo: null, policyVersion: 1 });
    const id = await taker.take({ segmentId, contractId: 'c-1', takenAt: minute * 1000 + 1, mode, policyVersion: 1 });
    if (typeof id !== 'string') throw new Error(`no screenshot stored: ${JSON.stringify(id)}`);
    const stored = store.screenshots.get(id)!;
    const jpeg = decryptScreenshot(await keys.loadOrCreate(), id, stored.data);
    return { stored, jpeg, image: await decode(jpeg) };
  }

  it('one monitor: the decrypted JPEG shows the pattern, downscaled to 1280 px, from a thumbnail asked at the display size', async () => {
    fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 1920, height: 1080 }, 1, MONITOR_A)];
    const capturer = capturerFor('linux');
    expect(capturer.state()).toEqual({ status: 'ok', backend: 'electron-desktop-capturer', detail: 'every monitor, in memory (Electron desktopCapturer)' });
    const { stored, image } = await shoot(capturer);
    expect(stored).toMatchObject({ width: 1280, height: 720, blurred: false });
    expect(fakeElectron.desktopCapturer.calls).toEqual([{ types: ['screen'], thumbnailSize: { width: 1920, height: 1080 } }]);
    quadrantCentres({ x: 0, y: 0, width: 1280, height: 720 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `quadrant ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_A[i]!)));
  });

  it('two monitors side by side: one image of the desk, each monitor in its place', async () => {
    fakeElectron.screen.displays = [
      display(1, { x: 0, y: 0, width: 1920, height: 1080 }, 1, MONITOR_A),
      display(2, { x: 1920, y: 0, width: 1920, height: 1080 }, 1, MONITOR_B),
    ];
    const { stored, image } = await shoot(capturerFor('win32'));
    expect(stored).toMatchObject({ width: 1280, height: 360 });
    quadrantCentres({ x: 0, y: 0, width: 640, height: 360 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `A ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_A[i]!)));
    quadrantCentres({ x: 640, y: 0, width: 640, height: 360 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `B ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_B[i]!)));
  });

  it('different scale factors: a 2× monitor is placed at its DIP size next to a 1× one, the uncovered corner black', async () => {
    // A: 1920×1080 DIP at 1× (its picture 1920×1080); B: 1280×800 DIP at 2× (its picture 2560×1600), to the right.
    fakeElectron.screen.displays = [
      display(10, { x: 0, y: 0, width: 1920, height: 1080 }, 1, MONITOR_A),
      display(11, { x: 1920, y: 0, width: 1280, height: 800 }, 2, MONITOR_B),
    ];
    const { stored, image } = await shoot(capturerFor('darwin'));
    // The desk is 3200×1080 DIP; at 1280 px wide that is a scale of 0.4: A is 768×432, B 512×320 at x 768.
    expect(stored).toMatchObject({ width: 1280, height: 432 });
    expect(fakeElectron.desktopCapturer.calls.at(-1)).toEqual({ types: ['screen'], thumbnailSize: { width: 1920, height: 1080 } });
    quadrantCentres({ x: 0, y: 0, width: 768, height: 432 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `A ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_A[i]!)));
    quadrantCentres({ x: 768, y: 0, width: 512, height: 320 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `B ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_B[i]!)));
    expect(colourAt(image, 1024, 400)).toSatisfy((c: Rgb) => near(c, BLACK));
  });

  it('a monitor above and left of the primary (negative coordinates) lands top-left', async () => {
    fakeElectron.screen.displays = [
      display(1, { x: 0, y: 0, width: 1600, height: 900 }, 1, MONITOR_A),
      display(2, { x: -1600, y: -900, width: 1600, height: 900 }, 1, MONITOR_B),
    ];
    const { stored, image } = await shoot(capturerFor('linux'));
    expect(stored).toMatchObject({ width: 1280, height: 720 });
    quadrantCentres({ x: 0, y: 0, width: 640, height: 360 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `B ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_B[i]!)));
    quadrantCentres({ x: 640, y: 360, width: 640, height: 360 }).forEach(([x, y], i) => expect(colourAt(image, x, y), `A ${i}`).toSatisfy((c: Rgb) => near(c, MONITOR_A[i]!)));
  });

  it('blurs before anything is stored: text is legible with policy on, gone with blurred', async () => {
    const page = await textPage(1920, 1080);
    fakeElectron.screen.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, scaleFactor: 1, picture: toBgra(page.pixels, 1920, 1080, 3) }];
    const sharp = await shoot(capturerFor('win32'), 'on');
    const blurred = await shoot(capturerFor('win32'), 'blurred');
    expect(blurred.stored.blurred).toBe(true);
    expect(edges(await decode(sharp.jpeg, { greyscale: true })).max).toBeGreaterThan(100);
    expect(edges(await decode(blurred.jpeg, { greyscale: true })).max).toBeLessThan(16);
  });

  it('a screen of one flat colour is never stored: ERR_CAPTURE_EMPTY', async () => {
    fakeElectron.screen.displays = [
      { id: 1, bounds: { x: 0, y: 0, width: 800, height: 600 }, scaleFactor: 1, picture: flatPicture(800, 600, BLACK) },
      { id: 2, bounds: { x: 800, y: 0, width: 800, height: 600 }, scaleFactor: 1, picture: flatPicture(800, 600, BLUE) },
    ];
    const rows = () => (store.db.prepare('SELECT count(*) AS n FROM screenshots').get() as { n: number }).n;
    const before = rows();
    await expect(shoot(capturerFor('linux'))).rejects.toMatchObject({ name: 'SensorError', code: 'ERR_CAPTURE_EMPTY' });
    expect(rows()).toBe(before);
  });

  it('thumbnails that come back empty are a failed capture, not an image', async () => {
    fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 800, height: 600 }, 1, MONITOR_A)];
    const sources = electronScreenSources(fakeElectron.module as unknown as CaptureElectron, 'linux');
    const capturer = new DesktopScreenCapturer({ sources: { ...sources, grab: () => sources.grab({ width: 0, height: 0 }) }, env: env('linux') });
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_CAPTURE_EMPTY' });
  });

  it('a desktopCapturer failure is ERR_CAPTURE_FAILED with its words', async () => {
    fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 800, height: 600 }, 1, MONITOR_A)];
    fakeElectron.desktopCapturer.failWith = new Error('Failed to get sources.');
    await expect(capturerFor('win32').capture()).rejects.toMatchObject({ code: 'ERR_CAPTURE_FAILED', message: 'desktopCapturer failed: Failed to get sources.' });
  });
});

describe('macOS: Screen Recording and wallpaper-only pictures', () => {
  beforeEach(() => {
    fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 1440, height: 900 }, 2, MONITOR_A)];
    fakeElectron.desktopCapturer.windows = [];
    fakeElectron.desktopCapturer.failWith = null;
    fakeElectron.desktopCapturer.declined = false;
    fakeElectron.desktopCapturer.calls.length = 0;
  });

  it('without Screen Recording the state says so in words and no capture is even tried', async () => {
    for (const [status, words] of [
      ['denied', /Screen Recording is not allowed for Worktrace: allow Worktrace in System Settings → Privacy & Security → Screen Recording/],
      ['not-determined', /has not been asked for Screen Recording yet/],
      ['restricted', /restricted on this Mac/],
      ['something-new', /did not say whether Screen Recording is allowed/],
    ] as const) {
      fakeElectron.systemPreferences.screen = status;
      const capturer = capturerFor('darwin', {});
      expect(capturer.state()).toMatchObject({ status: 'unavailable', backend: 'electron-desktop-capturer', reason: expect.stringMatching(words) });
      await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_SENSOR_UNAVAILABLE' });
    }
    expect(fakeElectron.desktopCapturer.calls).toEqual([]);
  });

  it('granted, but no other application’s window is shown: only the wallpaper would be captured, so nothing is', async () => {
    fakeElectron.systemPreferences.screen = 'granted';
    fakeElectron.desktopCapturer.windows = [
      { handle: 5, name: 'Worktrace', ownProcess: true },
      { handle: 6, name: '', ownProcess: false }, // macOS withholds other windows' titles without Screen Recording
    ];
    const capturer = capturerFor('darwin', {});
    expect(capturer.state().status).toBe('ok');
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_CAPTURE_EMPTY', message: expect.stringMatching(/only the desktop wallpaper/) });
    expect(fakeElectron.desktopCapturer.calls.map((c) => c.types)).toEqual([['window']]); // no screen grab made
    expect(fakeElectron.desktopCapturer.calls[0]?.thumbnailSize).toEqual({ width: 0, height: 0 });

    fakeElectron.desktopCapturer.windows.push({ handle: 7, name: 'Invoice.xlsx', ownProcess: false });
    const image = await capturer.capture();
    expect(image).toMatchObject({ kind: 'raw', width: 1440, height: 900, channels: 3 });
  });
});

describe('Wayland: the desktop portal’s consent', () => {
  const wayland = { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' };
  beforeEach(() => {
    fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 1280, height: 720 }, 1, MONITOR_A)];
    fakeElectron.desktopCapturer.failWith = null;
    fakeElectron.desktopCapturer.declined = false;
    fakeElectron.desktopCapturer.calls.length = 0;
  });

  it('says the portal will ask, then that the shared screen is used', async () => {
    const capturer = capturerFor('linux', wayland);
    expect(capturer.state()).toMatchObject({ status: 'ok', detail: expect.stringMatching(/desktop portal asks you to share a screen/) });
    await capturer.capture();
    expect(capturer.state()).toMatchObject({ status: 'ok', detail: expect.stringMatching(/the screen you shared through the desktop portal/) });
  });

  it('a declined dialog: unavailable in words, and the portal is not asked again in this session', async () => {
    fakeElectron.desktopCapturer.declined = true;
    const capturer = capturerFor('linux', wayland);
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_SENSOR_UNAVAILABLE' });
    expect(capturer.state()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/declined in the desktop portal/) });
    fakeElectron.desktopCapturer.declined = false;
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_SENSOR_UNAVAILABLE' });
    expect(fakeElectron.desktopCapturer.calls).toHaveLength(1);
    // A new session (Start again) builds a new capturer, which asks again.
    expect((await capturerFor('linux', wayland).capture()).kind).toBe('raw');
  });

  it('no portal or PipeWire: unavailable with the failure', async () => {
    fakeElectron.desktopCapturer.failWith = new Error('org.freedesktop.portal.Desktop was not provided by any .service files');
    const capturer = capturerFor('linux', wayland);
    await expect(capturer.capture()).rejects.toMatchObject({ code: 'ERR_CAPTURE_FAILED' });
    expect(capturer.state()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/portal could not share the screen \(org\.freedesktop/) });
  });
});

describe('nothing of a screenshot touches the disk', () => {
  it('the data directory holds no plaintext JPEG or pattern bytes after captures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-desktop-nofile-'));
    try {
      fakeElectron.desktopCapturer.failWith = null;
      fakeElectron.desktopCapturer.declined = false;
      fakeElectron.screen.displays = [display(1, { x: 0, y: 0, width: 1280, height: 720 }, 1, MONITOR_A)];
      const st = openStore({ file: databasePath(dir), clock: { now: () => Date.now() }, mode: 'local' });
      const k = new FileKeyStore(dir);
      const taker = new CaptureScreenshotTaker({ capturer: capturerFor('linux'), keys: k, screenshots: st.screenshots, newId: ulid });
      const segmentId = ulid();
      st.segments.openSegment({ id: segmentId, contractId: 'c', startedAt: 600, lengthSeconds: 600, memo: null, policyVersion: 1 });
      const id = await taker.take({ segmentId, contractId: 'c', takenAt: 601_000, mode: 'on', policyVersion: 1 });
      if (typeof id !== 'string') throw new Error(`no screenshot stored: ${JSON.stringify(id)}`);
      const jpeg = decryptScreenshot(await k.loadOrCreate(), id, st.screenshots.get(id)!.data);
      st.db.pragma('wal_checkpoint(TRUNCATE)');
      st.close();
      for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile())) {
        const bytes = readFileSync(join(entry.parentPath, entry.name));
        expect(bytes.indexOf(jpeg.subarray(0, 32)), entry.name).toBe(-1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
