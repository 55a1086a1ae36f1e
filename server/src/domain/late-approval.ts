import { zonedDateKey, type ZonedWeek } from '../../../src/shared/time/index.js';
import type { ApprovalSettingsRow, ContractRow, RepositorySet, SegmentRow } from '../repository/index.js';
import type { LateRow } from '../repository/segments.js';
import { approvalSettingsAt } from './approval-settings.js';
import { midnightAfter } from './week-state.js';

/**
 * When late time is approved. A late segment (or late part: late-growth.ts) is approved by the client (POST
 * …/late-approval), or else by the server's clock `autoApproveDays` after it ARRIVED, at local midnight in the
 * contract's zone, with the setting in force at its arrival, as a week is after its end (week-state.ts):
 *
 *   week approved ── late segment arrives (Wed 15:00) ── Wed 24:00 + days ──▶ approved by the server
 *                    waits for the client: disputable, revisable whole      part of the record from here
 *
 * Like a week's, the server's approval is derived, not written, so every read agrees at every moment; the upkeep and
 * the late approval record it (late_approved_at = the date, late_approved_by NULL) before they delete the screenshots
 * it covers. An open dispute holds the server's approval back (a week's approval leaves disputed segments out too):
 * after the withdrawal the date applies again.
 */

type LateContract = Pick<ContractRow, 'id' | 'timeZone'>;

/** The server's approval date of time that arrived at `arrivedAt`. */
export function lateAutoApprovalAt(arrivedAt: number, history: readonly ApprovalSettingsRow[], timeZone: string): number {
  return midnightAfter(zonedDateKey(arrivedAt, timeZone), approvalSettingsAt(history, arrivedAt).autoApproveDays, timeZone);
}

/** A late row's approval at `now`: the client's or server's recorded one, else the server's once its date passed. */
export function lateApprovalAt(row: LateRow, history: readonly ApprovalSettingsRow[], timeZone: string, now: number): { at: number; by: 'client' | 'server' } | null {
  if (row.approvedAt !== null) return { at: row.approvedAt, by: row.approvedBy === null ? 'server' : 'client' };
  const auto = lateAutoApprovalAt(row.arrivedAt, history, timeZone);
  return now >= auto && !row.disputed ? { at: auto, by: 'server' } : null;
}

/** The week's `late`, but its totals: how many, the approval once all are approved, the next automatic date while some wait. */
export interface LateSummary {
  readonly count: number;
  readonly approval: { readonly at: number; readonly by: 'client' | 'server' } | null;
  readonly autoApprovesAt: number | null;
}

export async function lateSummary(repos: RepositorySet, now: number, contract: LateContract, week: ZonedWeek): Promise<LateSummary> {
  const rows = await repos.segments.lateRows(contract.id, week.start, week.end);
  if (rows.length === 0) return { count: 0, approval: null, autoApprovesAt: null };
  const history = await repos.contracts.approvalSettingsHistory(contract.id);
  const approvals = rows.map((row) => lateApprovalAt(row, history, contract.timeZone, now));
  const waiting = rows.filter((_, i) => approvals[i] === null);
  // The date shown in advance: the next one the server will act on (a disputed row waits for its withdrawal).
  const dates = waiting.filter((r) => !r.disputed).map((r) => lateAutoApprovalAt(r.arrivedAt, history, contract.timeZone));
  const latest = approvals.reduce<LateSummary['approval']>((last, a) => (a && (!last || a.at >= last.at) ? a : last), null);
  return { count: rows.length, approval: waiting.length === 0 ? latest : null, autoApprovesAt: dates.length > 0 ? Math.min(...dates) : null };
}

/**
 * Records the server's approval of every late row of the week whose date has passed (the upkeep and the late approval
 * call it inside their transaction, holding the contract, before acting on what is approved). Returns how many.
 */
export async function recordLateAutoApprovals(tx: RepositorySet, now: number, contract: LateContract, week: ZonedWeek): Promise<number> {
  const rows = await tx.segments.lateRows(contract.id, week.start, week.end);
  const history = await tx.contracts.approvalSettingsHistory(contract.id);
  let recorded = 0;
  for (const row of rows) {
    const approval = row.approvedAt === null ? lateApprovalAt(row, history, contract.timeZone, now) : null;
    if (approval) recorded += await tx.segments.recordLateApproval(row.id, approval.at, null);
  }
  return recorded;
}

/** Whether `segment` is late time still waiting for its approval at `now` (it can then be revised whole, or disputed). */
export async function awaitsLateApproval(repos: RepositorySet, now: number, contract: LateContract, segment: SegmentRow): Promise<boolean> {
  if (segment.arrivedAfterApprovalAt == null || segment.lateApprovedAt != null) return false;
  const dispute = await repos.disputes.find(segment.id);
  const row: LateRow = { id: segment.id, arrivedAt: segment.arrivedAfterApprovalAt, approvedAt: null, approvedBy: null, disputed: dispute !== undefined && dispute.withdrawnAt == null };
  return lateApprovalAt(row, await repos.contracts.approvalSettingsHistory(contract.id), contract.timeZone, now) === null;
}
