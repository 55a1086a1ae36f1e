import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { BulkDeletion, BulkDeletionResult } from '../../../src/shared/protocol/api/index.js';
import { badRequest } from '../errors.js';
import type { ContractRow, Repositories } from '../repository/index.js';
import type { ScreenshotObjects } from './screenshot-objects.js';
import { weekNamed } from './weeks.js';

/** The instants [from, to) a bulk deletion covers: a day or a week in the contract's zone, or all of its time. */
export function deletionRange(contract: Pick<ContractRow, 'timeZone'>, range: BulkDeletion): { from: number; to: number } {
  switch (range.scope) {
    case 'contract':
      return { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER };
    case 'week': {
      const week = weekNamed(contract, range.date);
      return { from: week.start, to: week.end };
    }
    case 'day': {
      const week = weekNamed(contract, range.date); // validates the date
      const i = week.dayKeys.indexOf(range.date);
      if (i < 0) throw badRequest('VALIDATION_FAILED', `${range.date} is not a calendar date`);
      return { from: week.days[i]!, to: week.days[i + 1]! };
    }
  }
}

/**
 * POST /contracts/{id}/screenshots/deletion (the client): deletes every screenshot of a day, a week or the whole
 * contract, for good, as a client deletion (the time stays billable). Two steps, each safe to cut short:
 *   1. one transaction marks every screenshot of the range removed, destroys its key and queues its object for
 *      deletion: each row is deleted for readers (and unreadable wherever its object lingers) or untouched;
 *   2. the queued objects leave the store.
 * A crash during step 2 leaves queued objects that no key opens: a repeat of the call, any deletion, or the next
 * retention purge finishes it. Idempotent: a repeat deletes nothing more and counts what is already gone.
 */
export async function deleteScreenshotsInRange(
  deps: { repos: Repositories; objects: ScreenshotObjects; clock: Clock; logger: Logger },
  contract: ContractRow,
  range: BulkDeletion,
): Promise<BulkDeletionResult> {
  const { from, to } = deletionRange(contract, range);
  const at = deps.clock.now();
  const deleted = await deps.repos.transaction((tx) => tx.screenshots.markRemovedInRange(contract.id, from, to, 'client', at));
  await deps.objects.deleteQueued(deps.repos, deps.logger);
  const removed = await deps.repos.screenshots.countRemovedInRange(contract.id, from, to);
  return { deleted, alreadyDeleted: removed - deleted };
}
