import { zonedWeekOf } from '../../../src/shared/time/index.js';
import type { ContractRow, RepositorySet, ScreenshotRow } from '../repository/index.js';
import { awaitsLateApproval, recordLateAutoApprovals } from './late-approval.js';
import type { StorageUpkeep } from './purge.js';
import { weekStatus, type WeekStatus } from './weeks.js';

/** The advisory lock the approval upkeep holds on PostgreSQL: one instance runs it at a time, the others skip that round. */
export const APPROVAL_UPKEEP_LOCK = 'worktrace-approval-upkeep';

type ApprovalContract = Pick<ContractRow, 'id' | 'timeZone' | 'deleteScreenshotsOnApproval'>;

/**
 * Inside the transaction that approves a week, or finds it approved, holding the contract: when that approval deletes
 * the week's screenshots (the setting in force at it), records the server's approval if it was only derived so far,
 * and removes every screenshot of the week as a client-side deletion by 'approval' (the time stays billed): keys
 * destroyed and objects queued in this transaction (markRemovedInRange), so each is gone for readers or untouched.
 * Screenshots of late segments waiting for their own approval (the client's, or their date: late-approval.ts), and of disputed segments, stay (a withdrawal
 * after the approval lets the upkeep remove it). The caller deletes the queued objects once
 * this committed (a crash before leaves them queued and unreadable; any deletion or the purge finishes them).
 * Returns how many screenshots it removed; 0 again on a repeat.
 */
export async function removeOnApproval(tx: RepositorySet, contract: Pick<ContractRow, 'id' | 'timeZone'>, status: WeekStatus, at: number): Promise<number> {
  if (!status.approval || !status.deletesScreenshots) return 0;
  if (status.approval.approvedBy === null) await tx.weekApprovals.insertOnce(status.approval);
  // Late segments the server's clock approved by now go as the week's did: their approval is recorded first.
  await recordLateAutoApprovals(tx, at, contract, status.week);
  return tx.screenshots.markRemovedInRange(contract.id, status.week.start, status.week.end, 'approval', at, 'approved');
}

/**
 * Whether a stored screenshot counts as deleted by its week's approval already: its week is approved (by the client,
 * or by the clock, which the upkeep may not have acted on yet) under a setting that deletes, and it is not the
 * screenshot of a late segment waiting for its own approval or of a disputed one. GET /screenshots/{id} answers 410 for it at once, so no
 * image is served between the automatic approval and the upkeep run that removes it.
 */
export async function goneOnApproval(repos: RepositorySet, now: number, contract: ApprovalContract, shot: Pick<ScreenshotRow, 'segmentId'>): Promise<boolean> {
  const segment = await repos.segments.find(shot.segmentId);
  if (!segment || (await awaitsLateApproval(repos, now, contract, segment))) return false;
  const dispute = await repos.disputes.find(segment.id);
  if (dispute && dispute.withdrawnAt == null) return false; // the dispute's evidence stays until it is withdrawn
  const status = await weekStatus(repos, now, contract, zonedWeekOf(segment.startedAt, contract.timeZone));
  return status.approval !== undefined && status.deletesScreenshots;
}

/**
 * The upkeep of automatic approvals: every week the server's clock approved under a setting that deletes screenshots
 * has them removed (removeOnApproval), without anyone reading the week. Runs on the purge's schedule; on PostgreSQL
 * under an advisory lock, so one instance runs it at a time (undefined: another one is). Only the weeks that still
 * hold a stored screenshot are visited, a contract at a time, each week in a transaction of its own: a run cut short
 * leaves every week removed or untouched, and the next run (or a repeat) goes on where it stopped.
 */
export async function removeScreenshotsOfApprovedWeeks(deps: StorageUpkeep): Promise<number | undefined> {
  const outcome = await deps.repos.exclusively(APPROVAL_UPKEEP_LOCK, () => upkeepNow(deps));
  if (!outcome.ran) deps.logger.debug('approval upkeep skipped: another instance is running it');
  return outcome.ran ? outcome.value : undefined;
}

async function upkeepNow(deps: StorageUpkeep): Promise<number> {
  const now = deps.clock.now();
  let removed = 0;
  for (const contractId of await deps.repos.contracts.listDeletingOnApproval()) {
    const contract = await deps.repos.contracts.find(contractId);
    if (!contract) continue;
    // From one week holding a stored screenshot to the next: weeks without any cost nothing.
    for (let from = Number.MIN_SAFE_INTEGER; ; ) {
      const start = await deps.repos.screenshots.firstStoredSegmentStart(contract.id, from);
      if (start === undefined || start > now) break;
      const week = zonedWeekOf(start, contract.timeZone);
      removed += await deps.repos.transaction(async (tx) => {
        await tx.contracts.lock(contract.id);
        return removeOnApproval(tx, contract, await weekStatus(tx, now, contract, week), now);
      });
      from = week.end;
    }
  }
  const objects = await deps.objects.deleteQueued(deps.repos, deps.logger);
  if (removed > 0 || objects > 0) deps.logger.info({ removed, objectsDeleted: objects }, 'screenshots of approved weeks deleted');
  return removed;
}
