import type { Migration } from '../../sql.js';

/**
 * Version 6 on PostgreSQL: each screenshot's own key, wrapped by a server key kept outside the database (null for
 * screenshots stored before, which stay readable as they are, and for placeholders); objects whose row is gone but
 * whose deletion from the store has not been confirmed yet; the sign-in limits' records, shared by every instance.
 */
export const sealedScreenshotsSharedLimits: Migration = {
  version: 6,
  name: 'sealed-screenshots-shared-limits',
  sql: `
ALTER TABLE screenshots ADD COLUMN key_id TEXT;
ALTER TABLE screenshots ADD COLUMN wrapped_key TEXT;
CREATE TABLE storage_deletions (
  storage_key TEXT PRIMARY KEY,
  queued_at BIGINT NOT NULL
);
CREATE TABLE sign_in_limits (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  record TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (kind, key)
);
CREATE INDEX sign_in_limits_updated ON sign_in_limits (updated_at)
`,
};
