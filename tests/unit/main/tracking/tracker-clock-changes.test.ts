import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectConsistent, makeRig } from './support/harness.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const minuteKeysMs = (rig: ReturnType<typeof makeRig>): number[] => rig.sink.allMinutes().map((m) => m.startedAt * 1000);

describe('Tracker: sleep, suspend, clock jumps and DST', () => {
  it('does not credit a system sleep (wall moves, monotonic does not) and records nothing inside it', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(10 * MIN + 300);
    rig.clock.sleep(2 * HOUR);
    rig.clock.advance(10 * MIN - 300);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(20 * MIN);
    expect(rig.tracker.snapshot().sessionMs).toBe(20 * MIN);
    const keys = minuteKeysMs(rig);
    expect(keys.filter((k) => k > at(9, 10, 0) && k < at(11, 10, 0))).toEqual([]);
    expect(keys.at(-1)).toBe(at(11, 19));
    expectConsistent(rig.sink);
  });

  it('credits nothing between suspend() and resume(), even when monotonic time runs on (Windows)', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(7 * MIN + 500);
    rig.tracker.suspend();
    expect(rig.tracker.snapshot().status).toBe('suspended');
    // suspend() already wrote the current minute: a battery that dies in sleep loses nothing.
    expect(rig.sink.totalTrackedMs()).toBe(7 * MIN + 500);
    rig.clock.advance(45 * MIN);
    rig.tracker.resume();
    rig.clock.advance(5 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(12 * MIN + 500);
    expect(minuteKeysMs(rig).filter((k) => k > at(9, 7) && k < at(9, 52))).toEqual([]);
    expectConsistent(rig.sink);
  });

  it('does not credit a frozen process (both clocks moved, no tick ran for minutes)', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(5 * MIN);
    rig.clock.freeze(3 * MIN);
    rig.clock.advance(5 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(10 * MIN);
    expectConsistent(rig.sink);
  });

  it('skips a forward wall jump without crediting it', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(15 * MIN);
    rig.clock.jumpWall(3 * HOUR);
    rig.clock.advance(15 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(30 * MIN);
    expect(minuteKeysMs(rig).filter((k) => k >= at(9, 16) && k < at(12, 15))).toEqual([]);
    expectConsistent(rig.sink);
  });

  it.each([
    ['30 seconds', 30_000],
    ['an hour', HOUR],
    ['more than an hour (2h 17m)', 2 * HOUR + 17 * MIN],
  ])('a backward wall jump of %s loses no worked second and overlaps nothing', async (_label, back) => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(20 * MIN + 400);
    rig.clock.jumpWall(-back);
    rig.clock.advance(3 * HOUR - 400);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(3 * HOUR + 20 * MIN);
    const keys = minuteKeysMs(rig);
    // Contiguous from the start: the timeline ran ahead of the set-back wall instead of repeating time.
    keys.forEach((k, i) => expect(k).toBe(at(9, 0) + i * MIN));
    expectConsistent(rig.sink);
  });

  it('keeps tracking through both DST changes of Europe/Berlin without a gap or a double minute', async () => {
    for (const startUtc of [Date.UTC(2026, 2, 29, 0, 0, 0), Date.UTC(2026, 9, 24, 23, 30, 0)]) {
      const rig = makeRig({ clock: { wallMs: startUtc } });
      rig.tracker.start();
      rig.clock.advance(3 * HOUR);
      await rig.tracker.stop();
      expect(rig.sink.totalTrackedMs()).toBe(3 * HOUR);
      const keys = minuteKeysMs(rig);
      expect(keys).toHaveLength(180);
      keys.forEach((k, i) => expect(k).toBe(startUtc + i * MIN));
      expect(rig.sink.orderedSegments()).toHaveLength(18);
      expectConsistent(rig.sink);
    }
  });

  it('whatever mix of work, sleep, freezes, suspends and jumps: no overlap, nothing negative, credited = worked', async () => {
    type Op =
      | { kind: 'work'; seconds: number }
      | { kind: 'sleep'; minutes: number }
      | { kind: 'freeze'; seconds: number }
      | { kind: 'jump'; minutes: number }
      | { kind: 'suspend'; minutes: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('work' as const), seconds: fc.integer({ min: 1, max: 900 }) }), weight: 5 },
      fc.record({ kind: fc.constant('sleep' as const), minutes: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant('freeze' as const), seconds: fc.integer({ min: 20, max: 600 }) }),
      fc.record({ kind: fc.constant('jump' as const), minutes: fc.integer({ min: -180, max: 180 }) }),
      fc.record({ kind: fc.constant('suspend' as const), minutes: fc.integer({ min: 0, max: 120 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 59_999 }), async (ops, offsetMs) => {
        const rig = makeRig({ clock: { wallMs: at(9, 0) + offsetMs } });
        rig.tracker.start();
        let worked = 0;
        for (const o of ops) {
          if (o.kind === 'work') {
            rig.clock.advance(o.seconds * 1000);
            worked += o.seconds * 1000;
          } else if (o.kind === 'sleep') rig.clock.sleep(o.minutes * MIN);
          else if (o.kind === 'freeze') rig.clock.freeze(o.seconds * 1000);
          else if (o.kind === 'jump') rig.clock.jumpWall(o.minutes * MIN);
          else {
            rig.tracker.suspend();
            rig.clock.advance(o.minutes * MIN);
            rig.tracker.resume();
          }
        }
        await rig.tracker.stop();
        expectConsistent(rig.sink);
        expect(rig.sink.totalTrackedMs()).toBe(worked);
        expect(rig.tracker.snapshot().sessionMs).toBe(worked);
        expect(rig.events.error).toEqual([]);
      }),
      { numRuns: 40, seed: 20260329 },
    );
  });
});
