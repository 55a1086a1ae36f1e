import { sumSegments } from '../../../src/shared/diary/totals.js';
import type { Dispute, WeekReview, WithdrawnDispute } from '../../../src/shared/protocol/api/index.js';
import type { ZonedWeek } from '../../../src/shared/time/index.js';
import type { DisputedSegmentRow, RepositorySet, WeekApprovalRow } from '../repository/index.js';
import { toIso } from '../support/time.js';

/** A stored dispute as the API gives it. */
export const toDispute = (d: DisputedSegmentRow): Dispute => ({ segmentId: d.segmentId, startedAt: toIso(d.startedAt), note: d.note, at: toIso(d.disputedAt) });

/** What the week review says of disputes: the open ones with their totals, and those withdrawn after the approval. */
export async function weekDisputes(
  repos: RepositorySet,
  contractId: string,
  week: ZonedWeek,
  approval: WeekApprovalRow | undefined,
): Promise<Pick<WeekReview, 'disputed' | 'disputes' | 'withdrawn'>> {
  const rows = await repos.disputes.ofSegmentsIn(contractId, week.start, week.end);
  const open = rows.filter((d) => d.withdrawnAt === null);
  const joinedLater = approval ? rows.filter((d) => d.withdrawnAt !== null && d.withdrawnAt >= approval.approvedAt) : [];
  return {
    disputed: { totals: sumSegments(open), segments: open.length },
    disputes: open.map(toDispute),
    withdrawn: joinedLater.map((d): WithdrawnDispute => ({ ...toDispute(d), withdrawnAt: toIso(d.withdrawnAt!) })),
  };
}
