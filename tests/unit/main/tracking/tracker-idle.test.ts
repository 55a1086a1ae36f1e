import { describe, expect, it } from 'vitest';
import { expectConsistent, makeRig } from './support/harness.js';

const MIN = 60_000;
const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const sec = (h: number, m: number): number => at(h, m) / 1000;

/** Input in 09:00, then nothing until 09:12:30, then input every few seconds until 09:15. */
async function idleStretchRun(decision: 'keep' | 'discard') {
  const rig = makeRig({ tracker: { idleThresholdMs: 5 * MIN } });
  rig.decider.decision = decision;
  rig.tracker.start();
  rig.input.add({ keyboard: 3 });
  rig.clock.advance(1000);
  rig.clock.advance(5 * MIN - 1000);
  expect(rig.events.idleStarted).toEqual([]); // 4:59 without input is not idle yet
  await rig.clock.advanceAsync(1000);
  expect(rig.events.idleStarted).toEqual([{ fromSec: sec(9, 1) }]);
  expect(rig.tracker.snapshot().idle).toEqual({ state: 'idle', sinceSec: sec(9, 1) });
  // The minutes already written were flagged when idle started.
  expect(rig.sink.allMinutes().filter((m) => m.idle).map((m) => m.startedAt)).toEqual([sec(9, 1), sec(9, 2), sec(9, 3), sec(9, 4)]);
  rig.clock.advance(7 * MIN + 29_500);
  rig.input.add({ clicks: 1 }); // 09:12:30.5
  await rig.clock.advanceAsync(1000);
  for (let i = 0; i < 30; i += 1) {
    rig.input.add({ moves: 3 });
    await rig.clock.advanceAsync(5000);
  }
  await rig.tracker.stop();
  return rig;
}

