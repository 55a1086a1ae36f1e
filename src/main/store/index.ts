/**
 * The agent's local store. The composition root calls, once:
 *
 *   const store = openStore({ file: databasePath(dataDir), clock, mode: serverMode ? 'server' : 'local' });
 *
 * and hands `store.segments` to the tracker (it is the TrackingSink), `store.screenshots` to the capture
 * pipeline (encrypted bytes only), `store.outbox` and `store.policies` to sync, `store.status` to status.
 * openStore throws a StoreError whose code the CLI maps to its one-line message and exit code.
 */
export { DATABASE_FILE_NAME, databasePath, openStore, type Store, type StoreOptions } from './store.js';
export {
  WORKTRACE_APPLICATION_ID,
  checkIntegrity,
  migrate,
  openDatabase,
  type IntegrityReport,
  type OpenDatabaseOptions,
  type SqliteDatabase,
} from './database.js';
export { betterSqlite3Driver } from './sqlite/better-sqlite3.js';
export { NodeSqliteError, NodeSqliteUnavailableError, nodeSqliteAvailable, nodeSqliteDriver } from './sqlite/node-sqlite.js';
export type { SqlDatabase, SqlOpenOptions, SqlRunResult, SqlStatement, SqlTransaction, SqliteDriver } from './sqlite/driver.js';
export { NO_ROOM_BYTES, StoreError, diskFullError, freeBytesAt, isDiskFull, isStoreError, type StoreErrorCode } from './errors.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations/index.js';
export {
  OutboxRepository,
  countedKind,
  sameAccount,
  type AccountQueue,
  type CountedKind,
  type OutboxAccount,
  type OutboxCounts,
  type OutboxItem,
  type OutboxKind,
  type ParkedItem,
} from './outbox-repository.js';
export { PolicyCacheRepository, type CachedPolicy } from './policy-cache-repository.js';
export { PrivateWindowsRepository } from './private-windows-repository.js';
export { MAX_CACHED_WEEKS, WeekReviewsRepository, type CachedWeekReview, type WeekCacheAccount } from './week-reviews-repository.js';
export {
  ScreenshotsRepository,
  type DroppedScreenshot,
  type PendingDeletion,
  type ScreenshotMeta,
  type StoredScreenshot,
  type UploadedCopySpan,
} from './screenshots-repository.js';
export { SegmentsRepository, type SegmentQuery } from './segments-repository.js';
export { SettingsRepository } from './settings-repository.js';
export { StatusQueries, type ContractQueue, type StoreCounts } from './status-queries.js';
