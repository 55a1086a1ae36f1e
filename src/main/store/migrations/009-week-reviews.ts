import type { Migration } from './migration.js';

/**
 * The desktop app's Weeks view (issue 14, the freelancer's side): the server's last answer for each week of a
 * contract, per account, so the view is not empty offline. The server's JSON is kept as received after validation;
 * readers validate it again and treat what they cannot parse as nothing cached. Never uploaded (nothing queues it).
 */
export const migration009WeekReviews: Migration = {
  version: 9,
  name: 'week-reviews',
  up(db) {
    db.exec(`
      CREATE TABLE week_reviews (
        server      TEXT    NOT NULL,
        user_id     TEXT    NOT NULL,
        contract_id TEXT    NOT NULL,
        week        TEXT    NOT NULL,                      -- the Monday, YYYY-MM-DD, in the contract's zone
        review      TEXT    NOT NULL CHECK (json_valid(review)),
        fetched_at  INTEGER NOT NULL,                      -- epoch ms
        PRIMARY KEY (server, user_id, contract_id, week)
      ) STRICT;
    `);
  },
};
