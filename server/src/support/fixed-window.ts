import type { Clock } from '../../../src/shared/clock.js';
import { BoundedMap } from './bounded-map.js';

export interface Window {
  count: number;
  start: number;
}

/**
 * Counts one event at `now` in `window` (changed in place): a window ends after `windowMs`, and a clock that went
 * back before it began starts a new one. The rule FixedWindowCounter and the shared sign-in records (limit-records.ts)
 * both apply.
 */
export function hitWindow(window: Window, now: number, windowMs: number): { count: number; remainingMs: number } {
  if (now >= window.start + windowMs || now < window.start) {
    window.count = 0;
    window.start = now;
  }
  window.count += 1;
  return { count: window.count, remainingMs: window.start + windowMs - now };
}

/**
 * Events per key in fixed windows on the server's Clock: a window ends when the server's time says so
 * (which is what lets a test move time past it), and a clock that went back before a window began
 * starts a new one, so a changed system clock never stretches a refusal past one window. Memory is
 * bounded: at most `capacity` keys (BoundedMap; forgetting a key only ever gives it a fresh window).
 */
export class FixedWindowCounter {
  readonly #windows: BoundedMap<string, Window>;

  constructor(
    private readonly clock: Clock,
    capacity = 10_000,
  ) {
    this.#windows = new BoundedMap(capacity);
  }

  /** Counts one event for `key`: the count in its current window, this one included, and the ms until that window ends. */
  hit(key: string, windowMs: number): { count: number; remainingMs: number } {
    const now = this.clock.now();
    return hitWindow(this.#windows.use(key, () => ({ count: 0, start: now })), now, windowMs);
  }
}
