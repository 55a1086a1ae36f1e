import { toNativeX11Error } from '../../native/errors.js';
import type { NativeX11 } from '../../native/x11.js';
import type { SensorState } from '../types.js';

const BACKEND = 'native-xscreensaver';

/** Milliseconds since the last keyboard or mouse input, from the X server itself. */
export interface IdleTimeReader {
  /** null when unknown (no MIT-SCREEN-SAVER extension, lost connection). */
  idleMs(): number | null;
  state(): SensorState;
}

/**
 * Idle time from the XScreenSaver extension: one round trip, no input hook needed, and it sees
 * input the agent's own counters may miss (e.g. while the input sensor restarts).
 */
export class NativeIdleReader implements IdleTimeReader {
  private current: SensorState;

  constructor(private readonly x11: NativeX11) {
    this.current = x11.session.info().screenSaver
      ? { status: 'ok', backend: BACKEND, detail: `XScreenSaver on ${x11.display}` }
      : { status: 'unavailable', backend: BACKEND, reason: 'the X server has no MIT-SCREEN-SAVER extension' };
  }

  idleMs(): number | null {
    if (this.current.status === 'unavailable') return null;
    try {
      return this.x11.session.idleMs();
    } catch (error) {
      this.current = { status: 'unavailable', backend: BACKEND, reason: toNativeX11Error(error).message };
      return null;
    }
  }

  state(): SensorState {
    return this.current;
  }
}
