import { CodedError } from '../../shared/errors.js';

/**
 * Errors of the local store. Each has a stable code (the CLI and the app switch on it) and a one-line
 * message that says what happened and what the person can do. None of them is raised after the store
 * has written anything to a file it does not own: the checks that raise them run before any write.
 */
export type StoreErrorCode =
  /** The data directory does not exist (or is not a directory). */
  | 'DATA_DIR_MISSING'
  /** The data directory cannot be written (permissions, read-only file system). */
  | 'DATA_DIR_READONLY'
  /** The database file itself cannot be written. */
  | 'DB_READONLY'
  /** Not a SQLite database, or one that fails its integrity check. Left untouched for the person to rescue. */
  | 'DB_CORRUPT'
  /** A SQLite database that belongs to another application. */
  | 'DB_FOREIGN'
  /** Written by a newer Worktrace agent: this one does not know its schema. */
  | 'DB_TOO_NEW'
  /** SQLite refused to open the file for another reason (locked by another process, I/O error). */
  | 'DB_OPEN_FAILED'
  /** A segment id clashes with another segment already recorded for the same contract and start. */
  | 'SEGMENT_CONFLICT'
  /** A write referred to a segment that was never opened. */
  | 'SEGMENT_MISSING'
  /** A minute that does not lie inside the segment it was written to (a tracker bug). */
  | 'MINUTE_OUTSIDE_SEGMENT'
  /** A second screenshot for a segment that already has one (one per segment). */
  | 'SCREENSHOT_CONFLICT';

export class StoreError extends CodedError<StoreErrorCode> {}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/** better-sqlite3's SqliteError carries SQLite's extended result code as a string ("SQLITE_CORRUPT"). */
export function sqliteCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
