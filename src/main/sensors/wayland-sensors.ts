import { EMPTY_COUNTS } from './input/worker-protocol.js';
import type { ActiveWindowSensor, InputCounts, InputSensor, SensorState, WindowSample } from './types.js';

export const WAYLAND_BACKEND = 'wayland';

/**
 * What a Wayland session does not tell an application, said as unavailable rather than guessed. Under XWayland the X11
 * backends would still answer, but only about X11 applications: the focused "window" would be the last X11 window
 * while the person types in a native Wayland one, and input to Wayland windows would not be counted. The desktop app
 * uses these in a Wayland session (its screenshots go through the portal); idle comes from the system's idle time.
 */
export class WaylandWindowSensor implements ActiveWindowSensor {
  sample(): Promise<WindowSample | null> {
    return Promise.resolve(null);
  }

  state(): SensorState {
    return { status: 'unavailable', backend: WAYLAND_BACKEND, reason: 'Wayland does not tell applications which window is active' };
  }
}

export class WaylandInputSensor implements InputSensor {
  start(): Promise<void> {
    return Promise.resolve();
  }

  drain(): InputCounts {
    return EMPTY_COUNTS;
  }

  state(): SensorState {
    return { status: 'unavailable', backend: WAYLAND_BACKEND, reason: 'Wayland does not let applications count keyboard and mouse input' };
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
