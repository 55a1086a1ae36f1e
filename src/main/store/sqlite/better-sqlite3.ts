import Database from 'better-sqlite3';
import type { SqlDatabase, SqliteDriver } from './driver.js';

/**
 * The production driver: better-sqlite3's connection is handed out as it is (its API is the one driver.ts
 * describes), so the store's every call costs what it cost before the seam existed.
 */
export const betterSqlite3Driver: SqliteDriver = {
  name: 'better-sqlite3',
  open(file, options = {}): SqlDatabase {
    const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false, timeout: options.busyTimeoutMs ?? 5000 });
    return db satisfies SqlDatabase;
  },
};
