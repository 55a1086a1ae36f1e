import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { invokeChannels, type AppState, type Envelope } from '../../../../src/shared/ipc/index.js';
import { fakeElectron, type FakeBrowserWindow, type FakeTray } from '../../../support/fake-electron.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { greyCapturer } from '../app/support.js';
import { FakeInput, FakeWindow } from '../tracking/support/fakes.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { trayIconBitmap } from '../../../../src/main/electron/tray-icon.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);

const { startShell } = await import('../../../../src/main/electron/shell.js');
type Shell = NonNullable<Awaited<ReturnType<typeof startShell>>>;

describe('Electron shell wiring (against a fake electron module)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-shell-'));
  const rendererIndex = join(dataDir, 'renderer', 'index.html');
  const preloadPath = join(dataDir, 'preload', 'preload.cjs');
  const pageUrl = pathToFileURL(rendererIndex).href;
  const configHome = join(dataDir, 'config');
  const sensorRow = { sensor: 'screenshots', backend: 'test-frame', status: 'ok', reason: 'a grey frame' } as const;
  let shell: Shell;
  let window: FakeBrowserWindow;
  let tray: FakeTray;
  const trusted = () => ({ sender: window.webContents, senderFrame: { url: pageUrl, parent: null } });
  const invoke = (channel: string, event: unknown, request?: unknown) => fakeElectron.ipcMain.invoke(channel, event, request) as Promise<Envelope<AppState>>;

  const clock = new FakeClock({ wallMs: Date.now() });
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    const input = new FakeInput();
    const started = await startShell({
      rendererIndex,
      preloadPath,
      dataDir,
      clock,
      platform: 'linux',
      env: { ...process.env, XDG_CONFIG_HOME: configHome },
      argv: ['electron', '.'],
      sensors: () => ({ input, window: new FakeWindow(), capturer: greyCapturer, report: () => [sensorRow], close: () => undefined }),
    });
    if (!started) throw new Error('the shell did not start');
    shell = started;
    window = fakeElectron.windows.at(-1)!;
    tray = fakeElectron.trays.at(-1)!;
  });
  afterAll(async () => {
    await shell?.quit();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one window with the secure webPreferences and the built page', () => {
    expect(window.options.webPreferences).toMatchObject({
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(window.loaded).toEqual([rendererIndex]);
    expect(window.visible).toBe(true);
  });

  it('run from source (not packaged), keeps the DevTools and Electron\'s default menu for the developer', () => {
    expect(fakeElectron.app.isPackaged).toBe(false);
    expect(window.options.webPreferences).toMatchObject({ devTools: true });
    expect(fakeElectron.menus.applicationMenu).toBeUndefined();
    window.webContents.emit('devtools-opened');
    expect(window.webContents.devToolsClosed).toBe(0);
  });

  it('refuses navigation, redirects, webviews and new windows in every web contents', () => {
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      window.webContents.emit(event, { preventDefault }, 'https://evil.example/');
      expect(preventDefault, event).toHaveBeenCalledOnce();
    }
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('sets a strict CSP on every answer and denies every permission', () => {
    const session = fakeElectron.session.defaultSession;
    let headers: Record<string, string[]> = {};
    session.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    const granted = vi.fn();
    session.permissionHandler?.({}, 'media', granted);
    expect(granted).toHaveBeenCalledWith(false);
    expect(session.permissionCheck?.()).toBe(false);
  });

  it('registers a handler for every invoke channel of the contract, and only those', () => {
    expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual(Object.keys(invokeChannels).sort());
  });

  it('answers the page that sent a valid request, with the state', async () => {
    const answer = await invoke('state:get', trusted(), {});
    expect(answer.ok).toBe(true);
    if (answer.ok) expect(answer.value.tracking.status).toBe('stopped');
  });

  it('refuses other senders and subframes with an error envelope, never a throw', async () => {
    const other = new fakeElectron.module.BrowserWindow({});
    const wrongSenders = [
      { sender: other.webContents, senderFrame: { url: pageUrl, parent: null } },
      { sender: window.webContents, senderFrame: { url: pageUrl, parent: {} } },
      { sender: window.webContents, senderFrame: { url: 'https://evil.example/', parent: null } },
      { sender: window.webContents, senderFrame: null },
      null,
      {},
    ];
    for (const event of wrongSenders) {
      const answer = await invoke('auth:sign-out', event, {});
      expect(answer).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNTRUSTED_SENDER' }) });
    }
  });

  it('answers bad payloads from the page with an error envelope and keeps working', async () => {
    for (const request of [undefined, null, 'x', 42, { memo: 7 }, { memo: 'm'.repeat(10_000) }, { memo: null, extra: 1 }]) {
      const answer = await invoke('tracking:set-memo', trusted(), request);
      expect(answer).toEqual({ ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) });
    }
    expect((await invoke('state:get', trusted(), {})).ok).toBe(true);
  });

  it('forwards state changes to the page', async () => {
    const before = window.webContents.sent.length;
    await invoke('settings:launch-at-login', trusted(), { enabled: true });
    const sent = window.webContents.sent.slice(before);
    expect(sent.map((m) => m.channel)).toContain('state:changed');
    // On Linux "Open at login" is an XDG autostart entry that starts the app in the tray.
    expect(readFileSync(join(configHome, 'autostart', 'worktrace.desktop'), 'utf8')).toMatch(/^Exec=.* --hidden$/m);
    expect(((await invoke('state:get', trusted(), {})) as { ok: true; value: AppState }).value.launchAtLogin).toBe(true);
  });

  it('sends sleep, lock and wake from powerMonitor into the service', () => {
    const suspend = vi.spyOn(shell.service, 'suspend');
    const resume = vi.spyOn(shell.service, 'resume');
    const power = fakeElectron.powerMonitor;
    power.emit('lock-screen');
    power.emit('suspend');
    power.emit('resume');
    expect(suspend).toHaveBeenCalledOnce();
    expect(resume).not.toHaveBeenCalled(); // woke to a locked screen: still paused
    power.emit('unlock-screen');
    expect(resume).toHaveBeenCalledOnce();
    power.emit('suspend');
    power.emit('resume');
    expect(suspend).toHaveBeenCalledTimes(2);
    expect(resume).toHaveBeenCalledTimes(2);
  });

  it('shows a paused tray with its menu; Open and a second instance bring the window back', () => {
    expect(tray.image).toMatchObject({ width: 16, height: 16 });
    expect(tray.tooltip).toMatch(/^Worktrace — not tracking/);
    expect(tray.item('start').enabled).toBe(false); // not signed in: nothing to start
    expect(tray.item('launch-at-login').checked).toBe(true);
    window.close();
    expect(shell.window()).toBeNull();
    tray.item('open').click?.({ checked: false });
    const reopened = shell.window() as unknown as FakeBrowserWindow;
    expect(reopened).not.toBe(window);
    expect(reopened.visible).toBe(true);
    reopened.visible = false;
    fakeElectron.app.emit('second-instance');
    expect(reopened.visible).toBe(true);
    window = reopened;
  });

  it('signs in through IPC; the tray starts and stops tracking and shows it in its icon', async () => {
    const signedIn = await invoke('auth:sign-in', trusted(), {
      serverUrl: server.url,
      email: DEMO_PASSWORDS.freelancer.email,
      password: DEMO_PASSWORDS.freelancer.password,
    });
    expect(signedIn.ok).toBe(true);
    await vi.waitFor(() => expect(tray.item('start').enabled).toBe(true));
    tray.item('start').click?.({ checked: false });
    await vi.waitFor(() => expect(tray.menu.some((i) => i.id === 'stop')).toBe(true));
    expect((tray.image as { bitmap: Buffer }).bitmap.equals(trayIconBitmap('tracking'))).toBe(true);
    expect(tray.tooltip).toMatch(/^Worktrace — tracking/);
    const state = await invoke('state:get', trusted(), {});
    expect(state.ok && state.value.tracking.contractId).toBe(server.contractId);
    expect(state.ok && state.value.sensors).toEqual([sensorRow]); // the app's state names each backend and why
    tray.item('stop').click?.({ checked: false });
    await vi.waitFor(() => expect(tray.menu.some((i) => i.id === 'start')).toBe(true));
    expect((tray.image as { bitmap: Buffer }).bitmap.equals(trayIconBitmap('paused'))).toBe(true);
  });

  it('keeps running with every window closed; Quit closes the agent and quits', async () => {
    fakeElectron.app.emit('window-all-closed');
    expect(fakeElectron.app.quitCalls).toBe(0);
    const close = vi.spyOn(shell.service, 'close');
    const preventDefault = vi.fn();
    fakeElectron.app.emit('before-quit', { preventDefault });
    expect(preventDefault).toHaveBeenCalledOnce(); // first close the agent (the current minute is written)
    await vi.waitFor(() => expect(fakeElectron.app.quitCalls).toBe(1));
    expect(close).toHaveBeenCalled();
    expect(tray.destroyed).toBe(true);
  });
});

describe('single instance', () => {
  it('quits at once when another instance holds the lock', async () => {
    fakeElectron.app.singleInstanceLock = false;
    const quits = fakeElectron.app.quitCalls;
    const windows = fakeElectron.windows.length;
    expect(await startShell({ rendererIndex: '/x/index.html', preloadPath: '/x/preload.cjs' })).toBeNull();
    expect(fakeElectron.app.quitCalls).toBe(quits + 1);
    expect(fakeElectron.windows.length).toBe(windows);
    fakeElectron.app.singleInstanceLock = true;
  });
});
