import { describe, expect, it } from 'vitest';
import { addTotals, NO_TIME, sumSegments } from '../../../../src/shared/diary/totals.js';

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

  it('sums sums as it sums segments: the totals of a whole are the totals of its parts added', () => {
    const parts = [
      [seg(0, 600, 60, true), seg(600, 540, 0, false)],
      [seg(1200, 17, 17, true)],
      [],
    ];
    const whole = sumSegments(parts.flat());
    expect(parts.map((p) => sumSegments(p)).reduce(addTotals, NO_TIME)).toEqual(whole);
    // A database's group sums (one row per billable flag) give what the segments give.
    const grouped = [seg(0, 617, 77, true), seg(0, 540, 0, false)];
    expect(sumSegments(grouped)).toEqual(whole);
  });
});
