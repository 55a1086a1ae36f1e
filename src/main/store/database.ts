import { dirname } from 'node:path';
import { NO_ROOM_BYTES, StoreError, diskFullError, freeBytesAt, isDiskFull, isStoreError, sqliteCode } from './errors.js';
import { DeletedScreenshotEraser } from './erase-deleted.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.js';
import { checkDataDirectory, checkFileWritable, checkSqliteHeader, corruptMessage, existingFileSize } from './preflight.js';
import { makeDatabaseFilesPrivate } from './private-files.js';
import { betterSqlite3Driver } from './sqlite/better-sqlite3.js';
import type { SqlDatabase, SqliteDriver } from './sqlite/driver.js';

/** The connection the repositories use, whichever driver opened it (sqlite/driver.ts). */
export type SqliteDatabase = SqlDatabase;

/** `PRAGMA application_id` of every Worktrace agent database: "WTRC". Lets us tell our file from anyone else's. */
export const WORKTRACE_APPLICATION_ID = 0x57545243;

export interface OpenDatabaseOptions {
  /**
   * Run `PRAGMA quick_check` on an existing file before using it (default true). It reads every page,
   * which costs about a second per few hundred MB; turning it off is for benchmarks only.
   */
  readonly verify?: boolean;
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * Which SQLite binding opens the file (default better-sqlite3, the production driver). node:sqlite is for a Node
   * with no better-sqlite3 binary (the Windows node.exe of the Wine lane; sqlite/node-sqlite.ts).
   */
  readonly driver?: SqliteDriver;
}

/**
 * Opens (creating if needed) the agent database and brings its schema up to date.
 *
 * Order matters: everything that can refuse the file (missing or read-only directory, not a database,
 * a foreign database, a newer schema, a failed check) runs first, through plain reads and a read-only
 * SQLite connection, so a refused file is left byte-for-byte as it was. Only then is it opened for
 * writing, switched to WAL and migrated.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const driver = options.driver ?? betterSqlite3Driver;
  const inMemory = file === ':memory:';
  if (!inMemory) {
    checkDataDirectory(file);
    const size = existingFileSize(file);
    if (size !== null && size > 0) {
      checkFileWritable(file);
      checkSqliteHeader(file, size);
      inspectExisting(driver, file, options.verify ?? true);
    }
  }

  let db: SqliteDatabase;
  try {
    if (!inMemory) makeDatabaseFilesPrivate(file);
    db = driver.open(file, { busyTimeoutMs: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw openFailed(file, error);
  }
  try {
    configure(db);
    const eraser = inMemory ? null : new DeletedScreenshotEraser(db);
    wrapTransactions(db, inMemory ? 'the in-memory database' : dirname(file), eraser);
    migrate(db);
    eraser?.install();
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw openFailed(file, error);
  }
  return db;
}

/**
 * Every write of the repositories runs in a `db.transaction(...)`. Wrapping the transactions this connection
 * builds does two things at their edges:
 * - it turns SQLite's bare "database or disk is full" into the named DISK_FULL error naming the data directory, so
 *   the tracker and the CLI can tell "no space" (keep the time in memory, retry) from a bug. SQLite has already
 *   rolled the transaction back when this runs: nothing half-written stays behind;
 * - when the outermost transaction ends, it tells the eraser (erase-deleted.ts), which removes a deleted
 *   screenshot's bytes from the files right after the commit that deleted it.
 */
function wrapTransactions(db: SqliteDatabase, dataDir: string, eraser: DeletedScreenshotEraser | null): void {
  const build = db.transaction.bind(db);
  const named =
    <A extends unknown[], R>(run: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      let result: R;
      try {
        result = run.apply(this, args);
      } catch (error) {
        if (!db.inTransaction) eraser?.rolledBack();
        throw isDiskFull(error) && !isStoreError(error) ? diskFullError(dataDir, error) : error;
      }
      if (!db.inTransaction) eraser?.committed();
      return result;
    };
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = build(fn);
    return Object.assign(named(tx), {
      default: named(tx.default),
      deferred: named(tx.deferred),
      immediate: named(tx.immediate),
      exclusive: named(tx.exclusive),
    });
  }) as SqliteDatabase['transaction'];
}

