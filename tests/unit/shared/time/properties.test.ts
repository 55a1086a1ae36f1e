import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  minuteStartOf,
  minuteStartOfMs,
  pickScreenshotMoment,
  segmentStartOf,
  segmentStartOfMs,
  splitIntoMinutes,
  splitIntoSegments,
} from '../../../../src/shared/time/index.js';

/**
 * Issue 8, clock properties of the pure segment maths. segments.test.ts already checks that splitting an interval
 * gives contiguous pieces inside one bucket each that add up to the interval; screenshot-moment.test.ts the extremes
 * of the random source and uniformity. Added here: the keys themselves (any instant, before the epoch too, any
 * valid length), minutes nesting in segments, the minutes of each segment adding up to its part of an interval, and
 * the screenshot moment for any range and any value the random source may return.
 */
const SEED = 20261126;
const RUNS = 2_000;
/** Every policy segment length: whole minutes dividing the hour (segmentSecondsSchema). */
const LENGTHS = [60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800, 3600];
const instantMs = fc.integer({ min: -4_000_000_000_000, max: 4_000_000_000_000 });
/** Epoch seconds as the agent has them: whole, or with the milliseconds of a wall-clock reading. */
const instantSec = fc.oneof(fc.integer({ min: -4_000_000_000, max: 4_000_000_000 }), instantMs.map((ms) => ms / 1000));

describe('segment maths properties (fast-check, fixed seed)', () => {
  it(`a segment key holds its instant, is a multiple of L, is its own key, and agrees in s and ms (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(instantSec, fc.oneof(fc.constantFrom(...LENGTHS), fc.integer({ min: 1, max: 86_400 })), (t, L) => {
        const start = segmentStartOf(t, L);
        expect(start).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(start + L);
        expect(Number.isInteger(start / L)).toBe(true);
        expect(segmentStartOf(start, L)).toBe(start);
        if (Number.isInteger(t)) expect(segmentStartOfMs(t * 1000, L)).toBe(start * 1000);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`every minute lies in exactly one segment of any policy length, and segments tile the axis (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(instantMs, fc.constantFrom(...LENGTHS), (t, L) => {
        const segment = segmentStartOfMs(t, L);
        const minute = minuteStartOfMs(t);
        expect(minute).toBeGreaterThanOrEqual(segment);
        expect(minute + 60_000).toBeLessThanOrEqual(segment + L * 1000);
        expect(minuteStartOf(Math.floor(t / 1000))).toBe(minute / 1000);
        // The next segment starts where this one ends: no gap, no overlap.
        expect(segmentStartOfMs(segment + L * 1000, L)).toBe(segment + L * 1000);
        expect(segmentStartOfMs(segment - 1, L)).toBe(segment - L * 1000);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`the minutes of each segment add up to that segment's part of any interval (${RUNS / 2} runs)`, () => {
    fc.assert(
      fc.property(instantMs, fc.integer({ min: -5_000, max: 3 * 3_600_000 }), fc.constantFrom(...LENGTHS), (a, length, L) => {
        const b = a + length;
        const segments = splitIntoSegments(a, b, L);
        let total = 0;
        for (const s of segments) {
          const minutes = splitIntoMinutes(s.startMs, s.endMs);
          const sum = minutes.reduce((acc, m) => acc + (m.endMs - m.startMs), 0);
          expect(sum).toBe(s.endMs - s.startMs);
          for (const m of minutes) {
            expect(m.endMs).toBeGreaterThan(m.startMs); // nothing empty, nothing negative
            expect(segmentStartOfMs(m.bucketStartMs, L)).toBe(s.bucketStartMs);
          }
          total += sum;
        }
        expect(total).toBe(Math.max(0, length));
        // Cutting by segments then minutes gives the same minutes as cutting by minutes at once.
        expect(segments.flatMap((s) => splitIntoMinutes(s.startMs, s.endMs))).toEqual(splitIntoMinutes(a, b));
      }),
      { numRuns: RUNS / 2, seed: SEED },
    );
  });

  it(`the screenshot moment is a whole ms inside [from, end) whatever the random source returns (${RUNS} runs)`, () => {
    const anyRandom = fc.oneof(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.constantFrom(Number.NaN, 1, -0, -1e-12, 1 + 1e-12, Infinity, -Infinity, 0.999_999_999_999_999_9),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.double({ min: 1.7e12, max: 1.9e12, noNaN: true }), fc.double({ min: 1, max: 3_600_000, noNaN: true }), anyRandom, (from, span, r) => {
        const end = from + span;
        fc.pre(Math.ceil(end) > Math.ceil(from));
        const moment = pickScreenshotMoment(from, end, () => r);
        expect(Number.isInteger(moment)).toBe(true);
        expect(moment).toBeGreaterThanOrEqual(Math.ceil(from));
        expect(moment).toBeLessThan(Math.ceil(end));
        expect(moment).toBeGreaterThanOrEqual(from); // never before tracking started
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`the moment moves forward with the random value (a seeded source maps to one moment) (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (from, span, r1, r2) => {
          const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
          expect(pickScreenshotMoment(from, from + span, () => lo)).toBeLessThanOrEqual(pickScreenshotMoment(from, from + span, () => hi));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
