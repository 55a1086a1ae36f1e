import type { Migration } from '../../sql.js';

/**
 * Version 5 on SQLite: accounts, invitations and a contract's life.
 * - Roles leave the accounts (a person is the client of one contract and the freelancer of another); accounts get a
 *   name (existing ones: the part of their email before the @) and can be disabled.
 * - A contract may have no freelancer yet (invited), and carries the client's terms. SQLite cannot drop a NOT NULL,
 *   so the table is rebuilt, with foreign keys off so that dropping the old one deletes nothing that points at it.
 * - Every state a contract goes through is kept with who and when; existing contracts were running: active since
 *   they were made, changed by nobody (the server).
 */
export const contractLifecycle: Migration = {
  version: 5,
  name: 'contract-lifecycle',
  rebuildsTables: true,
  sql: `
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE users SET name = substr(email, 1, instr(email, '@') - 1);
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
CREATE TABLE contracts_v5 (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES users(id),
  freelancer_id TEXT REFERENCES users(id),
  segment_seconds INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  hourly_rate_cents INTEGER CHECK (hourly_rate_cents IS NULL OR hourly_rate_cents >= 0),
  currency TEXT CHECK ((currency IS NULL) = (hourly_rate_cents IS NULL)),
  weekly_limit_hours INTEGER CHECK (weekly_limit_hours IS NULL OR weekly_limit_hours BETWEEN 1 AND 168),
  time_zone TEXT NOT NULL DEFAULT 'UTC',
  keep_screenshots_after_end_days INTEGER NOT NULL DEFAULT 30 CHECK (keep_screenshots_after_end_days >= 0)
);
INSERT INTO contracts_v5 (id, name, client_id, freelancer_id, segment_seconds, created_at)
  SELECT id, name, client_id, freelancer_id, segment_seconds, created_at FROM contracts;
DROP TABLE contracts;
ALTER TABLE contracts_v5 RENAME TO contracts;
CREATE INDEX contracts_client ON contracts (client_id);
CREATE INDEX contracts_freelancer ON contracts (freelancer_id);
CREATE TABLE contract_states (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  state TEXT NOT NULL CHECK (state IN ('invited', 'active', 'paused', 'ended')),
  at INTEGER NOT NULL,
  by_side TEXT CHECK (by_side IN ('client', 'freelancer')),
  by_user_id TEXT REFERENCES users(id),
  PRIMARY KEY (contract_id, seq)
);
INSERT INTO contract_states (contract_id, seq, state, at, by_side, by_user_id)
  SELECT id, 1, 'active', created_at, NULL, NULL FROM contracts;
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  closed_as TEXT CHECK (closed_as IN ('accepted', 'declined', 'revoked')),
  closed_at INTEGER,
  closed_by TEXT REFERENCES users(id),
  CHECK ((closed_as IS NULL) = (closed_at IS NULL))
);
CREATE INDEX invitations_contract ON invitations (contract_id, created_at)
`,
};
