/**
 * Retry delay after `attempts` failures in a row: exponential from `baseMs`, capped at `capMs`, with jitter so
 * that a fleet of agents coming back after an outage does not hit the server in lockstep.
 *
 *   attempts:  0     1     2     3    ...   n
 *   ceiling:   1 s   2 s   4 s   8 s  ...   min(cap, base·2^n)
 *   delay:     uniformly in [ceiling/2, ceiling]  ("equal jitter": never zero, never above the cap)
 *
 * A server's Retry-After is honoured as a floor.
 */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 5 * 60_000 };

export function backoffDelay(attempts: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(0, attempts), 30));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/**
 * When a parked item is tried again on its own: after as long as it has been parked, at least an hour and at most
 * half a day, so the waits double while it keeps being refused and a fix on either side is picked up within hours.
 *
 *   parked for:  0 (just now)  1 h   2 h   4 h   8 h   16 h  ...
 *   next try in: 1 h           1 h   2 h   4 h   8 h   12 h  (then every 12 h), each ±10 %
 *
 * Signing in, starting, a change to the item and the person's Retry try it at once besides.
 */
export const PARKED_RETRY_MIN_MS = 3_600_000;
export const PARKED_RETRY_MAX_MS = 12 * 3_600_000;

export function parkedRetryDelay(parkedForMs: number, random: () => number): number {
  const base = Math.min(PARKED_RETRY_MAX_MS, Math.max(PARKED_RETRY_MIN_MS, parkedForMs));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0.5;
  return Math.round(base * (0.9 + 0.2 * unit));
}
