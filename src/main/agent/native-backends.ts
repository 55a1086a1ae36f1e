import type { Logger } from '../log.js';
import { lazyNativeBackends } from '../sensors/native-backends.js';
import type { NativeBackends } from '../sensors/index.js';
import { createNativeSensors } from '../sensors/native/index.js';

/**
 * The native X11 backends (native/) for the sensors where they are proven: the active window and the screen
 * capture (one composite image of all monitors, RGB). Where the addon is not built or cannot open the display,
 * each factory throws its reason and the chooser falls back to the npm library, naming why in `worktrace status`.
 *
 * Input stays on uiohook-napi in its child process for now: the native XRecord input sensor was seen to hang
 * start()/stop() on the main thread after another RECORD client used the display, and a hung tracker loses time.
 * The connection opens lazily, so WORKTRACE_SENSORS=npm never loads the addon.
 */
export function nativeBackends(logger: Logger): { factories: NativeBackends; close(): void } {
  const native = lazyNativeBackends(() => createNativeSensors({ channels: 3, area: 'all', logger }));
  return {
    factories: { window: native.window, capturer: native.capturer },
    close: () => native.close(),
  };
}
