import type { Migration } from './migration.js';

/**
 * Which account each server contract was recorded under. A record queued again after it was sent (the freelancer
 * deletes an old screenshot and its segment's time while someone else is signed in) goes back to its own account,
 * never to whoever happens to be signed in: a contract belongs to one account's work diary.
 */
export const migration004ContractAccounts: Migration = {
  version: 4,
  name: 'contract-accounts',
  up(db) {
    db.exec(`
      CREATE TABLE contract_accounts (
        contract_id TEXT    PRIMARY KEY,
        account_id  INTEGER NOT NULL REFERENCES accounts (id)
      ) STRICT, WITHOUT ROWID;

      -- What the queue already says: items adopted by an account name their contract's account.
      INSERT OR IGNORE INTO contract_accounts (contract_id, account_id)
        SELECT g.contract_id, o.account_id
          FROM outbox AS o
          JOIN segments AS g ON g.id = CASE o.kind WHEN 'segment' THEN o.item_id
                                                   ELSE (SELECT s.segment_id FROM screenshots AS s WHERE s.id = o.item_id) END
         WHERE o.account_id IS NOT NULL
         ORDER BY o.seq;
    `);
  },
};
