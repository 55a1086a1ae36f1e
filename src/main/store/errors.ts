import { statfsSync } from 'node:fs';
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
  | 'SCREENSHOT_CONFLICT'
  /** The freelancer's private-window list holds a rule that is not one (a damaged row): screenshots are skipped. */
  | 'PRIVATE_LIST_UNREADABLE'
  /** The private-window list already holds the most rules it may (MAX_PRIVATE_RULES). */
  | 'PRIVATE_LIST_FULL'
  /**
   * The disk holding the data directory is full (SQLITE_FULL, ENOSPC, EDQUOT). Nothing stored is damaged:
   * the write that failed left no trace, and the same write succeeds once space returns.
   */
  | 'DISK_FULL';

export class StoreError extends CodedError<StoreErrorCode> {}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/** SQLite's errors carry its extended result code as a string ("SQLITE_CORRUPT"), from either driver (sqlite/driver.ts). */
export function sqliteCode(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Node's (libuv's) names for "no space left": the disk itself, or the user's quota on it. */
const NO_SPACE_ERRNOS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Whether an error (or any error in its `cause` chain) says the disk is full: our DISK_FULL, SQLite's
 * SQLITE_FULL (better-sqlite3's SqliteError), or a Node file-system ENOSPC/EDQUOT (the key file, a log).
 * SQLite says SQLITE_FULL both for a full disk and for a database at its max_page_count: for this agent,
 * which sets no such limit, both mean "no room to write".
 */
export function isDiskFull(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth += 1) {
    if (isStoreError(e, 'DISK_FULL')) return true;
    const code = sqliteCode(e);
    if (code !== undefined && (code === 'SQLITE_FULL' || NO_SPACE_ERRNOS.has(code))) return true;
  }
  return false;
}

/**
 * Less room than SQLite needs to open a database and commit one minute (its 32 KiB -shm file, WAL frames) counts
 * as a full disk: for the person it is one.
 */
export const NO_ROOM_BYTES = 1024 * 1024;

/** Bytes this user may still write on the file system holding `dir`, or null when it cannot say. */
export function freeBytesAt(dir: string): number | null {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}

/** The named error for a write refused for lack of space, in words that name where space is needed. */
export function diskFullError(dataDir: string, cause: unknown): StoreError {
  return new StoreError('DISK_FULL', `disk full: no space left for ${dataDir}; free some space there.`, { cause });
}
