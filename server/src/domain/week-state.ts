import { zonedMidnight, type ZonedWeek } from '../../../src/shared/time/index.js';
import type { WeekState } from '../../../src/shared/protocol/api/index.js';

/**
 * When the server approves a week the client has not: local midnight `days` calendar days after the week
 * ends, in the contract's zone (calendar days, so a DST change in between moves nothing a person sees).
 *
 *   Mon ─── week ─── Sun 24:00 = end ── days ──▶ autoApprovesAt
 *   open             in_review                   approved (by the client before, by the server from here)
 */
export function autoApprovalAt(week: ZonedWeek, days: number, timeZone: string): number {
  return midnightAfter(week.dayKeys[6]!, days, timeZone);
}

/** Local midnight at the end of the day `dateKey` (YYYY-MM-DD), `days` calendar days later, in `timeZone`. */
export function midnightAfter(dateKey: string, days: number, timeZone: string): number {
  const [year, month, day] = dateKey.split('-').map(Number) as [number, number, number];
  return zonedMidnight(year, month, day + 1 + days, timeZone);
}

/** A week's state at `now`: approved once an approval is recorded, else open while it runs, else in review. */
export function weekState(now: number, week: ZonedWeek, approved: boolean): WeekState {
  if (approved) return 'approved';
  return now < week.end ? 'open' : 'in_review';
}
