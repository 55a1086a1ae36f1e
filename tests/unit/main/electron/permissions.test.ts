import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DesktopPermissionsMonitor, MACOS_SETTINGS_URLS } from '../../../../src/main/app/index.js';
import { electronPermissionProbe } from '../../../../src/main/electron/permissions.js';
import { appStateSchema, type AppState, type Envelope } from '../../../../src/shared/ipc/index.js';
import { fakeElectron, type FakeBrowserWindow } from '../../../support/fake-electron.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { greyCapturer } from '../app/support.js';
import { FakeInput, FakeWindow } from '../tracking/support/fakes.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);

const { startShell } = await import('../../../../src/main/electron/shell.js');

const SCREEN_RECORDING_URL = 'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture';
const { systemPreferences, shell: fakeShell } = fakeElectron;

function monitor(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}): DesktopPermissionsMonitor {
  return new DesktopPermissionsMonitor(electronPermissionProbe({ systemPreferences, shell: fakeShell } as never, platform, env));
}

function macOs(screen: string, accessibilityTrusted: boolean): DesktopPermissionsMonitor {
  systemPreferences.screen = screen;
  systemPreferences.accessibilityTrusted = accessibilityTrusted;
  return monitor('darwin');
}

describe('desktop permissions from Electron (fake systemPreferences)', () => {
  it('macOS with Screen Recording and Accessibility granted: nothing to tell', () => {
    expect(macOs('granted', true).current()).toEqual({ notices: [] });
  });

  it('macOS Screen Recording denied, not determined or restricted: a notice with that status', () => {
    for (const status of ['denied', 'not-determined', 'restricted'] as const) {
      expect(macOs(status, true).current(), status).toEqual({ notices: [{ kind: 'screen-recording', status }] });
    }
    // An answer Electron does not document is "cannot tell", still a notice: screenshots may not work.
    expect(macOs('something-new', true).current()).toEqual({ notices: [{ kind: 'screen-recording', status: 'unknown' }] });
  });

  it('macOS Accessibility not trusted: a notice; asked without raising the OS prompt', () => {
    systemPreferences.accessibilityPrompts.length = 0;
    expect(macOs('granted', false).current()).toEqual({ notices: [{ kind: 'accessibility' }] });
    expect(macOs('denied', false).current().notices.map((n) => n.kind)).toEqual(['screen-recording', 'accessibility']);
    expect(systemPreferences.accessibilityPrompts.length).toBeGreaterThan(0);
    expect(systemPreferences.accessibilityPrompts.every((prompt) => prompt === false)).toBe(true);
  });

  it('Linux: a Wayland session is told, X11 and an unset session type are not', () => {
    expect(monitor('linux', { XDG_SESSION_TYPE: 'wayland' }).current()).toEqual({ notices: [{ kind: 'wayland-session' }] });
    expect(monitor('linux', { XDG_SESSION_TYPE: 'x11' }).current()).toEqual({ notices: [] });
    expect(monitor('linux', {}).current()).toEqual({ notices: [] });
  });

  it('Windows: nothing to tell, and macOS settings are never asked for', () => {
    systemPreferences.screen = 'denied';
    systemPreferences.accessibilityTrusted = false;
    const spy = vi.spyOn(systemPreferences, 'getMediaAccessStatus');
    expect(monitor('win32', { XDG_SESSION_TYPE: 'wayland' }).current()).toEqual({ notices: [] });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('an OS call that throws reads as "cannot tell" on macOS, never as a crash', () => {
    const spy = vi.spyOn(systemPreferences, 'getMediaAccessStatus').mockImplementation(() => {
      throw new Error('TCC database unavailable');
    });
    expect(monitor('darwin').current()).toEqual({ notices: [{ kind: 'screen-recording', status: 'unknown' }] });
    spy.mockRestore();
  });

  it('refresh() says whether the answer changed', () => {
    const watched = macOs('denied', true);
    expect(watched.refresh()).toBe(false);
    systemPreferences.screen = 'granted';
    expect(watched.refresh()).toBe(true);
    expect(watched.current()).toEqual({ notices: [] });
    expect(watched.refresh()).toBe(false);
  });

  it('opens only the fixed System Settings URLs, and only on macOS', async () => {
    fakeShell.opened.length = 0;
    const mac = macOs('denied', false);
    await mac.openSettings('screen-recording');
    await mac.openSettings('accessibility');
    expect(fakeShell.opened).toEqual([SCREEN_RECORDING_URL, 'x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility']);
    expect(MACOS_SETTINGS_URLS['screen-recording']).toBe(SCREEN_RECORDING_URL);
    fakeShell.failNext = true;
    await expect(mac.openSettings('screen-recording')).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    await expect(monitor('linux', { XDG_SESSION_TYPE: 'wayland' }).openSettings('screen-recording')).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    await expect(monitor('win32').openSettings('accessibility')).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    expect(fakeShell.opened).toHaveLength(2);
  });
});

describe('the shell tells the page, opens System Settings and checks again on focus and resume', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-permissions-'));
  const rendererIndex = join(dataDir, 'renderer', 'index.html');
  const pageUrl = pathToFileURL(rendererIndex).href;
  let shell: NonNullable<Awaited<ReturnType<typeof startShell>>>;
  let window: FakeBrowserWindow;
  const trusted = () => ({ sender: window.webContents, senderFrame: { url: pageUrl, parent: null } });
  const invoke = (channel: string, request?: unknown) => fakeElectron.ipcMain.invoke(channel, trusted(), request) as Promise<Envelope<AppState>>;
  const statesSent = (from: number) =>
    window.webContents.sent.slice(from).filter((m) => m.channel === 'state:changed').map((m) => m.payload as AppState);

  beforeAll(async () => {
    systemPreferences.screen = 'denied';
    systemPreferences.accessibilityTrusted = true;
    const started = await startShell({
      rendererIndex,
      preloadPath: join(dataDir, 'preload', 'preload.cjs'),
      dataDir,
      clock: new FakeClock({ wallMs: Date.now() }),
      platform: 'darwin',
      env: {},
      sensors: () => ({ input: new FakeInput(), window: new FakeWindow(), capturer: greyCapturer, close: () => undefined }),
    });
    if (!started) throw new Error('the shell did not start');
    shell = started;
    window = fakeElectron.windows.at(-1)!;
  });
  afterAll(async () => {
    await shell?.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('puts the missing Screen Recording permission into the state the page gets', async () => {
    const answer = await invoke('state:get', {});
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(appStateSchema.parse(answer.value).permissions).toEqual({ notices: [{ kind: 'screen-recording', status: 'denied' }] });
  });

  it('the page asks for a pane and main opens its fixed URL; anything else is refused before the OS sees it', async () => {
    fakeShell.opened.length = 0;
    expect((await invoke('permissions:open-settings', { pane: 'screen-recording' })).ok).toBe(true);
    expect(fakeShell.opened).toEqual([SCREEN_RECORDING_URL]);
    for (const request of [{ pane: 'https://evil.example/' }, { url: SCREEN_RECORDING_URL }, { pane: 'screen-recording', url: 'file:///etc/passwd' }, 'screen-recording', null]) {
      expect(await invoke('permissions:open-settings', request)).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) });
    }
    const wrongSender = { sender: {}, senderFrame: { url: pageUrl, parent: null } };
    expect(await fakeElectron.ipcMain.invoke('permissions:open-settings', wrongSender, { pane: 'screen-recording' })).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(fakeShell.opened).toEqual([SCREEN_RECORDING_URL]);
  });

  it('after the person allows it in System Settings, focusing the window clears the notice', async () => {
    const before = window.webContents.sent.length;
    window.emit('focus'); // nothing changed yet: no new state pushed
    await Promise.resolve();
    expect(statesSent(before)).toEqual([]);
    systemPreferences.screen = 'granted';
    window.emit('focus');
    await vi.waitFor(() => expect(statesSent(before).at(-1)?.permissions).toEqual({ notices: [] }));
  });

  it('a permission taken away while asleep is told again on resume', async () => {
    const before = window.webContents.sent.length;
    systemPreferences.accessibilityTrusted = false;
    fakeElectron.powerMonitor.emit('suspend');
    fakeElectron.powerMonitor.emit('resume');
    await vi.waitFor(() => expect(statesSent(before).at(-1)?.permissions).toEqual({ notices: [{ kind: 'accessibility' }] }));
  });
});
