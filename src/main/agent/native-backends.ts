import type { Logger } from '../log.js';
import type { NativeBackends } from '../sensors/index.js';

/** The native X11 backends, when the addon is built and loads here (the native issue). */
export function nativeBackends(_logger: Logger): { factories: NativeBackends; close(): void } {
  return { factories: {}, close: () => undefined };
}
