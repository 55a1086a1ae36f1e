import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../../../src/shared/clock.js';
import { hitWindow, type Window } from '../support/fixed-window.js';
import { memoryLimitRecords, type LimitRecords } from './limit-records.js';

const KIND = 'attempts-window';

/**
 * @fastify/rate-limit's store, on the server's Clock instead of Date.now() (fixed windows: hitWindow): a changed
 * system clock cannot stretch or cut a lock-out by itself. The counts live in `records` (limit-records.ts): bounded memory for one server (at most
 * `capacity` keys, oldest activity evicted first, so an attacker cycling through emails cannot grow memory), the
 * database when several instances share PostgreSQL.
 */
export function clockRateLimitStore(clock: Clock, capacityOrRecords: number | LimitRecords = 10_000): FastifyRateLimitStoreCtor {
  const records = typeof capacityOrRecords === 'number' ? memoryLimitRecords(capacityOrRecords) : capacityOrRecords;
  class ClockRateLimitStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      const now = clock.now();
      records
        .update(KIND, key, (): Window => ({ count: 0, start: now }), (window) => hitWindow(window, now, timeWindow))
        .then(
          ({ count, remainingMs }) => callback(null, { current: count, ttl: remainingMs }),
          (error: unknown) => callback(error as Error),
        );
    }

    child(): FastifyRateLimitStore {
      return new ClockRateLimitStore();
    }
  }
  return ClockRateLimitStore;
}
