import type { DiaryTotals } from '../../../src/shared/diary/totals.js';
import type { Money } from '../domain/amount.js';
import type { Timesheet } from '../domain/timesheet.js';
import { decimalAmount, hoursMinutesSeconds } from './format.js';

/**
 * A timesheet as RFC 4180 CSV: CRLF line ends, every field quoted (a quote inside doubled), a header row,
 * then per week one row per day and the week's totals row with its state and amount, then, when time reached the
 * server after the week's approval, a `late` row with its totals, its state (in_review until the client approves it)
 * and amount, and a grand total last (the weeks and their late rows).
 * UTF-8 without a byte-order mark (the Content-Type says the charset).
 *
 *   kind  date        week        state      tracked  tracked_seconds … amount  currency  memos
 *   day   2026-03-23  2026-03-23             1:02:03  3723                               Landing page | Review
 *   week              2026-03-23  approved   …                          123.45  EUR
 *   late              2026-03-23  in_review  …                            4.10  EUR
 *   total                                    …                          123.45  EUR
 */
const HEADER = [
  'kind',
  'date',
  'week',
  'state',
  'tracked',
  'tracked_seconds',
  'billable',
  'billable_seconds',
  'idle',
  'idle_seconds',
  'removed',
  'removed_seconds',
  'amount',
  'currency',
  'memos',
];

const CRLF = '\r\n';

/**
 * Text a spreadsheet would run as a formula (= + - @, and a tab or CR before one) starts with an apostrophe,
 * which spreadsheets show as text and do not evaluate (OWASP's advice on CSV injection). Only free text is
 * passed here: every other field is a date, a number or a word the server wrote.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const quoted = (field: string | number) => `"${String(field).replaceAll('"', '""')}"`;
const row = (fields: ReadonlyArray<string | number>) => fields.map(quoted).join(',') + CRLF;

function timeFields(t: DiaryTotals): Array<string | number> {
  return [t.trackedSeconds, t.billableSeconds, t.idleSeconds, t.removedSeconds].flatMap((s) => [hoursMinutesSeconds(s), s]);
}

const moneyFields = (m: Money | null): string[] => (m ? [decimalAmount(m), m.currency] : ['', '']);

export function timesheetCsv(sheet: Timesheet): string {
  let csv = row(HEADER);
  for (const week of sheet.weeks) {
    for (const day of week.days) csv += row(['day', day.date, week.week, '', ...timeFields(day.totals), '', '', neutraliseFormula(day.memos)]);
    csv += row(['week', '', week.week, week.state, ...timeFields(week.totals), ...moneyFields(week.amount), '']);
    if (week.late) csv += row(['late', '', week.week, week.late.approved ? 'approved' : 'in_review', ...timeFields(week.late.totals), ...moneyFields(week.late.amount), '']);
  }
  return csv + row(['total', '', '', '', ...timeFields(sheet.totals), ...moneyFields(sheet.amount), '']);
}
