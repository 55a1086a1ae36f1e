import { TimeArithmeticError } from './segments.js';

/**
 * The screenshot moment of a segment: uniform over the whole milliseconds in [fromMs, segmentEndMs).
 * `fromMs` is where the tracked part of the segment begins (the segment start, or later when tracking
 * started mid-segment), so a screenshot is never scheduled for time that was not tracked.
 * `random` returns values in [0, 1), like Math.random; it is injected so tests can seed it.
 */
export function pickScreenshotMoment(fromMs: number, segmentEndMs: number, random: () => number): number {
  const from = Math.ceil(fromMs);
  const span = Math.ceil(segmentEndMs) - from;
  if (!(span > 0)) {
    throw new TimeArithmeticError('EMPTY_RANGE', `no time left in the segment to pick a moment from (${fromMs} >= ${segmentEndMs})`);
  }
  const r = random();
  // A misbehaving source (r = 1 or NaN) must still land inside the range.
  const unit = r >= 0 && r < 1 ? r : 0;
  return from + Math.min(span - 1, Math.floor(unit * span));
}
