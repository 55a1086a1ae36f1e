import type { NativeBackends } from './create-sensors.js';
import type { NativeSensors, NativeSensorsResult } from './native/index.js';
import type { SystemIdleTime } from './types.js';

export interface LazyNativeBackends extends NativeBackends {
  /** The system's idle time from the native core (XScreenSaver, GetLastInputInfo); throws where the core is not there. */
  readonly idle: () => SystemIdleTime;
  /** Closes the native X connection if it was opened (stop the input sensor first). */
  close(): void;
}

/**
 * Adapts createNativeSensors() (one X connection shared by all native sensors) to the chooser's
 * per-sensor factories. The connection is opened by the first factory the chooser calls, so
 * `WORKTRACE_SENSORS=npm` never loads the addon; when it cannot open, each factory throws the
 * native reason and the chooser falls back to the npm backend, naming that reason.
 *
 *   createSensors(env, { native: lazyNativeBackends(() => createNativeSensors({ channels: 3 })) })
 */
export function lazyNativeBackends(open: () => NativeSensorsResult): LazyNativeBackends {
  let result: NativeSensorsResult | null = null;
  const sensors = (): NativeSensors => {
    result ??= open();
    if (!result.ok) throw new Error(result.reason);
    return result.sensors;
  };
  return {
    input: () => sensors().input,
    window: () => sensors().activeWindow,
    capturer: () => sensors().capturer,
    idle: () => sensors().idle,
    close: () => {
      if (result?.ok) result.sensors.close();
    },
  };
}
