import type { Clock } from '../../../src/shared/clock.js';
import { BoundedMap } from '../support/bounded-map.js';

/** At most `max` failed sign-ins from one address within any `windowMs`. */
export interface FailureLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** One sign-in in progress: it holds a place until it is settled (the first call settles it; later ones do nothing). */
export interface SignInAttempt {
  /** The password check failed: the attempt counts against the address (or account). */
  failed(): void;
  /** The password was right. */
  succeeded(): void;
  /** The check could not run to its end: not the caller's failure; the place is given back. */
  release(): void;
}

export type AttemptOutcome = 'failed' | 'succeeded' | 'released';

/** An attempt whose first settling call runs `settle` with its outcome; any later call does nothing. */
export function attemptSettlingOnce(settle: (outcome: AttemptOutcome) => void): SignInAttempt {
  let settled = false;
  const once = (outcome: AttemptOutcome) => () => {
    if (settled) return;
    settled = true;
    settle(outcome);
  };
  return { failed: once('failed'), succeeded: once('succeeded'), release: once('released') };
}

export type AttemptAdmission =
  | { readonly admitted: true; readonly attempt: SignInAttempt }
  | { readonly admitted: false; readonly retryAfterMs: number };

interface AddressRecord {
  /** Times of the failures still inside the window, oldest first; never more than `max` kept. */
  failures: number[];
  /** Attempts admitted whose password check has not finished. */
  pending: number;
}

/**
 * Failed sign-ins per client address, across every email. The per address + email limit stops
 * guessing one account's password, but not password spraying: one address trying a common password
 * against many accounts, once each. This limit counts only failures (someone who signs in correctly
 * many times is not an attacker) and has a higher threshold, since one address can be an office.
 *
 * A sliding window on the server's Clock: an address is refused while `max` of its failures lie within
 * the last `windowMs`, until the oldest of them leaves the window.
 *
 *   failures:  x x x ... x (max)             refused ──────────────┐
 *              |<─────────── windowMs ──────────>|                  admitted again
 *              t0                               t0 + windowMs ──────┘
 *
 * An admitted attempt holds a place while its (slow, deliberately) password check runs, so a burst
 * of concurrent guesses cannot overshoot the limit. Memory is bounded: at most `capacity` addresses,
 * the least recently seen forgotten first.
 */
export class AddressFailureLimiter {
  readonly #records: BoundedMap<string, AddressRecord>;

  constructor(
    private readonly clock: Clock,
    private readonly limit: FailureLimit,
    capacity = 10_000,
  ) {
    this.#records = new BoundedMap(capacity);
  }

  /** Admits one sign-in attempt from `address`, or says how long the address must wait. */
  admit(address: string): AttemptAdmission {
    const now = this.clock.now();
    const record = this.#records.use(address, () => ({ failures: [], pending: 0 }));
    this.#forgetExpired(record, now);
    if (record.failures.length + record.pending >= this.limit.max) {
      // Full of failures: wait for the oldest counted one to leave the window. Full only because of
      // attempts in flight: they settle within a second or so, one way or the other.
      const oldestCounted = record.failures[record.failures.length - this.limit.max];
      return { admitted: false, retryAfterMs: oldestCounted === undefined ? 1000 : oldestCounted + this.limit.windowMs - now };
    }
    record.pending += 1;
    const attempt = attemptSettlingOnce((outcome) => {
      record.pending -= 1;
      // Successes do not count here: someone who signs in correctly many times is not spraying.
      if (outcome !== 'failed') return;
      record.failures.push(this.clock.now());
      if (record.failures.length > this.limit.max) record.failures.splice(0, record.failures.length - this.limit.max);
    });
    return { admitted: true, attempt };
  }

  /** Failures from `address` inside the window now (what a log line or a test may want to know). */
  failuresOf(address: string): number {
    const record = this.#records.peek(address);
    if (!record) return 0;
    this.#forgetExpired(record, this.clock.now());
    return record.failures.length;
  }

  #forgetExpired(record: AddressRecord, now: number): void {
    // A failure stamped after `now` means the clock went back: dropping it keeps a lock-out from
    // lasting longer than one window.
    record.failures = record.failures.filter((at) => at > now - this.limit.windowMs && at <= now);
  }
}
