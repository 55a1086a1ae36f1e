import { NATIVE_BACKENDS, type NativeCore } from '../../native/core.js';
import { toNativeX11Error } from '../../native/errors.js';
import type { SensorState, SystemIdleTime } from '../types.js';

/** Milliseconds since the last keyboard or mouse input, from the X server itself (null: no extension, lost connection). */
export type IdleTimeReader = SystemIdleTime;

/**
 * Idle time from the system itself (the XScreenSaver extension: one round trip; on Windows
 * GetLastInputInfo): no input hook needed, and it sees input the agent's own counters may miss (e.g.
 * while the input sensor restarts).
 */
export class NativeIdleReader implements IdleTimeReader {
  private current: SensorState;
  private readonly backend: string;

  constructor(private readonly core: NativeCore) {
    const backend = NATIVE_BACKENDS[core.platform].idle;
    this.backend = backend;
    if (core.platform === 'win32') {
      this.current = { status: 'ok', backend, detail: 'GetLastInputInfo' };
    } else {
      this.current = core.session.info().screenSaver
        ? { status: 'ok', backend, detail: `XScreenSaver on ${core.display}` }
        : { status: 'unavailable', backend, reason: 'the X server has no MIT-SCREEN-SAVER extension' };
    }
  }

  idleMs(): number | null {
    if (this.current.status === 'unavailable') return null;
    try {
      return this.core.session.idleMs();
    } catch (error) {
      this.current = { status: 'unavailable', backend: this.backend, reason: toNativeX11Error(error).message };
      return null;
    }
  }

  state(): SensorState {
    return this.current;
  }
}
