import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureScreenshotTaker } from '../../../src/main/capture/screenshot-taker.js';
import { FileKeyStore } from '../../../src/main/crypto/index.js';
import { PrivateWindowFilter, PrivateWindowRules } from '../../../src/main/privacy/index.js';
import { createSensors, type Sensors } from '../../../src/main/sensors/index.js';
import { openStore, type Store } from '../../../src/main/store/index.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';
import { eventually } from '../native/native-support.js';

/**
 * The library backends (WORKTRACE_SENSORS=npm: active-win and screenshot-desktop) cannot tell where windows are:
 * a screenshot is skipped while a private window has the focus, taken otherwise, on a real display with the real
 * tools. (A private window in the background is not painted there: `worktrace status` says redaction is partial.)
 */
describe('private windows on the library backends', () => {
  let display: TestDisplay;
  let savedDisplay: string | undefined;
  let sensors: Sensors;
  let dataDir: string;
  let store: Store;
  let taker: CaptureScreenshotTaker;
  let filter: PrivateWindowFilter;
  let startedAt: number;
  const ids = { chart: '', notes: '' };

  beforeAll(async () => {
    requireTools(['xdotool', 'xterm', 'xprop', 'xwininfo', 'import', 'xrandr']);
    display = await startDisplay({ width: 1280, height: 800 });
    savedDisplay = process.env.DISPLAY;
    process.env.DISPLAY = display.display; // active-win and screenshot-desktop run their tools with this process's environment
    display.spawnClient('xterm', ['-T', 'Chart of PATIENT 4711', '-geometry', '80x24+40+40']);
    display.spawnClient('xterm', ['-T', 'meeting notes', '-geometry', '80x24+600+300']);
    for (const [key, name] of [['chart', 'PATIENT'], ['notes', 'meeting notes']] as const) {
      expect(await eventually(() => display.run('sh', ['-c', `xdotool search --name '${name}' || true`]).trim() !== '')).toBe(true);
      ids[key] = display.run('xdotool', ['search', '--name', name]).trim().split('\n')[0]!;
    }
    sensors = createSensors({ platform: 'linux', vars: { ...process.env, WORKTRACE_SENSORS: 'npm' }, hasCommand: () => true });
    expect([sensors.window.state().backend, sensors.capturer.state().backend]).toEqual(['active-win', 'screenshot-desktop']);
    expect(sensors.capturer.redactsWindows).toBeFalsy();
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
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
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

  it('skips the screenshot while the private window has the focus, and records it as "Private"', async () => {
    await focus(ids.chart, /PATIENT/);
    const { segmentId, outcome } = take(0);
    expect(await outcome).toEqual({ skipped: 'private-window' });
    expect(store.screenshots.list()).toEqual([]);
    expect(store.segments.get(segmentId)).toMatchObject({ screenshot: null, screenshotSkipped: 'private-window' });
    expect(await filter.sample()).toEqual({ app: 'Private', title: 'Private', private: true });
  });

  it('takes it while an ordinary window has the focus', async () => {
    await focus(ids.notes, /meeting notes/);
    const { segmentId, outcome } = take(1);
    const id = await outcome;
    expect(typeof id).toBe('string');
    expect(store.segments.get(segmentId)?.screenshot?.id).toBe(id);
    expect(store.segments.get(segmentId)).not.toHaveProperty('screenshotSkipped');
    expect(await filter.sample()).toMatchObject({ title: 'meeting notes' });
  });
});
