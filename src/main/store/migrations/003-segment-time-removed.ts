import type { Migration } from './migration.js';

/**
 * A segment whose time the freelancer removed by deleting its screenshot stays removed: the flag makes the store
 * refuse further minutes for it, and a restarted agent that continues the segment credits it nothing (DESIGN:
 * deleting a screenshot removes that segment's time, so evidence cannot be hidden while time is billed).
 */
export const migration003SegmentTimeRemoved: Migration = {
  version: 3,
  name: 'segment-time-removed',
  up(db) {
    db.exec(`
      ALTER TABLE segments ADD COLUMN time_removed INTEGER NOT NULL DEFAULT 0 CHECK (time_removed IN (0, 1));
    `);
  },
};
