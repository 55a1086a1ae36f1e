import type { SqlDatabase } from '../sqlite/driver.js';

/**
 * One schema version. Migrations are append-only: a released file is never edited, a change is a new
 * file with the next number. Each runs inside a transaction together with its `user_version` bump, so a
 * crash leaves the database at the previous version or the next one, never in between.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: SqlDatabase): void;
}
