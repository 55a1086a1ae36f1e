import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { Repositories } from '../repository/index.js';
import type { ScreenshotStorage } from '../storage/types.js';
import { sweepUncommittedFiles } from './sweep.js';

const BATCH = 200;

export interface StorageUpkeep {
  readonly repos: Repositories;
  readonly storage: ScreenshotStorage;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Deletes every stored screenshot older than its contract's current retention: bytes from storage,
 * then the row down to its placeholder (removed by "retention"), and drops expired tokens. Returns how
 * many screenshots went. A screenshot whose bytes cannot be deleted (a storage error) keeps its row,
 * so its bytes stay known and the next run tries again; it is logged and passed over, and the purge goes
 * on with every other screenshot of every contract. Safe to run concurrently with itself and with
 * uploads: a screenshot already removed is skipped.
 */
export async function purgeExpiredScreenshots(deps: StorageUpkeep): Promise<number> {
  const now = deps.clock.now();
  let purged = 0;
  let failed = 0;
  let after: { takenAt: number; id: string } | null = null;
  for (;;) {
    const expired = await deps.repos.screenshots.listExpired(now, after, BATCH);
    if (expired.length === 0) break;
    for (const shot of expired) {
      after = { takenAt: shot.takenAt, id: shot.id };
      try {
        if (shot.storageKey) await deps.storage.delete(shot.storageKey);
      } catch (error) {
        failed += 1;
        deps.logger.error({ err: error, screenshotId: shot.id, contractId: shot.contractId }, 'retention purge could not delete a screenshot; it is tried again on the next run');
        continue;
      }
      if (await deps.repos.screenshots.markRemoved(shot.id, 'retention', now)) purged += 1;
    }
  }
  // Expired sign-ins are useless rows; they go on the same schedule.
  const tokens = await deps.repos.tokens.deleteExpired(now);
  if (purged > 0 || tokens > 0 || failed > 0) deps.logger.info({ purged, failed, expiredTokens: tokens }, 'retention purge done');
  return purged;
}

/**
 * At start: sweeps the files of uploads that never committed (domain/sweep.ts), then purges. Then the
 * purge again every `intervalMs` on the injected clock. Returns the stop function and the run in progress.
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
    running = running.then(() => purgeExpiredScreenshots(deps)).then(() => undefined, logFailure('retention purge failed; it runs again on schedule'));
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
