import type { Clock, TimerHandle } from '../../../src/shared/clock.js';

/** The real clock, for production. Tests hand buildServer a fake one instead. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => {
    const t = setTimeout(callback, ms);
    t.unref(); // a pending purge or heartbeat must never keep the process alive on its own
    return t as unknown as TimerHandle;
  },
  setInterval: (callback, ms) => {
    const t = setInterval(callback, ms);
    t.unref();
    return t as unknown as TimerHandle;
  },
  clearTimer: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};
