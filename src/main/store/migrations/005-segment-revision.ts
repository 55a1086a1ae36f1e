import type { Migration } from './migration.js';

/**
 * Each segment's revision: raised in the same transaction as every local change of the segment (a minute
 * written, idle marked or discarded, the memo, its time removed) and sent with each upload. The server keeps
 * the highest revision whole, so a segment that shrinks here (idle discarded, a screenshot deleted with its
 * time) shrinks on the server too, however retries and reorders deliver the snapshots. Existing segments start
 * at 1: their next change sends 2, which replaces whatever an upload without a revision left on the server.
 */
export const migration005SegmentRevision: Migration = {
  version: 5,
  name: 'segment-revision',
  up(db) {
    db.exec(`
      ALTER TABLE segments ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision BETWEEN 1 AND 2147483647);
    `);
  },
};
