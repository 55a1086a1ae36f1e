import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { Repositories } from '../repository/index.js';
import type { ScreenshotObjects } from './screenshot-objects.js';
import { removeScreenshotsOfApprovedWeeks } from './approval-deletion.js';
import { sweepUncommittedFiles } from './sweep.js';

const BATCH = 200;

/** The advisory lock the purge holds on PostgreSQL: one instance purges at a time, the others skip that round. */
export const PURGE_LOCK = 'worktrace-retention-purge';

/** How long an unused sign-in limit record is kept (far past the longest wait any limit imposes). */
const SIGN_IN_RECORD_TTL_MS = 86_400_000;

export interface StorageUpkeep {
  readonly repos: Repositories;
  /** The store (objects.storage) and the sealing around it. */
  readonly objects: ScreenshotObjects;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Deletes every stored screenshot older than its contract's current retention: the row down to its placeholder
 * (removed by "retention"), its key with it and the object queued for deletion in the same transaction, then the
 * queued objects from the store. An object the store cannot delete now stays queued (logged) and goes on a later
 * run; its key is gone already, so it can no longer be opened. Drops expired tokens and stale sign-in limit
 * records. Returns how many screenshots went, or undefined when another instance is purging right now
 * (PostgreSQL advisory lock). Safe to run concurrently with itself and with uploads: a screenshot already removed
 * is skipped.
 */
export async function purgeExpiredScreenshots(deps: StorageUpkeep): Promise<number | undefined> {
  const outcome = await deps.repos.exclusively(PURGE_LOCK, () => purgeNow(deps));
  if (!outcome.ran) deps.logger.debug('retention purge skipped: another instance is running it');
  return outcome.ran ? outcome.value : undefined;
}

async function purgeNow(deps: StorageUpkeep): Promise<number> {
  const now = deps.clock.now();
  let purged = 0;
  let after: { takenAt: number; id: string } | null = null;
  for (;;) {
    const expired = await deps.repos.screenshots.listExpired(now, after, BATCH);
    if (expired.length === 0) break;
    for (const shot of expired) {
      after = { takenAt: shot.takenAt, id: shot.id };
      if (await deps.repos.transaction((tx) => tx.screenshots.markRemoved(shot.id, 'retention', now))) purged += 1;
    }
    await deps.objects.deleteQueued(deps.repos, deps.logger);
  }
  const objects = await deps.objects.deleteQueued(deps.repos, deps.logger);
  // Expired sign-ins and forgotten sign-in limits are useless rows; they go on the same schedule.
  const tokens = await deps.repos.tokens.deleteExpired(now);
  const limits = await deps.repos.signInLimits.deleteUnusedSince(now - SIGN_IN_RECORD_TTL_MS);
  if (purged > 0 || tokens > 0 || objects > 0 || limits > 0) {
    deps.logger.info({ purged, objectsDeleted: objects, expiredTokens: tokens, signInRecords: limits }, 'retention purge done');
  }
  return purged;
}

/**
 * At start: sweeps the files of uploads that never committed (domain/sweep.ts), then purges, then deletes the
 * screenshots of weeks the clock approved (approval-deletion.ts). Then both again every `intervalMs` on the injected clock. Returns the stop function and the run in progress.
 */
export function schedulePurge(
  deps: StorageUpkeep,
  options: { readonly intervalMs: number; readonly uncommittedFileGraceMs: number },
): { stop: () => void; idle: () => Promise<void> } {
  const logFailure = (message: string) => (error: unknown) => deps.logger.error({ err: error }, message);
  let running: Promise<void> = sweepUncommittedFiles(deps, options.uncommittedFileGraceMs).then(
    () => undefined,
    logFailure('sweep of uncommitted screenshot files failed; it runs again at the next start'),
  );
  const run = () => {
    running = running
      .then(() => purgeExpiredScreenshots(deps))
      .then(() => undefined, logFailure('retention purge failed; it runs again on schedule'))
      .then(() => removeScreenshotsOfApprovedWeeks(deps))
      .then(() => undefined, logFailure('deletion of approved weeks\' screenshots failed; it runs again on schedule'));
  };
  run();
  const timer = options.intervalMs > 0 ? deps.clock.setInterval(run, options.intervalMs) : undefined;
  return {
    stop: () => {
      if (timer) deps.clock.clearTimer(timer);
    },
    idle: () => running,
  };
}
