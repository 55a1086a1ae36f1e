import type { Clock } from '../../../src/shared/clock.js';
import { memoryLimitRecords, type LimitRecords } from './limit-records.js';
import { attemptSettlingOnce, givePlaceBack, heldPlaces, type AttemptAdmission } from './rate-limit-failures.js';

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
  /** When each attempt admitted and not settled yet was admitted (its place; see PENDING_PLACE_MS). */
  pending: number[];
}

const KIND = 'account-backoff';
const fresh = (): AccountRecord => ({ failures: 0, lockedUntil: 0, pending: [] });

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
 * tries than a patient guesser. The records live in `records` (limit-records.ts): bounded memory for one server
 * (the least recently tried account forgotten first), the database for several.
 */
export class AccountBackoff {
  constructor(
    private readonly clock: Clock,
    private readonly policy: BackoffPolicy,
    private readonly records: LimitRecords = memoryLimitRecords(),
  ) {}

  /** Admits one sign-in attempt for `account` (an emailKey), or says how long the account must wait. */
  async admit(account: string): Promise<AttemptAdmission> {
    const now = this.clock.now();
    const admitted = await this.records.update(KIND, account, fresh, (record): AttemptAdmission | number => {
      // A lock-out beyond the longest wait means the clock went back: never wait longer than maxMs.
      record.lockedUntil = Math.min(record.lockedUntil, now + this.policy.maxMs);
      record.pending = heldPlaces(record.pending, now);
      if (now < record.lockedUntil) return { admitted: false, retryAfterMs: record.lockedUntil - now };
      const places = Math.max(1, this.policy.freeFailures - record.failures);
      if (record.pending.length >= places) return { admitted: false, retryAfterMs: 1000 }; // the attempts in flight settle within a second or so
      record.pending.push(now);
      return now;
    });
    if (typeof admitted !== 'number') return admitted;
    const attempt = attemptSettlingOnce((outcome) =>
      this.records.update(KIND, account, fresh, (record) => {
        givePlaceBack(record.pending, admitted);
        if (outcome === 'failed') {
          record.failures += 1;
          const past = record.failures - this.policy.freeFailures;
          if (past > 0) record.lockedUntil = this.clock.now() + Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(past - 1, 40));
        } else if (outcome === 'succeeded') {
          record.failures = 0;
          record.lockedUntil = 0;
        }
      }),
    );
    return { admitted: true, attempt };
  }

  /** Failed sign-ins in a row for `account` (what a test or a log line may want to know). */
  async failuresOf(account: string): Promise<number> {
    return (await this.records.peek<AccountRecord>(KIND, account))?.failures ?? 0;
  }
}

/** The account a sign-in names: the email in any letter case, around spaces. */
export const emailKey = (email: string): string => email.trim().toLowerCase();
