import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MinuteRecord, SegmentUpload } from '../../../src/shared/protocol/index.js';
import { mergeSegment, segmentProblem } from '../../src/domain/segment-merge.js';
import { recordedContent as content, rowFromUpload } from '../support/segment-rows.js';

/**
 * Issue 8, clock properties of the server's segment merge (segment-merge.test.ts has the hand-written cases) for
 * uploads WITHOUT a revision (older agents; segment-merge-revisions.test.ts has the revision rule). Such an agent
 * uploads snapshots of one growing record, in any order, any number of times (retries, a queue drained after a
 * crash); the server must end with the largest snapshot, whatever the order: never the sum, never shrinking, the
 * minutes adding up to the tracked seconds, every minute inside the segment, a retry "unchanged".
 */
const SEED = 20261126;
const RUNS = 500;
const START = Date.UTC(2026, 10, 26, 9, 0, 0);
const ID = '01JD3C0000000000000000SEG0';
const CONTRACT = '01JD3C00000000000000C0NTR0'.replace(/O/g, '0');

/** What the agent ends with for one segment: per minute its final seconds, keys and whether it was idle. */
interface Growth {
  readonly lengthSeconds: number;
  /** Minute index inside the segment (skipped minutes were slept through) -> final values. */
  readonly minutes: readonly { index: number; seconds: number; keys: number; idle: boolean }[];
}

const growth: fc.Arbitrary<Growth> = fc.constantFrom(60, 300, 600).chain((lengthSeconds) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: lengthSeconds / 60 - 1 }), { minLength: 1, maxLength: lengthSeconds / 60 })
    .chain((indexes) =>
      fc.tuple(...[...indexes].sort((a, b) => a - b).map((index) => fc.record({ index: fc.constant(index), seconds: fc.integer({ min: 1, max: 60 }), keys: fc.nat(200), idle: fc.boolean() }))),
    )
    .map((minutes) => ({ lengthSeconds, minutes })),
);

/**
 * The agent's snapshot after `step` of the record's seconds: whole minutes before, the current one partly filled
 * (its counts grow with it). Steps run from 1 to the total tracked seconds.
 */
function snapshot(g: Growth, step: number): SegmentUpload {
  const minutes: MinuteRecord[] = [];
  let left = step;
  for (const m of g.minutes) {
    if (left <= 0) break;
    const seconds = Math.min(m.seconds, left);
    left -= seconds;
    const keyboard = Math.floor((m.keys * seconds) / m.seconds);
    minutes.push({ startedAt: new Date(START + m.index * 60_000).toISOString(), trackedSeconds: seconds, keyboard, mouse: 0, active: keyboard > 0, idle: m.idle });
  }
  const trackedSeconds = minutes.reduce((sum, m) => sum + m.trackedSeconds, 0);
  return {
    id: ID,
    contractId: CONTRACT,
    startedAt: new Date(START).toISOString(),
    lengthSeconds: g.lengthSeconds,
    trackedSeconds,
    idleSeconds: minutes.filter((m) => m.idle).reduce((sum, m) => sum + m.trackedSeconds, 0),
    memo: 'writing',
    minutes,
    apps: [{ app: 'code', title: 'main.ts', seconds: trackedSeconds }],
    screenshot: null,
    policyVersion: 2,
  };
}

const total = (g: Growth) => g.minutes.reduce((sum, m) => sum + m.seconds, 0);

/** A growth and a delivery: which snapshots reach the server, in which order, how often. */
const delivery = growth.chain((g) =>
  fc.tuple(fc.constant(g), fc.array(fc.integer({ min: 1, max: total(g) }), { minLength: 1, maxLength: 12 })),
);

describe('segment merge properties (fast-check, fixed seed)', () => {
  it(`any order and any repeats of the snapshots end as the largest one, never their sum (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(delivery, ([g, steps]) => {
        const uploads = steps.map((step) => snapshot(g, step));
        let row = rowFromUpload(uploads[0]!, START);
        for (const upload of uploads.slice(1)) {
          const before = row;
          const merged = mergeSegment(row, upload, START + 1);
          row = merged.row;
          // Never shrinks, never adds.
          expect(row.trackedSeconds).toBe(Math.max(before.trackedSeconds, upload.trackedSeconds));
          expect(row.minutes.length).toBeGreaterThanOrEqual(before.minutes.length);
          expect(merged.result).toBe(upload.trackedSeconds > before.trackedSeconds ? 'extended' : 'unchanged');
        }
        expect(content(row)).toEqual(content(rowFromUpload(snapshot(g, Math.max(...steps)), START)));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`the merged row is a valid segment: minutes unique, in order, inside it, adding up to its tracked seconds (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(delivery, ([g, steps]) => {
        const uploads = steps.map((step) => snapshot(g, step));
        const row = uploads.slice(1).reduce((r, u) => mergeSegment(r, u, START + 1).row, rowFromUpload(uploads[0]!, START));
        const starts = row.minutes.map((m) => Date.parse(m.startedAt));
        expect(new Set(starts).size).toBe(starts.length);
        expect([...starts].sort((a, b) => a - b)).toEqual(starts);
        for (const at of starts) {
          expect(at).toBeGreaterThanOrEqual(START);
          expect(at).toBeLessThan(START + row.lengthSeconds * 1000);
        }
        for (const m of row.minutes) expect(m.trackedSeconds).toBeGreaterThan(0);
        expect(row.minutes.reduce((sum, m) => sum + m.trackedSeconds, 0)).toBe(row.trackedSeconds);
        expect(row.idleSeconds).toBeGreaterThanOrEqual(0);
        expect(row.idleSeconds).toBeLessThanOrEqual(row.trackedSeconds);
        const asUpload: SegmentUpload = { ...uploads[0]!, ...content(row), minutes: [...row.minutes], apps: [...row.apps], startedAt: new Date(row.startedAt).toISOString() };
        expect(segmentProblem(asUpload, row.lengthSeconds, START + 3_600_000, 0)).toBeNull();
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`merging is idempotent, and two servers fed the same snapshots in different orders agree (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        delivery.chain(([g, steps]) => fc.tuple(fc.constant(g), fc.constant(steps), fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }))),
        ([g, steps, shuffled]) => {
          const fold = (order: number[]) => {
            const uploads = order.map((step) => snapshot(g, step));
            return uploads.slice(1).reduce((r, u) => mergeSegment(r, u, START + 1).row, rowFromUpload(uploads[0]!, START));
          };
          const a = fold(steps);
          const b = fold(shuffled);
          expect(content(a)).toEqual(content(b));
          for (const step of steps) {
            const again = mergeSegment(a, snapshot(g, step), START + 2);
            expect(again.result).toBe('unchanged');
            expect(content(again.row)).toEqual(content(a));
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
