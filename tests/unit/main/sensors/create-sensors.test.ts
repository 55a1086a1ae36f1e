import { describe, expect, it } from 'vitest';
import { BACKEND_SWITCH, createSensors, currentReport, type NativeBackends } from '../../../../src/main/sensors/create-sensors.js';
import type { SensorEnvironment } from '../../../../src/main/sensors/environment.js';
import type { ActiveWindowSensor, InputSensor, ScreenCapturer, SensorState } from '../../../../src/main/sensors/types.js';

/** A described machine: the chooser must decide from this alone (nothing here is started). */
function environment(platform: NodeJS.Platform, vars: Record<string, string>, commands: readonly string[]): SensorEnvironment {
  return { platform, vars, hasCommand: (name) => commands.includes(name) };
}

const X_TOOLS = ['xprop', 'xwininfo', 'xrandr', 'import'];

/** Stand-ins for the native backends (another engineer's code): only their state() matters to the chooser. */
function nativeInput(state: SensorState): InputSensor {
  return {
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    drain: () => ({ keyboard: 0, clicks: 0, wheel: 0, moves: 0 }),
    state: () => state,
  };
}
function nativeWindow(state: SensorState): ActiveWindowSensor {
  return { sample: () => Promise.resolve(null), state: () => state };
}
function capturer(state: SensorState): ScreenCapturer {
  return { capture: () => Promise.reject(new Error('not in this test')), state: () => state };
}

