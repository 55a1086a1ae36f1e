import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  minuteStartOf,
  minuteStartOfMs,
  segmentStartOf,
  segmentStartOfMs,
  splitInterval,
  splitIntoMinutes,
  splitIntoSegments,
  TimeArithmeticError,
} from '../../../../src/shared/time/index.js';

const T = Date.UTC(2026, 0, 5, 9, 7, 30) / 1000; // 09:07:30 UTC

describe('segment and minute starts', () => {
  it('aligns segments to the wall clock: floor(t / L) * L', () => {
    expect(segmentStartOf(T, 600)).toBe(Date.UTC(2026, 0, 5, 9, 0, 0) / 1000);
    expect(segmentStartOf(T, 60)).toBe(Date.UTC(2026, 0, 5, 9, 7, 0) / 1000);
    expect(segmentStartOf(T, 3600)).toBe(Date.UTC(2026, 0, 5, 9, 0, 0) / 1000);
    expect(segmentStartOf(Date.UTC(2026, 0, 5, 9, 10, 0) / 1000, 600)).toBe(Date.UTC(2026, 0, 5, 9, 10, 0) / 1000);
    expect(segmentStartOf(Date.UTC(2026, 0, 5, 9, 9, 59) / 1000, 600)).toBe(Date.UTC(2026, 0, 5, 9, 0, 0) / 1000);
  });

  it('floors (not truncates) before the epoch', () => {
    expect(segmentStartOf(-1, 600)).toBe(-600);
    expect(minuteStartOf(-1)).toBe(-60);
  });

  it('has ms variants that agree with the second ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.constantFrom(60, 120, 300, 600, 900, 3600), (ms, L) => {
        expect(segmentStartOfMs(ms, L)).toBe(segmentStartOf(Math.floor(ms / 1000), L) * 1000);
        expect(minuteStartOfMs(ms)).toBe(minuteStartOf(Math.floor(ms / 1000)) * 1000);
      }),
    );
  });

  it('refuses a segment length that is not a positive whole number of seconds', () => {
    expect(() => segmentStartOf(T, 0)).toThrow(TimeArithmeticError);
    expect(() => segmentStartOf(T, 1.5)).toThrow(/positive whole number/);
    try {
      segmentStartOf(T, -60);
    } catch (error) {
      expect((error as TimeArithmeticError).code).toBe('INVALID_SEGMENT_LENGTH');
    }
  });
});

describe('splitting an interval', () => {
  it('cuts [a, b) at minute boundaries into contiguous pieces', () => {
    const a = Date.UTC(2026, 0, 5, 9, 0, 59, 500);
    const b = Date.UTC(2026, 0, 5, 9, 2, 0, 250);
    expect(splitIntoMinutes(a, b)).toEqual([
      { startMs: a, endMs: Date.UTC(2026, 0, 5, 9, 1), bucketStartMs: Date.UTC(2026, 0, 5, 9, 0) },
      { startMs: Date.UTC(2026, 0, 5, 9, 1), endMs: Date.UTC(2026, 0, 5, 9, 2), bucketStartMs: Date.UTC(2026, 0, 5, 9, 1) },
      { startMs: Date.UTC(2026, 0, 5, 9, 2), endMs: b, bucketStartMs: Date.UTC(2026, 0, 5, 9, 2) },
    ]);
  });

  it('gives nothing for an empty or inverted interval', () => {
    expect(splitIntoMinutes(1000, 1000)).toEqual([]);
    expect(splitIntoMinutes(2000, 1000)).toEqual([]);
  });

  it('keeps every piece inside one bucket, and the pieces add up to the interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.constantFrom(60, 300, 600, 3600),
        (a, length, L) => {
          for (const pieces of [splitIntoMinutes(a, a + length), splitIntoSegments(a, a + length, L)]) {
            let cursor = a;
            let sum = 0;
            for (const p of pieces) {
              expect(p.startMs).toBe(cursor);
              expect(p.endMs).toBeGreaterThan(p.startMs);
              cursor = p.endMs;
              sum += p.endMs - p.startMs;
            }
            expect(sum).toBe(length);
            expect(cursor).toBe(length > 0 ? a + length : a);
          }
          for (const p of splitIntoSegments(a, a + length, L)) {
            expect(p.bucketStartMs).toBe(segmentStartOfMs(p.startMs, L));
            expect(p.endMs - 1).toBeLessThan(p.bucketStartMs + L * 1000);
          }
          for (const p of splitIntoMinutes(a, a + length)) {
            expect(p.bucketStartMs).toBe(minuteStartOfMs(p.startMs));
            expect(minuteStartOfMs(p.endMs - 1)).toBe(p.bucketStartMs);
          }
        },
      ),
    );
  });

  it('refuses a step that is not positive', () => {
    expect(() => splitInterval(0, 10, 0)).toThrow(TimeArithmeticError);
    expect(() => splitInterval(0, 10, Number.NaN)).toThrow(/positive finite/);
  });
});
