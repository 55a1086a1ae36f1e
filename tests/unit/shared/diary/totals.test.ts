import { describe, expect, it } from 'vitest';
import { sumByDay, sumSegments } from '../../../../src/shared/diary/totals.js';

const seg = (startedAt: number, trackedSeconds: number, idleSeconds: number, billable: boolean) => ({ startedAt, trackedSeconds, idleSeconds, billable });

describe('the diary totals', () => {
  it('sums tracked, billable, idle and removed time: removed is the tracked time of segments no longer billable', () => {
    expect(sumSegments([seg(0, 600, 60, true), seg(600, 540, 0, false), seg(1200, 17, 17, true)])).toEqual({
      trackedSeconds: 1157,
      billableSeconds: 617,
      idleSeconds: 77,
      removedSeconds: 540,
    });
  });

  it('puts a segment on the day it starts in, leaves out what starts outside, and the whole is the sum of the days', () => {
    const boundaries = [1000, 2000, 3000];
    const { days, total } = sumByDay([seg(999, 5, 0, true), seg(1000, 7, 1, true), seg(1999, 11, 0, false), seg(2000, 13, 2, true), seg('1970-01-01T00:00:02.500Z' as never, 3, 0, true), seg(3000, 99, 0, true)], boundaries);
    expect(days).toEqual([
      { trackedSeconds: 18, billableSeconds: 7, idleSeconds: 1, removedSeconds: 11 },
      { trackedSeconds: 16, billableSeconds: 16, idleSeconds: 2, removedSeconds: 0 },
    ]);
    expect(total).toEqual({ trackedSeconds: 34, billableSeconds: 23, idleSeconds: 3, removedSeconds: 11 });
  });
});
