import type { Clock } from '../../../src/shared/clock.js';
import { MAX_LISTED_DISPUTES, type DisputeList, type DisputeResult } from '../../../src/shared/protocol/api/index.js';
import { zonedWeekOf, type ZonedWeek } from '../../../src/shared/time/index.js';
import { ApiError, conflict } from '../errors.js';
import type { ContractRow, Repositories, RepositorySet, SegmentRow, WeekApprovalRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import type { Caller } from './access.js';
import { awaitsLateApproval } from './late-approval.js';
import { toDispute } from './week-disputes.js';
import { weekStatus } from './weeks.js';

/*
 * The client disputes a single segment instead of approving it, with a note the freelancer reads.
 *
 *   dispute opened ──(note replaced)──▶ … ──withdrawn──▶ closed
 *        │ week approved meanwhile: the segment is left out of the approval
 *
 *   | the client…                   | week not approved          | week approved (by the client or the server)   |
 *   |-------------------------------|----------------------------|-----------------------------------------------|
 *   | opens or replaces a dispute   | stored; the note's time    | 409 WEEK_APPROVED (the approval is the record)|
 *   | withdraws an open dispute     | approved with the week     | the segment's time joins the approval now, at |
 *   |                               | later, like any segment    | the withdrawal's own time (the review lists   |
 *   |                               |                            | it under `withdrawn`)                         |
 *   | withdraws where none is open  | nothing changes            | nothing changes                               |
 *
 * A late segment (one that reached the server after its week's approval, or the late part of a segment that grew
 * after it: late-segments.ts, late-growth.ts) is not part of the week's approval: until its own approval it is
 * disputed like a segment of a week in review, and the late approval leaves it out while the dispute is open.
 *
 * An approval approves the week's segments but those disputed at that moment; as no dispute can be opened once
 * the week is approved, the open disputes of an approved week are exactly the segments it left out. The freelancer's
 * lock on an approved week (no shrinking, no screenshot deletion) covers a disputed segment too: the dispute is
 * the client's say on it, and the freelancer answers in words, not by changing the evidence.
 */

type DisputeContract = Pick<ContractRow, 'id' | 'timeZone' | 'deleteScreenshotsOnApproval'>;

/** The contract's segment, or 404 SEGMENT_NOT_FOUND (another contract's segment is not found either). */
async function segmentOf(repos: RepositorySet, contract: DisputeContract, segmentId: string): Promise<SegmentRow> {
  const segment = await repos.segments.find(segmentId);
  if (!segment || segment.contractId !== contract.id) throw new ApiError(404, 'SEGMENT_NOT_FOUND', 'this contract has no such segment');
  return segment;
}

/** PUT /contracts/{id}/segments/{segmentId}/dispute (the client, checked by the route): opens or replaces a dispute. */
export async function disputeSegment(repos: Repositories, clock: Clock, contract: DisputeContract, caller: Caller, segmentId: string, note: string): Promise<DisputeResult> {
  const segment = await segmentOf(repos, contract, segmentId);
  const week = zonedWeekOf(segment.startedAt, contract.timeZone);
  const now = clock.now();
  await repos.transaction(async (tx) => {
    // Under the contract's lock, which the approval takes too: a dispute and an approval of its week are ordered.
    await tx.contracts.lock(contract.id);
    const { approval } = await weekStatus(tx, now, contract, week);
    // A late segment (or late part) is not in the week's approval: it is disputed before its own, like a segment.
    if (approval && !(await awaitsLateApproval(tx, now, contract, segment))) throw weekApproved(week, approval);
    await tx.disputes.put({ segmentId, contractId: contract.id, note, disputedAt: now, disputedBy: caller.id });
  });
  return { contractId: contract.id, segmentId, startedAt: toIso(segment.startedAt), note, at: toIso(now) };
}

function weekApproved(week: ZonedWeek, approval: WeekApprovalRow): ApiError {
  return conflict('WEEK_APPROVED', `the week of ${week.key} was approved at ${toIso(approval.approvedAt)}: a dispute can be opened or changed only before that`);
}

/**
 * DELETE /contracts/{id}/segments/{segmentId}/dispute (the client): withdraws the segment's open dispute. In an
 * approved week the segment's time joins the approval at this moment (its withdrawal, kept as withdrawn_at).
 * Withdrawing where no dispute is open changes nothing, so a retry is safe.
 */
export async function withdrawDispute(repos: Repositories, clock: Clock, contract: DisputeContract, segmentId: string): Promise<boolean> {
  await segmentOf(repos, contract, segmentId);
  const now = clock.now();
  return repos.transaction(async (tx) => {
    await tx.contracts.lock(contract.id);
    return tx.disputes.withdraw(segmentId, now);
  });
}

/** GET /contracts/{id}/disputes (both parties): the open disputes, newest segment first. */
export async function listDisputes(repos: RepositorySet, contract: DisputeContract): Promise<DisputeList> {
  const rows = await repos.disputes.listOpen(contract.id, MAX_LISTED_DISPUTES + 1);
  return { contractId: contract.id, disputes: rows.slice(0, MAX_LISTED_DISPUTES).map(toDispute), more: rows.length > MAX_LISTED_DISPUTES };
}
