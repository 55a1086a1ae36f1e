import type { Migration } from './migration.js';

/**
 * Private windows (issue 15). `private_windows` is the freelancer's own list: it never leaves this device (nothing
 * queues it). A rule is unique by kind and its case-folded pattern (`folded`, computed by the agent: SQLite's
 * lower() knows ASCII only). A screenshot records how many windows were painted out of it; a segment records when
 * its screenshot was skipped for privacy, so the diary can say so.
 */
export const migration008PrivateWindows: Migration = {
  version: 8,
  name: 'private-windows',
  up(db) {
    db.exec(`
      CREATE TABLE private_windows (
        id       INTEGER PRIMARY KEY,
        kind     TEXT    NOT NULL CHECK (kind IN ('app', 'title')),
        pattern  TEXT    NOT NULL,
        folded   TEXT    NOT NULL,
        added_at INTEGER NOT NULL,                         -- epoch ms
        UNIQUE (kind, folded)
      ) STRICT;

      ALTER TABLE screenshots ADD COLUMN redacted_windows INTEGER NOT NULL DEFAULT 0 CHECK (redacted_windows >= 0);
      ALTER TABLE segments ADD COLUMN screenshot_skipped TEXT CHECK (screenshot_skipped IN ('private-window', 'private-list-unreadable'));
    `);
  },
};
