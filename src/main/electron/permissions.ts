import type { Shell, SystemPreferences } from 'electron';
import type { MediaAccessStatus, PermissionProbe } from '../app/index.js';

/** The parts of Electron the probe asks: macOS permission states and opening System Settings. */
export interface PermissionElectron {
  readonly systemPreferences: Pick<SystemPreferences, 'getMediaAccessStatus' | 'isTrustedAccessibilityClient'>;
  readonly shell: Pick<Shell, 'openExternal'>;
}

const MEDIA_ACCESS: ReadonlySet<string> = new Set<MediaAccessStatus>(['not-determined', 'granted', 'denied', 'restricted', 'unknown']);

/**
 * The OS side of the desktop permissions, over Electron. isTrustedAccessibilityClient(false) only asks: with true it
 * would raise the OS prompt on every check (each window focus). The session type comes from the environment the app
 * was started in (a login session does not change type while it runs).
 */
export function electronPermissionProbe(electron: PermissionElectron, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): PermissionProbe {
  return {
    platform,
    screenRecording: () => {
      const status = electron.systemPreferences.getMediaAccessStatus('screen');
      return MEDIA_ACCESS.has(status) ? (status as MediaAccessStatus) : 'unknown';
    },
    accessibilityTrusted: () => electron.systemPreferences.isTrustedAccessibilityClient(false) === true,
    sessionType: () => env.XDG_SESSION_TYPE,
    openExternal: (url) => electron.shell.openExternal(url),
  };
}
