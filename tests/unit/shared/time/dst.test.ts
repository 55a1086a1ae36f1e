import { describe, expect, it } from 'vitest';
import { isoFromMs, minuteStartOf, segmentStartOf, splitIntoMinutes, splitIntoSegments } from '../../../../src/shared/time/index.js';

/**
 * Europe/Berlin changes its clocks at 01:00 UTC: on 2026-03-29 local time jumps 02:00 → 03:00 (an
 * hour never exists), on 2026-10-25 it falls 03:00 → 02:00 (an hour happens twice). Epoch keys do
 * not care; these tests show the local clock misbehaving while the keys stay unique and contiguous.
 */
const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const localClock = (ms: number): string => berlin.format(new Date(ms));

function checkAcross(fromUtcMs: number, hours: number): { minuteKeys: number[]; segmentKeys: number[]; localLabels: string[] } {
  const toMs = fromUtcMs + hours * 3_600_000;
  const minutes = splitIntoMinutes(fromUtcMs, toMs);
  const segments = splitIntoSegments(fromUtcMs, toMs, 600);
  const minuteKeys = minutes.map((p) => p.bucketStartMs / 1000);
  const segmentKeys = segments.map((p) => p.bucketStartMs / 1000);
  // Unique and contiguous: every key is the previous one plus its length.
  minuteKeys.forEach((k, i) => {
    if (i > 0) expect(k - minuteKeys[i - 1]!).toBe(60);
    expect(minuteStartOf(k)).toBe(k);
  });
  segmentKeys.forEach((k, i) => {
    if (i > 0) expect(k - segmentKeys[i - 1]!).toBe(600);
    expect(segmentStartOf(k, 600)).toBe(k);
  });
  expect(new Set(minuteKeys).size).toBe(minuteKeys.length);
  const trackedMs = minutes.reduce((sum, p) => sum + (p.endMs - p.startMs), 0);
  expect(trackedMs).toBe(toMs - fromUtcMs);
  return { minuteKeys, segmentKeys, localLabels: minutes.map((p) => localClock(p.startMs)) };
}

describe('DST never matters for epoch keys', () => {
  it('spring forward (Europe/Berlin 2026-03-29): local 02:xx never shows, keys stay contiguous', () => {
    const from = Date.UTC(2026, 2, 29, 0, 0);
    const { minuteKeys, segmentKeys, localLabels } = checkAcross(from, 3);
    expect(minuteKeys).toHaveLength(180);
    expect(segmentKeys).toHaveLength(18);
    // The local clock skips an hour: 01:59 is followed by 03:00.
    const i = localLabels.indexOf('01:59');
    expect(localLabels[i + 1]).toBe('03:00');
    expect(localLabels.some((l) => l.startsWith('02:'))).toBe(false);
    expect(isoFromMs(minuteKeys[i + 1]! * 1000)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('fall back (Europe/Berlin 2026-10-25): local 02:xx happens twice, keys stay unique', () => {
    const from = Date.UTC(2026, 9, 24, 23, 30);
    const { minuteKeys, segmentKeys, localLabels } = checkAcross(from, 3);
    expect(minuteKeys).toHaveLength(180);
    expect(segmentKeys).toHaveLength(18);
    const twice = localLabels.filter((l) => l === '02:30');
    expect(twice).toHaveLength(2);
    expect(new Set(localLabels).size).toBe(120); // 60 local labels are reused
    expect(new Set(minuteKeys).size).toBe(180);
  });

  it('a segment straddling the change has its normal length on the epoch axis', () => {
    const startSec = Date.UTC(2026, 9, 25, 0, 50) / 1000; // local 02:50 CEST (first time)
    const pieces = splitIntoMinutes(startSec * 1000, (startSec + 600) * 1000);
    expect(pieces).toHaveLength(10);
    expect(localClock(pieces[0]!.startMs)).toBe('02:50');
    expect(localClock(pieces[9]!.startMs)).toBe('02:59');
    expect(localClock((startSec + 600) * 1000)).toBe('02:00'); // the local clock fell back at the end
  });
});
