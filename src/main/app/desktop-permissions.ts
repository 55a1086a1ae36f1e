import type { DesktopNotice, DesktopPermissions, PermissionPane } from '../../shared/ipc/index.js';
import { AppError } from './errors.js';

/** Electron's systemPreferences.getMediaAccessStatus() answers. */
export type MediaAccessStatus = 'not-determined' | 'granted' | 'denied' | 'restricted' | 'unknown';

/**
 * What the OS says about the permissions Worktrace needs. The Electron shell implements it with systemPreferences,
 * process.env and shell.openExternal; tests hand in plain objects. Each call asks the OS again (no caching here):
 * the person may have changed the setting while the window was in the background.
 */
export interface PermissionProbe {
  readonly platform: NodeJS.Platform;
  /** macOS: systemPreferences.getMediaAccessStatus('screen'). Not called on other platforms. */
  screenRecording(): MediaAccessStatus;
  /** macOS: systemPreferences.isTrustedAccessibilityClient(false) (false: never pops up the OS prompt itself). */
  accessibilityTrusted(): boolean;
  /** Linux: XDG_SESSION_TYPE ('x11', 'wayland', 'tty', ...), or undefined when it is not set. */
  sessionType(): string | undefined;
  /** Opens an OS settings URL (shell.openExternal). Only the fixed URLs below are ever passed. */
  openExternal(url: string): Promise<void>;
}

/** The panes of System Settings > Privacy & Security, as fixed URLs: the page picks a pane, never a URL. */
export const MACOS_SETTINGS_URLS: Readonly<Record<PermissionPane, string>> = {
  'screen-recording': 'x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture',
  accessibility: 'x-apple.systempreferences:com.apple.preference.security?Privacy_Accessibility',
};

/** Nothing to tell: the headless agent, the test bridge, Windows. */
export const noPermissionNotices = (): DesktopPermissions => ({ notices: [] });

/**
 * The notices for what the OS withholds, most important first: macOS Screen Recording (without it screenshots come
 * back empty) and Accessibility (without it the input hook sees nothing); on Linux a Wayland session, where the X11
 * sensors cannot see other windows. Windows asks for nothing.
 */
export function permissionNotices(probe: PermissionProbe): DesktopPermissions {
  const notices: DesktopNotice[] = [];
  switch (probe.platform) {
    case 'darwin': {
      const screen = probe.screenRecording();
      if (screen !== 'granted') notices.push({ kind: 'screen-recording', status: screen });
      if (!probe.accessibilityTrusted()) notices.push({ kind: 'accessibility' });
      break;
    }
    case 'linux':
      if (probe.sessionType()?.toLowerCase() === 'wayland') notices.push({ kind: 'wayland-session' });
      break;
    default:
      break;
  }
  return { notices };
}

/** The AppService's view of the permissions: the last answer, asked again when the shell says so. */
export interface PermissionsPort {
  current(): DesktopPermissions;
  openSettings(pane: PermissionPane): Promise<void>;
}

/**
 * The desktop permissions part of AppState. refresh() asks the OS again (the shell calls it when the window gains
 * focus and on resume: the person comes back from System Settings) and says whether anything changed, so the shell
 * pushes a new state only then.
 */
export class DesktopPermissionsMonitor implements PermissionsPort {
  #current: DesktopPermissions;
  #signature: string;

  constructor(private readonly probe: PermissionProbe) {
    this.#current = this.#ask();
    this.#signature = JSON.stringify(this.#current);
  }

  current(): DesktopPermissions {
    return this.#current;
  }

  refresh(): boolean {
    const next = this.#ask();
    const signature = JSON.stringify(next);
    if (signature === this.#signature) return false;
    this.#current = next;
    this.#signature = signature;
    return true;
  }

  /** Opens the pane's fixed System Settings URL; on other systems there is no such pane, so it is refused. */
  async openSettings(pane: PermissionPane): Promise<void> {
    if (this.probe.platform !== 'darwin') {
      throw new AppError('NOT_AVAILABLE', 'This setting exists only on macOS.');
    }
    try {
      await this.probe.openExternal(MACOS_SETTINGS_URLS[pane]);
    } catch (error) {
      throw new AppError('NOT_AVAILABLE', 'System Settings did not open: open it yourself, then Privacy & Security.', { cause: error });
    }
  }

  /** An OS call that throws (an unexpected answer) counts as "cannot tell", never as a crash. */
  #ask(): DesktopPermissions {
    try {
      return permissionNotices(this.probe);
    } catch {
      return this.probe.platform === 'darwin' ? { notices: [{ kind: 'screen-recording', status: 'unknown' }] } : noPermissionNotices();
    }
  }
}

/** The 'permissions:open-settings' action: refused where there is no such pane (no shell, not macOS). */
export function openPermissionSettings(port: PermissionsPort | undefined, pane: PermissionPane): Promise<void> {
  if (!port) return Promise.reject(new AppError('NOT_AVAILABLE', 'This setting exists only in the desktop app on macOS.'));
  return port.openSettings(pane);
}
