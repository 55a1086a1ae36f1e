import { describe, expect, it } from 'vitest';
import { EffectiveTimeline, FROZEN_GAP_MS } from '../../../../src/main/tracking/timeline.js';

const W = Date.UTC(2026, 0, 5, 9, 0);

describe('EffectiveTimeline', () => {
  it('credits monotonic time and places it at the wall clock', () => {
    const t = new EffectiveTimeline(W, 0);
    expect(t.advance(W + 1000, 1000)).toEqual({ startMs: W, endMs: W + 1000, creditedMs: 1000 });
    expect(t.advance(W + 2000, 2000)).toEqual({ startMs: W + 1000, endMs: W + 2000, creditedMs: 1000 });
  });

  it('skips a forward wall jump without crediting it', () => {
    const t = new EffectiveTimeline(W, 0);
    t.advance(W + 1000, 1000);
    expect(t.advance(W + 3_601_000 + 1000, 2000)).toEqual({ startMs: W + 3_601_000, endMs: W + 3_602_000, creditedMs: 1000 });
  });

  it('never goes back when the wall does: it runs ahead until the wall catches up', () => {
    const t = new EffectiveTimeline(W, 0);
    t.advance(W + 1000, 1000);
    const back = t.advance(W + 2000 - 7_200_000, 2000); // wall set back two hours
    expect(back).toEqual({ startMs: W + 1000, endMs: W + 2000, creditedMs: 1000 });
    const later = t.advance(W + 3000 - 7_200_000, 3000);
    expect(later.startMs).toBe(W + 2000);
  });

  it('credits nothing for a gap much longer than a tick (a frozen process), then goes on', () => {
    const t = new EffectiveTimeline(W, 0);
    t.advance(W + 1000, 1000);
    const gap = FROZEN_GAP_MS + 1;
    expect(t.advance(W + 1000 + gap, 1000 + gap).creditedMs).toBe(0);
    expect(t.advance(W + 2000 + gap, 2000 + gap).creditedMs).toBe(1000);
  });

  it('carries fractions of a monotonic millisecond instead of rounding each tick', () => {
    const t = new EffectiveTimeline(W, 0.25);
    let credited = 0;
    for (let i = 1; i <= 1000; i += 1) credited += t.advance(W + i * 1000, 0.25 + i * 999.7).creditedMs;
    expect(credited).toBe(999_700);
  });

  it('credits nothing while suspended, and not the time in between after resume', () => {
    const t = new EffectiveTimeline(W, 0);
    t.advance(W + 1000, 1000);
    t.suspend();
    expect(t.advance(W + 5000, 5000).creditedMs).toBe(0);
    t.resume(9000);
    expect(t.advance(W + 10_000, 10_000)).toEqual({ startMs: W + 9000, endMs: W + 10_000, creditedMs: 1000 });
  });
});
