import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultSensorFactory } from '../../../src/main/app/default-sensors.js';
import type { SensorSet } from '../../../src/main/app/index.js';
import { CaptureScreenshotTaker } from '../../../src/main/capture/screenshot-taker.js';
import { FileKeyStore } from '../../../src/main/crypto/index.js';
import { createLogger } from '../../../src/main/log.js';
import { PrivateWindowFilter, PrivateWindowRules, redactionReport } from '../../../src/main/privacy/index.js';
import { openStore, type Store } from '../../../src/main/store/index.js';
import { redactionWords } from '../../../src/shared/privacy/index.js';
import { fakeElectron } from '../../support/fake-electron.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';
import { BLUE, GREEN, quadrantPicture, RED, YELLOW } from '../../support/screen-pictures.js';
import { eventually } from '../native/native-support.js';

vi.mock('electron', async () => (await import('../../support/fake-electron.js')).fakeElectron.module);
const { electronScreenSources } = await import('../../../src/main/electron/desktop-capturer.js');

/**
 * The app's screenshots through Electron's desktopCapturer (the fake electron module plays it) cannot tell where
 * windows are: with the real active-win on a real display, a screenshot is skipped while a private window has the
 * focus — no grab is even asked of desktopCapturer — and taken otherwise. A private window in the background is not
 * painted there: the app's state and `worktrace status` say redaction is partial, and why.
 */
describe('private windows on the desktopCapturer backend (no window geometry)', () => {
  let display: TestDisplay;
  let sensors: SensorSet;
  let dataDir: string;
  let store: Store;
  let taker: CaptureScreenshotTaker;
  let filter: PrivateWindowFilter;
  let startedAt: number;
  const ids = { chart: '', notes: '' };
  let restoreDisplay = (): unknown => undefined;

  beforeAll(async () => {
    requireTools(['xdotool', 'xterm', 'xprop', 'xwininfo']);
    display = await startDisplay({ width: 1280, height: 800 });
    display.spawnClient('xterm', ['-T', 'Chart of PATIENT 4711', '-geometry', '80x24+40+40']);
    display.spawnClient('xterm', ['-T', 'meeting notes', '-geometry', '80x24+600+300']);
    for (const [key, name] of [['chart', 'PATIENT'], ['notes', 'meeting notes']] as const) {
      expect(await eventually(() => display.run('sh', ['-c', `xdotool search --name '${name}' || true`]).trim() !== '')).toBe(true);
      ids[key] = display.run('xdotool', ['search', '--name', name]).trim().split('\n')[0]!;
    }
    fakeElectron.screen.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 1, picture: quadrantPicture(1280, 800, [RED, GREEN, BLUE, YELLOW]) }];
    fakeElectron.desktopCapturer.failWith = null;
    fakeElectron.desktopCapturer.declined = false;
    // The app on Linux X11 without the native core: active-win for the window, desktopCapturer for the screen.
    const env = { platform: 'linux' as const, vars: { ...process.env, DISPLAY: display.display, WORKTRACE_SENSORS: 'npm' }, hasCommand: () => true };
    const previousDisplay = process.env.DISPLAY;
    process.env.DISPLAY = display.display; // active-win runs its tool with this process's environment
    restoreDisplay = () => (previousDisplay === undefined ? delete process.env.DISPLAY : (process.env.DISPLAY = previousDisplay));
    sensors = defaultSensorFactory(createLogger({ level: 'silent' }), { env, screenSources: electronScreenSources(fakeElectron.module as never, 'linux') })();
    expect([sensors.window.state().backend, sensors.capturer.state().backend]).toEqual(['active-win', 'electron-desktop-capturer']);
    dataDir = mkdtempSync(join(tmpdir(), 'wt-private-fallback-'));
    store = openStore({ file: ':memory:', clock: { now: () => Date.now() }, mode: 'local' });
    store.privateWindows.add({ kind: 'title', pattern: '*patient*' });
    const rules = new PrivateWindowRules({ device: store.privateWindows, contract: () => ({ readable: true, rules: [] }), settings: store.settings });
    filter = new PrivateWindowFilter(sensors.window, rules);
    taker = new CaptureScreenshotTaker({
      capturer: sensors.capturer,
      keys: new FileKeyStore(dataDir),
      screenshots: store.screenshots,
      newId: ulid,
      privacy: rules,
      activeWindow: sensors.window,
      skips: store.segments,
    });
    startedAt = Math.floor(Date.now() / 600_000) * 600;
  });

  afterAll(async () => {
    store?.close();
    await sensors?.close();
    restoreDisplay();
    await display?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const focus = async (id: string, title: RegExp) => {
    display.run('xdotool', ['windowactivate', '--sync', id]);
    expect(await eventually(() => title.test(display.run('xdotool', ['getactivewindow', 'getwindowname']))), `focus on ${title}`).toBe(true);
  };
  const take = (index: number) => {
    const segmentId = ulid();
    store.segments.openSegment({ id: segmentId, contractId: 'c-1', startedAt: startedAt + index * 600, lengthSeconds: 600, memo: null, policyVersion: null });
    return { segmentId, outcome: taker.take({ segmentId, contractId: 'c-1', takenAt: Date.now(), mode: 'on', policyVersion: null }) };
  };

  it('says redaction is partial on this backend, and why', () => {
    expect(sensors.capturer.redactsWindows).toBeFalsy();
    const report = redactionReport(sensors.capturer, sensors.window);
    expect(report).toMatchObject({ redaction: 'focused-window', backend: 'electron-desktop-capturer' });
    expect(redactionWords(report)).toMatch(
      /^Private windows: redaction is PARTIAL here \(electron-desktop-capturer\): .*cannot tell where windows are: a screenshot is skipped while a private window is focused, but a private window in the background is not painted out\.$/,
    );
  });

  it('skips the screenshot while the private window has the focus, without a grab, and records it as "Private"', async () => {
    await focus(ids.chart, /PATIENT/);
    fakeElectron.desktopCapturer.calls.length = 0;
    const { segmentId, outcome } = take(0);
    expect(await outcome).toEqual({ skipped: 'private-window' });
    expect(fakeElectron.desktopCapturer.calls).toEqual([]);
    expect(store.screenshots.list()).toEqual([]);
    expect(store.segments.get(segmentId)).toMatchObject({ screenshot: null, screenshotSkipped: 'private-window' });
    expect(await filter.sample()).toEqual({ app: 'Private', title: 'Private', private: true });
  });

  it('takes it while an ordinary window has the focus', async () => {
    await focus(ids.notes, /meeting notes/);
    fakeElectron.desktopCapturer.calls.length = 0;
    const { segmentId, outcome } = take(1);
    const id = await outcome;
    expect(typeof id).toBe('string');
    expect(fakeElectron.desktopCapturer.calls).toHaveLength(1);
    expect(store.segments.get(segmentId)?.screenshot?.id).toBe(id);
    expect(store.segments.get(segmentId)).not.toHaveProperty('screenshotSkipped');
    expect(await filter.sample()).toMatchObject({ title: 'meeting notes' });
  });
});
