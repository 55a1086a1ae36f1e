import { win32 } from 'node:path';
import { NATIVE_BACKENDS, type NativeCore } from '../../native/core.js';
import type { NativeWindowInfo } from '../../native/binding.js';
import { toNativeX11Error } from '../../native/errors.js';
import { x11AppNames } from '../app-names.js';
import { sensorLogger, type Logger } from '../logger.js';
import type { ActiveWindowSensor, SensorState, WindowSample } from '../types.js';

/**
 * The focused window, with no child process. X11: read from X properties on one connection:
 * _NET_ACTIVE_WINDOW, then _NET_WM_NAME (UTF-8) or WM_NAME, WM_CLASS and _NET_WM_PID when the window sets
 * it; `app` is the WM_CLASS class, as active-win reports it, so both backends merge alike. Windows:
 * GetForegroundWindow, GetWindowTextW and the process image; `app` is the image's name without ".exe".
 */
export class NativeActiveWindowSensor implements ActiveWindowSensor {
  private current: SensorState;
  private readonly log: Logger;
  private readonly backend: string;

  constructor(
    private readonly core: NativeCore,
    options: { readonly logger?: Logger } = {},
  ) {
    this.log = sensorLogger(options.logger, 'active-window');
    this.backend = NATIVE_BACKENDS[core.platform].window;
    const detail = core.platform === 'win32' ? 'GetForegroundWindow and the process image' : `X11 properties on ${core.display}`;
    this.current = { status: 'ok', backend: this.backend, detail };
  }

  async sample(): Promise<WindowSample | null> {
    if (this.current.status === 'unavailable') return null;
    try {
      const window = this.core.session.activeWindow();
      if (!window) return null;
      const app = appName(window);
      const appNames = appNamesOf(window, app);
      return window.pid === undefined ? { app, title: window.title, appNames } : { app, title: window.title, pid: window.pid, appNames };
    } catch (error) {
      const failure = toNativeX11Error(error);
      // A lost or closed connection does not come back; anything else is one unknown sample.
      if (failure.code === 'ERR_CONNECTION_LOST' || failure.code === 'ERR_CLOSED') {
        this.current = { status: 'unavailable', backend: this.backend, reason: failure.message };
      }
      this.log.warn({ code: failure.code }, 'active window unknown: %s', failure.message);
      return null;
    }
  }

  state(): SensorState {
    return this.current;
  }
}

/** Windows names the app by its image ("notepad" for C:\\Windows\\notepad.exe), X11 by WM_CLASS. */
function appName(window: NativeWindowInfo): string {
  if (window.processPath) return win32.basename(window.processPath).replace(/\.exe$/i, '');
  return window.className || window.instanceName || 'unknown';
}

/** Every name the private-window rules may match the application by: the image's file name too on Windows, WM_CLASS and the executable on X11. */
function appNamesOf(window: NativeWindowInfo, app: string): string[] {
  if (window.processPath) return [...new Set([app, win32.basename(window.processPath)])];
  return x11AppNames(window);
}
