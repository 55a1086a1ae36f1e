import type { Clock } from '../../../src/shared/clock.js';
import { memoryLimitRecords, type LimitRecords } from './limit-records.js';

/** At most `max` failed sign-ins from one address within any `windowMs`. */
export interface FailureLimit {
  readonly max: number;
  readonly windowMs: number;
}

/** One sign-in in progress: it holds a place until it is settled (the first call settles it; later ones do nothing). */
export interface SignInAttempt {
  /** The password check failed: the attempt counts against the address (or account). */
  failed(): Promise<void>;
  /** The password was right. */
  succeeded(): Promise<void>;
  /** The check could not run to its end: not the caller's failure; the place is given back. */
  release(): Promise<void>;
}

export type AttemptOutcome = 'failed' | 'succeeded' | 'released';

/** An attempt whose first settling call runs `settle` with its outcome; any later call does nothing. */
export function attemptSettlingOnce(settle: (outcome: AttemptOutcome) => Promise<void>): SignInAttempt {
  let settled = false;
  const once = (outcome: AttemptOutcome) => async () => {
    if (settled) return;
    settled = true;
    await settle(outcome);
  };
  return { failed: once('failed'), succeeded: once('succeeded'), release: once('released') };
}

/**
 * An admitted attempt's place is the time it was admitted. A place older than this is taken to be lost (the
 * instance that held it stopped before settling it: a password check never takes a minute), so a crash cannot keep
 * an address or an account refused.
 */
export const PENDING_PLACE_MS = 60_000;

/** The places still held at `now`, dropping lost ones (and ones from a clock that went back). */
export function heldPlaces(pending: readonly number[], now: number): number[] {
  return pending.filter((at) => at > now - PENDING_PLACE_MS && at <= now);
}

/** Gives back the place taken at `admittedAt` (one of them, when several were taken in the same millisecond). */
export function givePlaceBack(pending: number[], admittedAt: number): void {
  const index = pending.indexOf(admittedAt);
  if (index >= 0) pending.splice(index, 1);
}

export type AttemptAdmission =
  | { readonly admitted: true; readonly attempt: SignInAttempt }
  | { readonly admitted: false; readonly retryAfterMs: number };

interface AddressRecord {
  /** Times of the failures still inside the window, oldest first; never more than `max` kept. */
  failures: number[];
  /** When each attempt admitted and not settled yet was admitted (its place; see PENDING_PLACE_MS). */
  pending: number[];
}

const KIND = 'address-failures';

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
 * of concurrent guesses cannot overshoot the limit. The records live in `records` (limit-records.ts): bounded
 * memory for one server, the database for several.
 */
export class AddressFailureLimiter {
  constructor(
    private readonly clock: Clock,
    private readonly limit: FailureLimit,
    private readonly records: LimitRecords = memoryLimitRecords(),
  ) {}

  /** Admits one sign-in attempt from `address`, or says how long the address must wait. */
  async admit(address: string): Promise<AttemptAdmission> {
    const now = this.clock.now();
    const admitted = await this.records.update(KIND, address, fresh, (record): AttemptAdmission | number => {
      this.#forgetExpired(record, now);
      if (record.failures.length + record.pending.length >= this.limit.max) {
        // Full of failures: wait for the oldest counted one to leave the window. Full only because of
        // attempts in flight: they settle within a second or so, one way or the other.
        const oldestCounted = record.failures[record.failures.length - this.limit.max];
        return { admitted: false, retryAfterMs: oldestCounted === undefined ? 1000 : oldestCounted + this.limit.windowMs - now };
      }
      record.pending.push(now);
      return now;
    });
    if (typeof admitted !== 'number') return admitted;
    const attempt = attemptSettlingOnce((outcome) =>
      this.records.update(KIND, address, fresh, (record) => {
        givePlaceBack(record.pending, admitted);
        // Successes do not count here: someone who signs in correctly many times is not spraying.
        if (outcome !== 'failed') return;
        record.failures.push(this.clock.now());
        if (record.failures.length > this.limit.max) record.failures.splice(0, record.failures.length - this.limit.max);
      }),
    );
    return { admitted: true, attempt };
  }

  /** Failures from `address` inside the window now (what a log line or a test may want to know). */
  async failuresOf(address: string): Promise<number> {
    const record = await this.records.peek<AddressRecord>(KIND, address);
    if (!record) return 0;
    this.#forgetExpired(record, this.clock.now());
    return record.failures.length;
  }

  #forgetExpired(record: AddressRecord, now: number): void {
    // A failure stamped after `now` means the clock went back: dropping it keeps a lock-out from
    // lasting longer than one window.
    record.failures = record.failures.filter((at) => at > now - this.limit.windowMs && at <= now);
    record.pending = heldPlaces(record.pending, now);
  }
}

const fresh = (): AddressRecord => ({ failures: [], pending: [] });
