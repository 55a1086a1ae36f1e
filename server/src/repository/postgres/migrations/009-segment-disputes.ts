import type { Migration } from '../../sql.js';

/**
 * Version 9 on PostgreSQL: the client disputes single segments (issue 14).
 * - One row per disputed segment: the client's note, when it was written and by whom. Replacing the note rewrites
 *   the row; withdrawing sets withdrawn_at and keeps the row, because a dispute withdrawn after its week's approval
 *   is when that segment's time joined the approval.
 * - An open dispute is one with withdrawn_at NULL; the contract's open disputes are found by its index.
 */
export const segmentDisputes: Migration = {
  version: 9,
  name: 'segment-disputes',
  sql: `
CREATE TABLE segment_disputes (
  segment_id TEXT PRIMARY KEY REFERENCES segments(id) ON DELETE CASCADE,
  contract_id TEXT NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
  note TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
  disputed_at BIGINT NOT NULL,
  disputed_by TEXT NOT NULL REFERENCES users(id),
  withdrawn_at BIGINT
);
CREATE INDEX segment_disputes_contract ON segment_disputes (contract_id, withdrawn_at)
`,
};