function configure(db: SqliteDatabase): void {
  // WAL lets readers (status, the uploader) run beside the tracker's writes; synchronous=FULL makes each
  // committed minute durable across power loss, which is the "a crash loses at most a minute" promise.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // A deleted screenshot (the freelancer's choice, a refused upload, the quota) is zeroed on disk rather
  // than left in free pages: it is ciphertext, but the key sits next to it, so deleting must mean gone.
  // Read back: a build of SQLite that ignores it must not pass for one that erases (erase-deleted.ts relies on it).
  db.pragma('secure_delete = ON');
  if (db.pragma('secure_delete', { simple: true }) !== 1) {
    throw new StoreError('DB_OPEN_FAILED', 'This build of SQLite cannot erase deleted data (secure_delete): reinstall Worktrace.');
  }
  // After a checkpoint the WAL shrinks back to this size instead of keeping old page images around.
  db.pragma(`journal_size_limit = ${4 * 1024 * 1024}`);
}

/** Reads identity, version and health of an existing file through a connection that cannot write. */
function inspectExisting(driver: SqliteDriver, file: string, verify: boolean): void {
  let reader: SqliteDatabase;
  try {
    reader = driver.open(file, { readonly: true });
  } catch (error) {
    throw classifyOpenError(file, error);
  }
  try {
    const applicationId = reader.pragma('application_id', { simple: true }) as number;
    const userVersion = reader.pragma('user_version', { simple: true }) as number;
    const objects = (reader.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n;

    const blank = applicationId === 0 && userVersion === 0 && objects === 0;
    if (applicationId !== WORKTRACE_APPLICATION_ID && !blank) {
      throw new StoreError(
        'DB_FOREIGN',
        `${file} is another application's SQLite database: point --data-dir at a directory of its own.`,
      );
    }
    if (userVersion > SCHEMA_VERSION) {
      throw new StoreError(
        'DB_TOO_NEW',
        `Database ${file} has schema version ${userVersion}, newer than this agent knows (${SCHEMA_VERSION}): upgrade Worktrace.`,
      );
    }
    if (verify) {
      const problems = quickCheck(reader);
      const first = problems[0];
      if (first !== undefined) {
        // SQLite's report can span lines and pages; the message keeps its first line only.
        const summary = first.split('\n')[0]?.slice(0, 120);
        throw new StoreError('DB_CORRUPT', corruptMessage(file, `failed its integrity check (${summary})`));
      }
    }
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw classifyOpenError(file, error);
  } finally {
    reader.close();
  }
}

function quickCheck(db: SqliteDatabase): string[] {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  return rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
}

function classifyOpenError(file: string, error: unknown): StoreError {
  const code = sqliteCode(error) ?? '';
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('DB_CORRUPT', corruptMessage(file, 'is damaged'), { cause: error });
  }
  return openFailed(file, error);
}

function openFailed(file: string, error: unknown): StoreError {
  if (isDiskFull(error) || (isIoError(error) && almostNoSpace(dirname(file)))) return diskFullError(dirname(file), error);
  const code = sqliteCode(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreError('DB_OPEN_FAILED', `Database ${file} is locked by another process: stop the other Worktrace agent first.`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreError('DB_OPEN_FAILED', `Cannot open database ${file} (${reason}): check the disk and its permissions.`, {
    cause: error,
  });
}

/** SQLite's I/O failures: opening a WAL database on a full disk fails growing its -shm file (SQLITE_IOERR_SHMSIZE). */
function isIoError(error: unknown): boolean {
  const code = sqliteCode(error) ?? '';
  return code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN';
}

/** With (almost) no room left, an I/O error means "disk full" to the person, whatever SQLite called it. */
function almostNoSpace(dir: string): boolean {
  const free = freeBytesAt(dir);
  return free !== null && free < NO_ROOM_BYTES;
}

/**
 * Applies every migration newer than the database's `user_version`, each in its own transaction with
 * its version bump. `upTo` stops early (tests apply one version at a time).
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS, upTo?: number): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const target = upTo ?? migrations.length;
  for (const migration of migrations) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      if (migration.version === 1) db.pragma(`application_id = ${WORKTRACE_APPLICATION_ID}`);
      migration.up(db);
      // Pragmas cannot take bound parameters; the version is an integer from our own table.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export interface IntegrityReport {
  readonly ok: boolean;
  /** SQLite's own lines ("row 3 missing from index ..."); empty when ok. */
  readonly problems: readonly string[];
}

/** Full `PRAGMA integrity_check` (reads every page and index): for `worktrace status --check` and tests. */
export function checkIntegrity(db: SqliteDatabase): IntegrityReport {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  const problems = rows.map((row) => row.integrity_check).filter((line) => line !== 'ok');
  return { ok: problems.length === 0, problems };
}
