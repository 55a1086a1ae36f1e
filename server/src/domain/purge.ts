import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { Repositories } from '../repository/index.js';
import type { ScreenshotStorage } from '../storage/types.js';

const BATCH = 200;

/**
 * Deletes every stored screenshot older than its contract's current retention: bytes from storage,
 * then the row down to its placeholder (removed by "retention"), and drops expired tokens. Returns how
 * many screenshots went. Safe to run
 * concurrently with itself and with uploads: a screenshot already removed is skipped.
 */
export async function purgeExpiredScreenshots(deps: {
  repos: Repositories;
  storage: ScreenshotStorage;
  clock: Clock;
  logger: Logger;
}): Promise<number> {
  const now = deps.clock.now();
  let purged = 0;
  for (;;) {
    const expired = await deps.repos.screenshots.listExpired(now, BATCH);
    if (expired.length === 0) break;
    for (const shot of expired) {
      if (shot.storageKey) await deps.storage.delete(shot.storageKey);
      if (await deps.repos.screenshots.markRemoved(shot.id, 'retention', now)) purged += 1;
    }
  }
  // Expired sign-ins are useless rows; they go on the same schedule.
  const tokens = await deps.repos.tokens.deleteExpired(now);
  if (purged > 0 || tokens > 0) deps.logger.info({ purged, expiredTokens: tokens }, 'retention purge done');
  return purged;
}

/** Runs the purge now and then every `intervalMs` on the injected clock; returns the stop function. */
export function schedulePurge(
  deps: Parameters<typeof purgeExpiredScreenshots>[0],
  intervalMs: number,
): { stop: () => void; idle: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => purgeExpiredScreenshots(deps))
      .then(
        () => undefined,
        (error: unknown) => deps.logger.error({ err: error }, 'retention purge failed; it runs again on schedule'),
      );
  };
  run();
  const timer = intervalMs > 0 ? deps.clock.setInterval(run, intervalMs) : undefined;
  return {
    stop: () => {
      if (timer) deps.clock.clearTimer(timer);
    },
    idle: () => running,
  };
}
