import type { Migration } from '../../sql.js';

/**
 * Version 10 on PostgreSQL: a segment of an approved week that grows after the approval (its agent was offline) keeps its
 * approved record, and the time it added is stored as a late part of it: a segment row of its own, over the same
 * window, marked late like any segment that arrived after the approval (domain/late-growth.ts). late_part_of names the
 * segment it grew from; the index finds a segment's parts when the next revision of it arrives.
 */
export const lateParts: Migration = {
  version: 10,
  name: 'late-parts',
  sql: `
ALTER TABLE segments ADD COLUMN late_part_of TEXT REFERENCES segments(id) ON DELETE CASCADE;
CREATE INDEX segments_late_part_of ON segments (late_part_of) WHERE late_part_of IS NOT NULL
`,
};
