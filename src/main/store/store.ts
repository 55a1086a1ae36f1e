import { join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import { checkIntegrity, openDatabase, type IntegrityReport, type OpenDatabaseOptions, type SqliteDatabase } from './database.js';
import { OutboxRepository } from './outbox-repository.js';
import { PolicyCacheRepository } from './policy-cache-repository.js';
import { PrivateWindowsRepository } from './private-windows-repository.js';
import { ScreenshotsRepository } from './screenshots-repository.js';
import { SegmentsRepository } from './segments-repository.js';
import { SettingsRepository } from './settings-repository.js';
import { StatusQueries } from './status-queries.js';
import { WeekReviewsRepository } from './week-reviews-repository.js';

export const DATABASE_FILE_NAME = 'worktrace.db';

export interface StoreOptions extends OpenDatabaseOptions {
  /** `<dataDir>/worktrace.db`, or ':memory:' for tests. */
  readonly file: string;
  /** Only the wall clock is used (queue and cache timestamps). */
  readonly clock: Pick<Clock, 'now'>;
  /** 'server': every recorded change is queued for upload. 'local': nothing is queued. */
  readonly mode: 'local' | 'server';
}

/** The opened database with one repository per table family. Built once by the composition root. */
export interface Store {
  readonly db: SqliteDatabase;
  readonly segments: SegmentsRepository;
  readonly screenshots: ScreenshotsRepository;
  readonly outbox: OutboxRepository;
  readonly policies: PolicyCacheRepository;
  readonly settings: SettingsRepository;
  /** The freelancer's private-window list (device only). */
  readonly privateWindows: PrivateWindowsRepository;
  /** The server's last answer for each week of a contract (the app's Weeks view, offline). */
  readonly weekReviews: WeekReviewsRepository;
  readonly status: StatusQueries;
  /**
   * The freelancer deletes a screenshot: the image and the segment's time go together, in one
   * transaction (DESIGN: deleting evidence removes that segment's time). In server mode the deletion is queued for
   * the server in that transaction too. Returns false if no such screenshot.
   */
  deleteScreenshotWithTime(screenshotId: string): boolean;
  checkIntegrity(): IntegrityReport;
  /** Checkpoints the WAL into the main file and closes; the store must not be used afterwards. */
  close(): void;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE_NAME);
}

/** Opens the database (see openDatabase for the errors it can raise) and builds the repositories. */
export function openStore(options: StoreOptions): Store {
  const db = openDatabase(options.file, options);
  const outbox = new OutboxRepository(db, options.clock);
  const uploads = options.mode === 'server' ? outbox : null;
  const segments = new SegmentsRepository(db, { uploads });
  const screenshots = new ScreenshotsRepository(db, { uploads });
  // A crash between a save of the open minute and that minute's end left its segment changed but not queued.
  segments.queueOwedUploads();
  return {
    db,
    segments,
    screenshots,
    outbox,
    policies: new PolicyCacheRepository(db, options.clock),
    settings: new SettingsRepository(db),
    privateWindows: new PrivateWindowsRepository(db, options.clock),
    weekReviews: new WeekReviewsRepository(db, options.clock),
    status: new StatusQueries(db, outbox),
    deleteScreenshotWithTime: (screenshotId) =>
      db.transaction(() => {
        const shot = screenshots.meta(screenshotId);
        if (!shot) return false;
        screenshots.deleteByFreelancer(screenshotId, options.clock.now());
        segments.clearTime(shot.segmentId);
        return true;
      })(),
    checkIntegrity: () => checkIntegrity(db),
    close: () => db.close(),
  };
}
