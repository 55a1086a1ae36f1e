import { addTotals, type DiaryTotals, NO_TIME, sumSegments } from '../../../src/shared/diary/totals.js';
import type { RepositorySet } from '../repository/index.js';
import type { SegmentPart } from '../repository/segments.js';

/**
 * The diary totals of a contract's segments per day, `boundaries` being ascending instants (day i is
 * [boundaries[i], boundaries[i + 1])), and of the whole. The rule is the shared one (src/shared/diary/
 * totals.ts), which the dashboard also uses, so the API, the exports and the page cannot disagree; the
 * database only adds up seconds per billable flag, per day (server/bench/diary-totals.ts measures both ways).
 * `part` keeps to the segments on time for their week's approval, or to the late ones (the week review shows them apart).
 */
export async function contractTotalsByDay(
  repos: RepositorySet,
  contractId: string,
  boundaries: readonly number[],
  part: SegmentPart = 'all',
): Promise<{ days: DiaryTotals[]; total: DiaryTotals }> {
  const days: DiaryTotals[] = [];
  for (let i = 0; i + 1 < boundaries.length; i++) days.push(sumSegments(await repos.segments.timeSums(contractId, boundaries[i]!, boundaries[i + 1]!, part)));
  return { days, total: days.reduce(addTotals, NO_TIME) };
}

/** The diary totals of a contract's segments starting in [from, to). */
export async function contractTotals(repos: RepositorySet, contractId: string, from: number, to: number): Promise<DiaryTotals> {
  return (await contractTotalsByDay(repos, contractId, [from, to])).total;
}
