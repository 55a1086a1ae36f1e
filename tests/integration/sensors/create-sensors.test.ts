import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_SWITCH, createSensors, currentReport } from '../../../src/main/sensors/create-sensors.js';
import type { SensorEnvironment } from '../../../src/main/sensors/environment.js';
import { systemSensorEnvironment } from '../../../src/main/sensors/environment.js';
import { lazyNativeBackends } from '../../../src/main/sensors/native-backends.js';
import { createNativeSensors } from '../../../src/main/sensors/native/index.js';
import { loadX11Addon } from '../../../src/main/native/load.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

/** The chooser on a real display, with the real environment probe (PATH look-ups) and the real addon. */
describe('createSensors under Xvfb', () => {
  let display: TestDisplay;
  let savedDisplay: string | undefined;

  beforeAll(async () => {
    requireTools(['xprop', 'xwininfo']);
    display = await startDisplay();
    savedDisplay = process.env.DISPLAY;
    process.env.DISPLAY = display.display; // active-win reads this process's environment
  });
  afterAll(async () => {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await display?.stop();
  });

  function environment(extra: Record<string, string> = {}): SensorEnvironment {
    const probe = systemSensorEnvironment();
    return { ...probe, hasCommand: (name) => probe.hasCommand(name), vars: { ...process.env, ...extra } };
  }

  it('uses the npm backends when asked to, and each works; screenshots are refused (no library captures in memory)', async () => {
    const native = lazyNativeBackends(() => {
      throw new Error('the addon must not be opened when native backends are switched off');
    });
    const sensors = createSensors(environment({ [BACKEND_SWITCH]: 'npm' }), { native });
    expect(sensors.report.map((r) => [r.backend, r.status])).toEqual([
      ['uiohook-napi', 'ok'],
      ['active-win', 'ok'],
      ['none', 'unavailable'],
    ]);
    await sensors.input.start();
    try {
      expect(sensors.input.state().status).toBe('ok');
      await sensors.window.sample(); // no window has focus here: null, and no throw
      await expect(sensors.capturer.capture()).rejects.toMatchObject({ code: 'ERR_SENSOR_UNAVAILABLE' });
      expect(currentReport(sensors).map((r) => r.status)).toEqual(['ok', 'ok', 'unavailable']);
    } finally {
      await sensors.input.stop();
      native.close();
    }
  });

  it('prefers the native backends when the addon is built, and otherwise says why it fell back', async () => {
    const addon = loadX11Addon();
    const native = lazyNativeBackends(() => createNativeSensors({ channels: 3 }));
    try {
      const sensors = createSensors(environment(), { native });
      if (addon.status === 'unavailable') {
        for (const row of sensors.report) expect(row.reason).toContain('native:');
        expect(sensors.report.map((r) => r.backend)).toEqual(['uiohook-napi', 'active-win', 'none']);
      } else {
        expect(sensors.report.map((r) => [r.status, r.backend.startsWith('native')])).toEqual([
          ['ok', true],
          ['ok', true],
          ['ok', true],
        ]);
        const image = await sensors.capturer.capture();
        expect(image).toMatchObject({ kind: 'raw', width: 1920, height: 1080, channels: 3 });
        // Starting the native input itself is the native suite's subject (tests/integration/native).
      }
    } finally {
      native.close();
    }
  });
  it('on an X server without RECORD, input falls back from native to uiohook-napi and ends unavailable, without an abort', async () => {
    const noRecord = await startDisplay({ windowManager: false, xvfbArgs: ['-extension', 'RECORD'] });
    const native = lazyNativeBackends(() => createNativeSensors({ display: noRecord.display }));
    try {
      const sensors = createSensors({ ...environment(), vars: { ...process.env, DISPLAY: noRecord.display } }, { native });
      await sensors.input.start();
      const state = sensors.input.state();
      expect(state).toMatchObject({ status: 'unavailable', backend: 'uiohook-napi' });
      const reason = state.status === 'unavailable' ? state.reason : '';
      expect(reason).toMatch(/^the X server has no RECORD extension/);
      if (loadX11Addon().status !== 'unavailable') expect(reason).toMatch(/; native[\w-]*: .*RECORD/);
      await sensors.input.stop();
    } finally {
      native.close();
      await noRecord.stop();
    }
  });
});
