import { describe, expect, it } from 'vitest';
import { shiftDateKey, zonedDateKey, zonedMidnight, zonedWeekOf, zonedWeekOfDate } from '../../../../src/shared/time/index.js';

const utc = (iso: string): number => Date.parse(iso);
const hoursOf = (ms: number): number => ms / 3_600_000;

describe('weeks in a named time zone', () => {
  it('runs Monday 00:00 to the next Monday 00:00 in UTC', () => {
    const week = zonedWeekOf(utc('2026-11-26T15:00:00Z'), 'UTC'); // a Thursday
    expect(week.key).toBe('2026-11-23');
    expect(week.start).toBe(utc('2026-11-23T00:00:00Z'));
    expect(week.end).toBe(utc('2026-11-30T00:00:00Z'));
    expect(week.dayKeys).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(week.days).toHaveLength(8);
  });

  it("cuts at the contract's midnight, not UTC's: a Sunday evening in New York is Monday in UTC", () => {
    const at = utc('2026-11-30T03:00:00Z'); // Sunday 22:00 in New York
    const week = zonedWeekOf(at, 'America/New_York');
    expect(week.key).toBe('2026-11-23');
    expect(week.start).toBe(utc('2026-11-23T05:00:00Z'));
    expect(week.end).toBe(utc('2026-11-30T05:00:00Z'));
    expect(zonedWeekOf(at, 'UTC').key).toBe('2026-11-30');
    expect(zonedDateKey(at, 'America/New_York')).toBe('2026-11-29');
  });

  it('is 167 hours long in the week Berlin springs forward and 169 in the week it falls back', () => {
    const spring = zonedWeekOfDate('2026-03-29', 'Europe/Berlin')!;
    expect(spring.key).toBe('2026-03-23');
    expect(hoursOf(spring.end - spring.start)).toBe(167);
    expect(hoursOf(spring.days[7]! - spring.days[6]!)).toBe(23); // the Sunday
    const autumn = zonedWeekOfDate('2026-10-25', 'Europe/Berlin')!;
    expect(hoursOf(autumn.end - autumn.start)).toBe(169);
    expect(hoursOf(autumn.days[7]! - autumn.days[6]!)).toBe(25);
    expect(autumn.start).toBe(utc('2026-10-18T22:00:00Z')); // CEST midnight
    expect(autumn.end).toBe(utc('2026-10-25T23:00:00Z')); // CET midnight
  });

  it('starts a day whose midnight never happens at the jump (Santiago springs forward at 00:00)', () => {
    // 2026-09-06: clocks go from Sat 23:59:59 -04 to Sun 01:00 -03, at 04:00 UTC.
    expect(zonedMidnight(2026, 9, 6, 'America/Santiago')).toBe(utc('2026-09-06T04:00:00Z'));
    expect(zonedDateKey(utc('2026-09-06T04:00:00Z'), 'America/Santiago')).toBe('2026-09-06');
    expect(zonedDateKey(utc('2026-09-06T03:59:59Z'), 'America/Santiago')).toBe('2026-09-05');
  });

  it('finds the same week from any date in it, and every day boundary is a local midnight', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Los_Angeles']) {
      const week = zonedWeekOfDate('2026-03-11', zone)!;
      for (const key of week.dayKeys) expect(zonedWeekOfDate(key, zone)).toEqual(week);
      week.days.slice(0, 7).forEach((d, i) => {
        expect(zonedDateKey(d, zone)).toBe(week.dayKeys[i]);
        expect(zonedDateKey(d - 1, zone)).not.toBe(week.dayKeys[i]);
      });
    }
  });

  it('refuses what is not a calendar date', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-01', '', 'monday']) expect(zonedWeekOfDate(bad, 'UTC')).toBeUndefined();
  });
});

describe('date keys moved by calendar days', () => {
  it('rolls over months, years and leap days, both ways, and refuses what is not a date key', () => {
    expect(shiftDateKey('2026-11-30', 7)).toBe('2026-12-07');
    expect(shiftDateKey('2026-12-28', 7)).toBe('2027-01-04');
    expect(shiftDateKey('2028-03-01', -1)).toBe('2028-02-29');
    expect(shiftDateKey('2026-03-29', 0)).toBe('2026-03-29'); // a DST day in Europe: no zone, no hour lost
    expect(() => shiftDateKey('29/03/2026', 1)).toThrow(RangeError);
  });
});
