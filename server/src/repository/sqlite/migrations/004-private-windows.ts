import type { Migration } from '../../sql.js';

/**
 * Version 4 on SQLite: private windows (issue 15). Each policy version keeps the contract's private-window list
 * (JSON, as the client set it); a segment records that its screenshot was skipped for privacy; a screenshot records
 * how many private windows the agent painted out of it.
 */
export const privateWindows: Migration = {
  version: 4,
  name: 'private-windows',
  sql: `
ALTER TABLE policy_versions ADD COLUMN private_windows_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE segments ADD COLUMN screenshot_skipped TEXT CHECK (screenshot_skipped IS NULL OR screenshot_skipped IN ('private-window', 'private-list-unreadable'));
ALTER TABLE screenshots ADD COLUMN redacted_windows INTEGER NOT NULL DEFAULT 0 CHECK (redacted_windows >= 0)
`,
};
