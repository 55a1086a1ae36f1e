import { openNativeX11, type OpenOptions } from '../../native/x11.js';
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
  /** Closes the shared X connection (stop the input sensor first). */
  close(): void;
}

export type NativeSensorsResult =
  | { readonly ok: true; readonly sensors: NativeSensors }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/**
 * The native backends over one X connection, for the composition root: on { ok: false } it keeps
 * the npm backends and shows `reason` in `worktrace status`. The input sensor may still turn out
 * unavailable at start() (no RECORD extension): check its state() after starting it.
 */
export function createNativeSensors(
  options: OpenOptions & NativeCaptureOptions & { readonly logger?: Logger } = {},
): NativeSensorsResult {
  const opened = openNativeX11(options);
  if (!opened.ok) return { ok: false, code: opened.error.code, reason: opened.error.message };
  const { x11 } = opened;
  const logger = options.logger;
  return {
    ok: true,
    sensors: {
      input: new NativeInputSensor(x11, { logger }),
      activeWindow: new NativeActiveWindowSensor(x11, { logger }),
      capturer: new NativeScreenCapturer(x11, { channels: options.channels, area: options.area, output: options.output }),
      idle: new NativeIdleReader(x11),
      close: () => x11.session.close(),
    },
  };
}
