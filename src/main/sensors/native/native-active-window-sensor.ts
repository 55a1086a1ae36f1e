import { toNativeX11Error } from '../../native/errors.js';
import type { NativeX11 } from '../../native/x11.js';
import { sensorLogger, type Logger } from '../logger.js';
import type { ActiveWindowSensor, SensorState, WindowSample } from '../types.js';

const BACKEND = 'native-x11';

/**
 * The focused window read from X properties on one connection: _NET_ACTIVE_WINDOW, then
 * _NET_WM_NAME (UTF-8) or WM_NAME, WM_CLASS and _NET_WM_PID when the window sets it. No child
 * process. `app` is the WM_CLASS class, as active-win reports it, so both backends merge alike.
 */
export class NativeActiveWindowSensor implements ActiveWindowSensor {
  private current: SensorState;
  private readonly log: Logger;

  constructor(
    private readonly x11: NativeX11,
    options: { readonly logger?: Logger } = {},
  ) {
    this.log = sensorLogger(options.logger, 'active-window');
    this.current = { status: 'ok', backend: BACKEND, detail: `X11 properties on ${x11.display}` };
  }

  async sample(): Promise<WindowSample | null> {
    if (this.current.status === 'unavailable') return null;
    try {
      const window = this.x11.session.activeWindow();
      if (!window) return null;
      const app = window.className || window.instanceName || 'unknown';
      return window.pid === undefined ? { app, title: window.title } : { app, title: window.title, pid: window.pid };
    } catch (error) {
      const failure = toNativeX11Error(error);
      // A lost or closed connection does not come back; anything else is one unknown sample.
      if (failure.code === 'ERR_CONNECTION_LOST' || failure.code === 'ERR_CLOSED') {
        this.current = { status: 'unavailable', backend: BACKEND, reason: failure.message };
      }
      this.log.warn({ code: failure.code }, 'active window unknown: %s', failure.message);
      return null;
    }
  }

  state(): SensorState {
    return this.current;
  }
}
