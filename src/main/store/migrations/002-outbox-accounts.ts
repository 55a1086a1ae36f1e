import type { Migration } from './migration.js';

/**
 * Each queued item belongs to the account it was recorded under (server address + user id), so signing in as
 * someone else never sends one account's work with another account's token (the server would answer 403/404 and
 * the items would be parked). Items queued before this version have no account yet: the first account that signs
 * in on this machine adopts them (it is the one that recorded them; OutboxRepository.useAccount does that).
 */
export const migration002OutboxAccounts: Migration = {
  version: 2,
  name: 'outbox-accounts',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id      INTEGER PRIMARY KEY,
        server  TEXT    NOT NULL,                        -- normalised server address (checkServerUrl)
        user_id TEXT    NOT NULL,                        -- the server's id of the user
        email   TEXT    NOT NULL,                        -- shown to the person; refreshed at each sign-in
        UNIQUE (server, user_id)
      ) STRICT;

      ALTER TABLE outbox ADD COLUMN account_id INTEGER REFERENCES accounts (id); -- null: not yet adopted
      CREATE INDEX outbox_by_account ON outbox (account_id, seq);
    `);
  },
};
