import { describe, expect, it } from 'vitest';
import { expectConsistent, makeRig } from './support/harness.js';
import { policy } from './support/fakes.js';
import { SAVE_EVERY_MS } from '../../../../src/main/tracking/pending-writes.js';

const MIN = 60_000;
const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const sec = (h: number, m: number): number => at(h, m) / 1000;

describe('Tracker: restart continuity', () => {
  it('a second tracker continues the stored segment, adding to its minutes instead of overwriting them', async () => {
    const rig = makeRig();
    rig.tracker.start();
    for (let i = 0; i < 210; i += 1) {
      rig.input.add({ keyboard: 1 });
      rig.clock.advance(1000);
    }
    await rig.tracker.stop(); // 09:03:30
    const before = new Map(rig.sink.allMinutes().map((m) => [m.startedAt, m]));
    const firstId = rig.sink.orderedSegments()[0]!.header.id;

    rig.clock.advance(10_000); // the agent is down for 10 s
    const second = rig.restart();
    const opened: boolean[] = [];
    second.on('segmentOpened', (e) => opened.push(e.continued));
    second.start();
    expect(second.snapshot().segment).toMatchObject({ id: firstId, continued: true });
    for (let i = 0; i < 60; i += 1) {
      rig.input.add({ keyboard: 2 });
      rig.clock.advance(1000);
    }
    await second.stop(); // 09:04:40

    expect(opened).toEqual([true]);
    const segments = rig.sink.orderedSegments();
    expect(segments).toHaveLength(1);
    expect(segments[0]!.header.id).toBe(firstId);
    const after = new Map(rig.sink.allMinutes().map((m) => [m.startedAt, m]));
    for (const m of [0, 1, 2]) expect(after.get(sec(9, m))).toEqual(before.get(sec(9, m)));
    // 09:03 had 30 s and 30 key presses; the second run adds 20 s and 20 ticks of 2.
    expect(after.get(sec(9, 3))).toMatchObject({ trackedMs: 50_000, keyboard: 30 + 40 });
    expect(after.get(sec(9, 4))).toMatchObject({ trackedMs: 40_000, keyboard: 80 });
    expect(rig.sink.totalTrackedMs()).toBe(210_000 + 60_000);
    expect(segments[0]!.apps.reduce((sum, a) => sum + a.ms, 0)).toBe(270_000);
    expectConsistent(rig.sink);
  });

  it('after a crash (no stop), the restarted agent keeps everything up to the last save: at most 10 s is lost', async () => {
    const crashed = makeRig({ policy: policy('off') });
    crashed.tracker.start();
    crashed.clock.advance(6 * MIN + 20_000); // killed at 09:06:20 (its clock is never advanced again)
    const written = crashed.sink.allMinutes();
    // 09:06 was left open, saved at 09:06:11 (10 s after its predecessor was written, at 09:06:01).
    expect(written.map((m) => m.startedAt)).toEqual([0, 1, 2, 3, 4, 5, 6].map((m) => sec(9, m)));
    expect(written.at(-1)!.trackedMs).toBe(11_000);
    const lostMs = 6 * MIN + 20_000 - crashed.sink.totalTrackedMs();
    expect(lostMs).toBe(9_000);
    expect(lostMs).toBeLessThanOrEqual(SAVE_EVERY_MS);

    const restarted = makeRig({ sink: crashed.sink, policy: policy('off'), clock: { wallMs: at(9, 7, 5) } });
    restarted.tracker.start();
    restarted.clock.advance(5 * MIN);
    await restarted.tracker.stop();
    const segments = restarted.sink.orderedSegments();
    expect(segments.map((s) => s.header.startedAt)).toEqual([sec(9, 0), sec(9, 10)]);
    for (const m of written) expect(restarted.sink.allMinutes().find((x) => x.startedAt === m.startedAt)).toEqual(m);
    expect(restarted.sink.totalTrackedMs()).toBe(6 * MIN + 11_000 + 5 * MIN);
    expectConsistent(restarted.sink);
  });

  it('a restart within the saved minute continues it: what was saved is added to, never counted twice', async () => {
    const crashed = makeRig({ policy: policy('off') });
    crashed.tracker.start();
    for (let i = 0; i < 6 * 60 + 20; i += 1) {
      crashed.input.add({ keyboard: 1 });
      crashed.clock.advance(1000);
    }
    // Killed at 09:06:20: 09:06 holds its first 11 s and 11 key presses, saved at 09:06:11.
    expect(crashed.sink.allMinutes().at(-1)).toMatchObject({ startedAt: sec(9, 6), trackedMs: 11_000, keyboard: 11 });

    const restarted = makeRig({ sink: crashed.sink, policy: policy('off'), clock: { wallMs: at(9, 6, 25) } });
    restarted.tracker.start();
    expect(restarted.tracker.snapshot().segment).toMatchObject({ startedAt: sec(9, 0), continued: true });
    for (let i = 0; i < 60; i += 1) {
      restarted.input.add({ keyboard: 2 });
      restarted.clock.advance(1000);
    }
    await restarted.tracker.stop(); // 09:07:25
    const minutes = new Map(restarted.sink.allMinutes().map((m) => [m.startedAt, m]));
    // 09:06: 11 s saved before the crash + 35 s after the restart; 11 presses + 35 ticks of 2.
    expect(minutes.get(sec(9, 6))).toMatchObject({ trackedMs: 11_000 + 35_000, keyboard: 11 + 70 });
    expect(minutes.get(sec(9, 7))).toMatchObject({ trackedMs: 25_000, keyboard: 50 });
    expect(restarted.sink.totalTrackedMs()).toBe(6 * MIN + 11_000 + 60_000);
    expectConsistent(restarted.sink);
  });

  it('saves the open minute every 10 s, one small write each, and the minute-end write replaces the saves', async () => {
    const rig = makeRig({ clock: { wallMs: at(9, 0, 0) } });
    rig.tracker.start();
    rig.clock.advance(3 * MIN + 30_000);
    await rig.tracker.stop();
    const writes = rig.sink.calls.filter((c) => c.startsWith('save ') || c.startsWith('flush '));
    // Per minute: the write at its end (on the first tick of the next) and five saves 10 s apart while it is open.
    const ofMinute = (m: number) => writes.filter((c) => c.endsWith(` ${sec(9, m)}`));
    for (const m of [1, 2]) expect(ofMinute(m)).toEqual([...Array(5).fill(`save ${sec(9, m)}`), `flush ${sec(9, m)}`]);
    expect(ofMinute(3)).toEqual([...Array(2).fill(`save ${sec(9, 3)}`), `flush ${sec(9, 3)}`]); // saved at :11 and :21, stopped at :30
    // Saves tell the CLI nothing (one status line per minute): only the four minute ends did.
    expect(rig.events.minuteFlushed).toHaveLength(4);
    expect(rig.sink.totalTrackedMs()).toBe(3 * MIN + 30_000);
    expectConsistent(rig.sink);
  });

  it('a restart after the clock was set back starts where the earlier run left off, writing over nothing', async () => {
    const rig = makeRig();
    rig.tracker.start();
    rig.clock.advance(8 * MIN + 15_000);
    await rig.tracker.stop(); // 09:08:15
    rig.clock.jumpWall(-5 * MIN); // 09:03:15: the wall clock was ahead and got corrected
    const second = rig.restart();
    second.start();
    rig.clock.advance(5 * MIN);
    await second.stop();
    expect(rig.sink.totalTrackedMs()).toBe(13 * MIN + 15_000);
    const minutes = rig.sink.allMinutes();
    minutes.forEach((m, i) => expect(m.startedAt).toBe(sec(9, i)));
    expect(minutes.slice(0, -1).every((m) => m.trackedMs === MIN)).toBe(true);
    expectConsistent(rig.sink);
  });

  it('takes no second screenshot in a continued segment that already has one', async () => {
    const rig = makeRig({ policy: policy('on'), seed: 3 });
    rig.tracker.start();
    const due = rig.tracker.snapshot().segment!.screenshotDueAtMs!;
    rig.clock.advance(due - rig.clock.now() + 1000);
    await rig.tracker.stop();
    expect(rig.screenshots.requests).toHaveLength(1);

    rig.clock.advance(10_000);
    const second = rig.restart();
    second.start();
    expect(second.snapshot().segment).toMatchObject({ continued: true, screenshot: 'taken', screenshotDueAtMs: null });
    rig.clock.advance(at(9, 10) - rig.clock.now() - 1);
    await second.stop();
    expect(rig.screenshots.requests).toHaveLength(1);
  });

  it('continues a stored segment whose length differs from the policy now, and never overlaps one', async () => {
    const first = makeRig({ policy: policy('off', 600) });
    first.tracker.start();
    first.clock.advance(3 * MIN);
    await first.tracker.stop();
    first.policy.set(policy('off', 300));
    const second = first.restart();
    second.start(); // 09:03, policy says 5-minute segments: the stored 10-minute one still covers now
    first.clock.advance(12 * MIN);
    await second.stop();
    expect(first.sink.orderedSegments().map((s) => [s.header.startedAt, s.header.lengthSeconds])).toEqual([
      [sec(9, 0), 600],
      [sec(9, 10), 300],
    ]);
    expectConsistent(first.sink);

    const shortFirst = makeRig({ policy: policy('off', 300) });
    shortFirst.tracker.start();
    shortFirst.clock.advance(3 * MIN);
    await shortFirst.tracker.stop();
    shortFirst.clock.advance(4 * MIN); // 09:07: now 10-minute segments, whose aligned start 09:00 is taken
    shortFirst.policy.set(policy('off', 600));
    const again = shortFirst.restart();
    again.start();
    shortFirst.clock.advance(15 * MIN);
    await again.stop();
    expect(shortFirst.sink.orderedSegments().map((s) => [s.header.startedAt, s.header.lengthSeconds])).toEqual([
      [sec(9, 0), 300],
      [sec(9, 5), 300],
      [sec(9, 10), 600],
      [sec(9, 20), 600],
    ]);
    expectConsistent(shortFirst.sink);
  });

  it('applies a new segment length from the next segment on, clipping its start to avoid overlap', async () => {
    const rig = makeRig({ policy: policy('off', 300) });
    rig.tracker.start();
    rig.clock.advance(2 * MIN);
    rig.policy.set(policy('off', 600, 2));
    rig.clock.advance(20 * MIN);
    rig.policy.set(policy('off', 120, 3)); // at 09:22, inside [09:20, 09:30): applies from 09:30
    rig.clock.advance(10 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.orderedSegments().map((s) => [(s.header.startedAt - sec(9, 0)) / 60, s.header.lengthSeconds / 60, s.header.policyVersion])).toEqual([
      [0, 5, 1],
      [5, 5, 2],
      [10, 10, 2],
      [20, 10, 2],
      [30, 2, 3],
    ]);
    expect(rig.sink.totalTrackedMs()).toBe(32 * MIN);
    expectConsistent(rig.sink);
  });
});
