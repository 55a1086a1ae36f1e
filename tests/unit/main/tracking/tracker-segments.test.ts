import { describe, expect, it } from 'vitest';
import { TrackerError } from '../../../../src/main/tracking/events.js';
import { UNKNOWN_APP } from '../../../../src/main/tracking/segment-state.js';
import { expectConsistent, makeRig } from './support/harness.js';
import { policy } from './support/fakes.js';

const at = (h: number, m: number, s = 0, ms = 0): number => Date.UTC(2026, 0, 5, h, m, s, ms);
const MIN = 60_000;

describe('Tracker: segments and minutes', () => {
  it('aligns segments to the wall clock, with partial segments at start and stop', async () => {
    const rig = makeRig({ clock: { wallMs: at(9, 3, 20, 500) } });
    rig.tracker.start();
    rig.clock.advance(30 * MIN);
    await rig.tracker.stop();

    const segments = rig.sink.orderedSegments();
    expect(segments.map((s) => s.header.startedAt * 1000)).toEqual([at(9, 0), at(9, 10), at(9, 20), at(9, 30)]);
    expect(segments.every((s) => s.header.lengthSeconds === 600 && s.header.memo === 'writing tests')).toBe(true);
    const tracked = segments.map((s) => [...s.minutes.values()].reduce((sum, m) => sum + m.trackedMs, 0));
    expect(tracked).toEqual([6 * MIN + 39_500, 10 * MIN, 10 * MIN, 3 * MIN + 20_500]);
    const firstMinute = rig.sink.allMinutes()[0]!;
    expect(firstMinute).toMatchObject({ startedAt: at(9, 3) / 1000, trackedMs: 39_500, idle: false });
    expect(rig.sink.totalTrackedMs()).toBe(30 * MIN);
    expect(rig.tracker.snapshot().sessionMs).toBe(30 * MIN);
    expectConsistent(rig.sink);
  });

  it('uses the policy segment length and version', async () => {
    const rig = makeRig({ policy: policy('off', 300, 7) });
    rig.tracker.start();
    rig.clock.advance(12 * MIN);
    await rig.tracker.stop();
    const headers = rig.sink.orderedSegments().map((s) => s.header);
    expect(headers.map((h) => (h.startedAt * 1000 - at(9, 0)) / MIN)).toEqual([0, 5, 10]);
    expect(headers.every((h) => h.lengthSeconds === 300 && h.policyVersion === 7)).toBe(true);
  });

  it('puts each input count in the minute it happened in, and coalesces movement per tick', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(59_500);
    rig.input.add({ keyboard: 5, moves: 40, clicks: 2, wheel: 3 }); // in 09:00:59, drained at 09:01:00.000
    rig.clock.advance(1000);
    rig.input.add({ keyboard: 1 }); // in 09:01:00, drained at 09:01:01.000
    rig.clock.advance(3 * MIN);
    rig.input.add({ moves: 10 });
    rig.clock.advance(1000);
    rig.input.add({ moves: 10 });
    rig.clock.advance(1000);
    await rig.tracker.stop();
    const byMinute = new Map(rig.sink.allMinutes().map((m) => [(m.startedAt * 1000 - at(9, 0)) / MIN, m]));
    expect(byMinute.get(0)).toMatchObject({ keyboard: 5, mouse: 2 + 3 + 1, trackedMs: MIN });
    expect(byMinute.get(1)).toMatchObject({ keyboard: 1, mouse: 0 });
    expect(byMinute.get(2)).toMatchObject({ keyboard: 0, mouse: 0 });
    expect(byMinute.get(4)).toMatchObject({ keyboard: 0, mouse: 2 }); // two seconds with movement
    expect(rig.tracker.snapshot().segment?.activeMinutes).toBe(3);
  });

  it('flushes each minute once as it is left, and the current one on stop', async () => {
    const rig = makeRig({ clock: { wallMs: at(9, 0, 30) } });
    rig.tracker.start();
    rig.clock.advance(3 * MIN);
    expect(rig.events.minuteFlushed.map((e) => e.minute.startedAt * 1000)).toEqual([at(9, 0), at(9, 1), at(9, 2)]);
    // 09:03 is still open, saved at 09:03:21 (its predecessor was written at 09:03:01): a crash now would lose 9 s.
    expect(rig.sink.totalTrackedMs()).toBe(2 * MIN + 30_000 + 21_000);
    await rig.tracker.stop();
    expect(rig.events.minuteFlushed).toHaveLength(4);
    expect(rig.sink.totalTrackedMs()).toBe(3 * MIN);
  });

  it('keeps minutes adding up to the tracked time over hours, with every minute full inside', async () => {
    const rig = makeRig({ clock: { wallMs: at(8, 59, 59, 999) } });
    rig.tracker.start();
    for (let i = 0; i < 5 * 60; i += 1) {
      if (i % 3 === 0) rig.input.add({ keyboard: i % 7 });
      rig.clock.advance(MIN);
    }
    await rig.tracker.stop();
    const minutes = rig.sink.allMinutes();
    expect(rig.sink.totalTrackedMs()).toBe(5 * 60 * MIN);
    expect(minutes.slice(1, -1).every((m) => m.trackedMs === MIN)).toBe(true);
    expect(minutes).toHaveLength(5 * 60 + 1);
    expect(rig.tracker.snapshot().sessionMs).toBe(5 * 60 * MIN);
    expect(rig.tracker.snapshot().todayMs).toBe(5 * 60 * MIN);
    expectConsistent(rig.sink);
  });

  it('attributes time to the sampled window, unknown before the first answer', async () => {
    const rig = makeRig({ tracker: { windowSampleMs: 5000 } });
    let app = 'Editor';
    rig.window.next = () => ({ app, title: `${app} window` });
    rig.tracker.start();
    await rig.clock.advanceAsync(2 * MIN);
    app = 'Browser';
    await rig.clock.advanceAsync(MIN);
    await rig.tracker.stop();
    const apps = rig.sink.orderedSegments()[0]!.apps;
    const ms = (name: string): number => apps.find((a) => a.app === name)?.ms ?? 0;
    expect(ms('Editor') + ms('Browser') + ms(UNKNOWN_APP)).toBe(3 * MIN);
    expect(ms('Browser')).toBeGreaterThanOrEqual(MIN - 6000);
    expect(ms('Editor')).toBeGreaterThanOrEqual(2 * MIN - 1000);
    expect(rig.window.calls).toBeGreaterThanOrEqual(36);
  });

  it('emits segmentOpened, refuses a second start, and leaves no timer behind', async () => {
    const rig = makeRig();
    rig.tracker.start();
    expect(() => rig.tracker.start()).toThrow(TrackerError);
    rig.clock.advance(11 * MIN);
    await rig.tracker.stop();
    await rig.tracker.stop(); // idempotent
    expect(rig.events.segmentOpened.map((e) => e.continued)).toEqual([false, false]);
    expect(rig.sink.orderedSegments()).toHaveLength(2);
    expect(rig.clock.pendingTimers()).toBe(0);
    expect(rig.policy.listenerCount()).toBe(0);
    expect(rig.tracker.snapshot().status).toBe('stopped');
  });

  it('gives a new memo to the open segment and the ones after it; earlier segments keep theirs', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(11 * MIN); // 09:11: the 09:00 segment is closed
    rig.tracker.setMemo('reviewing');
    rig.clock.advance(10 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.orderedSegments().map((s) => s.header.memo)).toEqual(['writing tests', 'reviewing', 'reviewing']);
  });

  it('survives a failing store write, reports it and goes on', async () => {
    const rig = makeRig();
    const realFlush = rig.sink.flushMinute.bind(rig.sink);
    let failures = 1;
    rig.sink.flushMinute = (...args) => {
      if (failures-- > 0) throw new Error('disk full');
      realFlush(...args);
    };
    rig.tracker.start();
    rig.clock.advance(3 * MIN);
    await rig.tracker.stop();
    expect(rig.events.error.map((e) => e.error.code)).toEqual(['FLUSH_FAILED']);
    // The failed minute is written with the next flush, and no worked time was lost meanwhile.
    expect(rig.sink.allMinutes().map((m) => (m.startedAt * 1000 - at(9, 0)) / MIN)).toEqual([0, 1, 2]);
    expect(rig.sink.totalTrackedMs()).toBe(3 * MIN);
  });
});
