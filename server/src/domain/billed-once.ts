import type { MinuteRecord } from '../../../src/shared/protocol/index.js';

/** A billable segment of the freelancer, as far as this rule cares: the minutes it records. */
export interface BilledSegment {
  readonly id: string;
  readonly contractId: string;
  readonly minutes: readonly MinuteRecord[];
}

/** A minute an upload would bill a second time, and one of the segments that bill it already. */
export interface DoubleBilling {
  /** The minute's start, epoch ms. */
  readonly minute: number;
  readonly segmentId: string;
  readonly contractId: string;
  /** Seconds of that minute in the upload, and in the billable segments that hold it already. */
  readonly uploadedSeconds: number;
  readonly billedSeconds: number;
}

const MINUTE_SECONDS = 60;

/**
 * One freelancer's wall-clock time is billable once, across all their contracts and devices. The rule
 * compares tracked minutes, never segment windows: moving to another machine in the middle of a segment
 * gives two segments over one window with different minutes, which is normal work; the same minute
 * tracked on both is not.
 *
 *   the upload's minute          the freelancer's billable segments at that instant    decision
 *   0 s tracked                  anything                                               fine: it bills nothing
 *   held already, not grown      anything                                               fine: judged when it came
 *   s > 0 s                      none                                                   fine
 *   s > 0 s                      t s in all, s + t <= 60 + slack                        fine: the move fell inside it
 *   s > 0 s                      t s in all, s + t >  60 + slack                        refused: billed twice
 *
 * "held already": a new revision (or a retry) of a segment is judged on the minutes it adds or grows
 * only, so a segment never clashes with itself and time accepted before is not refused again. slack is
 * one second per segment beyond the first: each agent rounds its own part of a minute to whole seconds,
 * so two halves of one minute may add up to 61.
 *
 *   device A   09:00 [60 s] 09:01 [40 s]                     (left at 09:01:40)
 *   device B                09:01 [15 s] 09:02 [60 s]        (started at 09:01:45)
 *              minute 09:01 holds 40 + 15 s: fine. Minute 09:00 uploaded by B as well: refused.
 *
 * Minutes are keyed by instant, not by text (`…:00Z` and `…:00.000Z` are one minute). Returns the
 * earliest minute billed twice, or null when the upload bills nothing a second time.
 */
export function firstDoublyBilled(
  upload: readonly MinuteRecord[],
  billed: readonly BilledSegment[],
  held: readonly MinuteRecord[] = [],
): DoubleBilling | null {
  const heldSeconds = secondsByInstant(held);
  const uploaded = secondsByInstant(upload);
  const judged = [...uploaded].filter(([at, seconds]) => seconds > 0 && seconds > (heldSeconds.get(at) ?? 0)).sort(([a], [b]) => a - b);
  if (judged.length === 0) return null;

  const others = new Map<number, { seconds: number; segments: number; first: BilledSegment }>();
  for (const segment of billed) {
    for (const [at, seconds] of secondsByInstant(segment.minutes)) {
      if (seconds === 0 || !uploaded.has(at)) continue;
      const entry = others.get(at);
      if (entry) {
        entry.seconds += seconds;
        entry.segments += 1;
      } else {
        others.set(at, { seconds, segments: 1, first: segment });
      }
    }
  }
  for (const [at, seconds] of judged) {
    const other = others.get(at);
    if (!other) continue;
    const slack = other.segments; // one second per record beyond the first, the upload being one of them
    if (seconds + other.seconds > MINUTE_SECONDS + slack) {
      return { minute: at, segmentId: other.first.id, contractId: other.first.contractId, uploadedSeconds: seconds, billedSeconds: other.seconds };
    }
  }
  return null;
}

/** Tracked seconds per minute instant (a minute listed twice counts once per listing: it is not ours to fix here). */
function secondsByInstant(minutes: readonly MinuteRecord[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of minutes) {
    const at = Date.parse(m.startedAt);
    out.set(at, (out.get(at) ?? 0) + m.trackedSeconds);
  }
  return out;
}