describe('Tracker: idle', () => {
  it('keep: the stretch after the last input minute stays, flagged idle; the minute with input again is active', async () => {
    const rig = await idleStretchRun('keep');
    expect(rig.decider.stretches).toEqual([{ contractId: 'c1', fromSec: sec(9, 1), toSec: sec(9, 12) }]);
    expect(rig.events.idleEnded).toEqual([{ fromSec: sec(9, 1), toSec: sec(9, 12), decision: 'keep' }]);
    const minutes = rig.sink.allMinutes();
    expect(minutes).toHaveLength(16); // 09:00 .. 09:15
    expect(minutes.filter((m) => m.idle).map((m) => (m.startedAt - sec(9, 0)) / 60)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(minutes.find((m) => m.startedAt === sec(9, 12))).toMatchObject({ idle: false, mouse: 1 + 6 });
    expect(rig.sink.totalTrackedMs()).toBe(15 * MIN + 1500);
    expect(rig.tracker.snapshot().sessionMs).toBe(rig.sink.totalTrackedMs());
    expectConsistent(rig.sink);
  });

  it('discard: the stretch is removed from the store and from the tracker, app totals included', async () => {
    const rig = await idleStretchRun('discard');
    expect(rig.sink.calls).toContain(`discard ${sec(9, 1)} ${sec(9, 12)}`);
    const minutes = rig.sink.allMinutes();
    expect(minutes.map((m) => (m.startedAt - sec(9, 0)) / 60)).toEqual([0, 12, 13, 14, 15]);
    expect(minutes.some((m) => m.idle)).toBe(false);
    const kept = rig.sink.totalTrackedMs();
    expect(kept).toBe(15 * MIN + 1500 - 11 * MIN);
    expect(rig.tracker.snapshot().sessionMs).toBe(kept);
    expect(rig.tracker.snapshot().todayMs).toBe(kept);
    for (const seg of rig.sink.orderedSegments()) {
      const minuteMs = [...seg.minutes.values()].reduce((sum, m) => sum + m.trackedMs, 0);
      expect(seg.apps.reduce((sum, a) => sum + a.ms, 0)).toBe(minuteMs);
    }
    expectConsistent(rig.sink);
  });

  it('ends an open stretch on stop, through the last tracked minute', async () => {
    const rig = makeRig();
    rig.decider.decision = 'discard';
    rig.tracker.start();
    rig.input.add({ keyboard: 1 });
    rig.clock.advance(20 * MIN);
    await rig.tracker.stop();
    expect(rig.decider.stretches).toEqual([{ contractId: 'c1', fromSec: sec(9, 1), toSec: sec(9, 20) }]);
    expect(rig.sink.allMinutes().map((m) => m.startedAt)).toEqual([sec(9, 0)]);
    expect(rig.tracker.snapshot().sessionMs).toBe(MIN);
  });

  it('never marks idle while the input sensor is unavailable, and says so', async () => {
    const rig = makeRig();
    rig.input.setUnavailable();
    rig.tracker.start();
    rig.clock.advance(45 * MIN);
    const snap = rig.tracker.snapshot();
    expect(snap.inputAvailable).toBe(false);
    expect(snap.idle.state).toBe('unknown');
    await rig.tracker.stop();
    expect(rig.events.idleStarted).toEqual([]);
    expect(rig.decider.stretches).toEqual([]);
    expect(rig.sink.calls.filter((c) => c.startsWith('markIdle') || c.startsWith('discard'))).toEqual([]);
    expect(rig.sink.allMinutes().some((m) => m.idle)).toBe(false);
    expect(rig.sink.totalTrackedMs()).toBe(45 * MIN);
  });

  it('with the system idle time and no input counts (macOS without Accessibility): idle is known, marked and ended by it', async () => {
    const rig = makeRig({ systemIdle: true });
    rig.input.setUnavailable('Accessibility is not allowed');
    rig.tracker.start();
    rig.systemIdle.input();
    await rig.clock.advanceAsync(1000);
    expect(rig.tracker.snapshot()).toMatchObject({ inputAvailable: false, idle: { state: 'active', sinceSec: null } });
    rig.clock.advance(5 * MIN);
    expect(rig.events.idleStarted).toEqual([{ fromSec: sec(9, 1) }]);
    expect(rig.tracker.snapshot().idle).toEqual({ state: 'idle', sinceSec: sec(9, 1) });
    rig.clock.advance(3 * MIN);
    rig.systemIdle.input(); // 09:08:01: the OS saw a key press the agent could not count
    await rig.clock.advanceAsync(1000);
    expect(rig.decider.stretches).toEqual([{ contractId: 'c1', fromSec: sec(9, 1), toSec: sec(9, 8) }]);
    expect(rig.tracker.snapshot().idle.state).toBe('active');
    await rig.tracker.stop();
    // No counts were made up: the minutes are not active, only the idle ones flagged.
    expect(rig.sink.allMinutes().every((m) => m.keyboard === 0 && m.mouse === 0)).toBe(true);
    expect(rig.sink.allMinutes().filter((m) => m.idle).map((m) => m.startedAt)).toEqual([1, 2, 3, 4, 5, 6, 7].map((m) => sec(9, m)));
    expectConsistent(rig.sink);
  });

  it('input the hook missed but the system saw keeps the person active (no idle prompt)', async () => {
    const rig = makeRig({ systemIdle: true });
    rig.tracker.start();
    for (let i = 0; i < 12; i += 1) {
      rig.clock.advance(MIN - 500);
      rig.systemIdle.input(); // typing into a window the input hook cannot see
      await rig.clock.advanceAsync(500);
    }
    expect(rig.events.idleStarted).toEqual([]);
    expect(rig.tracker.snapshot().idle.state).toBe('active');
    await rig.tracker.stop();
  });

  it('an unavailable system idle time changes nothing: idle stays unknown without input counts', async () => {
    const rig = makeRig({ systemIdle: true });
    rig.systemIdle.setUnavailable();
    rig.input.setUnavailable();
    rig.tracker.start();
    rig.clock.advance(20 * MIN);
    expect(rig.tracker.snapshot().idle.state).toBe('unknown');
    await rig.tracker.stop();
    expect(rig.events.idleStarted).toEqual([]);
  });

  it('does not count a system sleep as idle time, and waking ends an open stretch', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(3 * MIN);
    rig.clock.sleep(60 * MIN); // monotonic stands still: 3 min without input, not 63
    rig.clock.advance(MIN);
    expect(rig.events.idleStarted).toEqual([]);
    rig.clock.advance(2 * MIN);
    expect(rig.events.idleStarted).toHaveLength(1);
    rig.tracker.suspend();
    rig.tracker.resume();
    await rig.clock.advanceAsync(1000);
    expect(rig.events.idleEnded).toHaveLength(1);
    expect(rig.tracker.snapshot().idle.state).toBe('active');
    await rig.tracker.stop();
    expectConsistent(rig.sink);
  });

  it('keeps the stretch, flagged idle, when the decision fails', async () => {
    const rig = makeRig();
    rig.decider.fail = true;
    rig.tracker.start();
    rig.clock.advance(8 * MIN);
    rig.input.add({ keyboard: 1 });
    await rig.clock.advanceAsync(1000);
    await rig.tracker.stop();
    expect(rig.events.error.map((e) => e.error.code)).toEqual(['IDLE_DECISION_FAILED']);
    expect(rig.events.idleEnded).toEqual([{ fromSec: sec(9, 1), toSec: sec(9, 8), decision: 'keep' }]);
    expect(rig.sink.allMinutes().filter((m) => m.idle).map((m) => m.startedAt)).toEqual([1, 2, 3, 4, 5, 6, 7].map((m) => sec(9, m)));
    expect(rig.sink.totalTrackedMs()).toBe(8 * MIN + 1000);
  });

  it('applies a discard that comes much later (a prompt left open), segments already closed included', async () => {
    const rig = makeRig();
    let answer: (d: 'discard') => void = () => {};
    rig.decider.decide = () => new Promise((resolve) => (answer = resolve));
    rig.tracker.start();
    rig.clock.advance(8 * MIN); // idle from 09:01
    rig.input.add({ keyboard: 1 });
    await rig.clock.advanceAsync(1000); // input in 09:08: the stretch [09:01, 09:08) waits for its answer
    for (let i = 0; i < 25; i += 1) {
      rig.input.add({ keyboard: 1 });
      rig.clock.advance(MIN);
    }
    answer('discard');
    await rig.tracker.stop();
    expect(rig.sink.allMinutes().map((m) => m.startedAt)).not.toContain(sec(9, 1));
    const kept = rig.sink.totalTrackedMs();
    expect(kept).toBe(8 * MIN + 1000 + 25 * MIN - 7 * MIN);
    expect(rig.tracker.snapshot().sessionMs).toBe(kept);
    for (const seg of rig.sink.orderedSegments()) {
      const minuteMs = [...seg.minutes.values()].reduce((sum, m) => sum + m.trackedMs, 0);
      expect(seg.apps.reduce((sum, a) => sum + a.ms, 0)).toBe(minuteMs);
    }
  });
});
