import type { StorageUpkeep } from './purge.js';

const BATCH = 200;

/** The advisory lock the sweep holds on PostgreSQL: one instance lists the store at a time. */
export const SWEEP_LOCK = 'worktrace-uncommitted-sweep';

/**
 * Deletes stored files that no screenshot row names. An upload writes the image first and then commits
 * its row; a crash (or a lost database) in between leaves bytes nobody can see, delete or purge. Only
 * files last written more than `graceMs` ago go: a younger one may belong to an upload committing right
 * now (another process on the same storage). Unfinished writes (temporary files) of that age go too.
 * One file that cannot be deleted is logged and left for the next start. Returns how many went, or
 * undefined when another instance is sweeping right now: instances restarted together (a rolling deploy)
 * list the store one at a time, not all at once. The listing is still the whole store, a page at a time.
 */
export async function sweepUncommittedFiles(deps: StorageUpkeep, graceMs: number): Promise<number | undefined> {
  const outcome = await deps.repos.exclusively(SWEEP_LOCK, () => sweepNow(deps, graceMs));
  if (!outcome.ran) deps.logger.debug('sweep of uncommitted files skipped: another instance is running it');
  return outcome.ran ? outcome.value : undefined;
}

async function sweepNow(deps: StorageUpkeep, graceMs: number): Promise<number> {
  let swept = 0;
  for await (const keys of deps.objects.storage.keysWrittenBefore(deps.clock.now() - graceMs, BATCH)) {
    const named = await deps.repos.screenshots.namedStorageKeys(keys);
    for (const key of keys) {
      if (named.has(key)) continue;
      try {
        await deps.objects.storage.delete(key);
        swept += 1;
      } catch (error) {
        deps.logger.error({ err: error, key }, 'could not delete a screenshot file no row names; it is tried again at the next start');
      }
    }
  }
  if (swept > 0) deps.logger.warn({ swept }, 'deleted screenshot files that no screenshot row names (uploads that never committed)');
  return swept;
}
