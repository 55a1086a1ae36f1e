import type { Logger } from '../log.js';
import { lazyNativeBackends } from '../sensors/native-backends.js';
import type { NativeBackends, SystemIdleTime } from '../sensors/index.js';
import { createNativeSensors } from '../sensors/native/index.js';

/**
 * The native X11 backends (native/): input counting (XRecord on the addon's own thread; JS only reads counters),
 * the active window and the screen capture (one composite image of all monitors, downscaled, blurred when asked
 * and JPEG-encoded inside the addon off the JS thread, so the agent never loads sharp: ~65 MB resident instead of
 * ~117 MB after a few screenshots). Where the addon is not built or cannot open the display, each factory throws
 * its reason and the chooser falls back to the npm library, naming why in `worktrace status`; native input that cannot start (no RECORD) falls back to uiohook-napi.
 * Every X call of the input recorder runs off the JS thread, so a stuck X server cannot stall the tracker.
 * The connection opens lazily, so WORKTRACE_SENSORS=npm never loads the addon.
 */
export function nativeBackends(logger: Logger): { factories: NativeBackends; idle(): SystemIdleTime | null; close(): void } {
  const native = lazyNativeBackends(() => createNativeSensors({ channels: 3, area: 'all', output: 'jpeg', logger }));
  return {
    factories: { input: native.input, window: native.window, capturer: native.capturer },
    /** The core's idle time when it opened and can tell (the XScreenSaver extension, GetLastInputInfo), else null. */
    idle: () => {
      try {
        const reader = native.idle();
        return reader.state().status === 'ok' ? reader : null;
      } catch {
        return null;
      }
    },
    close: () => native.close(),
  };
}
