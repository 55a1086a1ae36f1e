import type { Migration } from '../../sql.js';

/** Version 1 on PostgreSQL: the same tables as SQLite, with BIGINT epoch milliseconds. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('client', 'freelancer')),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX tokens_expiry ON tokens (expires_at);
CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES users(id),
  freelancer_id TEXT NOT NULL REFERENCES users(id),
  segment_seconds INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE INDEX contracts_freelancer ON contracts (freelancer_id);
CREATE TABLE policy_versions (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  screenshots TEXT NOT NULL CHECK (screenshots IN ('on', 'blurred', 'off')),
  retention_days INTEGER NOT NULL,
  effective_from BIGINT NOT NULL,
  PRIMARY KEY (contract_id, version)
);
CREATE TABLE segments (
  id TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  started_at BIGINT NOT NULL,
  length_seconds INTEGER NOT NULL,
  tracked_seconds INTEGER NOT NULL,
  idle_seconds INTEGER NOT NULL,
  memo TEXT,
  minutes_json TEXT NOT NULL,
  apps_json TEXT NOT NULL,
  policy_version INTEGER,
  billable INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX segments_contract_time ON segments (contract_id, started_at);
CREATE TABLE screenshots (
  id TEXT PRIMARY KEY,
  segment_id TEXT NOT NULL UNIQUE REFERENCES segments(id) ON DELETE CASCADE,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  taken_at BIGINT NOT NULL,
  content_type TEXT,
  byte_size INTEGER,
  sha256 TEXT,
  storage_key TEXT,
  uploaded_at BIGINT NOT NULL,
  removed_by TEXT CHECK (removed_by IN ('client', 'freelancer', 'retention')),
  removed_at BIGINT
);
CREATE INDEX screenshots_contract_time ON screenshots (contract_id, taken_at)
`,
};
