import { describe, expect, it } from 'vitest';
import { MAX_SEGMENT_APPS } from '../../../src/shared/protocol/index.js';
import { mergeApps, mergeMinutes, mergeSegment, segmentProblem } from '../../src/domain/segment-merge.js';
import type { SegmentRow } from '../../src/repository/index.js';
import { segmentBody } from '../support/server.js';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const CONTRACT = '01JZZZZZZZZZZZZZZZZZZZZZZZ';

function stored(minutes: number, extra: Partial<SegmentRow> = {}): SegmentRow {
  const b = segmentBody({ contractId: CONTRACT, startedAt: START, minutes });
  return {
    id: b.id,
    contractId: CONTRACT,
    startedAt: START,
    lengthSeconds: 600,
    trackedSeconds: b.trackedSeconds,
    idleSeconds: 0,
    memo: null,
    minutes: b.minutes,
    apps: b.apps,
    policyVersion: 1,
    revision: null,
    billable: true,
    screenshotSkipped: null,
    createdAt: START,
    updatedAt: START,
    ...extra,
  };
}

describe('mergeSegment', () => {
  it('is idempotent: the same snapshot again is "unchanged"', () => {
    const row = stored(4);
    const upload = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 4 }), id: row.id };
    expect(mergeSegment(row, upload, START + 1).result).toBe('unchanged');
  });

  it('extends with a longer snapshot and never adds the two', () => {
    const row = stored(3);
    const upload = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 8 }), id: row.id };
    const { row: merged, result } = mergeSegment(row, upload, START + 1);
    expect(result).toBe('extended');
    expect(merged.trackedSeconds).toBe(480);
    expect(merged.minutes).toHaveLength(8);
    // And the shorter one arriving late changes nothing.
    const short = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 3 }), id: row.id };
    const again = mergeSegment(merged, short, START + 2);
    expect(again.row.trackedSeconds).toBe(480);
    expect(again.row.minutes).toHaveLength(8);
  });

  it('keeps billable as it is (only a freelancer deletion changes it)', () => {
    const row = stored(3, { billable: false });
    const upload = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 5 }), id: row.id };
    expect(mergeSegment(row, upload, START).row.billable).toBe(false);
  });

  it('takes a memo change as "updated"', () => {
    const row = stored(3);
    const upload = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 3, memo: 'notes' }), id: row.id };
    const { row: merged, result } = mergeSegment(row, upload, START);
    expect(result).toBe('updated');
    expect(merged.memo).toBe('notes');
  });
});

describe('mergeMinutes and mergeApps', () => {
  const minute = (i: number, trackedSeconds: number, keyboard = 1) => ({
    startedAt: new Date(START + i * 60_000).toISOString(),
    trackedSeconds,
    keyboard,
    mouse: 0,
    active: keyboard > 0,
    idle: false,
  });
  it('keeps the fuller copy of each minute, in time order', () => {
    const merged = mergeMinutes([minute(0, 60, 5), minute(1, 30, 2)], [minute(2, 60), minute(1, 60, 9), minute(0, 20, 1)]);
    expect(merged.map((m) => [m.trackedSeconds, m.keyboard])).toEqual([
      [60, 5],
      [60, 9],
      [60, 1],
    ]);
  });
  it('keys minutes by instant: "…:00Z" and "…:00.000Z" are one minute, never two', () => {
    const long = minute(1, 30, 2);
    const short = { ...minute(1, 45, 3), startedAt: long.startedAt.replace('.000Z', 'Z') };
    expect(short.startedAt).not.toBe(long.startedAt);
    expect(mergeMinutes([minute(0, 60, 5), long], [short]).map((m) => [m.trackedSeconds, m.keyboard])).toEqual([
      [60, 5],
      [45, 3],
    ]);
    // So a snapshot repeated in the other spelling changes nothing.
    const row = stored(4);
    const respelled = { ...segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 4 }), id: row.id };
    const again = { ...respelled, minutes: respelled.minutes.map((m) => ({ ...m, startedAt: m.startedAt.replace('.000Z', 'Z') })) };
    expect(mergeSegment(row, again, START + 1)).toMatchObject({ result: 'unchanged', row: { trackedSeconds: 240 } });
    expect(mergeSegment(row, again, START + 1).row.minutes).toHaveLength(4);
  });
  it('caps the merged app list at MAX_SEGMENT_APPS, keeping the ones with the most seconds', () => {
    const apps = (from: number) => Array.from({ length: MAX_SEGMENT_APPS }, (_, i) => ({ app: 'app', title: `t${from + i}`, seconds: from + i }));
    let merged = mergeApps([], apps(0));
    for (let round = 1; round <= 4; round += 1) merged = mergeApps(merged, apps(round * MAX_SEGMENT_APPS));
    expect(merged).toHaveLength(MAX_SEGMENT_APPS);
    expect(merged[0]).toEqual({ app: 'app', title: `t${5 * MAX_SEGMENT_APPS - 1}`, seconds: 5 * MAX_SEGMENT_APPS - 1 });
    expect(Math.min(...merged.map((a) => a.seconds))).toBe(4 * MAX_SEGMENT_APPS);
  });
  it('keeps the larger seconds per app and title', () => {
    const merged = mergeApps(
      [{ app: 'code', title: 'a', seconds: 100 }, { app: 'term', title: 'b', seconds: 10 }],
      [{ app: 'code', title: 'a', seconds: 90 }, { app: 'term', title: 'b', seconds: 40 }],
    );
    expect(merged).toEqual([
      { app: 'code', title: 'a', seconds: 100 },
      { app: 'term', title: 'b', seconds: 40 },
    ]);
  });
});

describe('segmentProblem', () => {
  const ok = segmentBody({ contractId: CONTRACT, startedAt: START, minutes: 2 });
  it('accepts an aligned segment of the contract length', () => {
    expect(segmentProblem(ok, 600, START + 60_000, 0)).toBeNull();
  });
  it.each([
    ['length', { ...ok, lengthSeconds: 300 }, /segmentSeconds/],
    ['alignment', { ...ok, startedAt: new Date(START + 60_000).toISOString() }, /multiple/],
    ['future', ok, /future/],
    ['screenshot outside', { ...ok, screenshot: { id: ok.id, takenAt: new Date(START + 600_000).toISOString(), width: 1, height: 1, bytes: 1 } }, /screenshot/],
    // Billed time must lie in minute records, where the rule that bills a minute once sees it.
    ['tracked time without minutes', { ...ok, trackedSeconds: 300 }, /exceeds what the segment's minutes record/],
    ['tracked time with no minutes at all', { ...ok, minutes: [], trackedSeconds: 60 }, /minutes record/],
  ])('refuses a bad %s', (name, upload, message) => {
    expect(segmentProblem(upload, 600, name === 'future' ? START - 3_600_000 : START + 60_000, 0)).toMatch(message);
  });
});
