import type { SegmentRecord } from '../../shared/protocol/index.js';
import { localDayStartOf } from '../../shared/time/index.js';
import type { MinuteBucket } from '../tracking/index.js';

/** A minute whose latest values the tracker holds in memory only (Tracker.unwrittenMinutes()). */
export interface LiveMinute {
  readonly segmentId: string;
  readonly minute: MinuteBucket;
}

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
 * `live` minutes (the tracker's open minute, a write still pending) replace what the store holds for them: their
 * values are absolute and newer, so the totals are current to the second while the store is written once a minute.
 */
export function workedTotals(segments: readonly SegmentRecord[], nowMs: number, live: readonly LiveMinute[] = []): { todayMs: number; weekMs: number } {
  const dayStart = localDayStartOf(nowMs);
  const weekStart = localWeekStartOf(nowMs);
  const liveKeys = new Set(live.map(({ segmentId, minute }) => minuteKey(segmentId, minute.startedAt * 1000)));
  let todayMs = 0;
  let weekMs = 0;
  const add = (atMs: number, ms: number): void => {
    if (atMs >= weekStart) weekMs += ms;
    if (atMs >= dayStart) todayMs += ms;
  };
  for (const segment of segments) {
    for (const minute of segment.minutes) {
      const at = Date.parse(minute.startedAt);
      if (!liveKeys.has(minuteKey(segment.id, at))) add(at, minute.trackedSeconds * 1000);
    }
  }
  for (const { minute } of live) add(minute.startedAt * 1000, minute.trackedMs);
  return { todayMs, weekMs };
}

function minuteKey(segmentId: string, startedAtMs: number): string {
  return `${segmentId}@${startedAtMs}`;
}
