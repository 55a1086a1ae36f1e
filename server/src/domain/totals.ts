import { addTotals, type DiaryTotals, NO_TIME, sumByDay } from '../../../src/shared/diary/totals.js';
import type { RepositorySet } from '../repository/index.js';

/** Segments read per query while summing: a year of one-minute segments stays a few pages of small rows. */
const PAGE = 5_000;

/**
 * The diary totals of a contract's segments per day, `boundaries` being ascending instants (day i is
 * [boundaries[i], boundaries[i + 1])), and of the whole. The rule is the shared one (src/shared/diary/
 * totals.ts), which the dashboard also uses, so the API, the exports and the page cannot disagree.
 */
export async function contractTotalsByDay(repos: RepositorySet, contractId: string, boundaries: readonly number[]): Promise<{ days: DiaryTotals[]; total: DiaryTotals }> {
  const from = boundaries[0]!;
  const to = boundaries.at(-1)!;
  let days = boundaries.slice(1).map(() => NO_TIME);
  for (let cursor = null as { startedAt: number; id: string } | null; ; ) {
    const rows = await repos.segments.timesPage(contractId, from, to, cursor, PAGE);
    const page = sumByDay(rows, boundaries);
    days = days.map((d, i) => addTotals(d, page.days[i]!));
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) break;
    cursor = last;
  }
  return { days, total: days.reduce(addTotals, NO_TIME) };
}

/** The diary totals of a contract's segments starting in [from, to). */
export async function contractTotals(repos: RepositorySet, contractId: string, from: number, to: number): Promise<DiaryTotals> {
  return (await contractTotalsByDay(repos, contractId, [from, to])).total;
}
