import type { Clock } from '../../../src/shared/clock.js';
import type { ServerConfig } from '../config.js';
import type { LimitRecords } from './limit-records.js';
import { AddressFailureLimiter, type SignInAttempt } from './rate-limit-failures.js';
import { AccountBackoff, emailKey } from './sign-in-backoff.js';

export type SignInAdmission =
  | { readonly admitted: true; readonly attempt: SignInAttempt }
  | { readonly admitted: false; readonly retryAfterMs: number; readonly limit: 'address' | 'account' };

/**
 * The sign-in limits that count failures, checked before the password (so a correct password does not get through
 * a lock-out, and a refused caller learns nothing about it): failures per client address across every email
 * (password spraying), then failures in a row per account from any address (one account guessed from many). The
 * per address + email limit on every attempt is @fastify/rate-limit's, before both.
 */
export class SignInLimits {
  readonly #addresses: AddressFailureLimiter;
  readonly #accounts: AccountBackoff;

  constructor(clock: Clock, config: Pick<ServerConfig, 'addressLoginFailureLimit' | 'accountLoginBackoff'>, records: LimitRecords) {
    this.#addresses = new AddressFailureLimiter(clock, config.addressLoginFailureLimit, records);
    this.#accounts = new AccountBackoff(clock, config.accountLoginBackoff, records);
  }

  /** `address` is a clientKey, `email` as the caller sent it. */
  async admit(address: string, email: string): Promise<SignInAdmission> {
    const byAddress = await this.#addresses.admit(address);
    if (!byAddress.admitted) return { admitted: false, retryAfterMs: byAddress.retryAfterMs, limit: 'address' };
    let byAccount;
    try {
      byAccount = await this.#accounts.admit(emailKey(email));
    } catch (error) {
      await byAddress.attempt.release();
      throw error;
    }
    if (!byAccount.admitted) {
      await byAddress.attempt.release();
      return { admitted: false, retryAfterMs: byAccount.retryAfterMs, limit: 'account' };
    }
    const both = [byAddress.attempt, byAccount.attempt];
    return {
      admitted: true,
      attempt: {
        failed: async () => void (await Promise.all(both.map((a) => a.failed()))),
        succeeded: async () => void (await Promise.all(both.map((a) => a.succeeded()))),
        release: async () => void (await Promise.all(both.map((a) => a.release()))),
      },
    };
  }

  /**
   * The address limit alone, for a way in that names no account (an invitation token): its failures count against
   * the address, never against someone's account.
   */
  async admitAddress(address: string): Promise<SignInAdmission> {
    const byAddress = await this.#addresses.admit(address);
    return byAddress.admitted ? byAddress : { admitted: false, retryAfterMs: byAddress.retryAfterMs, limit: 'address' };
  }

  /** Failures from `address` inside its window now. */
  addressFailures(address: string): Promise<number> {
    return this.#addresses.failuresOf(address);
  }
}
