import type { Migration } from '../../sql.js';

/**
 * Version 6 on SQLite: the client's weekly review.
 * - A contract says how many days after a week ends it is approved without the client (5 unless set).
 * - The client's approval of a week is a row, written once; the week is named by its Monday in the contract's
 *   time zone ("2026-11-23"). The server's approval follows from the clock and needs no row; approved_by may be
 *   NULL for a server's approval recorded later (the deletion on approval records what it did).
 */
export const weekApprovals: Migration = {
  version: 7,
  name: 'week-approvals',
  sql: `
ALTER TABLE contracts ADD COLUMN auto_approve_days INTEGER NOT NULL DEFAULT 5 CHECK (auto_approve_days BETWEEN 0 AND 60);
CREATE TABLE week_approvals (
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  week TEXT NOT NULL CHECK (length(week) = 10),
  approved_at INTEGER NOT NULL,
  approved_by TEXT REFERENCES users(id),
  PRIMARY KEY (contract_id, week)
)
`,
};
