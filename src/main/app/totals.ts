import type { SegmentRecord } from '../../shared/protocol/index.js';
import { localDayStartOf } from '../../shared/time/index.js';

/** Local midnight of the Monday of the week containing `epochMs` (weeks start on Monday, as timesheets do). */
export function localWeekStartOf(epochMs: number): number {
  const dayStart = localDayStartOf(epochMs);
  const weekday = (new Date(dayStart).getDay() + 6) % 7; // Monday = 0
  // Stepping back by whole days through a DST change can land an hour off midnight: snap to that day's start.
  return localDayStartOf(dayStart - weekday * 86_400_000 + 12 * 3_600_000);
}

/**
 * Worked milliseconds today and this week from the recorded minutes (idle minutes the person kept count; discarded
 * ones are gone from the store). Counted per minute, so a segment that spans midnight is split where it belongs.
 */
export function workedTotals(segments: readonly SegmentRecord[], nowMs: number): { todayMs: number; weekMs: number } {
  const dayStart = localDayStartOf(nowMs);
  const weekStart = localWeekStartOf(nowMs);
  let todayMs = 0;
  let weekMs = 0;
  for (const segment of segments) {
    for (const minute of segment.minutes) {
      const at = Date.parse(minute.startedAt);
      const ms = minute.trackedSeconds * 1000;
      if (at >= weekStart) weekMs += ms;
      if (at >= dayStart) todayMs += ms;
    }
  }
  return { todayMs, weekMs };
}
