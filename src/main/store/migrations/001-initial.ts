import type { Migration } from './migration.js';

/**
 * The first schema: segments with their minutes and app totals, encrypted screenshots, the upload
 * outbox, the policy cache and settings.
 *
 * Times: segment and minute starts are epoch seconds (they are aligned to the wall clock); capture and
 * queue times are epoch milliseconds. A segment's tracked and idle seconds are not stored: they are
 * derived from its minutes, so there is no copy that can drift.
 */
export const migration001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE segments (
        id             TEXT    PRIMARY KEY,              -- client ULID: makes every upload idempotent
        contract_id    TEXT    NOT NULL,
        started_at     INTEGER NOT NULL,                 -- epoch s, floor(t / length_s) * length_s
        length_s       INTEGER NOT NULL CHECK (length_s BETWEEN 60 AND 3600),
        memo           TEXT,
        policy_version INTEGER,                          -- null: no policy known (local mode, or fail closed)
        UNIQUE (contract_id, started_at)
      ) STRICT;

      CREATE TABLE minutes (
        segment_id TEXT    NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
        started_at INTEGER NOT NULL CHECK (started_at % 60 = 0),
        tracked_ms INTEGER NOT NULL CHECK (tracked_ms BETWEEN 0 AND 60000),
        idle       INTEGER NOT NULL DEFAULT 0 CHECK (idle IN (0, 1)),
        keyboard   INTEGER NOT NULL DEFAULT 0 CHECK (keyboard >= 0),
        mouse      INTEGER NOT NULL DEFAULT 0 CHECK (mouse >= 0),
        PRIMARY KEY (segment_id, started_at)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE app_usage (
        segment_id TEXT    NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
        app        TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        ms         INTEGER NOT NULL CHECK (ms >= 0),
        PRIMARY KEY (segment_id, app, title)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE screenshots (
        id             TEXT    PRIMARY KEY,
        segment_id     TEXT    NOT NULL UNIQUE REFERENCES segments (id) ON DELETE CASCADE,
        taken_at       INTEGER NOT NULL,                 -- epoch ms
        width          INTEGER NOT NULL CHECK (width > 0),
        height         INTEGER NOT NULL CHECK (height > 0),
        bytes          INTEGER NOT NULL CHECK (bytes > 0), -- size of the plaintext JPEG
        blurred        INTEGER NOT NULL CHECK (blurred IN (0, 1)),
        policy_version INTEGER,
        data           BLOB    NOT NULL                  -- AES-256-GCM blob, never plaintext
      ) STRICT;
      CREATE INDEX screenshots_by_taken_at ON screenshots (taken_at);

      CREATE TABLE outbox (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a seq is never reused
        kind            TEXT    NOT NULL CHECK (kind IN ('segment', 'screenshot')),
        item_id         TEXT    NOT NULL,
        revision        INTEGER NOT NULL DEFAULT 0,      -- bumped when the item changes while queued
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,      -- epoch ms
        last_error      TEXT,
        parked_at       INTEGER,                         -- epoch ms; parked items wait for a person
        UNIQUE (kind, item_id)
      ) STRICT;

      CREATE TABLE policy_cache (
        contract_id TEXT    PRIMARY KEY,
        policy      TEXT    NOT NULL CHECK (json_valid(policy)),
        etag        TEXT,
        fetched_at  INTEGER NOT NULL                     -- epoch ms
      ) STRICT;

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
