import { describe, expect, it } from 'vitest';
import { expectConsistent, makeRig } from './support/harness.js';
import { ksCritical01, ksStatisticUniform, policy } from './support/fakes.js';

const MIN = 60_000;
const at = (h: number, m: number, s = 0, ms = 0): number => Date.UTC(2026, 0, 5, h, m, s, ms);

describe('Tracker: screenshots', () => {
  it('takes one per segment at a moment uniform over the segment (KS over 2000 segments, fixed seed)', async () => {
    const rig = makeRig({ policy: policy('on', 60), seed: 2026 });
    rig.tracker.start();
    rig.clock.advance(2000 * MIN);
    await rig.tracker.stop();

    const scheduled = rig.events.screenshotScheduled;
    expect(scheduled).toHaveLength(2000);
    const segmentStart = new Map(rig.sink.orderedSegments().map((s) => [s.header.id, s.header.startedAt * 1000]));
    const positions = scheduled.map((e) => (e.dueAtMs - segmentStart.get(e.segmentId)!) / MIN);
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...positions)).toBeLessThan(1);
    expect(ksStatisticUniform(positions)).toBeLessThan(ksCritical01(2000));

    // Each was taken inside its segment at its moment: exactly, through a one-shot timer, unless the moment fell
    // before the first tick of the segment (the segment opens at that tick), then at that tick.
    expect(rig.screenshots.requests).toHaveLength(2000);
    const due = new Map(scheduled.map((e) => [e.segmentId, e.dueAtMs]));
    const onTime = rig.screenshots.requests.filter((r) => r.takenAt === due.get(r.segmentId)).length;
    expect(onTime).toBeGreaterThan(2000 * 0.95);
    for (const r of rig.screenshots.requests) {
      const start = segmentStart.get(r.segmentId)!;
      expect(r.takenAt).toBeGreaterThanOrEqual(due.get(r.segmentId)!);
      expect(r.takenAt - due.get(r.segmentId)!).toBeLessThan(1000);
      expect(r.takenAt).toBeGreaterThanOrEqual(start);
      expect(r.takenAt).toBeLessThan(start + MIN);
      expect(r).toMatchObject({ contractId: 'c1', mode: 'on', policyVersion: 1 });
    }
    expect(rig.events.screenshotTaken).toHaveLength(2000);
  });

  it('when tracking starts mid-segment, the moment is uniform over the tracked part only (2000 starts)', async () => {
    const startMs = at(9, 3, 17, 250);
    const segmentEnd = at(9, 10);
    const positions: number[] = [];
    const rig = makeRig({ policy: policy('blurred'), seed: 99, clock: { wallMs: startMs } });
    for (let i = 0; i < 2000; i += 1) {
      const tracker = rig.restart();
      rig.clock.setWall(startMs);
      tracker.start();
      const due = tracker.snapshot().segment!.screenshotDueAtMs!;
      positions.push((due - startMs) / (segmentEnd - startMs));
      await tracker.stop();
      rig.sink.clear();
    }
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0); // never before tracking started
    expect(Math.max(...positions)).toBeLessThan(1); // never outside the segment
    expect(ksStatisticUniform(positions)).toBeLessThan(ksCritical01(2000));
  });

  it('never plans or takes one while the policy is off or unknown', async () => {
    for (const p of [null, policy('off')]) {
      const rig = makeRig({ policy: p });
      rig.tracker.start();
      rig.clock.advance(60 * MIN);
      expect(rig.tracker.snapshot().segment).toMatchObject({ screenshot: 'none', screenshotDueAtMs: null });
      await rig.tracker.stop();
      expect(rig.events.screenshotScheduled).toEqual([]);
      expect(rig.screenshots.requests).toEqual([]);
    }
  });

  it('cancels the pending moment at once when the policy turns off', async () => {
    const rig = makeRig({ policy: policy('on'), seed: 5 });
    rig.tracker.start();
    const due = rig.tracker.snapshot().segment!.screenshotDueAtMs!;
    expect(rig.tracker.snapshot().segment!.screenshot).toBe('pending');
    rig.clock.advance(Math.max(0, due - rig.clock.now() - 2000));
    rig.policy.set(policy('off', 600, 2));
    expect(rig.tracker.snapshot().segment).toMatchObject({ screenshot: 'none', screenshotDueAtMs: null });
    rig.clock.advance(30 * MIN);
    await rig.tracker.stop();
    expect(rig.screenshots.requests).toEqual([]);
  });

  it('refuses to capture when the policy in force is off even if no change was announced', async () => {
    const rig = makeRig({ policy: policy('on') });
    rig.tracker.start();
    (rig.policy as unknown as { policy: unknown }).policy = policy('off'); // changed silently
    rig.clock.advance(10 * MIN);
    await rig.tracker.stop();
    expect(rig.screenshots.requests).toEqual([]);
  });

  it('plans a new moment in [now, segment end) when the policy turns on mid-segment, with its mode and version', async () => {
    const rig = makeRig({ policy: null, seed: 11 });
    rig.tracker.start();
    rig.clock.advance(4 * MIN);
    rig.policy.set(policy('blurred', 600, 4));
    const due = rig.tracker.snapshot().segment!.screenshotDueAtMs!;
    expect(due).toBeGreaterThanOrEqual(at(9, 4));
    expect(due).toBeLessThan(at(9, 10));
    rig.clock.advance(6 * MIN - 1);
    await rig.tracker.stop();
    expect(rig.screenshots.requests).toHaveLength(1);
    expect(rig.screenshots.requests[0]).toMatchObject({ mode: 'blurred', policyVersion: 4 });
    expect(rig.screenshots.requests[0]!.takenAt).toBeGreaterThanOrEqual(due);
  });

  it('reports a failed capture and goes on tracking; stop() waits for a capture in flight', async () => {
    const rig = makeRig({ policy: policy('on') });
    rig.screenshots.outcome = 'reject';
    rig.tracker.start();
    await rig.clock.advanceAsync(10 * MIN);
    expect(rig.events.screenshotFailed).toHaveLength(1);
    rig.screenshots.outcome = 'null';
    rig.clock.advance(10 * MIN);
    expect(rig.tracker.snapshot().segment!.screenshot).toBe('capturing');
    await rig.tracker.stop();
    expect(rig.events.screenshotFailed).toHaveLength(2);
    expect(rig.events.screenshotFailed[1]!.error).toBeNull();
    expect(rig.tracker.snapshot().segment!.screenshot).toBe('failed');
    expect(rig.sink.totalTrackedMs()).toBe(20 * MIN);
    expect(rig.screenshots.requests).toHaveLength(2); // one attempt per segment, no retries
  });

  it('after a sleep over the moment, captures at wake-up inside the segment, or not at all once it has ended', async () => {
    const rig = makeRig({ policy: policy('on'), seed: 8 });
    rig.tracker.start();
    const due = rig.tracker.snapshot().segment!.screenshotDueAtMs!;
    rig.clock.advance(Math.max(0, due - rig.clock.now() - 1500));
    rig.clock.sleep(20 * MIN); // slept past the moment and the segment's end
    rig.clock.advance(9 * MIN);
    await rig.tracker.stop();
    for (const r of rig.screenshots.requests) {
      const seg = rig.sink.segment(r.segmentId)!.header;
      expect(r.takenAt).toBeGreaterThanOrEqual(seg.startedAt * 1000);
      expect(r.takenAt).toBeLessThan((seg.startedAt + seg.lengthSeconds) * 1000);
    }
    expect(rig.screenshots.requests.map((r) => r.segmentId)).not.toContain(rig.sink.orderedSegments()[0]!.header.id);
    expectConsistent(rig.sink);
  });
});
