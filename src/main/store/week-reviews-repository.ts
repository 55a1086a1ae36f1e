import type { Clock } from '../../shared/clock.js';
import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';

/** Whose cache it is: a week of a contract is read per account (server and user), never shown to another. */
export interface WeekCacheAccount {
  readonly server: string;
  readonly userId: string;
}

/** A week review as the server last answered it: its JSON (validated by the caller) and when it was fetched. */
export interface CachedWeekReview {
  readonly reviewJson: string;
  /** Epoch ms. */
  readonly fetchedAt: number;
}

interface ReviewRow {
  review: string;
  fetched_at: number;
}

/** The most weeks kept per contract and account: the oldest fetched go first (a person pages back a few weeks). */
export const MAX_CACHED_WEEKS = 104;

/**
 * The server's last answer for each week of a contract (the desktop app's Weeks view, shown offline). The JSON is
 * the server's after validation by the sync layer; readers validate it again. Bounded per contract and account.
 */
export class WeekReviewsRepository {
  private readonly byWeek: SqlStatement<[string, string, string, string], ReviewRow>;
  private readonly latestOfContract: SqlStatement<[string, string, string], ReviewRow>;
  private readonly upsert: SqlStatement<[string, string, string, string, string, number]>;
  private readonly prune: SqlStatement<[string, string, string, string, string, string, number]>;
  private readonly removeContract: SqlStatement<[string, string, string]>;
  private readonly removeAccount: SqlStatement<[string, string]>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.byWeek = db.prepare('SELECT review, fetched_at FROM week_reviews WHERE server = ? AND user_id = ? AND contract_id = ? AND week = ?');
    this.latestOfContract = db.prepare(
      'SELECT review, fetched_at FROM week_reviews WHERE server = ? AND user_id = ? AND contract_id = ? ORDER BY fetched_at DESC, week DESC LIMIT 1',
    );
    this.upsert = db.prepare(
      `INSERT INTO week_reviews (server, user_id, contract_id, week, review, fetched_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (server, user_id, contract_id, week) DO UPDATE SET review = excluded.review, fetched_at = excluded.fetched_at`,
    );
    this.prune = db.prepare(
      `DELETE FROM week_reviews WHERE server = ? AND user_id = ? AND contract_id = ? AND week NOT IN (
         SELECT week FROM week_reviews WHERE server = ? AND user_id = ? AND contract_id = ? ORDER BY fetched_at DESC, week DESC LIMIT ?)`,
    );
    this.removeContract = db.prepare('DELETE FROM week_reviews WHERE server = ? AND user_id = ? AND contract_id = ?');
    this.removeAccount = db.prepare('DELETE FROM week_reviews WHERE server = ? AND user_id = ?');
  }

  get(account: WeekCacheAccount, contractId: string, week: string): CachedWeekReview | null {
    return toCached(this.byWeek.get(account.server, account.userId, contractId, week));
  }

  /** The week of this contract fetched last (it tells the contract's time zone before anything is asked). */
  latest(account: WeekCacheAccount, contractId: string): CachedWeekReview | null {
    return toCached(this.latestOfContract.get(account.server, account.userId, contractId));
  }

  /**
   * Keeps the server's answer for a week (the table refuses text that is not JSON), then the newest weeks only.
   * Returns the moment stored as its fetch (epoch ms), so what is shown now and offline later say the same.
   */
  put(account: WeekCacheAccount, contractId: string, week: string, reviewJson: string): number {
    const { server, userId } = account;
    const fetchedAt = this.clock.now();
    this.db.transaction(() => {
      this.upsert.run(server, userId, contractId, week, reviewJson, fetchedAt);
      this.prune.run(server, userId, contractId, server, userId, contractId, MAX_CACHED_WEEKS);
    })();
    return fetchedAt;
  }

  /** The server no longer shows this contract to the account: what was cached of it goes. */
  forgetContract(account: WeekCacheAccount, contractId: string): void {
    this.removeContract.run(account.server, account.userId, contractId);
  }

  /** Signing out: the account's diary figures leave this computer with its sign-in. */
  forgetAccount(account: WeekCacheAccount): void {
    this.removeAccount.run(account.server, account.userId);
  }
}

function toCached(row: ReviewRow | undefined): CachedWeekReview | null {
  return row ? { reviewJson: row.review, fetchedAt: row.fetched_at } : null;
}
