/**
 * The diary's totals, in one place for the server's API, its exports and the dashboard page: tracked,
 * billable, idle and removed seconds of a set of segments. Billable time is the tracked time of segments
 * the freelancer did not strip of their evidence; "removed" is the tracked time of those that were (the
 * freelancer deleted the screenshot, so the segment is no longer billed). A client's deletion keeps the
 * segment billable, so it is not "removed" time. Idle is counted as recorded, inside tracked time.
 */

/** What a segment must say for its time to be summed (or the summed time of segments alike in `billable`). */
export interface SummedSegment {
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
