import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';

/**
 * Checks made with plain file reads before SQLite opens anything, so that a missing directory, a
 * read-only directory or a file that is not a database is reported without a single byte written.
 */

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** The smallest page size SQLite allows; a real database is at least one page. */
const MIN_DATABASE_BYTES = 512;

export function checkDataDirectory(file: string): void {
  const dir = dirname(file);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    throw new StoreError('DATA_DIR_MISSING', `Data directory ${dir} does not exist: create it or pass another --data-dir.`);
  }
  // SQLite in WAL mode creates -wal and -shm files next to the database, so the directory itself must
  // be writable even when the database file already exists.
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new StoreError(
      'DATA_DIR_READONLY',
      `Data directory ${dir} is not writable: fix its permissions or pass another --data-dir.`,
      { cause: error },
    );
  }
}

/** Size of an existing database file, or null when there is none yet. */
export function existingFileSize(file: string): number | null {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    return null;
  }
  if (!stats.isFile()) {
    throw new StoreError('DB_OPEN_FAILED', `${file} is not a file: move it aside or pass another --data-dir.`);
  }
  return stats.size;
}

export function checkFileWritable(file: string): void {
  try {
    accessSync(file, constants.W_OK);
  } catch (error) {
    throw new StoreError('DB_READONLY', `Database ${file} is read-only: fix its permissions.`, { cause: error });
  }
}

/** Rejects a file that does not start like a SQLite database (a text file, random bytes, a truncated copy). */
export function checkSqliteHeader(file: string, size: number): void {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (size < MIN_DATABASE_BYTES || !header.equals(SQLITE_MAGIC)) {
    throw new StoreError('DB_CORRUPT', corruptMessage(file, 'is not a SQLite database'));
  }
}

export function corruptMessage(file: string, what: string): string {
  return `Database ${file} ${what}: it was left untouched; move it aside (keep it for recovery) and start again.`;
}
