import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { WeekReview } from '../../../src/shared/protocol/api/index.js';
import { zonedWeekOf, zonedWeekOfDate, type ZonedWeek } from '../../../src/shared/time/index.js';
import { badRequest, conflict } from '../errors.js';
import type { ContractRow, Repositories, RepositorySet, WeekApprovalRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import type { Caller } from './access.js';
import { NO_TIME } from '../../../src/shared/diary/totals.js';
import { contractTotalsByDay } from './totals.js';
import { removeOnApproval } from './approval-deletion.js';
import { lateSummary } from './late-approval.js';
import { approvalSettingsAt } from './approval-settings.js';
import type { ScreenshotObjects } from './screenshot-objects.js';
import { weekDisputes } from './week-disputes.js';
import { autoApprovalAt, weekState } from './week-state.js';

type WeekContract = Pick<ContractRow, 'id' | 'timeZone' | 'deleteScreenshotsOnApproval'>;

/** A week of a contract and its approval, if it has one by now. */
export interface WeekStatus {
  readonly week: ZonedWeek;
  readonly autoApprovesAt: number;
  readonly approval: WeekApprovalRow | undefined;
  /** Whether the approval deletes the week's screenshots: the setting in force when it was approved, or, before, the current one. */
  readonly deletesScreenshots: boolean;
}

export function weekNamed(contract: Pick<ContractRow, 'timeZone'>, date: string): ZonedWeek {
  const week = zonedWeekOfDate(date, contract.timeZone);
  if (!week) throw badRequest('VALIDATION_FAILED', `${date} is not a calendar date`);
  return week;
}

/**
 * The week's approval: the client's, recorded, or else the server's once its moment has passed by the
 * server's clock. The server's is derived, not written: it follows from the clock and the contract's
 * settings history alone (domain/approval-settings.ts says which setting holds when, so that changing one
 * never un-approves a week), so a read stays a read, and every answer agrees whenever it is asked.
 */
export async function weekStatus(repos: RepositorySet, now: number, contract: WeekContract, week: ZonedWeek): Promise<WeekStatus> {
  const history = await repos.contracts.approvalSettingsHistory(contract.id);
  const autoApprovesAt = autoApprovalAt(week, approvalSettingsAt(history, week.end).autoApproveDays, contract.timeZone);
  const recorded = await repos.weekApprovals.find(contract.id, week.key);
  // A client's approval after the server's moment cannot exist (approveWeek sees the server's first), but
  // a stored one is the record either way.
  const approval = recorded ?? (now >= autoApprovesAt ? { contractId: contract.id, week: week.key, approvedAt: autoApprovesAt, approvedBy: null } : undefined);
  const deletesScreenshots = approval ? approvalSettingsAt(history, approval.approvedAt).deleteScreenshotsOnApproval : contract.deleteScreenshotsOnApproval;
  return { week, autoApprovesAt, approval, deletesScreenshots };
}

/** Whether the week holding `at` is approved, and so locked against the freelancer shrinking it. */
export async function isLockedAt(repos: RepositorySet, now: number, contract: WeekContract, at: number): Promise<boolean> {
  return (await weekStatus(repos, now, contract, zonedWeekOf(at, contract.timeZone))).approval !== undefined;
}

/** GET /contracts/{id}/weeks/{week}: the week's days and totals (the shared diary totals), its state and approval. */
export async function weekReview(repos: RepositorySet, clock: Clock, contract: WeekContract, date: string): Promise<WeekReview> {
  const now = clock.now();
  const status = await weekStatus(repos, now, contract, weekNamed(contract, date));
  return reviewOf(repos, now, contract, status);
}

/** A week's review at `now`: a timesheet reads many weeks at one moment, so their states agree with each other. */
export async function weekReviewAt(repos: RepositorySet, now: number, contract: WeekContract, week: ZonedWeek): Promise<WeekReview> {
  return reviewOf(repos, now, contract, await weekStatus(repos, now, contract, week));
}

export async function reviewOf(repos: RepositorySet, now: number, contract: WeekContract, status: WeekStatus): Promise<WeekReview> {
  const { week, autoApprovesAt, approval } = status;
  // The approved record: segments that arrived after the approval are shown apart (late), never added to it.
  const { days, total } = await contractTotalsByDay(repos, contract.id, week.days, 'on-time');
  const late = await lateSummary(repos, now, contract, week);
  return {
    contractId: contract.id,
    week: week.key,
    timeZone: contract.timeZone,
    from: toIso(week.start),
    to: toIso(week.end),
    state: weekState(now, week, approval !== undefined),
    autoApprovesAt: toIso(autoApprovesAt),
    approval: approval ? { at: toIso(approval.approvedAt), by: approval.approvedBy === null ? 'server' : 'client' } : null,
    days: days.map((totals, i) => ({ date: week.dayKeys[i]!, totals })),
    totals: total,
    screenshots: {
      stored: await repos.screenshots.countStoredInRange(contract.id, week.start, week.end),
      deleteOnApproval: status.deletesScreenshots,
      // Approved: they went (or go at the next upkeep; none is served meanwhile) at the approval. Not yet: at the
      // latest when the server approves it, earlier if the client does.
      deletedAtLatest: status.deletesScreenshots ? toIso(approval?.approvedAt ?? autoApprovesAt) : null,
    },
    ...(await weekDisputes(repos, contract.id, week, approval)),
    late: {
      totals: late.count > 0 ? (await contractTotalsByDay(repos, contract.id, [week.start, week.end], 'late')).total : NO_TIME,
      segments: late.count,
      approval: late.approval && { at: toIso(late.approval.at), by: late.approval.by },
      autoApprovesAt: late.autoApprovesAt === null ? null : toIso(late.autoApprovesAt),
    },
  };
}

/**
 * POST /contracts/{id}/weeks/{week}/approval (the client, checked by the route): approves a week that has
 * ended. Approving an approved week changes nothing and answers the same (a retry is safe); a running
 * week cannot be approved (409 WEEK_NOT_ENDED). When the contract deletes screenshots on approval, the
 * week's go in the approval's transaction (approval-deletion.ts), their objects from the store right after.
 */
export async function approveWeek(
  deps: { repos: Repositories; objects: ScreenshotObjects; clock: Clock; logger: Logger },
  contract: WeekContract,
  caller: Caller,
  date: string,
): Promise<WeekReview> {
  const { repos, clock } = deps;
  const week = weekNamed(contract, date);
  const now = clock.now();
  if (now < week.end) throw conflict('WEEK_NOT_ENDED', `the week of ${week.key} runs until ${toIso(week.end)}: approve it once it has ended`);
  const { status, removed } = await repos.transaction(async (tx) => {
    // The contract's lock orders this with the freelancer's uploads and deletions, which check the lock under it.
    await tx.contracts.lock(contract.id);
    const before = await weekStatus(tx, now, contract, week);
    if (!before.approval) await tx.weekApprovals.insertOnce({ contractId: contract.id, week: week.key, approvedAt: now, approvedBy: caller.id });
    const after = await weekStatus(tx, now, contract, week);
    return { status: after, removed: await removeOnApproval(tx, contract, after, now) };
  });
  if (removed > 0) await deps.objects.deleteQueued(repos, deps.logger);
  return reviewOf(repos, now, contract, status);
}
