import type { Migration } from '../../sql.js';

/**
 * Version 3 on SQLite: screenshots by storage key. The sweep at start asks, for each batch of stored
 * files, which of them a row names (a file no row names was written by an upload that never committed).
 */
export const screenshotStorageKeyIndex: Migration = {
  version: 3,
  name: 'screenshot-storage-key-index',
  sql: `CREATE INDEX screenshots_storage_key ON screenshots (storage_key)`,
};
