import { describe, expect, it } from 'vitest';
import { growthOf } from '../../src/domain/late-growth.js';
import type { SegmentRow } from '../../src/repository/index.js';
import { segmentBody } from '../support/server.js';

const START = Date.UTC(2026, 0, 6, 11, 0, 0);
const CONTRACT = '01JZZZZZZZZZZZZZZZZZZZZZZZ';

/** The segment with its first `minutes` minutes, as segmentBody records them (minute i: keyboard 10 + i). */
function segment(minutes: number): SegmentRow {
  const b = segmentBody({ contractId: CONTRACT, startedAt: START, minutes });
  return { ...b, startedAt: START, lengthSeconds: 600, policyVersion: 1, revision: 1, billable: true, screenshotSkipped: null, createdAt: START, updatedAt: START };
}

/** Minutes [from, to) of a full recording, as a late part holds them. */
function part(from: number, to: number): SegmentRow {
  const whole = segment(to);
  const minutes = whole.minutes.slice(from);
  return { ...whole, minutes, trackedSeconds: minutes.length * 60, apps: [{ app: 'code', title: 'main.ts', seconds: minutes.length * 60 }] };
}

describe('growthOf: what an upload does to an approved record', () => {
  it('keeps the minutes after the record as the growth, with the time and window seconds they add', () => {
    expect(growthOf([segment(2)], segment(5))).toEqual({
      kind: 'grown',
      part: { trackedSeconds: 180, idleSeconds: 0, minutes: segment(5).minutes.slice(2), apps: [{ app: 'code', title: 'main.ts', seconds: 180 }] },
    });
    // With an approved late part in the record, only what comes after both is growth.
    expect(growthOf([segment(2), part(2, 4)], segment(6))).toMatchObject({ kind: 'grown', part: { trackedSeconds: 120, minutes: segment(6).minutes.slice(4) } });
  });

  it('finds nothing to add in the record itself, in any order of its minutes', () => {
    expect(growthOf([segment(2), part(2, 4)], segment(4))).toEqual({ kind: 'none' });
    expect(growthOf([segment(3)], { ...segment(3), minutes: [...segment(3).minutes].reverse() })).toEqual({ kind: 'none' });
  });

  it('calls every change of an approved minute a change, whatever is added', () => {
    const fewer = segment(1);
    const otherActivity = { ...segment(5), minutes: segment(5).minutes.map((m, i) => (i === 0 ? { ...m, mouse: 0 } : m)) };
    const moved = { ...segment(5), minutes: segment(5).minutes.map((m) => ({ ...m, startedAt: new Date(Date.parse(m.startedAt) + 60_000).toISOString() })) };
    const before = { ...segment(4), minutes: [{ ...segment(1).minutes[0]!, startedAt: new Date(START - 60_000).toISOString() }, ...segment(3).minutes] };
    const timeOnly = { ...segment(3), trackedSeconds: 200 };
    const idleGone = segment(5);
    for (const revised of [fewer, otherActivity, moved, before, timeOnly]) expect(growthOf([segment(3)], revised).kind).toBe('changed');
    expect(growthOf([{ ...segment(3), idleSeconds: 60 }], idleGone).kind).toBe('changed');
  });
});
