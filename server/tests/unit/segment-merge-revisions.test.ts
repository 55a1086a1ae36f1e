import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MinuteRecord, SegmentUpload } from '../../../src/shared/protocol/index.js';
import { foldUpload, segmentProblem, type Fold } from '../../src/domain/segment-merge.js';
import type { SegmentRow } from '../../src/repository/index.js';
import { recordedContent as content, rowFromUpload } from '../support/segment-rows.js';

/**
 * The revision rule (foldUpload): an agent that keeps revisions is the only author of a segment, and the server
 * keeps its highest revision WHOLE — so a segment may shrink (idle discarded, time deleted with a screenshot) —
 * whatever order and how often the revisions arrive. Uploads without a revision keep the merge by maximum
 * (segment-merge-properties.test.ts).
 */
const SEED = 20261126;
const RUNS = 500;
const START = Date.UTC(2026, 10, 26, 9, 0, 0);
const ID = '01JD3C0000000000000000SEG0';
const CONTRACT = '01JD3C0000000000000000C0N0';
const LENGTH = 600;

const iso = (ms: number) => new Date(ms).toISOString();

/** One local record of the segment: any minutes, any seconds — later records may hold less than earlier ones. */
interface LocalRecord {
  readonly minutes: readonly { index: number; seconds: number; keys: number; idle: boolean }[];
  readonly memo: string | null;
  readonly policyVersion: number | null;
}

const recordArb: fc.Arbitrary<LocalRecord> = fc.record({
  minutes: fc.uniqueArray(
    fc.record({ index: fc.integer({ min: 0, max: LENGTH / 60 - 1 }), seconds: fc.integer({ min: 1, max: 60 }), keys: fc.nat(200), idle: fc.boolean() }),
    { selector: (m) => m.index, maxLength: LENGTH / 60 },
  ),
  memo: fc.constantFrom(null, 'writing', 'review'),
  policyVersion: fc.constantFrom(null, 1, 2),
});

function upload(r: LocalRecord, revision: number | undefined): SegmentUpload {
  const minutes: MinuteRecord[] = r.minutes.map((m) => ({
    startedAt: iso(START + m.index * 60_000),
    trackedSeconds: m.seconds,
    keyboard: m.keys,
    mouse: 0,
    active: m.keys > 0,
    idle: m.idle,
  }));
  const trackedSeconds = minutes.reduce((sum, m) => sum + m.trackedSeconds, 0);
  return {
    id: ID,
    contractId: CONTRACT,
    startedAt: iso(START),
    lengthSeconds: LENGTH,
    trackedSeconds,
    idleSeconds: minutes.filter((m) => m.idle).reduce((sum, m) => sum + m.trackedSeconds, 0),
    memo: r.memo,
    // The agent's order (minutes as they were written); the server keeps them in time order.
    minutes,
    apps: trackedSeconds > 0 ? [{ app: 'code', title: 'main.ts', seconds: trackedSeconds }] : [],
    screenshot: null,
    policyVersion: r.policyVersion,
    ...(revision === undefined ? {} : { revision }),
  };
}

function stored(fold: Fold): { row: SegmentRow; result: string; write: boolean } {
  if (fold.kind === 'conflict') throw new Error(`unexpected conflict: ${fold.message}`);
  return fold;
}

/** Delivers uploads one by one the way uploadSegment does: create from the first, fold the rest. */
function deliver(uploads: readonly SegmentUpload[], billable = true): SegmentRow {
  let row: SegmentRow = { ...rowFromUpload(uploads[0]!, START), billable };
  for (const u of uploads.slice(1)) row = stored(foldUpload(row, u, START + 1)).row;
  return row;
}

/** A history of local records (revision i + 1 is records[i]) and a delivery: which revisions arrive, in which order, how often. */
const history = fc.array(recordArb, { minLength: 1, maxLength: 6 }).chain((records) =>
  fc.tuple(fc.constant(records), fc.array(fc.integer({ min: 0, max: records.length - 1 }), { minLength: 1, maxLength: 12 })),
);

