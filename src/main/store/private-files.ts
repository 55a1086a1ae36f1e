import { chmodSync, closeSync, constants, fchmodSync, lstatSync, openSync } from 'node:fs';
import { StoreError } from './errors.js';

/** The database file and the ones SQLite keeps beside it: the WAL, its index, a rollback journal (before WAL mode). */
const SQLITE_SUFFIXES = ['', '-wal', '-shm', '-journal'] as const;

/**
 * The database, its WAL and -shm are 0600 whatever the umask and the directory's mode: they hold window titles,
 * memos and the encrypted screenshots. SQLite creates a new database with its own default (0644 less the umask) but
 * gives -wal, -shm and -journal the mode of the database file itself (unix VFS, robust_open), so creating the
 * database file 0600 before SQLite opens it covers the others; files an older agent left wider are narrowed first.
 * Call it only after the preflight checks accepted the file.
 */
export function makeDatabaseFilesPrivate(file: string): void {
  if (process.platform === 'win32') return; // the data directory's ACL protects it there
  createPrivately(file);
  for (const suffix of SQLITE_SUFFIXES) narrow(`${file}${suffix}`);
}

function createPrivately(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw notPrivate(file, error);
  }
  try {
    fchmodSync(fd, 0o600); // a umask can only take bits away; this is for one that took the owner's
  } finally {
    closeSync(fd);
  }
}

/** Takes every group and other bit off an existing file; a missing one is fine. */
function narrow(path: string): void {
  let mode: number;
  try {
    const stats = lstatSync(path);
    if (!stats.isFile()) return;
    mode = stats.mode & 0o777;
  } catch {
    return;
  }
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, mode & 0o700);
  } catch (error) {
    throw notPrivate(path, error);
  }
}

function notPrivate(path: string, error: unknown): StoreError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  return new StoreError('DB_OPEN_FAILED', `Cannot make ${path} readable by you alone (${code}): run chmod 600 on it, or pass another --data-dir.`, {
    cause: error,
  });
}
