import { openNativeCore } from '../../native/core.js';
import type { OpenOptions } from '../../native/x11.js';
import type { Logger } from '../logger.js';
import { NativeActiveWindowSensor } from './native-active-window-sensor.js';
import { NativeIdleReader } from './native-idle-reader.js';
import { NativeInputSensor } from './native-input-sensor.js';
import { NativeScreenCapturer, type NativeCaptureOptions } from './native-screen-capturer.js';

export { NativeActiveWindowSensor } from './native-active-window-sensor.js';
export { NativeIdleReader, type IdleTimeReader } from './native-idle-reader.js';
export { NativeInputSensor } from './native-input-sensor.js';
export { NativeScreenCapturer, type NativeCaptureOptions } from './native-screen-capturer.js';

export interface NativeSensors {
  readonly input: NativeInputSensor;
  readonly activeWindow: NativeActiveWindowSensor;
  readonly capturer: NativeScreenCapturer;
  readonly idle: NativeIdleReader;
  /** Closes the shared X connection, or the Windows session (stop the input sensor first). */
  close(): void;
}

export type NativeSensorsResult =
  | { readonly ok: true; readonly sensors: NativeSensors }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/**
 * The native backends of this platform (X11 over one X connection; the Windows addon on win32), for the
 * composition root: on { ok: false } it keeps
 * the npm backends and shows `reason` in `worktrace status`. The input sensor may still turn out
 * unavailable at start() (no RECORD extension): check its state() after starting it.
 */
export function createNativeSensors(
  options: OpenOptions & NativeCaptureOptions & { readonly logger?: Logger; readonly platform?: NodeJS.Platform } = {},
): NativeSensorsResult {
  const opened = openNativeCore(options);
  if (!opened.ok) return { ok: false, code: opened.error.code, reason: opened.error.message };
  const { core } = opened;
  const logger = options.logger;
  return {
    ok: true,
    sensors: {
      input: new NativeInputSensor(core, { logger }),
      activeWindow: new NativeActiveWindowSensor(core, { logger }),
      capturer: new NativeScreenCapturer(core, { channels: options.channels, area: options.area, output: options.output }),
      idle: new NativeIdleReader(core),
      close: () => core.session.close(),
    },
  };
}
