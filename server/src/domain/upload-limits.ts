import type { Clock } from '../../../src/shared/clock.js';
import { tooManyRequests } from '../errors.js';
import { FixedWindowCounter } from '../support/fixed-window.js';

export type UploadKind = 'segments' | 'screenshots';

/** At most `max` uploads of one kind per contract within a fixed window of `windowMs`. */
export interface UploadLimit {
  readonly max: number;
  readonly windowMs: number;
}

export type UploadLimitConfig = Readonly<Record<UploadKind, UploadLimit>>;

/**
 * Uploads per contract, per kind: a runaway or hostile agent (or stolen token) cannot have the server
 * write and fsync without end for one contract, while a week of offline work still drains within
 * minutes. Counted after the caller was found to be the contract's freelancer, so nobody else can
 * spend a contract's budget. The answer is 429 RATE_LIMITED with Retry-After, which the agent retries
 * (nothing is lost). Per server process, in memory, on the server's clock; bounded in memory.
 */
export class ContractUploadLimits {
  readonly #counter: FixedWindowCounter;

  constructor(
    clock: Clock,
    private readonly limits: UploadLimitConfig,
    capacity?: number,
  ) {
    this.#counter = new FixedWindowCounter(clock, capacity);
  }

  /** Counts one upload of `kind` to the contract; throws 429 once the contract used up its window. */
  take(kind: UploadKind, contractId: string): void {
    const limit = this.limits[kind];
    const { count, remainingMs } = this.#counter.hit(`${kind}:${contractId}`, limit.windowMs);
    if (count > limit.max) {
      throw tooManyRequests(remainingMs, `too many ${kind} uploads for this contract (${limit.max} per ${limit.windowMs / 1000} s): try again later`);
    }
  }
}
