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
