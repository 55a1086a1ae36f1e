import type { Migration } from './migration.js';

/**
 * The freelancer's screenshot deletions go to the server as queue items of their own ('screenshot-deletion'), in
 * order with the rest: the server must drop the image (or, before its upload, record a placeholder that refuses it)
 * and stop billing the segment; deleting only here would leave the evidence gone while the time stays billed.
 *
 * SQLite cannot widen a CHECK constraint in place, so the outbox is rebuilt with the same rows, the same `seq`
 * values and the same high-water mark (a seq is never reused). `screenshot_deletions` keeps what the DELETE needs
 * once the local row is gone: the segment it belonged to (the server needs it when the image never arrived). A
 * trigger drops it with its queue entry, whatever removes that entry.
 */
export const migration006ScreenshotDeletions: Migration = {
  version: 6,
  name: 'screenshot-deletions',
  up(db) {
    const highWater = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get()?.seq ?? 0;
    db.exec(`
      CREATE TABLE outbox_next (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        kind            TEXT    NOT NULL CHECK (kind IN ('segment', 'screenshot', 'screenshot-deletion')),
        item_id         TEXT    NOT NULL,
        revision        INTEGER NOT NULL DEFAULT 0,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        parked_at       INTEGER,
        account_id      INTEGER REFERENCES accounts (id),
        UNIQUE (kind, item_id)
      ) STRICT;
      INSERT INTO outbox_next (seq, kind, item_id, revision, attempts, next_attempt_at, last_error, parked_at, account_id)
        SELECT seq, kind, item_id, revision, attempts, next_attempt_at, last_error, parked_at, account_id FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_next RENAME TO outbox;
      CREATE INDEX outbox_by_account ON outbox (account_id, seq);

      CREATE TABLE screenshot_deletions (
        screenshot_id TEXT    PRIMARY KEY,
        segment_id    TEXT    NOT NULL,
        deleted_at    INTEGER NOT NULL                     -- epoch ms, when the freelancer deleted it here
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER outbox_deletion_done AFTER DELETE ON outbox WHEN old.kind = 'screenshot-deletion'
      BEGIN
        DELETE FROM screenshot_deletions WHERE screenshot_id = old.item_id;
      END;
    `);
    // The copied rows set the sequence to their largest seq; an item sent and removed before may have had a larger one.
    db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'").run(highWater);
    if (highWater > 0) {
      db.prepare("INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')").run(highWater);
    }
  },
};
