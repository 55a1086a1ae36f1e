import { describe, expect, it, vi } from 'vitest';
import { defaultSensorFactory, type NativeBackendsHandle } from '../../../../src/main/app/default-sensors.js';
import { createLogger } from '../../../../src/main/log.js';
import { redactionReport } from '../../../../src/main/privacy/index.js';
import type { SensorEnvironment } from '../../../../src/main/sensors/environment.js';
import type { ScreenCapturer, SensorState, SystemIdleTime } from '../../../../src/main/sensors/types.js';
import { fakeElectron } from '../../../support/fake-electron.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);
const { electronScreenSources } = await import('../../../../src/main/electron/desktop-capturer.js');
const { powerMonitorIdle } = await import('../../../../src/main/electron/system-idle.js');

const logger = createLogger({ level: 'silent' });
const env = (platform: NodeJS.Platform, vars: Record<string, string> = {}): SensorEnvironment => ({ platform, vars, hasCommand: () => true });

/** The native core as it is on a machine: present (its capturer and idle time work) or not built. */
function native(present: { backend: string } | null): () => NativeBackendsHandle {
  const capturer = (backend: string): ScreenCapturer => ({ capture: () => Promise.reject(new Error('unused')), state: (): SensorState => ({ status: 'ok', backend, detail: 'in-process' }) });
  const idle: SystemIdleTime = { idleMs: () => 0, state: () => ({ status: 'ok', backend: 'native-idle' }) };
  return () => ({
    factories: present
      ? { capturer: () => capturer(present.backend) }
      : {
          capturer: () => {
            throw new Error('the native addon is not built for this platform');
          },
        },
    idle: () => (present ? idle : null),
    close: () => undefined,
  });
}

/**
 * The app's sensors on each simulated platform: which screenshot backend and idle time it takes, and the words of
 * the report the app's state carries (the fake electron module plays desktopCapturer and powerMonitor).
 */
describe('the app’s sensors on each platform', () => {
  const screenSources = (platform: NodeJS.Platform) => electronScreenSources(fakeElectron.module as never, platform);
  const systemIdle = powerMonitorIdle(fakeElectron.powerMonitor);
  const build = (platform: NodeJS.Platform, present: { backend: string } | null, vars: Record<string, string> = {}) =>
    defaultSensorFactory(logger, { env: env(platform, vars), native: native(present), screenSources: screenSources(platform), systemIdle })();

  it('macOS: screenshots through desktopCapturer, idle from powerMonitor', () => {
    fakeElectron.systemPreferences.screen = 'granted';
    const sensors = build('darwin', null);
    expect(sensors.report!()[2]).toEqual({ sensor: 'screenshots', backend: 'electron-desktop-capturer', status: 'ok', reason: 'every monitor, in memory (Electron desktopCapturer)' });
    expect(sensors.idle).toBe(systemIdle);
  });

  it('macOS without Screen Recording: the state names the backend and says why in words', () => {
    fakeElectron.systemPreferences.screen = 'denied';
    const row = build('darwin', null).report!()[2]!;
    expect(row).toMatchObject({ backend: 'electron-desktop-capturer', status: 'unavailable' });
    expect(row.reason).toMatch(/^macOS Screen Recording is not allowed for Worktrace/);
    fakeElectron.systemPreferences.screen = 'granted';
  });

  it('Windows: the native core first (capture and idle); desktopCapturer and powerMonitor where it is missing', () => {
    const withCore = build('win32', { backend: 'native-gdi' });
    expect(withCore.report!()[2]).toMatchObject({ backend: 'native-gdi', status: 'ok' });
    expect(withCore.idle?.state().backend).toBe('native-idle');
    const without = build('win32', null);
    expect(without.report!()[2]).toMatchObject({ backend: 'electron-desktop-capturer', status: 'ok', reason: expect.stringContaining('native: the native addon is not built') });
    expect(without.idle).toBe(systemIdle);
  });

  it('Linux X11: the X11 core first', () => {
    expect(build('linux', { backend: 'native-xshm' }, { DISPLAY: ':0' }).report!()[2]).toMatchObject({ backend: 'native-xshm', status: 'ok' });
  });

  it('a Wayland session: the portal for screenshots, powerMonitor for idle, window and input unavailable in words', () => {
    const sensors = build('linux', { backend: 'native-xshm' }, { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' });
    expect(sensors.report!()).toEqual([
      { sensor: 'input', backend: 'wayland', status: 'unavailable', reason: 'Wayland does not let applications count keyboard and mouse input' },
      { sensor: 'window', backend: 'wayland', status: 'unavailable', reason: 'Wayland does not tell applications which window is active' },
      { sensor: 'screenshots', backend: 'electron-desktop-capturer', status: 'ok', reason: 'Wayland: the desktop portal asks you to share a screen at the first screenshot' },
    ]);
    expect(sensors.idle).toBe(systemIdle);
  });

  it('says how private windows are kept out: only skipped while focused through desktopCapturer, no screenshot while any rule exists where the focus is unknown (Wayland)', () => {
    const x11 = build('linux', null, { DISPLAY: ':0' });
    expect(redactionReport(x11.capturer, x11.window)).toMatchObject({ redaction: 'focused-window', backend: 'electron-desktop-capturer' });
    const windows = build('win32', null);
    expect(redactionReport(windows.capturer, windows.window)).toMatchObject({ redaction: 'focused-window', backend: 'electron-desktop-capturer' });
    const wayland = build('linux', { backend: 'native-xshm' }, { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'wayland' });
    expect(redactionReport(wayland.capturer, wayland.window)).toEqual({
      redaction: 'while-any-rule',
      backend: 'electron-desktop-capturer',
      reason:
        'electron-desktop-capturer cannot tell where windows are and the focused window cannot be read here (Wayland does not tell applications which window is active): while any private-window rule is in force, no screenshot is taken',
    });
  });

  it('the idle time from powerMonitor is whole seconds in milliseconds', () => {
    fakeElectron.powerMonitor.idleSeconds = 42;
    expect(systemIdle.idleMs()).toBe(42_000);
    fakeElectron.powerMonitor.idleSeconds = Number.NaN;
    expect(systemIdle.idleMs()).toBeNull();
    fakeElectron.powerMonitor.idleSeconds = 0;
  });
});
