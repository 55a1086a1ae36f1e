import type { Clock } from '../../../src/shared/clock.js';
import { BoundedMap } from '../support/bounded-map.js';
import { attemptSettlingOnce, type AttemptAdmission } from './rate-limit-failures.js';

/** After `freeFailures` failed sign-ins in a row, each further failure makes the account wait longer. */
export interface BackoffPolicy {
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each one after. */
  readonly baseMs: number;
  readonly maxMs: number;
}

interface AccountRecord {
  /** Failed sign-ins in a row (a success resets it). */
  failures: number;
  /** No attempt is admitted before this time (server clock). */
  lockedUntil: number;
  /** Attempts admitted whose password check has not finished. */
  pending: number;
}

/**
 * Failed sign-ins per account, whoever sends them and from wherever: the per-address limits do not stop one
 * account's password being guessed from many addresses. The account is the email as typed (any letter case), known
 * or not, so the answers are the same for an email that has no account: no "this email exists" oracle.
 *
 *   failures in a row:  1 .. free | free+1  free+2  free+3  ...  | a success
 *   wait before next:   none      | base    2·base  4·base  ... max | none, count reset
 *
 * On the server's Clock. An admitted attempt holds a place while its password check runs: within the free failures
 * at most as many run at once as are left, past them one at a time, so a burst of parallel guesses gets no more
 * tries than a patient guesser. At most `capacity` accounts are remembered, the least recently tried forgotten first.
 */
export class AccountBackoff {
  readonly #records: BoundedMap<string, AccountRecord>;

  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy,
    capacity = 10_000,
  ) {
    this.#records = new BoundedMap(capacity);
  }

  /** Admits one sign-in attempt for `account` (an emailKey), or says how long the account must wait. */
  admit(account: string): AttemptAdmission {
    const now = this.clock.now();
    const record = this.#records.use(account, () => ({ failures: 0, lockedUntil: 0, pending: 0 }));
    // A lock-out beyond the longest wait means the clock went back: never wait longer than maxMs.
    record.lockedUntil = Math.min(record.lockedUntil, now + this.policy.maxMs);
    if (now < record.lockedUntil) return { admitted: false, retryAfterMs: record.lockedUntil - now };
    const places = Math.max(1, this.policy.freeFailures - record.failures);
    if (record.pending >= places) return { admitted: false, retryAfterMs: 1000 }; // the attempts in flight settle within a second or so
    record.pending += 1;
    const attempt = attemptSettlingOnce((outcome) => {
      record.pending -= 1;
      if (outcome === 'failed') {
        record.failures += 1;
        const past = record.failures - this.policy.freeFailures;
        if (past > 0) record.lockedUntil = this.clock.now() + Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(past - 1, 40));
      } else if (outcome === 'succeeded') {
        record.failures = 0;
        record.lockedUntil = 0;
      }
    });
    return { admitted: true, attempt };
  }

  /** Failed sign-ins in a row for `account` (what a test or a log line may want to know). */
  failuresOf(account: string): number {
    return this.#records.peek(account)?.failures ?? 0;
  }
}

/** The account a sign-in names: the email in any letter case, around spaces. */
export const emailKey = (email: string): string => email.trim().toLowerCase();
