import type { SqlDatabase } from './sqlite/driver.js';

/**
 * A deleted screenshot leaves the files at once, not at SQLite's next automatic checkpoint. secure_delete zeroes
 * the row's pages, but the zeroed pages are new WAL frames: until a checkpoint copies them over the database file
 * and the WAL is reset, the ciphertext is still in worktrace.db (the page as it was) and in the -wal (the frames that
 * wrote it). So the transaction that deleted a screenshot is followed, once committed, by wal_checkpoint(TRUNCATE):
 * the zeroed pages replace the old ones in the database file and the WAL is cut to nothing.
 *
 *   DELETE ... (any path: the freelancer, the quota, a refused upload, a cascade)
 *     └─ TEMP trigger ─▶ owed = true
 *   outermost transaction commits ─▶ settle(): one checkpoint, however many rows the batch deleted
 *   rolled back ─▶ nothing more owed
 *
 * A trigger rather than a call in each repository method, so that a deletion path added later is covered too.
 * Another connection reading an older snapshot (a `worktrace status` in another terminal) keeps the WAL alive:
 * the checkpoint does not wait for it (busy_timeout 0 for its duration) and stays owed until a later commit.
 */
export class DeletedScreenshotEraser {
  /** A screenshot was deleted in the transaction still open. */
  #deletedNow = false;
  /** Committed deletions whose bytes may still be in the files. */
  #owed = false;

  constructor(private readonly db: SqlDatabase) {}

  /** Registers the trigger on this connection. Call after the migrations (the screenshots table must exist). */
  install(): void {
    this.db.function('worktrace_screenshot_deleted', { deterministic: false }, () => {
      this.#deletedNow = true;
      return null;
    });
    this.db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS erase_deleted_screenshot AFTER DELETE ON main.screenshots
      BEGIN SELECT worktrace_screenshot_deleted(); END`);
  }

  /** The outermost transaction committed: erases what it deleted. Never throws (the commit itself succeeded). */
  committed(): void {
    this.#owed ||= this.#deletedNow;
    this.#deletedNow = false;
    if (!this.#owed) return;
    const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    try {
      this.db.pragma('busy_timeout = 0');
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
      this.#owed = result === undefined || result.busy !== 0;
    } catch {
      // Locked by another writer, or an I/O error: the bytes stay owed and the next commit tries again.
      this.#owed = true;
    } finally {
      this.db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`);
    }
  }

  /** The outermost transaction rolled back: what it deleted is back, nothing to erase. */
  rolledBack(): void {
    this.#deletedNow = false;
  }
}
