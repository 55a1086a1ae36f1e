import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MinuteRecord } from '../../../src/shared/protocol/index.js';
import { firstDoublyBilled, type BilledSegment } from '../../src/domain/billed-once.js';

/**
 * Issue 12 item 2: one freelancer's minute is billed once, across contracts and devices, judged by the minutes
 * tracked, not by segment windows (domain/billed-once.ts has the decision table). Properties over uploads of a
 * handful of minutes in one hour, from several devices and contracts.
 */
const SEED = 20261206;
const RUNS = 400;
const HOUR = Date.UTC(2026, 0, 5, 9, 0, 0);

const minute = (index: number, seconds: number, text: 'short' | 'long' = 'long'): MinuteRecord => {
  const iso = new Date(HOUR + index * 60_000).toISOString();
  return { startedAt: text === 'short' ? iso.replace('.000Z', 'Z') : iso, trackedSeconds: seconds, keyboard: 1, mouse: 1, active: true, idle: false };
};

/** Some minutes of the hour (each instant once), with 0-60 tracked seconds each. */
const minutes = fc
  .uniqueArray(fc.integer({ min: 0, max: 14 }), { maxLength: 8 })
  .chain((indexes) => fc.tuple(...indexes.map((i) => fc.integer({ min: 0, max: 60 }).map((s) => minute(i, s)))))
  .map((list) => [...list]);

let nextId = 0;
const segment = (ms: readonly MinuteRecord[], contractId = 'C1'): BilledSegment => ({ id: `S${++nextId}`, contractId, minutes: ms });

/** Total seconds recorded per instant across segments, and how many segments record a non-zero part of it. */
function load(segments: readonly BilledSegment[]): Map<number, { seconds: number; records: number }> {
  const out = new Map<number, { seconds: number; records: number }>();
  for (const s of segments) {
    for (const m of s.minutes) {
      if (m.trackedSeconds === 0) continue;
      const at = Date.parse(m.startedAt);
      const e = out.get(at) ?? { seconds: 0, records: 0 };
      out.set(at, { seconds: e.seconds + m.trackedSeconds, records: e.records + 1 });
    }
  }
  return out;
}

describe('a minute is billed once (firstDoublyBilled)', () => {
  it('keeps every instant of what it accepts within one minute (plus a second of rounding per extra record), whatever arrives in whatever order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(minutes, fc.constantFrom('C1', 'C2', 'C3')), { maxLength: 12 }), (uploads) => {
        const accepted: BilledSegment[] = [];
        for (const [ms, contract] of uploads) {
          const candidate = segment(ms, contract);
          if (firstDoublyBilled(candidate.minutes, accepted) === null) accepted.push(candidate);
        }
        for (const { seconds, records } of load(accepted).values()) expect(seconds).toBeLessThanOrEqual(60 + records - 1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('refuses only what would break that: an upload is refused exactly when some instant of it would go over', () => {
    fc.assert(
      fc.property(fc.array(minutes, { maxLength: 4 }), minutes, (billedMinutes, upload) => {
        const billed = billedMinutes.map((ms) => segment(ms));
        const before = load(billed);
        const goesOver = (m: MinuteRecord) => {
          const e = before.get(Date.parse(m.startedAt));
          return m.trackedSeconds > 0 && e !== undefined && m.trackedSeconds + e.seconds > 60 + e.records;
        };
        const verdict = firstDoublyBilled(upload, billed);
        expect(verdict !== null).toBe(upload.some(goesOver));
        if (verdict) {
          // It names the earliest such minute, and a segment that really holds it.
          const holder = billed.find((s) => s.id === verdict.segmentId)!;
          expect(holder.minutes.some((m) => Date.parse(m.startedAt) === verdict.minute && m.trackedSeconds > 0)).toBe(true);
          expect(upload.filter(goesOver).map((m) => Date.parse(m.startedAt))).toContain(verdict.minute);
          expect(upload.some((m) => goesOver(m) && Date.parse(m.startedAt) < verdict.minute)).toBe(false);
        }
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('does not depend on the order of the billed segments, and two single segments clash both ways or neither', () => {
    fc.assert(
      fc.property(fc.array(minutes, { minLength: 1, maxLength: 4 }), minutes, (billedMinutes, upload) => {
        const billed = billedMinutes.map((ms) => segment(ms));
        expect(firstDoublyBilled(upload, [...billed].reverse())?.minute).toBe(firstDoublyBilled(upload, billed)?.minute);
        const [only] = billed;
        expect(firstDoublyBilled(upload, [only!]) === null).toBe(firstDoublyBilled(only!.minutes, [segment(upload)]) === null);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it('keys minutes by instant: "…:00Z" and "…:00.000Z" are one minute', () => {
    expect(firstDoublyBilled([minute(3, 60, 'short')], [segment([minute(3, 60, 'long')])])).toMatchObject({ minute: HOUR + 3 * 60_000 });
    expect(firstDoublyBilled([minute(3, 60, 'long')], [segment([minute(3, 60, 'short')])])).not.toBeNull();
  });

  it('lets the freelancer move between devices inside a minute, and never bills one fully tracked minute twice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 60 }), (i, a, b) => {
        // Device A tracked `a` seconds of the minute, device B the rest (one second of rounding either way).
        expect(firstDoublyBilled([minute(i, Math.min(60, 60 - a + 1))], [segment([minute(i, a)], 'C1')])).toBeNull();
        // The same minute tracked whole on both, or by more than it holds: refused.
        if (a + b > 61) expect(firstDoublyBilled([minute(i, b)], [segment([minute(i, a)], 'C2')])).not.toBeNull();
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });

  it('judges a new revision of a segment only on the minutes it adds or grows: a segment never clashes with what it held', () => {
    fc.assert(
      fc.property(minutes, minutes, (held, others) => {
        // Whatever else is billed (even over these minutes, from before this rule), the same content again is fine.
        expect(firstDoublyBilled(held, [segment(others)], held)).toBeNull();
        // Shrinking is always fine.
        expect(firstDoublyBilled(held.map((m) => ({ ...m, trackedSeconds: Math.floor(m.trackedSeconds / 2) })), [segment(others)], held)).toBeNull();
      }),
      { seed: SEED + 4, numRuns: RUNS },
    );
    // Growing into a minute another segment holds whole: refused.
    expect(firstDoublyBilled([minute(1, 60), minute(2, 30)], [segment([minute(2, 60)])], [minute(1, 60)])).toMatchObject({ minute: HOUR + 2 * 60_000 });
  });

  it('says which segment and contract hold the minute, and the seconds on each side', () => {
    const other = segment([minute(4, 45)], 'C9');
    expect(firstDoublyBilled([minute(3, 20), minute(4, 30)], [other])).toEqual({
      minute: HOUR + 4 * 60_000,
      segmentId: other.id,
      contractId: 'C9',
      uploadedSeconds: 30,
      billedSeconds: 45,
    });
    expect(firstDoublyBilled([minute(4, 0)], [other])).toBeNull(); // a minute with no time bills nothing
  });
});
