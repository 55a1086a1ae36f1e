/**
 * Calendar days and weeks in a named IANA time zone (a contract's), not the runtime's: the server and
 * every viewer's browser must cut a contract's week at the same instants. Weeks run Monday 00:00 to the
 * next Monday 00:00 local time, so a week is 167, 168 or 169 hours long across a DST change.
 *
 *   local    Mon 00:00 ─────── … ─────── Sun 24:00 (= next Mon 00:00)
 *   epoch    week.start                  week.end        days[i] = local midnight of day i, days[7] = end
 *
 * Intl gives the zone's offset at an instant; local midnight is found from the offset near it. On a day
 * whose midnight does not exist (a DST jump at 00:00, e.g. America/Santiago) the day starts at the first
 * instant that exists, as the clocks on the wall show it.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for a zone the runtime does not know: zones are validated on the way in (timeZoneSchema).
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and clock of an instant in a zone. */
interface LocalTime {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

function localTime(epochMs: number, timeZone: string): LocalTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Local clock minus UTC at an instant, in ms (Berlin in summer: +7 200 000). Whole seconds; zones have no finer offsets today. */
function offsetAt(epochMs: number, timeZone: string): number {
  const t = localTime(epochMs, timeZone);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The first instant (epoch ms) of a local calendar date in a zone. Month is 1–12; out-of-range days roll over, as Date.UTC does. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // Zones change their offset at most once in a day or so: midnight is the wall time read with the offset
  // of the day before or of the day after, whichever really shows 00:00 there (the earlier if both do: a
  // midnight that happens twice).
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  for (const candidate of [wall - before, wall - after].sort((a, b) => a - b)) {
    if (offsetAt(candidate, timeZone) === wall - candidate) return candidate;
  }
  // Midnight was skipped (clocks jumped from 23:59:59 to 01:00): the day begins at the jump, where the old offset reaches it.
  return wall - before;
}

/** "2026-11-23": the local calendar date of an instant in a zone. */
export function zonedDateKey(epochMs: number, timeZone: string): string {
  const t = localTime(epochMs, timeZone);
  return `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** A Monday-to-Sunday week in a zone. */
export interface ZonedWeek {
  /** The Monday's date, "YYYY-MM-DD": the week's name in addresses and exports. */
  readonly key: string;
  /** Local Monday 00:00, epoch ms. */
  readonly start: number;
  /** Local next Monday 00:00, epoch ms: the week is [start, end). */
  readonly end: number;
  /** Eight instants: each day's local midnight, Monday first, and `end` last. Day i is [days[i], days[i + 1]). */
  readonly days: readonly number[];
  /** The seven dates, "YYYY-MM-DD", Monday first. */
  readonly dayKeys: readonly string[];
}

/** The week containing an instant, in a zone. */
export function zonedWeekOf(epochMs: number, timeZone: string): ZonedWeek {
  const t = localTime(epochMs, timeZone);
  const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay(); // 0 = Sunday
  const mondayOffset = -((weekday + 6) % 7);
  const days: number[] = [];
  const dayKeys: string[] = [];
  for (let i = 0; i <= 7; i++) {
    const date = new Date(Date.UTC(t.year, t.month - 1, t.day + mondayOffset + i));
    days.push(zonedMidnight(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), timeZone));
    if (i < 7) dayKeys.push(date.toISOString().slice(0, 10));
  }
  return { key: dayKeys[0]!, start: days[0]!, end: days[7]!, days, dayKeys };
}

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The week a "YYYY-MM-DD" date falls in, in a zone; undefined for anything that is not a real calendar
 * date (2026-02-30 included), so a caller can answer a coded 400.
 */
export function zonedWeekOfDate(key: string, timeZone: string): ZonedWeek | undefined {
  const match = DATE_KEY.exec(key);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  // Noon of that date: safely inside it whatever the offset.
  return zonedWeekOf(zonedMidnight(year, month, day, timeZone) + 12 * 3_600_000, timeZone);
}

/** The date key `days` calendar days after `key` (before, when negative): calendar arithmetic, no zone involved. */
export function shiftDateKey(key: string, days: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!match) throw new RangeError(`not a date: ${key}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days)).toISOString().slice(0, 10);
}