describe('createSensors on Linux', () => {
  it('uses the npm backends when DISPLAY is set and the X tools are installed, and refuses screenshots without the native core', () => {
    const sensors = createSensors(environment('linux', { DISPLAY: ':0' }, X_TOOLS));
    expect(sensors.report.map((r) => [r.sensor, r.backend, r.status])).toEqual([
      ['input', 'uiohook-napi', 'ok'],
      ['window', 'active-win', 'ok'],
      ['screenshots', 'none', 'unavailable'],
    ]);
    expect(sensors.report[2]?.reason).toBe('no in-memory screen capture without the native X11 core; screenshot-desktop is not used (ImageMagick writes a temporary file)');
    expect(sensors.input.state().status).toBe('ok');
  });

  it('reports every sensor unavailable, in words, without DISPLAY', () => {
    const sensors = createSensors(environment('linux', {}, X_TOOLS));
    for (const row of sensors.report) expect(row.status).toBe('unavailable');
    expect(sensors.report[0]?.reason).toBe('no X display (DISPLAY is not set)');
    expect(sensors.report[1]?.reason).toBe('no X display (DISPLAY is not set)');
  });

  it('names a Wayland session without XWayland', () => {
    const sensors = createSensors(environment('linux', { WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' }, X_TOOLS));
    expect(sensors.report[0]).toMatchObject({ sensor: 'input', status: 'unavailable' });
    expect(sensors.report[0]?.reason).toMatch(/Wayland session without X/);
  });

  it('works under XWayland but says that only X11 applications are seen', () => {
    const sensors = createSensors(environment('linux', { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' }, X_TOOLS));
    expect(sensors.report.slice(0, 2).every((r) => r.status === 'ok')).toBe(true);
    expect(sensors.report[1]?.reason).toMatch(/only X11 \(XWayland\) applications/);
  });

  it('names the missing tool and its package', () => {
    const sensors = createSensors(environment('linux', { DISPLAY: ':0' }, []));
    expect(sensors.report[0]?.status).toBe('ok'); // uiohook needs no helper program
    expect(sensors.report[1]).toMatchObject({ status: 'unavailable', reason: 'xprop is not installed (Debian/Ubuntu package x11-utils)' });
    expect(sensors.report[2]).toMatchObject({ backend: 'none', status: 'unavailable' }); // no screenshot tool is used any more
  });
});

describe('createSensors elsewhere', () => {
  it('does not apply the X checks on macOS or Windows', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const sensors = createSensors(environment(platform, {}, []));
      expect(sensors.report.map((r) => r.status)).toEqual(['ok', 'ok', 'unavailable']);
    }
  });
});

/**
 * The screenshot backend and why, on each simulated platform, as `worktrace status` (the CLI: no desktopCapturer) and
 * the app's state (desktopCapturer given) show it. Stand-ins play the native core and desktopCapturer: only their
 * states matter to the choice.
 */
describe('the screenshot backend on each platform', () => {
  const nativeOk = (backend: string): NativeBackends => ({ capturer: () => capturer({ status: 'ok', backend, detail: `${backend} in-process` }) });
  const noNative: NativeBackends = {
    capturer: () => {
      throw new Error('the native addon is not built for this platform');
    },
  };
  const desktopOk = () => capturer({ status: 'ok', backend: 'electron-desktop-capturer', detail: 'every monitor, in memory (Electron desktopCapturer)' });
  const screenshots = (sensors: ReturnType<typeof createSensors>) => sensors.report[2]!;

  it('the app on Linux X11: native first; desktopCapturer where the addon is missing', () => {
    const env = environment('linux', { DISPLAY: ':0' }, X_TOOLS);
    expect(screenshots(createSensors(env, { native: nativeOk('native-xshm'), desktopCapturer: desktopOk }))).toMatchObject({ backend: 'native-xshm', status: 'ok' });
    const fallback = screenshots(createSensors(env, { native: noNative, desktopCapturer: desktopOk }));
    expect(fallback).toMatchObject({ backend: 'electron-desktop-capturer', status: 'ok' });
    expect(fallback.reason).toBe('every monitor, in memory (Electron desktopCapturer); native: the native addon is not built for this platform');
  });

  it('the app on Windows: the native Windows core first, desktopCapturer second', () => {
    const env = environment('win32', {}, []);
    expect(screenshots(createSensors(env, { native: nativeOk('native-gdi'), desktopCapturer: desktopOk }))).toMatchObject({ backend: 'native-gdi', status: 'ok' });
    expect(screenshots(createSensors(env, { native: noNative, desktopCapturer: desktopOk }))).toMatchObject({ backend: 'electron-desktop-capturer', status: 'ok' });
  });

  it('the app on macOS and under Wayland: desktopCapturer first (the native core is never asked)', () => {
    const asked: string[] = [];
    const native: NativeBackends = {
      capturer: () => {
        asked.push('native');
        return capturer({ status: 'ok', backend: 'native-xshm' });
      },
    };
    for (const env of [environment('darwin', {}, []), environment('linux', { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' }, X_TOOLS)]) {
      expect(screenshots(createSensors(env, { native, desktopCapturer: desktopOk }))).toMatchObject({ backend: 'electron-desktop-capturer', status: 'ok' });
    }
    expect(asked).toEqual([]);
  });

  it('the app says why when desktopCapturer cannot capture either (macOS without Screen Recording)', () => {
    const denied = () => capturer({ status: 'unavailable', backend: 'electron-desktop-capturer', reason: 'macOS Screen Recording is not allowed for Worktrace' });
    expect(screenshots(createSensors(environment('darwin', {}, []), { desktopCapturer: denied }))).toEqual({
      sensor: 'screenshots',
      backend: 'electron-desktop-capturer',
      status: 'unavailable',
      reason: 'macOS Screen Recording is not allowed for Worktrace',
    });
  });

  it('the CLI: native where it loads, else screenshots refused in one line that names what is missing', () => {
    expect(screenshots(createSensors(environment('win32', {}, []), { native: nativeOk('native-gdi') }))).toMatchObject({ backend: 'native-gdi', status: 'ok' });
    expect(screenshots(createSensors(environment('win32', {}, []), { native: noNative }))).toEqual({
      sensor: 'screenshots',
      backend: 'none',
      status: 'unavailable',
      reason: 'no in-memory screen capture without the native Windows core; screenshot-desktop is not used (its helper writes a file); native: the native addon is not built for this platform',
    });
    expect(screenshots(createSensors(environment('darwin', {}, []), { native: noNative }))).toEqual({
      sensor: 'screenshots',
      backend: 'none',
      status: 'unavailable',
      reason: 'the command-line agent has no in-memory screen capture on macOS (screencapture writes a file); the desktop app takes screenshots in memory',
    });
  });
});

describe('native first, npm as fallback', () => {
  const env = environment('linux', { DISPLAY: ':0' }, X_TOOLS);

  it('prefers a native backend that works', () => {
    const native: NativeBackends = { input: () => nativeInput({ status: 'ok', backend: 'native-x11', detail: 'XRecord thread' }) };
    const sensors = createSensors(env, { native });
    expect(sensors.report[0]).toEqual({ sensor: 'input', backend: 'native-x11', status: 'ok', reason: 'native-x11 first at start, uiohook-napi if it cannot run' });
    expect(sensors.report[1]?.backend).toBe('active-win');
  });

  it('falls back to the library when the addon is not built, and says why', () => {
    const native: NativeBackends = {
      input: () => {
        throw new Error('the native addon is not built for this platform');
      },
      window: () => nativeWindow({ status: 'unavailable', backend: 'native-x11', reason: 'XOpenDisplay failed' }),
    };
    const sensors = createSensors(env, { native });
    expect(sensors.report[0]).toMatchObject({ backend: 'uiohook-napi', status: 'ok' });
    expect(sensors.report[0]?.reason).toContain('native: the native addon is not built for this platform');
    expect(sensors.report[1]).toMatchObject({ backend: 'active-win', status: 'ok' });
    expect(sensors.report[1]?.reason).toContain('native: XOpenDisplay failed');
  });

  it(`skips native backends when ${BACKEND_SWITCH}=npm`, () => {
    const native: NativeBackends = { input: () => nativeInput({ status: 'ok', backend: 'native-x11' }) };
    const sensors = createSensors({ ...env, vars: { ...env.vars, [BACKEND_SWITCH]: 'npm' } }, { native });
    expect(sensors.report[0]?.backend).toBe('uiohook-napi');
    expect(sensors.report[0]?.reason).toContain(`${BACKEND_SWITCH}=npm`);
  });

  it('keeps the library backend, unavailable, when nothing works, with every reason', () => {
    const native: NativeBackends = { window: () => nativeWindow({ status: 'unavailable', backend: 'native-x11', reason: 'no RandR' }) };
    const sensors = createSensors(environment('linux', { DISPLAY: ':0' }, []), { native });
    expect(sensors.report[1]).toMatchObject({ sensor: 'window', backend: 'active-win', status: 'unavailable' });
    expect(sensors.report[1]?.reason).toContain('xprop is not installed');
    expect(sensors.report[1]?.reason).toContain('native: no RandR');
    expect(sensors.window.state().status).toBe('unavailable');
  });

  it('falls back to uiohook-napi at start when the native input cannot run, and says why', async () => {
    const native: NativeBackends = { input: () => nativeInput({ status: 'unavailable', backend: 'native-x11', reason: 'the X server has no RECORD extension' }) };
    // No DISPLAY: the fallback itself is unavailable too, so nothing is forked by this unit test.
    const sensors = createSensors(environment('linux', {}, X_TOOLS), { native });
    expect(sensors.report[0]).toMatchObject({ backend: 'native-x11', status: 'ok' });
    await sensors.input.start();
    expect(sensors.input.state()).toEqual({
      status: 'unavailable',
      backend: 'uiohook-napi',
      reason: 'no X display (DISPLAY is not set); native-x11: the X server has no RECORD extension',
    });
    expect(currentReport(sensors)[0]).toMatchObject({ backend: 'uiohook-napi', status: 'unavailable' });
    await sensors.input.stop();
  });

  it('currentReport reflects live states', () => {
    const sensors = createSensors(environment('linux', {}, X_TOOLS));
    expect(currentReport(sensors)).toEqual(sensors.report);
  });
});
