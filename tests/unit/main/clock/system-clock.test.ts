import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../../src/main/clock/system-clock.js';

describe('systemClock', () => {
  it('reads the wall clock in epoch ms and a monotonic clock that never goes back', () => {
    const before = Date.now();
    const wall = systemClock.now();
    expect(wall).toBeGreaterThanOrEqual(before);
    let last = systemClock.monotonic();
    for (let i = 0; i < 1000; i += 1) {
      const now = systemClock.monotonic();
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });

  it('runs timers that never keep the process alive, and clears both kinds', async () => {
    const fired = await new Promise<string>((resolve) => {
      const handle = systemClock.setTimeout(() => resolve('fired'), 5);
      expect((handle as unknown as NodeJS.Timeout).hasRef()).toBe(false);
    });
    expect(fired).toBe('fired');

    let intervalRuns = 0;
    const interval = systemClock.setInterval(() => (intervalRuns += 1), 1);
    expect((interval as unknown as NodeJS.Timeout).hasRef()).toBe(false);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (intervalRuns >= 3) {
          clearInterval(poll);
          resolve();
        }
      }, 1);
    });
    systemClock.clearTimer(interval);
    const runsAtClear = intervalRuns;
    let cancelledFired = false;
    systemClock.clearTimer(systemClock.setTimeout(() => (cancelledFired = true), 1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(intervalRuns).toBe(runsAtClear);
    expect(cancelledFired).toBe(false);
  });
});
