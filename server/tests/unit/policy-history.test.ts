import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MinuteRecord } from '../../../src/shared/protocol/index.js';
import { contractStart, policyInForceAt, segmentPolicyVersion, timeBeforeContract, type PolicyHistory } from '../../src/domain/policy-history.js';

/** Issue 12 items 3 and 9: what the policy history says about a segment's time (domain/policy-history.ts). */
const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

const version = (v: number, effectiveFrom: number, screenshots: 'on' | 'off' | 'blurred' = 'on') => ({ version: v, screenshots, retentionDays: 30, effectiveFrom });
const minuteAt = (at: number, trackedSeconds = 60): MinuteRecord => ({
  startedAt: new Date(at).toISOString(),
  trackedSeconds,
  keyboard: 1,
  mouse: 1,
  active: trackedSeconds > 0,
  idle: false,
});
/** A 10-minute segment from `start` with these minute starts, each fully tracked unless said. */
const segment = (start: number, minutes: readonly MinuteRecord[]) => ({
  startedAt: start,
  lengthSeconds: 600,
  trackedSeconds: minutes.reduce((sum, m) => sum + m.trackedSeconds, 0),
  minutes,
});

describe('the policy in force at a moment', () => {
  const history: PolicyHistory = [version(1, T), version(2, T + 5 * MIN, 'off'), version(3, T + 5 * MIN, 'blurred'), version(4, T + 9 * MIN)];

  it('is the version that took effect last at or before it (the higher one on a tie), none before the first', () => {
    expect(policyInForceAt(history, T - 1)).toBeUndefined();
    expect(policyInForceAt(history, T)?.version).toBe(1);
    expect(policyInForceAt(history, T + 5 * MIN - 1)?.version).toBe(1);
    expect(policyInForceAt(history, T + 5 * MIN)?.version).toBe(3);
    expect(policyInForceAt(history, T + 60 * MIN)?.version).toBe(4);
    expect(contractStart(history)).toBe(T);
    expect(contractStart([...history].reverse())).toBe(T);
    expect(contractStart([])).toBeUndefined();
  });

  it("is read for a segment at its first tracked minute, never from the agent's word, never before the contract", () => {
    // off from 09:05 (v2, then v3 at once): a segment whose work began at 09:06 was recorded under v3.
    expect(segmentPolicyVersion(history, segment(T, [minuteAt(T + 2 * MIN, 0), minuteAt(T + 6 * MIN), minuteAt(T + 7 * MIN)]))).toBe(3);
    expect(segmentPolicyVersion(history, segment(T, [minuteAt(T + 4 * MIN), minuteAt(T + 6 * MIN)]))).toBe(1);
    // Nothing tracked: its first minute, else its start.
    expect(segmentPolicyVersion(history, segment(T, [minuteAt(T + 6 * MIN, 0)]))).toBe(3);
    expect(segmentPolicyVersion(history, segment(T + 10 * MIN, []))).toBe(4);
    // The contract's first segment may start before it: it is read at the contract's start.
    const late: PolicyHistory = [version(1, T + 90_000)];
    expect(segmentPolicyVersion(late, segment(T, [minuteAt(T + MIN, 30)]))).toBe(1);
    expect(segmentPolicyVersion([], segment(T, []))).toBeNull();
  });
});

describe('time from before the contract (timeBeforeContract)', () => {
  // The contract starts at 09:03:20, inside the segment 09:00-09:10 and inside its minute 09:03.
  const S = T + 3 * MIN + 20_000;

  it.each([
    ['a segment ending before the contract', segment(T - 10 * MIN, [minuteAt(T - 5 * MIN)]), /ends before the contract started/],
    ['a segment ending as the contract starts', { ...segment(T - 10 * MIN, []), startedAt: S - 600_000 }, /ends before/],
    ['a minute wholly before the start', segment(T, [minuteAt(T + 2 * MIN), minuteAt(T + 3 * MIN)]), /minute .*09:02:00.000Z lies before/],
    ['a minute with no time, wholly before the start', segment(T, [minuteAt(T + 2 * MIN, 0)]), /lies before/],
    ['more seconds than fit after the start', { ...segment(T, [minuteAt(T + 3 * MIN)]), trackedSeconds: 421 }, /do not fit/],
  ])('refuses %s', (_name, s, reason) => {
    expect(timeBeforeContract(s, S)).toMatch(reason);
  });

  it('accepts the minute holding the start, and anything after it', () => {
    expect(timeBeforeContract(segment(T, [minuteAt(T + 3 * MIN, 40), minuteAt(T + 4 * MIN)]), S)).toBeNull();
    expect(timeBeforeContract({ ...segment(T, []), trackedSeconds: 420 }, S)).toBeNull();
    expect(timeBeforeContract(segment(T + 10 * MIN, [minuteAt(T + 10 * MIN)]), S)).toBeNull();
  });

  it('refuses a segment exactly when one of its minutes, or more of its seconds than fit, lie before the start', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3, max: 3 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 600 * 1000 - 1 }),
        (segmentOffset, indexes, startInside) => {
          const start = T + segmentOffset * 10 * MIN;
          const contract = T + startInside;
          const s = segment(start, indexes.map((i) => minuteAt(start + i * MIN)));
          const firstMinute = Math.floor(contract / MIN) * MIN;
          const ends = start + 10 * MIN;
          const expected = ends <= contract || indexes.some((i) => start + i * MIN < firstMinute) || s.trackedSeconds * 1000 > ends - Math.max(start, firstMinute);
          expect(timeBeforeContract(s, contract) !== null).toBe(expected);
        },
      ),
      { seed: 20261206, numRuns: 500 },
    );
  });
});
