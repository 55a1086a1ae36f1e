import type { Clock } from '../../../src/shared/clock.js';
import { tooManyRequests } from '../errors.js';
import type { LimitRecords } from '../http/limit-records.js';
import { hitWindow, type Window } from '../support/fixed-window.js';

export type UploadKind = 'segments' | 'screenshots';

/** At most `max` uploads of one kind per contract within a fixed window of `windowMs`. */
export interface UploadLimit {
  readonly max: number;
  readonly windowMs: number;
}

export type UploadLimitConfig = Readonly<Record<UploadKind, UploadLimit>>;

const KIND = 'upload-window';

/**
 * Uploads per contract, per kind: a runaway or hostile agent (or stolen token) cannot have the server
 * write and fsync without end for one contract, while a week of offline work still drains within
 * minutes. Counted after the caller was found to be the contract's freelancer, so nobody else can
 * spend a contract's budget. The answer is 429 RATE_LIMITED with Retry-After, which the agent retries
 * (nothing is lost). Fixed windows on the server's clock (hitWindow), counted in the same records as the
 * sign-in limits (limit-records.ts): in memory for one server on SQLite, in the database, one row per contract and
 * kind under its lock, when several instances share PostgreSQL, so that uploads spread over the instances behind a
 * load balancer meet one limit, not one per instance.
 */
export class ContractUploadLimits {
  constructor(
    private readonly clock: Clock,
    private readonly limits: UploadLimitConfig,
    private readonly records: LimitRecords,
  ) {}

  /** Counts one upload of `kind` to the contract; throws 429 once the contract used up its window. */
  async take(kind: UploadKind, contractId: string): Promise<void> {
    const limit = this.limits[kind];
    const now = this.clock.now();
    const { count, remainingMs } = await this.records.update(KIND, `${kind}:${contractId}`, (): Window => ({ count: 0, start: now }), (window) =>
      hitWindow(window, now, limit.windowMs),
    );
    if (count > limit.max) {
      throw tooManyRequests(remainingMs, `too many ${kind} uploads for this contract (${limit.max} per ${limit.windowMs / 1000} s): try again later`);
    }
  }
}
