import type { Migration } from '../../sql.js';

/**
 * Version 8 on SQLite: what happens when a week is approved.
 * - A contract may delete every screenshot of a week once the week is approved (off unless set).
 * - The approval settings are kept with the moment each took effect (approval_settings, like the policy
 *   versions): a week's automatic approval date is the one the setting in force at its end gives, and
 *   whether its screenshots go is the setting in force when it was approved, so changing a setting never
 *   un-approves a week nor changes what its approval did. Existing contracts start with what they have.
 * - A screenshot may be removed by 'approval'. SQLite cannot change a CHECK, so the table is rebuilt (foreign
 *   keys off; nothing points at screenshots), with its indexes.
 * - A segment that arrives in a week already approved is marked with when it arrived, and with the client's
 *   separate approval of it once given.
 */
export const approvalSettings: Migration = {
  version: 8,
  name: 'approval-settings',
  rebuildsTables: true,
  sql: `
ALTER TABLE contracts ADD COLUMN delete_screenshots_on_approval INTEGER NOT NULL DEFAULT 0 CHECK (delete_screenshots_on_approval IN (0, 1));
CREATE TABLE approval_settings (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  effective_from INTEGER NOT NULL,
  auto_approve_days INTEGER NOT NULL CHECK (auto_approve_days BETWEEN 0 AND 60),
  delete_screenshots_on_approval INTEGER NOT NULL CHECK (delete_screenshots_on_approval IN (0, 1)),
  PRIMARY KEY (contract_id, seq)
);
INSERT INTO approval_settings (contract_id, seq, effective_from, auto_approve_days, delete_screenshots_on_approval)
  SELECT id, 1, created_at, auto_approve_days, delete_screenshots_on_approval FROM contracts;
CREATE TABLE screenshots_v8 (
  id TEXT PRIMARY KEY,
  segment_id TEXT NOT NULL UNIQUE REFERENCES segments(id) ON DELETE CASCADE,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  taken_at INTEGER NOT NULL,
  content_type TEXT,
  byte_size INTEGER,
  sha256 TEXT,
  storage_key TEXT,
  uploaded_at INTEGER NOT NULL,
  removed_by TEXT CHECK (removed_by IN ('client', 'freelancer', 'retention', 'approval')),
  removed_at INTEGER,
  redacted_windows INTEGER NOT NULL DEFAULT 0 CHECK (redacted_windows >= 0),
  key_id TEXT,
  wrapped_key TEXT
);
INSERT INTO screenshots_v8 (id, segment_id, contract_id, taken_at, content_type, byte_size, sha256, storage_key, uploaded_at,
    removed_by, removed_at, redacted_windows, key_id, wrapped_key)
  SELECT id, segment_id, contract_id, taken_at, content_type, byte_size, sha256, storage_key, uploaded_at,
    removed_by, removed_at, redacted_windows, key_id, wrapped_key FROM screenshots;
DROP TABLE screenshots;
ALTER TABLE screenshots_v8 RENAME TO screenshots;
CREATE INDEX screenshots_contract_time ON screenshots (contract_id, taken_at);
CREATE INDEX screenshots_storage_key ON screenshots (storage_key);
ALTER TABLE segments ADD COLUMN arrived_after_approval_at INTEGER;
ALTER TABLE segments ADD COLUMN late_approved_at INTEGER;
ALTER TABLE segments ADD COLUMN late_approved_by TEXT REFERENCES users(id)
`,
};
