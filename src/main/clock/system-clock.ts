import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../../shared/clock.js';

/**
 * The real clock. Monotonic time is performance.now(): on Linux and macOS it stands still while the
 * machine sleeps, which is what lets the tracker tell sleep from work. Timers are unref'd: a tracker's
 * tick must never be what keeps the process alive (the CLI keeps itself alive while it tracks).
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  setInterval(callback, ms) {
    const timer = setInterval(callback, ms);
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  clearTimer(handle) {
    // clearTimeout clears both kinds of Node timers.
    clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
