/**
 * Calendar dates as the page names them: "2026-11-23". A contract's weeks run Monday to Sunday in the
 * contract's time zone, and the server decides where they start and end (GET /contracts/{id}/weeks/{date}
 * answers with the Monday and the week's instants): the page only names a date, steps from one Monday to
 * the next (calendar arithmetic, done on UTC dates so no zone's DST can shift it), and reads which day of
 * the contract's calendar an instant falls on (Intl, in the contract's zone, never the viewer's).
 */
const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

const keyOfUtc = (at: Date): string =>
  `${String(at.getUTCFullYear()).padStart(4, '0')}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-${String(at.getUTCDate()).padStart(2, '0')}`;

/** The date named by "YYYY-MM-DD" if it is a real calendar date (not 2026-02-30), else undefined. */
export function parseDateKey(key: string | null): string | undefined {
  const match = key ? DATE_KEY.exec(key) : null;
  if (!match) return undefined;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return keyOfUtc(at) === key ? key : undefined;
}

/** The date `days` calendar days after `key` (before, when negative). */
export function shiftDate(key: string, days: number): string {
  const match = DATE_KEY.exec(key);
  if (!match) throw new RangeError(`not a date: ${key}`);
  return keyOfUtc(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days)));
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of an instant in a time zone: the day of the contract's week it belongs to. */
export function dateIn(at: string | Date, timeZone: string): string {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    zoneFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(at))) parts[part.type] = part.value;
  return `${(parts.year ?? '').padStart(4, '0')}-${(parts.month ?? '').padStart(2, '0')}-${(parts.day ?? '').padStart(2, '0')}`;
}

/** Whether `key` lies in the seven days from `monday`. */
export const inWeekOf = (monday: string, key: string): boolean => key >= monday && key <= shiftDate(monday, 6);
