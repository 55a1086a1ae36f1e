import type { WindowIdentity } from '../../shared/privacy/index.js';

/**
 * Sensor ports. Each sensor is an interface with platform backends chosen at start; the tracker
 * only ever sees these shapes. A backend that cannot work reports `unavailable` with a reason a
 * person can act on, instead of throwing or crashing the agent.
 */
export type SensorState =
  | { readonly status: 'ok'; readonly backend: string; readonly detail?: string }
  | { readonly status: 'unavailable'; readonly backend: string; readonly reason: string };

/** Raw input events counted since the previous drain. */
export interface InputCounts {
  readonly keyboard: number;
  readonly clicks: number;
  readonly wheel: number;
  readonly moves: number;
}

export interface InputSensor {
  start(): Promise<void>;
  /** Counts since the previous call, then reset. Cheap: called once a second. */
  drain(): InputCounts;
  state(): SensorState;
  stop(): Promise<void>;
}

/** How long the whole system has gone without keyboard or mouse input, as the OS counts it. */
export interface SystemIdleTime {
  /** Milliseconds since the last input, or null when unknown now. */
  idleMs(): number | null;
  state(): SensorState;
}

export interface WindowSample {
  readonly app: string;
  readonly title: string;
  readonly pid?: number;
  /**
   * Every name the application goes by, for the private-window rules: WM_CLASS instance and class, the
   * executable's name, the name the OS shows. Absent: `app` alone.
   */
  readonly appNames?: readonly string[];
  /** Set by the privacy filter: the window is private, and `app` and `title` already say so instead of naming it. */
  readonly private?: true;
}

export interface ActiveWindowSensor {
  /** The focused window, or null when unknown (no window, a window that hides its owner, an error). */
  sample(): Promise<WindowSample | null>;
  state(): SensorState;
}

/**
 * A screen grab: already-encoded bytes of any size (PNG/JPEG) for the encoder to decode, raw pixels, or a
 * finished screenshot ('jpeg': downscaled, blurred when `blurred`, JPEG-encoded, no metadata) that the
 * encoder stores as it is when it matches what was asked.
 */
export type CapturedImage = (
  | { readonly kind: 'encoded'; readonly data: Buffer }
  | {
      readonly kind: 'jpeg';
      readonly data: Buffer;
      readonly width: number;
      readonly height: number;
      readonly blurred: boolean;
    }
  | {
      readonly kind: 'raw';
      readonly data: Buffer;
      readonly width: number;
      readonly height: number;
      readonly channels: 3 | 4;
    }
) & {
  /** Set by a capturer that painted private windows out (CaptureOptions.isPrivate): how many had pixels in the image. */
  readonly redactedWindows?: number;
};

/**
 * What the screenshot will become, for capturers that can encode it themselves (the native one). Others
 * ignore it and return pixels or PNG bytes for the encoder.
 */
export interface CaptureOptions {
  /** Blur so that text cannot be read (policy `blurred`). */
  readonly blur?: boolean;
  /** Largest output width in pixels (default 1280). */
  readonly maxWidth?: number;
  /** JPEG quality 1..100 (default 70). */
  readonly quality?: number;
  /**
   * Which windows are private: a capturer that `redactsWindows` paints each one out of the image before it exists
   * outside the capture. Others ignore it (their caller must not ask them to capture while a private window shows).
   */
  readonly isPrivate?: (window: WindowIdentity) => boolean;
}

export interface ScreenCapturer {
  capture(options?: CaptureOptions): Promise<CapturedImage>;
  state(): SensorState;
  /**
   * True when the capturer knows where every window is and paints private ones out (CaptureOptions.isPrivate). A
   * capturer without it (a library that hands back a picture of the screen) cannot keep a private window out.
   */
  readonly redactsWindows?: boolean;
}
