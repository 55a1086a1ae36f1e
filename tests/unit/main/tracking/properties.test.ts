import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/main/store/index.js';
import { FROZEN_GAP_MS } from '../../../../src/main/tracking/timeline.js';
import { Tracker } from '../../../../src/main/tracking/tracker.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { FakeInput, FakePolicy, FakeScreenshots, FakeWindow, policy, seededRandom } from './support/fakes.js';
import { expectConsistent, makeRig } from './support/harness.js';

/**
 * Issue 8, clock properties of the tracker (tracker-clock-changes.test.ts has the hand-written cases and the
 * "credited = worked" property over sleeps, freezes, suspends and jumps). Added here:
 * - screenshots under the same random mixes: at most one per segment, taken inside its segment and inside the
 *   part of it that was tracked;
 * - the real SQLite store as the sink: each stored segment's minutes add up to its tracked seconds, within its
 *   length, no overlaps;
 * - DST transitions in several time zones (local day starts that are 23 or 25 hours apart, a 30-minute shift,
 *   a zone moving a whole day): nothing lost, nothing counted twice, "today" never more than the session.
 */
const MIN = 60_000;

type Op =
  | { kind: 'work'; seconds: number; keys: number }
  | { kind: 'sleep'; minutes: number }
  | { kind: 'freeze'; seconds: number }
  | { kind: 'jump'; minutes: number }
  | { kind: 'suspend'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('work' as const), seconds: fc.integer({ min: 1, max: 900 }), keys: fc.integer({ min: 0, max: 3 }) }), weight: 6 },
  fc.record({ kind: fc.constant('sleep' as const), minutes: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('freeze' as const), seconds: fc.integer({ min: 1, max: 900 }) }),
  fc.record({ kind: fc.constant('jump' as const), minutes: fc.integer({ min: -180, max: 180 }) }),
  fc.record({ kind: fc.constant('suspend' as const), minutes: fc.integer({ min: 0, max: 120 }) }),
);

/** Plays the ops; returns the milliseconds of real work (the only time that may be credited). */
function play(ops: readonly Op[], clock: FakeClock, tracker: Tracker, input: FakeInput): number {
  let worked = 0;
  for (const o of ops) {
    switch (o.kind) {
      case 'work':
        // Input arrives second by second, so the minutes are active and the idle detector stays quiet.
        for (let s = 0; s < o.seconds; s += 1) {
          if (o.keys > 0) input.add({ keyboard: o.keys });
          clock.advance(1000);
        }
        worked += o.seconds * 1000;
        break;
      case 'sleep':
        clock.sleep(o.minutes * MIN);
        break;
      case 'freeze':
        // A stall up to FROZEN_GAP_MS is a loaded machine running late (credited); a longer one is a frozen process.
        clock.freeze(o.seconds * 1000);
        if (o.seconds * 1000 <= FROZEN_GAP_MS) worked += o.seconds * 1000;
        break;
      case 'jump':
        clock.jumpWall(o.minutes * MIN);
        break;
      case 'suspend':
        tracker.suspend();
        clock.advance(o.minutes * MIN);
        tracker.resume();
        break;
    }
  }
  return worked;
}

/**
 * Each run opens a real store (in memory, ~10 ms with its migrations) and writes every minute and every 10 s save to
 * it: 300 runs take 5-15 s on an idle two-core machine and up to a minute on a loaded one, not the default 30 s.
 */
const MANY_RUNS_TIMEOUT_MS = 120_000;

