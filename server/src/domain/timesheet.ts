import type { Clock } from '../../../src/shared/clock.js';
import type { DiaryTotals } from '../../../src/shared/diary/totals.js';
import { addTotals, NO_TIME } from '../../../src/shared/diary/totals.js';
import { MAX_TIMESHEET_WEEKS, type HourlyRate, type TimesheetQuery, type WeekState } from '../../../src/shared/protocol/api/index.js';
import { zonedWeekOfDate, type ZonedWeek } from '../../../src/shared/time/index.js';
import { badRequest } from '../errors.js';
import { MEMO_DIGEST_MEMOS, memoDigest } from '../export/memo-digest.js';
import type { ContractRow, RepositorySet } from '../repository/index.js';
import { addMoney, amountOf, type Money } from './amount.js';
import { contractTerms } from './contract-terms.js';
import { weekReviewAt } from './weeks.js';

export interface TimesheetDay {
  /** YYYY-MM-DD in the contract's zone. */
  readonly date: string;
  readonly totals: DiaryTotals;
  /** The day's distinct memos in one line (export/memo-digest.ts). */
  readonly memos: string;
}

export interface TimesheetWeek {
  /** The Monday, YYYY-MM-DD. */
  readonly week: string;
  readonly state: WeekState;
  readonly days: readonly TimesheetDay[];
  /** The week's totals as GET /contracts/{id}/weeks/{week} answers them. */
  readonly totals: DiaryTotals;
  /** Billable time at the contract's rate, rounded once for the week; null without a rate. */
  readonly amount: Money | null;
  /**
   * The time that reached the server after the week's approval (late segments and late parts, weeks.ts `late`): out of
   * the week's approved totals, billed apart; approved once the client (or the server's date) approved all of it. Null
   * when the week has none.
   */
  readonly late: { readonly totals: DiaryTotals; readonly approved: boolean; readonly amount: Money | null } | null;
}

/** What a timesheet shows, whatever its format (export/csv.ts, export/pdf.ts). */
export interface Timesheet {
  readonly contract: { readonly id: string; readonly name: string; readonly clientName: string; readonly freelancerName: string | null; readonly timeZone: string };
  readonly hourlyRate: HourlyRate | null;
  /** The first Monday and the last Sunday, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  /** When the server read it (its clock): the weeks' states are as of then. */
  readonly readAt: number;
  readonly weeks: readonly TimesheetWeek[];
  readonly totals: DiaryTotals;
  /** The weeks' amounts added up; null without a rate. */
  readonly amount: Money | null;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The weeks a timesheet covers: `from` must be a Monday and `to` a Sunday in the contract's zone, at most
 * MAX_TIMESHEET_WEEKS weeks apart, else 400 VALIDATION_FAILED saying which.
 */
export function timesheetWeeks(timeZone: string, { from, to }: TimesheetQuery): ZonedWeek[] {
  const first = zonedWeekOfDate(from, timeZone);
  const last = zonedWeekOfDate(to, timeZone);
  if (!first) throw badRequest('VALIDATION_FAILED', `from: ${from} is not a calendar date`);
  if (!last) throw badRequest('VALIDATION_FAILED', `to: ${to} is not a calendar date`);
  if (first.key !== from) throw badRequest('VALIDATION_FAILED', `from must be a Monday: ${from} is in the week of Monday ${first.key}`);
  if (last.dayKeys[6] !== to) throw badRequest('VALIDATION_FAILED', `to must be a Sunday: ${to} is in the week that ends on Sunday ${last.dayKeys[6]}`);
  // Both keys are Mondays read as UTC midnights: whole weeks apart, whatever the zone's DST does.
  const count = (Date.parse(last.key) - Date.parse(first.key)) / WEEK_MS + 1;
  if (count < 1) throw badRequest('VALIDATION_FAILED', `to (${to}) comes before from (${from})`);
  if (count > MAX_TIMESHEET_WEEKS) throw badRequest('VALIDATION_FAILED', `a timesheet covers at most ${MAX_TIMESHEET_WEEKS} weeks; ${from} to ${to} is ${count}`);
  return Array.from({ length: count }, (_, i) => zonedWeekOfDate(new Date(Date.parse(from) + i * WEEK_MS).toISOString().slice(0, 10), timeZone)!);
}

/**
 * A contract's timesheet over whole weeks (the route checks that the caller is a party). Each week is the week
 * review's (weeks.ts), read at one moment, so the sheet's totals are the API's and the diary's to the second;
 * the amount is at the contract's current hourly rate (the server keeps no history of rates).
 */
export async function buildTimesheet(repos: RepositorySet, clock: Clock, contract: ContractRow, query: TimesheetQuery): Promise<Timesheet> {
  const readAt = clock.now();
  const { hourlyRate } = contractTerms(contract);
  const weeks: TimesheetWeek[] = [];
  for (const week of timesheetWeeks(contract.timeZone, query)) {
    const review = await weekReviewAt(repos, readAt, contract, week);
    const days: TimesheetDay[] = [];
    for (const [i, day] of review.days.entries()) {
      const memos = await repos.segments.distinctMemos(contract.id, week.days[i]!, week.days[i + 1]!, MEMO_DIGEST_MEMOS + 1);
      days.push({ date: day.date, totals: day.totals, memos: memoDigest(memos.slice(0, MEMO_DIGEST_MEMOS), memos.length > MEMO_DIGEST_MEMOS) });
    }
    const late =
      review.late.segments > 0
        ? { totals: review.late.totals, approved: review.late.approval !== null, amount: hourlyRate && amountOf(review.late.totals.billableSeconds, hourlyRate) }
        : null;
    weeks.push({ week: review.week, state: review.state, days, totals: review.totals, amount: hourlyRate && amountOf(review.totals.billableSeconds, hourlyRate), late });
  }
  // The grand total is all the time billed: each week's approved record and what arrived after it.
  const parts = weeks.flatMap((w) => (w.late ? [w, w.late] : [w]));
  return {
    contract: { id: contract.id, name: contract.name, clientName: contract.clientName, freelancerName: contract.freelancerName, timeZone: contract.timeZone },
    hourlyRate,
    from: query.from,
    to: query.to,
    readAt,
    weeks,
    totals: parts.map((w) => w.totals).reduce(addTotals, NO_TIME),
    amount: hourlyRate && parts.map((w) => w.amount!).reduce(addMoney, { minor: 0, currency: hourlyRate.currency }),
  };
}
