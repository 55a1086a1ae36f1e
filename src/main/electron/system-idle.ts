import type { PowerMonitor } from 'electron';
import type { SystemIdleTime } from '../sensors/index.js';

export const POWER_MONITOR_IDLE_BACKEND = 'electron-power-monitor';

/**
 * The system's idle time from Electron (macOS: the HID system's last event; Windows: GetLastInputInfo; Linux: the
 * X screensaver extension or the desktop's idle monitor), in whole seconds. The app uses it where the native core has
 * no idle time of its own (macOS, a Wayland session, a missing addon). Needs no permission: on macOS it works
 * without Accessibility, so idle is known there even when input cannot be counted.
 */
export function powerMonitorIdle(powerMonitor: Pick<PowerMonitor, 'getSystemIdleTime'>): SystemIdleTime {
  return {
    idleMs: () => {
      const seconds = powerMonitor.getSystemIdleTime();
      return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
    },
    state: () => ({ status: 'ok', backend: POWER_MONITOR_IDLE_BACKEND, detail: 'powerMonitor.getSystemIdleTime()' }),
  };
}