describe('segment revisions (fast-check, fixed seed)', () => {
  it(`any order and any repeats of the revisions end as the highest revision delivered, whole (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(history, ([records, order]) => {
        const row = deliver(order.map((i) => upload(records[i]!, i + 1)));
        const highest = Math.max(...order);
        expect(content(row)).toEqual(content(rowFromUpload(upload(records[highest]!, highest + 1), START)));
        expect(row.revision).toBe(highest + 1);
        // The kept row passes the server's own checks: the minutes add up to the tracked time.
        const asUpload: SegmentUpload = { ...upload(records[highest]!, highest + 1), ...content(row), minutes: [...row.minutes], apps: [...row.apps] };
        expect(segmentProblem(asUpload, LENGTH, START + 3_600_000, 0)).toBeNull();
        expect(row.minutes.reduce((sum, m) => sum + m.trackedSeconds, 0)).toBe(row.trackedSeconds);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`an older agent's first upload, then revisions: the highest revision still wins whole; a late upload without one changes nothing (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(history, recordArb, ([records, order], legacy) => {
        const revisions = order.map((i) => upload(records[i]!, i + 1));
        const row = deliver([upload(legacy, undefined), ...revisions, upload(legacy, undefined)]);
        const highest = Math.max(...order);
        expect(content(row)).toEqual(content(rowFromUpload(upload(records[highest]!, highest + 1), START)));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`a revision older than the one held, or the same one again, is "unchanged" and answers what is held (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(history, ([records, order]) => {
        const row = deliver(order.map((i) => upload(records[i]!, i + 1)));
        for (let i = 0; i < records.length; i += 1) {
          const fold = foldUpload(row, upload(records[i]!, i + 1), START + 2);
          if (i + 1 <= row.revision!) {
            // Older than what is held, or the held revision again (its content, so no conflict).
            expect(stored(fold)).toEqual({ kind: 'stored', row, result: 'unchanged', write: false });
          } else {
            expect(stored(fold).write).toBe(true);
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`the same revision with other content is a conflict, and billable never changes (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(recordArb, recordArb, fc.boolean(), fc.integer({ min: 1, max: 1000 }), (a, b, billable, revision) => {
        const row = deliver([upload(a, revision)], billable);
        const fold = foldUpload(row, upload(b, revision), START + 2);
        const same = JSON.stringify(content(row)) === JSON.stringify(content(rowFromUpload(upload(b, revision), START)));
        expect(fold.kind).toBe(same ? 'stored' : 'conflict');
        const later = stored(foldUpload(row, upload(b, revision + 1), START + 2));
        expect(later.row.billable).toBe(billable);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('segment revisions, by hand', () => {
  const minutes = (...seconds: (readonly [number, number])[]): LocalRecord => ({
    minutes: seconds.map(([index, s]) => ({ index, seconds: s, keys: 3, idle: false })),
    memo: null,
    policyVersion: 1,
  });

  it('the shrink property tests found: {0:60, 1:60} then {0:60, 2:60} is 120 s in two minutes, not 180 s in three', () => {
    const first = upload(minutes([0, 60], [1, 60]), 1);
    const second = upload(minutes([0, 60], [2, 60]), 2);
    for (const order of [
      [first, second],
      [second, first],
      [first, second, first, second],
    ]) {
      const row = deliver(order);
      expect(row.trackedSeconds).toBe(120);
      expect(row.minutes.map((m) => m.startedAt)).toEqual([iso(START), iso(START + 120_000)]);
    }
  });

  it('discarding idle after an upload shrinks the segment ("reduced"), and the stale bigger upload cannot grow it back', () => {
    const before = upload(minutes([0, 60], [1, 60], [2, 60], [3, 60]), 4);
    const after = upload(minutes([0, 60]), 5);
    const row = deliver([before]);
    const shrunk = stored(foldUpload(row, after, START + 1));
    expect(shrunk.result).toBe('reduced');
    expect(shrunk.row.trackedSeconds).toBe(60);
    const late = stored(foldUpload(shrunk.row, before, START + 2));
    expect(late).toMatchObject({ result: 'unchanged', write: false });
    expect(late.row.trackedSeconds).toBe(60);
  });

  it('deleting the time (no minutes) leaves an empty segment, whose memo may be cleared too', () => {
    const row = deliver([upload({ ...minutes([0, 60], [1, 30]), memo: 'notes' }, 2)]);
    const emptied = stored(foldUpload(row, upload({ minutes: [], memo: null, policyVersion: 1 }, 3), START + 1));
    expect(emptied.result).toBe('reduced');
    expect(content(emptied.row)).toMatchObject({ trackedSeconds: 0, idleSeconds: 0, minutes: [], apps: [], memo: null });
  });

  it('a higher revision with the same content stores the revision and says "unchanged"', () => {
    const row = deliver([upload(minutes([0, 60]), 1)]);
    const again = stored(foldUpload(row, upload(minutes([0, 60]), 2), START + 1));
    expect(again).toMatchObject({ result: 'unchanged', write: true });
    expect(again.row.revision).toBe(2);
  });

  it('a memo or detail change with the time unchanged is "updated"', () => {
    const row = deliver([upload(minutes([0, 60]), 1)]);
    expect(stored(foldUpload(row, upload({ ...minutes([0, 60]), memo: 'x' }, 2), START + 1)).result).toBe('updated');
  });

  it('refuses a reused revision with other content, and accepts it again when it is identical', () => {
    const row = deliver([upload(minutes([0, 60], [1, 60]), 7)]);
    expect(foldUpload(row, upload(minutes([0, 60]), 7), START + 1)).toMatchObject({ kind: 'conflict' });
    // Minutes in another order are the same content.
    const reordered = { ...upload(minutes([0, 60], [1, 60]), 7) };
    reordered.minutes = [...reordered.minutes].reverse();
    expect(stored(foldUpload(row, reordered, START + 1)).result).toBe('unchanged');
  });
});
