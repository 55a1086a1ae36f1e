import type { Migration } from './migration.js';

/**
 * App time per minute instead of per segment. A segment's app list was one running total per (app, title): when
 * the freelancer discarded an idle stretch its minutes went, but the titles seen while away stayed in the totals
 * (an app that lost all its time kept its row, and a segment that was idle from start to end kept all of them), so
 * a discarded stretch was still stored and uploaded (issue 12 item 4). Each minute now keeps its own app time,
 * whose rows go with the minute (ON DELETE CASCADE: a discard, the freelancer's deletion with time); the segment's
 * list is their sum, so it is always derived from what remains.
 *
 * Existing totals know no minute: they are kept on their segment's first minute (a later discard of that minute
 * takes them all, which errs towards forgetting). Totals of a segment without any minute left are titles with no
 * time behind them, the very leak: they are dropped.
 *
 * And `segments.upload_owed`: the open minute is now saved every 10 s (issue 12 item 14) without queueing an upload
 * each time (the minute's end queues it, as before); a save sets the flag, any write that queues the segment clears
 * it, and opening the store queues what a crash left flagged, so a saved minute always reaches the server.
 */
export const migration007MinuteAppsAndSaves: Migration = {
  version: 7,
  name: 'minute-apps-and-saves',
  up(db) {
    db.exec(`
      ALTER TABLE segments ADD COLUMN upload_owed INTEGER NOT NULL DEFAULT 0 CHECK (upload_owed IN (0, 1));

      CREATE TABLE minute_apps (
        segment_id TEXT    NOT NULL,
        minute_at  INTEGER NOT NULL,                     -- the minute's started_at, epoch s
        app        TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        ms         INTEGER NOT NULL CHECK (ms >= 0),        -- up to a minute; more only in a total moved here by this migration
        PRIMARY KEY (segment_id, minute_at, app, title),
        FOREIGN KEY (segment_id, minute_at) REFERENCES minutes (segment_id, started_at) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;

      INSERT INTO minute_apps (segment_id, minute_at, app, title, ms)
        SELECT a.segment_id, f.minute_at, a.app, a.title, a.ms
          FROM app_usage AS a
          JOIN (SELECT segment_id, min(started_at) AS minute_at FROM minutes GROUP BY segment_id) AS f ON f.segment_id = a.segment_id;
      DROP TABLE app_usage;
    `);
  },
};
