import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeElectron } from '../../../support/fake-electron.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);
const { launchAtLogin, startsHidden } = await import('../../../../src/main/electron/login-items.js');

const app = fakeElectron.app;

describe('"Open at login" and starting hidden on each OS', () => {
  const dirs: string[] = [];
  beforeEach(() => {
    app.isPackaged = true; // an installed app; the last test runs it unpackaged
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    app.loginItem = { openAtLogin: false, args: [] };
    app.isPackaged = false;
    app.wasOpenedAtLogin = false;
  });

  it('Windows: a login item started with --hidden, read back with the same arguments', () => {
    const login = launchAtLogin(app, 'win32', {}, 'C:\\Program Files\\Worktrace\\Worktrace.exe');
    login.set(true);
    expect(app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
    expect(login.get()).toBe(true);
    expect(app.getLoginItemSettings().openAtLogin).toBe(false); // asked without the arguments, Windows says no
    login.set(false);
    expect(login.get()).toBe(false);
    expect(startsHidden(app, ['Worktrace.exe', '--hidden'], 'win32')).toBe(true);
    expect(startsHidden(app, ['Worktrace.exe'], 'win32')).toBe(false);
  });

  it('macOS: a login item without arguments; opened by it, the app starts hidden', () => {
    const login = launchAtLogin(app, 'darwin', {}, '/Applications/Worktrace.app/Contents/MacOS/Worktrace');
    login.set(true);
    expect(app.loginItem).toEqual({ openAtLogin: true, args: [] });
    expect(login.get()).toBe(true);
    expect(startsHidden(app, ['Worktrace'], 'darwin')).toBe(false);
    app.wasOpenedAtLogin = true;
    expect(startsHidden(app, ['Worktrace'], 'darwin')).toBe(true);
  });

  it('Linux: an XDG autostart entry naming the AppImage (not its mount), started hidden', () => {
    const config = mkdtempSync(join(tmpdir(), 'wt-login-'));
    dirs.push(config);
    const login = launchAtLogin(app, 'linux', { XDG_CONFIG_HOME: config, APPIMAGE: '/home/ann/Apps/Worktrace.AppImage' }, '/tmp/.mount_Worktr/worktrace');
    login.set(true);
    const file = join(config, 'autostart', 'worktrace.desktop');
    expect(readFileSync(file, 'utf8')).toContain('Exec=/home/ann/Apps/Worktrace.AppImage --hidden\n');
    expect(login.get()).toBe(true);
    expect(app.loginItem.openAtLogin).toBe(false); // Electron's login items do nothing on Linux: not used
    login.set(false);
    expect(existsSync(file)).toBe(false);
  });

  it('unpackaged (electron .), the entry starts Electron with the app folder', () => {
    app.isPackaged = false;
    const login = launchAtLogin(app, 'win32', {}, 'electron.exe');
    login.set(true);
    expect(app.loginItem.args).toEqual(['/app', '--hidden']);
  });
});
