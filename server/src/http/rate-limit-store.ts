import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../../../src/shared/clock.js';
import { FixedWindowCounter } from '../support/fixed-window.js';

/**
 * @fastify/rate-limit's in-memory store, on the server's Clock instead of Date.now() (see
 * FixedWindowCounter): a changed system clock cannot stretch or cut a lock-out by itself, and at most
 * `capacity` keys are kept, so an attacker cycling through emails cannot grow memory without bound.
 */
export function clockRateLimitStore(clock: Clock, capacity = 10_000): FastifyRateLimitStoreCtor {
  class ClockRateLimitStore implements FastifyRateLimitStore {
    readonly #counter = new FixedWindowCounter(clock, capacity);

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const { count, remainingMs } = this.#counter.hit(key, timeWindow);
      callback(null, { current: count, ttl: remainingMs });
    }

    child(): FastifyRateLimitStore {
      return new ClockRateLimitStore();
    }
  }
  return ClockRateLimitStore;
}
