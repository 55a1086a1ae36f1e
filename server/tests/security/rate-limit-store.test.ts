import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { clockRateLimitStore } from '../../src/http/rate-limit-store.js';

/** The sign-in limiter's memory: bounded however many emails an attacker cycles through, and never a lock-out past one window. */
describe('clockRateLimitStore', () => {
  const count = (store: InstanceType<ReturnType<typeof clockRateLimitStore>>, key: string, window = 60_000) =>
    new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (e, r) => (e || !r ? reject(e) : resolve(r)), window, 3));

  it('keeps at most `capacity` keys, forgetting the least recently tried first', async () => {
    const clock = new FakeClock();
    const Store = clockRateLimitStore(clock, 3);
    const store = new Store({});
    for (const key of ['a', 'b', 'c']) await count(store, key);
    await count(store, 'a'); // a is now the most recent
    await count(store, 'd'); // evicts b
    expect((await count(store, 'a')).current).toBe(3);
    expect((await count(store, 'b')).current).toBe(1);
  });

  it('starts a new window when the clock went back before the current one began', async () => {
    const clock = new FakeClock();
    const store = new (clockRateLimitStore(clock))({});
    for (let i = 0; i < 5; i += 1) await count(store, 'k');
    clock.setWall(clock.now() - 3_600_000);
    expect(await count(store, 'k')).toEqual({ current: 1, ttl: 60_000 });
  });
});
