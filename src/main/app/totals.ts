import type { SegmentRecord } from '../../shared/protocol/index.js';
import { localDayStartOf } from '../../shared/time/index.js';
import type { SegmentsRepository } from '../store/index.js';
import type { MinuteBucket } from '../tracking/index.js';

export interface Totals {
  readonly todayMs: number;
  readonly weekMs: number;
}

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
 */
export function workedTotals(segments: readonly SegmentRecord[], nowMs: number): Totals {
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

/**
 * Today and this week, current to the second: the stored totals (read once, until something is written) with the
 * tracker's live minutes in place of what that same read held for them. Live values are absolute and newer, so the
 * open minute counts while the store is written only now and then. Replaced against the read, not against the store
 * now: the open minute is saved every 10 s without a word to this cache, and a store newer than the cached totals
 * would take the saved part away twice. A week of minutes costs ~15 ms to read (2,400 minutes), the live part a key
 * lookup per minute: cheap enough to ask every second.
 */
export class LiveTotals {
  #stored: (Totals & { readonly dayStart: number; readonly minuteMs: ReadonlyMap<string, number> }) | null = null;

  constructor(private readonly segments: Pick<SegmentsRepository, 'list'>) {}

  /** The store's minutes changed (a flush, an idle discard, a deletion): read them again next time. */
  invalidate(): void {
    this.#stored = null;
  }

  current(nowMs: number, live: readonly LiveMinute[]): Totals {
    const dayStart = localDayStartOf(nowMs);
    const weekStart = localWeekStartOf(nowMs);
    if (this.#stored?.dayStart !== dayStart) {
      const segments = this.segments.list({ since: Math.floor(weekStart / 1000) });
      const minuteMs = new Map<string, number>();
      for (const segment of segments) {
        for (const m of segment.minutes) minuteMs.set(minuteKey(segment.id, Date.parse(m.startedAt) / 1000), m.trackedSeconds * 1000);
      }
      this.#stored = { dayStart, minuteMs, ...workedTotals(segments, nowMs) };
    }
    let { todayMs, weekMs } = this.#stored;
    for (const { segmentId, minute } of live) {
      const at = minute.startedAt * 1000;
      const newer = minute.trackedMs - (this.#stored.minuteMs.get(minuteKey(segmentId, minute.startedAt)) ?? 0);
      if (at >= weekStart) weekMs += newer;
      if (at >= dayStart) todayMs += newer;
    }
    return { todayMs, weekMs };
  }
}

function minuteKey(segmentId: string, startedAtSec: number): string {
  return `${segmentId}@${startedAtSec}`;
}
