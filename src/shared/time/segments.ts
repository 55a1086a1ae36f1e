/**
 * Segment and minute arithmetic on UTC epoch time. Pure: no clock, no time zone. Because every key is
 * a multiple of a fixed length on the epoch axis, DST and local-time oddities cannot make two keys
 * collide or leave a hole; only what a person reads on a local clock changes.
 *
 *   epoch ms ──┬────────┬────────┬────────┬──▶
 *            10:00    10:01    10:02    10:03      minute keys (multiples of 60 s)
 *            └──────── segment (L s) ────────┘      segment key = floor(t / L) × L
 */

export const MINUTE_SECONDS = 60;
export const MINUTE_MS = 60_000;

/** Start (epoch seconds) of the segment of length `lengthSeconds` that contains `tSec`. */
export function segmentStartOf(tSec: number, lengthSeconds: number): number {
  assertPositiveLength(lengthSeconds);
  return Math.floor(tSec / lengthSeconds) * lengthSeconds;
}

/** Start (epoch seconds) of the minute that contains `tSec`. */
export function minuteStartOf(tSec: number): number {
  return Math.floor(tSec / MINUTE_SECONDS) * MINUTE_SECONDS;
}

/** Start (epoch ms) of the minute that contains `tMs`. */
export function minuteStartOfMs(tMs: number): number {
  return Math.floor(tMs / MINUTE_MS) * MINUTE_MS;
}

/** Start (epoch ms) of the segment that contains `tMs`. */
export function segmentStartOfMs(tMs: number, lengthSeconds: number): number {
  assertPositiveLength(lengthSeconds);
  const lengthMs = lengthSeconds * 1000;
  return Math.floor(tMs / lengthMs) * lengthMs;
}

/** One piece of an interval that lies inside a single bucket. `bucketStartMs` is the bucket's key. */
export interface IntervalPiece {
  readonly startMs: number;
  readonly endMs: number;
  readonly bucketStartMs: number;
}

/**
 * Cuts the half-open interval [aMs, bMs) at every multiple of `stepMs`. The pieces are contiguous,
 * in order, non-empty, and their lengths add up to bMs - aMs. An empty or inverted interval gives none.
 */
export function splitInterval(aMs: number, bMs: number, stepMs: number): IntervalPiece[] {
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) {
    throw new TimeArithmeticError('INVALID_STEP', `step must be a positive finite number of ms, got ${stepMs}`);
  }
  const pieces: IntervalPiece[] = [];
  let start = aMs;
  while (start < bMs) {
    const bucketStartMs = Math.floor(start / stepMs) * stepMs;
    const endMs = Math.min(bMs, bucketStartMs + stepMs);
    pieces.push({ startMs: start, endMs, bucketStartMs });
    start = endMs;
  }
  return pieces;
}

/** [aMs, bMs) cut into per-minute pieces. */
export function splitIntoMinutes(aMs: number, bMs: number): IntervalPiece[] {
  return splitInterval(aMs, bMs, MINUTE_MS);
}

/** [aMs, bMs) cut into per-segment pieces for segments of `lengthSeconds`. */
export function splitIntoSegments(aMs: number, bMs: number, lengthSeconds: number): IntervalPiece[] {
  assertPositiveLength(lengthSeconds);
  return splitInterval(aMs, bMs, lengthSeconds * 1000);
}

export type TimeArithmeticErrorCode = 'INVALID_STEP' | 'INVALID_SEGMENT_LENGTH' | 'EMPTY_RANGE' | 'INVALID_TIMESTAMP';

export class TimeArithmeticError extends Error {
  override readonly name = 'TimeArithmeticError';
  constructor(
    readonly code: TimeArithmeticErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function assertPositiveLength(lengthSeconds: number): void {
  if (!Number.isInteger(lengthSeconds) || lengthSeconds <= 0) {
    throw new TimeArithmeticError('INVALID_SEGMENT_LENGTH', `segment length must be a positive whole number of seconds, got ${lengthSeconds}`);
  }
}
