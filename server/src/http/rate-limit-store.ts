import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../../../src/shared/clock.js';
import { BoundedMap } from '../support/bounded-map.js';

interface Bucket {
  count: number;
  windowStart: number;
}

/**
 * @fastify/rate-limit's in-memory store, on the server's Clock instead of Date.now(): a window ends
 * when the server's time says so (which is what lets a test move time past it), and a changed system
 * clock cannot stretch or cut a lock-out by itself. At most `capacity` keys are kept, oldest activity
 * evicted first, so an attacker cycling through emails cannot grow memory without bound.
 */
export function clockRateLimitStore(clock: Clock, capacity = 10_000): FastifyRateLimitStoreCtor {
  class ClockRateLimitStore implements FastifyRateLimitStore {
    readonly #buckets = new BoundedMap<string, Bucket>(capacity);

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = clock.now();
      const bucket = this.#buckets.use(key, () => ({ count: 0, windowStart: now }));
      // A window also ends if the clock went back before its start: never a lock-out longer than one window.
      if (now >= bucket.windowStart + timeWindow || now < bucket.windowStart) {
        bucket.count = 0;
        bucket.windowStart = now;
      }
      bucket.count += 1;
      callback(null, { current: bucket.count, ttl: bucket.windowStart + timeWindow - now });
    }

    child(): FastifyRateLimitStore {
      return new ClockRateLimitStore();
    }
  }
  return ClockRateLimitStore;
}
