import { XdgAutostart, type LoginSwitch } from '../config/xdg-autostart.js';

/** The parts of Electron's app used here. */
export interface LoginApp {
  readonly isPackaged: boolean;
  getAppPath(): string;
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin?: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/** What the app is started with at login: `--hidden` (tray only); unpackaged (`electron .`) the app's folder first. */
export function loginArgs(app: LoginApp): string[] {
  return app.isPackaged ? ['--hidden'] : [app.getAppPath(), '--hidden'];
}

/**
 * "Open at login" on each OS. Windows: a Run key holding the arguments (Electron reports the switch only when asked
 * with the same arguments). macOS: a login item (SMAppService), which passes no arguments: the app learns it was
 * opened at login from wasOpenedAtLogin. Linux: Electron has no login items there, so an XDG autostart entry; inside
 * an AppImage the entry names the AppImage ($APPIMAGE), not the executable in its temporary mount.
 */
export function launchAtLogin(app: LoginApp, platform: NodeJS.Platform, env: NodeJS.ProcessEnv, execPath: string): LoginSwitch {
  const args = loginArgs(app);
  if (platform === 'linux') return new XdgAutostart({ env, exec: env.APPIMAGE ?? execPath, args });
  return {
    get: () => app.getLoginItemSettings(platform === 'win32' ? { args } : undefined).openAtLogin,
    set: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, ...(platform === 'win32' ? { args } : {}) }),
  };
}

/** Whether this start should stay in the tray: started at login (`--hidden`, or macOS's login item). */
export function startsHidden(app: Pick<LoginApp, 'getLoginItemSettings'>, argv: readonly string[], platform: NodeJS.Platform): boolean {
  if (argv.includes('--hidden')) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
