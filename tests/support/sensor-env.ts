import { existsSync } from 'node:fs';
import type { SensorEnvironment } from '../../src/main/sensors/environment.js';
import type { InputCounts } from '../../src/main/sensors/types.js';

/** A Linux sensor environment over the given variables, with every helper command present. */
export function linuxSensorEnv(vars: NodeJS.ProcessEnv): SensorEnvironment {
  return { platform: 'linux', vars, hasCommand: () => true };
}

/** This process's environment with every hint of a graphical session removed. */
export function withoutDisplay(): NodeJS.ProcessEnv {
  const vars = { ...process.env };
  delete vars.DISPLAY;
  delete vars.WAYLAND_DISPLAY;
  delete vars.XDG_SESSION_TYPE;
  return vars;
}

/**
 * A display name no X server answers on. Callers search different ranges (`from` up or down to `to`) so that
 * test files running at the same time do not pick the same number.
 */
export function unusedDisplay(from: number, to: number): string {
  const step = from <= to ? 1 : -1;
  for (let n = from; n !== to; n += step) {
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return `:${n}`;
  }
  throw new Error('no unused display number');
}

/** Running totals of drained input counts. */
export function inputTotals(): { readonly total: InputCounts; add(counts: InputCounts): void } {
  const total = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
  return {
    total,
    add(c) {
      total.keyboard += c.keyboard;
      total.clicks += c.clicks;
      total.wheel += c.wheel;
      total.moves += c.moves;
    },
  };
}
