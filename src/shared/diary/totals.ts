/**
 * The diary's totals, in one place for the server's API, its exports and the dashboard page: tracked,
 * billable, idle and removed seconds of a set of segments. Billable time is the tracked time of segments
 * the freelancer did not strip of their evidence; "removed" is the tracked time of those that were (the
 * freelancer deleted the screenshot, so the segment is no longer billed). A client's deletion keeps the
 * segment billable, so it is not "removed" time. Idle is counted as recorded, inside tracked time.
 */

/** What a segment must say for its time to be summed. */
export interface SummedSegment {
  readonly startedAt: number | string;
  readonly trackedSeconds: number;
  readonly idleSeconds: number;
  readonly billable: boolean;
}

export interface DiaryTotals {
  readonly trackedSeconds: number;
  readonly billableSeconds: number;
  readonly idleSeconds: number;
  readonly removedSeconds: number;
}

export const NO_TIME: DiaryTotals = { trackedSeconds: 0, billableSeconds: 0, idleSeconds: 0, removedSeconds: 0 };

export function addSegment(totals: DiaryTotals, segment: SummedSegment): DiaryTotals {
  return {
    trackedSeconds: totals.trackedSeconds + segment.trackedSeconds,
    billableSeconds: totals.billableSeconds + (segment.billable ? segment.trackedSeconds : 0),
    idleSeconds: totals.idleSeconds + segment.idleSeconds,
    removedSeconds: totals.removedSeconds + (segment.billable ? 0 : segment.trackedSeconds),
  };
}

export const addTotals = (a: DiaryTotals, b: DiaryTotals): DiaryTotals => ({
  trackedSeconds: a.trackedSeconds + b.trackedSeconds,
  billableSeconds: a.billableSeconds + b.billableSeconds,
  idleSeconds: a.idleSeconds + b.idleSeconds,
  removedSeconds: a.removedSeconds + b.removedSeconds,
});

export const sumSegments = (segments: Iterable<SummedSegment>): DiaryTotals => {
  let totals = NO_TIME;
  for (const s of segments) totals = addSegment(totals, s);
  return totals;
};

const startMs = (s: SummedSegment): number => (typeof s.startedAt === 'number' ? s.startedAt : Date.parse(s.startedAt));

/**
 * Totals per day and for the whole: `boundaries` are ascending instants (epoch ms), day i being
 * [boundaries[i], boundaries[i + 1]). A segment counts on the day it starts in, as the diary shows it;
 * one starting outside every day counts nowhere. The whole is the sum of the days, so the two always agree.
 */
export function sumByDay(segments: Iterable<SummedSegment>, boundaries: readonly number[]): { days: DiaryTotals[]; total: DiaryTotals } {
  const days: DiaryTotals[] = boundaries.slice(1).map(() => NO_TIME);
  for (const s of segments) {
    const at = startMs(s);
    for (let i = 0; i < days.length; i++) {
      if (at >= boundaries[i]! && at < boundaries[i + 1]!) {
        days[i] = addSegment(days[i]!, s);
        break;
      }
    }
  }
  return { days, total: days.reduce(addTotals, NO_TIME) };
}
