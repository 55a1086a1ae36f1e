import type { Migration } from '../../sql.js';

/**
 * Version 8 on PostgreSQL: what happens when a week is approved.
 * - A contract may delete every screenshot of a week once the week is approved (off unless set).
 * - The approval settings are kept with the moment each took effect (approval_settings, like the policy
 *   versions): a week's automatic approval date is the one the setting in force at its end gives, and
 *   whether its screenshots go is the setting in force when it was approved, so changing a setting never
 *   un-approves a week nor changes what its approval did. Existing contracts start with what they have.
 * - A screenshot may be removed by 'approval'.
 * - A segment that arrives in a week already approved is marked with when it arrived, and with the client's
 *   separate approval of it once given.
 */
export const approvalSettings: Migration = {
  version: 8,
  name: 'approval-settings',
  sql: `
ALTER TABLE contracts ADD COLUMN delete_screenshots_on_approval INTEGER NOT NULL DEFAULT 0 CHECK (delete_screenshots_on_approval IN (0, 1));
CREATE TABLE approval_settings (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  effective_from BIGINT NOT NULL,
  auto_approve_days INTEGER NOT NULL CHECK (auto_approve_days BETWEEN 0 AND 60),
  delete_screenshots_on_approval INTEGER NOT NULL CHECK (delete_screenshots_on_approval IN (0, 1)),
  PRIMARY KEY (contract_id, seq)
);
INSERT INTO approval_settings (contract_id, seq, effective_from, auto_approve_days, delete_screenshots_on_approval)
  SELECT id, 1, created_at, auto_approve_days, delete_screenshots_on_approval FROM contracts;
ALTER TABLE screenshots DROP CONSTRAINT screenshots_removed_by_check;
ALTER TABLE screenshots ADD CONSTRAINT screenshots_removed_by_check CHECK (removed_by IN ('client', 'freelancer', 'retention', 'approval'));
ALTER TABLE segments ADD COLUMN arrived_after_approval_at BIGINT;
ALTER TABLE segments ADD COLUMN late_approved_at BIGINT;
ALTER TABLE segments ADD COLUMN late_approved_by TEXT REFERENCES users(id)
`,
};
