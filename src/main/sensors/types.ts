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

export interface WindowSample {
  readonly app: string;
  readonly title: string;
  readonly pid?: number;
}

export interface ActiveWindowSensor {
  /** The focused window, or null when unknown (no window, a window that hides its owner, an error). */
  sample(): Promise<WindowSample | null>;
  state(): SensorState;
}

/** A screen grab before encoding: either already-encoded bytes (PNG/JPEG) or raw pixels. */
export type CapturedImage =
  | { readonly kind: 'encoded'; readonly data: Buffer }
  | {
      readonly kind: 'raw';
      readonly data: Buffer;
      readonly width: number;
      readonly height: number;
      readonly channels: 3 | 4;
    };

export interface ScreenCapturer {
  capture(): Promise<CapturedImage>;
  state(): SensorState;
}
