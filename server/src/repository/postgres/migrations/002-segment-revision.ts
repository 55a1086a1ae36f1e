import type { Migration } from '../../sql.js';

/**
 * Version 2 on PostgreSQL: the agent's revision of each segment. Null for segments that only older
 * agents uploaded (they keep the merge by maximum); an upload with a revision replaces the segment whole.
 */
export const segmentRevision: Migration = {
  version: 2,
  name: 'segment-revision',
  sql: `ALTER TABLE segments ADD COLUMN revision INTEGER CHECK (revision IS NULL OR revision >= 1)`,
};