describe('Tracker properties across clock changes (fast-check, fixed seeds)', () => {
  it('screenshots: at most one per segment, inside its segment and its tracked part (300 runs)', { timeout: MANY_RUNS_TIMEOUT_MS }, async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 10 }),
        fc.constantFrom(60, 300, 600),
        fc.integer({ min: 0, max: 599_999 }),
        fc.integer(),
        async (ops, segmentSeconds, offsetMs, seed) => {
          const rig = makeRig({ policy: policy('on', segmentSeconds, 4), seed, clock: { wallMs: Date.UTC(2026, 0, 5, 9) + offsetMs } });
          rig.tracker.start();
          const worked = play(ops, rig.clock, rig.tracker, rig.input);
          await rig.tracker.stop();
          expectConsistent(rig.sink);
          expect(rig.sink.totalTrackedMs()).toBe(worked);

          const segments = new Map(rig.sink.orderedSegments().map((s) => [s.header.id, s]));
          const perSegment = new Set<string>();
          for (const request of rig.screenshots.requests) {
            const segment = segments.get(request.segmentId);
            expect(segment, 'a screenshot of a segment that was never recorded').toBeDefined();
            expect(perSegment.has(request.segmentId), 'two screenshots in one segment').toBe(false);
            perSegment.add(request.segmentId);
            const startMs = segment!.header.startedAt * 1000;
            expect(request.takenAt).toBeGreaterThanOrEqual(startMs);
            expect(request.takenAt).toBeLessThan(startMs + segment!.header.lengthSeconds * 1000);
            // Tracked part: the minute holding the moment (or the one it closes, for a moment on a minute's edge).
            const minute = (ms: number) => segment!.minutes.get(Math.floor(ms / MIN) * 60)?.trackedMs ?? 0;
            expect(minute(request.takenAt) + minute(request.takenAt - 1), `screenshot at ${new Date(request.takenAt).toISOString()} outside tracked time`).toBeGreaterThan(0);
            expect(request).toMatchObject({ mode: 'on', policyVersion: 4 });
            checked += 1;
          }
          expect(rig.events.error).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20261126 },
    );
    expect(checked).toBeGreaterThan(300); // the runs did take screenshots to check
  });

  it('the real SQLite store: each segment\'s minutes add up to its tracked seconds, within its length (150 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 599_999 }), async (ops, offsetMs) => {
        const clock = new FakeClock({ wallMs: Date.UTC(2026, 0, 5, 9) + offsetMs });
        const store = openStore({ file: ':memory:', clock, mode: 'local' });
        const input = new FakeInput();
        try {
          let n = 0;
          const tracker = new Tracker(
            {
              clock,
              input,
              window: new FakeWindow(),
              sink: store.segments,
              screenshots: new FakeScreenshots(),
              policy: new FakePolicy(policy('off', 300)),
              decideIdle: () => 'keep',
              random: seededRandom(offsetMs),
              newId: () => `01JD3C00000000000000000${String(++n).padStart(3, '0')}`,
            },
            { contractId: 'c1', memo: null, dayStartOf: (ms) => Math.floor(ms / 86_400_000) * 86_400_000 },
          );
          tracker.start();
          const worked = play(ops, clock, tracker, input);
          await tracker.stop();
          const records = store.segments.list();
          let total = 0;
          for (let i = 0; i < records.length; i += 1) {
            const r = records[i]!;
            const start = Date.parse(r.startedAt);
            const end = start + r.lengthSeconds * 1000;
            expect(start % (r.lengthSeconds * 1000)).toBe(0);
            if (i > 0) expect(Date.parse(records[i - 1]!.startedAt) + records[i - 1]!.lengthSeconds * 1000).toBeLessThanOrEqual(start);
            expect(r.minutes.reduce((sum, m) => sum + m.trackedSeconds, 0), `segment ${r.startedAt}`).toBe(r.trackedSeconds);
            expect(r.trackedSeconds).toBeGreaterThanOrEqual(0);
            expect(r.trackedSeconds).toBeLessThanOrEqual(r.lengthSeconds);
            expect(r.idleSeconds).toBeLessThanOrEqual(r.trackedSeconds);
            for (const m of r.minutes) {
              const at = Date.parse(m.startedAt);
              expect(at).toBeGreaterThanOrEqual(start);
              expect(at).toBeLessThan(end);
              expect(m.trackedSeconds).toBeGreaterThanOrEqual(0);
              expect(m.trackedSeconds).toBeLessThanOrEqual(60);
            }
            total += r.trackedSeconds;
          }
          // Whole seconds per minute in the store: the sum is the worked time to within a second per minute.
          const minutes = records.reduce((sum, r) => sum + r.minutes.length, 0);
          expect(Math.abs(total * 1000 - worked)).toBeLessThanOrEqual(minutes * 1000);
        } finally {
          store.close();
        }
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });

  /** DST transitions of 2026 (UTC instants) in zones with different rules. */
  const TRANSITIONS: readonly { zone: string; atMs: number }[] = [
    { zone: 'Europe/Berlin', atMs: Date.UTC(2026, 2, 29, 1) },
    { zone: 'Europe/Berlin', atMs: Date.UTC(2026, 9, 25, 1) },
    { zone: 'America/New_York', atMs: Date.UTC(2026, 2, 8, 7) },
    { zone: 'America/New_York', atMs: Date.UTC(2026, 10, 1, 6) },
    { zone: 'Australia/Lord_Howe', atMs: Date.UTC(2026, 3, 4, 15) }, // a 30-minute shift
    { zone: 'America/Santiago', atMs: Date.UTC(2026, 3, 5, 3) },
    { zone: 'Asia/Kolkata', atMs: Date.UTC(2026, 2, 29, 1) }, // no DST: the control
  ];

  it('DST in several time zones: nothing lost or doubled, today never more than the session (300 runs)', { timeout: MANY_RUNS_TIMEOUT_MS }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TRANSITIONS),
        fc.integer({ min: -3 * 60, max: 60 }),
        fc.array(fc.oneof({ arbitrary: op.filter((o) => o.kind === 'work'), weight: 4 }, op), { minLength: 1, maxLength: 8 }),
        async ({ zone, atMs }, startMinutes, ops) => {
          const dayStartOf = localDayStart(zone);
          const rig = makeRig({ policy: policy('on', 600), clock: { wallMs: atMs + startMinutes * MIN + 123 }, tracker: { dayStartOf } });
          rig.tracker.start();
          const worked = play(ops, rig.clock, rig.tracker, rig.input);
          const snapshot = rig.tracker.snapshot();
          expect(snapshot.todayMs).toBeGreaterThanOrEqual(0);
          expect(snapshot.todayMs).toBeLessThanOrEqual(snapshot.sessionMs);
          await rig.tracker.stop(); // writes the open minute; credits nothing more (the last tick just ran)
          // "Today" is this session's time on the local day of the effective now (a tick that straddles midnight
          // counts on one side: up to one late tick of difference).
          if (snapshot.effectiveNowMs !== null) {
            const dayStart = dayStartOf(snapshot.effectiveNowMs);
            const onThatDay = rig.sink.allMinutes().filter((m) => m.startedAt * 1000 >= dayStart).reduce((sum, m) => sum + m.trackedMs, 0);
            expect(Math.abs(snapshot.todayMs - onThatDay)).toBeLessThanOrEqual(FROZEN_GAP_MS + 1000);
          }
          expectConsistent(rig.sink);
          expect(rig.sink.totalTrackedMs()).toBe(worked);
          expect(rig.tracker.snapshot().sessionMs).toBe(worked);
          // Plain work across the change leaves contiguous minute keys: no local 02:xx hole or repeat on the epoch axis.
          if (ops.every((o) => o.kind === 'work')) {
            const keys = rig.sink.allMinutes().map((m) => m.startedAt);
            keys.forEach((k, i) => i === 0 || expect(k - keys[i - 1]!).toBe(60));
          }
        },
      ),
      { numRuns: 300, seed: 20261128 },
    );
  });
});

/** The start (epoch ms) of the local day holding `ms` in `zone`, as an app in that zone computes "today". */
function localDayStart(zone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  // Offsets change only on quarter hours (whole and half hours in practice): one Intl call per quarter hour.
  const quarters = new Map<number, number>();
  const offsetMs = (ms: number): number => {
    const quarter = Math.floor(ms / 900_000) * 900_000;
    let offset = quarters.get(quarter);
    if (offset === undefined) {
      const p = Object.fromEntries(format.formatToParts(quarter).map((x) => [x.type, x.value]));
      offset = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - quarter;
      quarters.set(quarter, offset);
    }
    return offset;
  };
  return (ms) => {
    const local = ms + offsetMs(ms);
    const localMidnight = Math.floor(local / 86_400_000) * 86_400_000;
    // The offset at midnight may differ from the one now (the change happened today): take midnight's own.
    let guess = localMidnight - offsetMs(ms);
    guess = localMidnight - offsetMs(guess);
    return guess;
  };
}
