import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { WeekReview } from '../../../src/shared/protocol/api/index.js';
import { conflict } from '../errors.js';
import type { ContractRow, Repositories } from '../repository/index.js';
import type { Caller } from './access.js';
import { removeOnApproval } from './approval-deletion.js';
import { recordLateAutoApprovals } from './late-approval.js';
import type { ScreenshotObjects } from './screenshot-objects.js';
import { reviewOf, weekNamed, weekStatus } from './weeks.js';

/**
 * Late segments: a segment that reaches the server after its week was approved (an agent offline through the review)
 * is kept, never dropped and never silently billed. It is marked when it is inserted (segments.arrived_after_approval_at,
 * set under the contract's lock, the one approvals take, so an approval and an upload cannot pass each other), the
 * week review shows it apart from the approved totals, which stay what the client approved, and the client approves it
 * separately here. A segment of the record that grows after the approval keeps its approved minutes as they are, and
 * the time it added becomes a late part of it (late-growth.ts), a late segment like these; a revision that would
 * change an approved minute is refused (409 WEEK_APPROVED, domain/segments.ts).
 *
 * POST /contracts/{id}/weeks/{week}/late-approval (the client, checked by the route): approves every late segment of
 * the week not approved yet but those it disputes (disputes.ts); with the contract deleting screenshots on approval, their screenshots go as the week's did
 * (approval-deletion.ts). 409 NOTHING_TO_APPROVE when the week has no late segment at all; a repeat once they are
 * approved changes nothing and answers the same.
 */
export async function approveLateSegments(
  deps: { repos: Repositories; objects: ScreenshotObjects; clock: Clock; logger: Logger },
  contract: Pick<ContractRow, 'id' | 'timeZone' | 'deleteScreenshotsOnApproval'>,
  caller: Caller,
  date: string,
): Promise<WeekReview> {
  const week = weekNamed(contract, date);
  const now = deps.clock.now();
  const { status, removed } = await deps.repos.transaction(async (tx) => {
    await tx.contracts.lock(contract.id);
    const late = await tx.segments.lateRows(contract.id, week.start, week.end);
    if (late.length === 0) throw conflict('NOTHING_TO_APPROVE', `no segment of the week of ${week.key} arrived after its approval`);
    // What the server's clock approved already stays the server's approval; the client approves the rest.
    await recordLateAutoApprovals(tx, now, contract, week);
    await tx.segments.approveLate(contract.id, week.start, week.end, caller.id, now);
    const current = await weekStatus(tx, now, contract, week);
    return { status: current, removed: await removeOnApproval(tx, contract, current, now) };
  });
  if (removed > 0) await deps.objects.deleteQueued(deps.repos, deps.logger);
  return reviewOf(deps.repos, now, contract, status);
}
