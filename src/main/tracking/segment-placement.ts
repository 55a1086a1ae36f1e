import { DEFAULT_SEGMENT_SECONDS } from '../../shared/protocol/index.js';
import { segmentStartOf } from '../../shared/time/index.js';
import type { SegmentHeader, StoredSegment, TrackingSink } from './ports.js';

/** Every segment length the policy allows (whole minutes dividing an hour): where a stored segment may start. */
const ALLOWED_LENGTHS = [60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800, 3600] as const;

export type Placement =
  | { readonly kind: 'continue'; readonly stored: StoredSegment }
  | { readonly kind: 'open'; readonly startedAt: number; readonly lengthSeconds: number };

/**
 * Where the segment holding `tSec` lies. Normally floor(t / L) × L with the policy's L. Two things
 * can make that overlap a segment that already exists, and both are avoided here:
 *  - a segment recorded before (an earlier run of the agent) covers t: it is continued, whatever its length;
 *  - the policy's length changed, so the aligned start falls before the end of the previous segment
 *    (this run's, or a stored one): the new segment starts where that one ended and ends on the grid.
 *
 *   L 300 → 600:   [10:00 ─ 10:05)[10:05 ─ 10:10)[10:10 ─────── 10:20)
 *                   old length    clipped start   aligned again
 */
export function placeSegment(
  sink: Pick<TrackingSink, 'findSegment'>,
  contractId: string,
  tSec: number,
  lengthSeconds: number | null,
  previousEndSec: number | null,
): Placement {
  const length = lengthSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const alignedStart = segmentStartOf(tSec, length);
  let start = alignedStart;
  if (previousEndSec !== null && previousEndSec > start && previousEndSec <= tSec) start = previousEndSec;

  const seen = new Set<number>();
  for (const candidateLength of [length, ...ALLOWED_LENGTHS]) {
    const candidateStart = segmentStartOf(tSec, candidateLength);
    if (seen.has(candidateStart)) continue;
    seen.add(candidateStart);
    const stored = sink.findSegment(contractId, candidateStart);
    if (!stored) continue;
    const storedEnd = stored.header.startedAt + stored.header.lengthSeconds;
    if (tSec < storedEnd) return { kind: 'continue', stored };
    if (storedEnd > start) start = storedEnd;
  }
  if (start !== alignedStart) {
    // A clipped start is not on any grid: look there too, an earlier run may have opened it.
    const stored = sink.findSegment(contractId, start);
    if (stored && tSec < stored.header.startedAt + stored.header.lengthSeconds) return { kind: 'continue', stored };
  }
  return { kind: 'open', startedAt: start, lengthSeconds: alignedStart + length - start };
}

export function headerFor(
  placement: Extract<Placement, { kind: 'open' }>,
  fields: Pick<SegmentHeader, 'id' | 'contractId' | 'memo' | 'policyVersion'>,
): SegmentHeader {
  return { ...fields, startedAt: placement.startedAt, lengthSeconds: placement.lengthSeconds };
}
