import type { Migration } from '../../sql.js';

/**
 * Version 5 on PostgreSQL: accounts, invitations and a contract's life (see the SQLite migration of the same
 * version for the why). PostgreSQL can drop the NOT NULL in place: no rebuild.
 */
export const contractLifecycle: Migration = {
  version: 5,
  name: 'contract-lifecycle',
  sql: `
ALTER TABLE users DROP COLUMN role;
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
UPDATE users SET name = split_part(email, '@', 1);
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE contracts ALTER COLUMN freelancer_id DROP NOT NULL;
ALTER TABLE contracts ADD COLUMN hourly_rate_cents BIGINT CHECK (hourly_rate_cents IS NULL OR hourly_rate_cents >= 0);
ALTER TABLE contracts ADD COLUMN currency TEXT;
ALTER TABLE contracts ADD CONSTRAINT contracts_rate_currency CHECK ((currency IS NULL) = (hourly_rate_cents IS NULL));
ALTER TABLE contracts ADD COLUMN weekly_limit_hours INTEGER CHECK (weekly_limit_hours IS NULL OR weekly_limit_hours BETWEEN 1 AND 168);
ALTER TABLE contracts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE contracts ADD COLUMN keep_screenshots_after_end_days INTEGER NOT NULL DEFAULT 30 CHECK (keep_screenshots_after_end_days >= 0);
CREATE TABLE contract_states (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  state TEXT NOT NULL CHECK (state IN ('invited', 'active', 'paused', 'ended')),
  at BIGINT NOT NULL,
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
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  closed_as TEXT CHECK (closed_as IN ('accepted', 'declined', 'revoked')),
  closed_at BIGINT,
  closed_by TEXT REFERENCES users(id),
  CHECK ((closed_as IS NULL) = (closed_at IS NULL))
);
CREATE INDEX invitations_contract ON invitations (contract_id, created_at)
`,
};
