import { describe, expect, it } from 'vitest';
import { UNKNOWN_APP } from '../../../../src/main/tracking/segment-state.js';
import { expectConsistent, makeRig } from './support/harness.js';

const MIN = 60_000;

describe('Tracker: active window samples', () => {
  it('counts throwing, rejecting and null samples as unknown and never stops tracking', async () => {
    const rig = makeRig();
    let n = 0;
    rig.window.next = () => {
      n += 1;
      if (n % 4 === 1) throw new Error('window lacks _NET_WM_PID');
      if (n % 4 === 2) return null;
      if (n % 4 === 3) return Promise.reject(new Error('xprop failed'));
      return { app: 'Terminal', title: 'vim' };
    };
    rig.tracker.start();
    await rig.clock.advanceAsync(10 * MIN);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(10 * MIN);
    expect(rig.events.error).toEqual([]);
    expect(rig.tracker.snapshot().windowSampleErrors).toBe(Math.ceil(n / 2));
    const apps = rig.sink.orderedSegments()[0]!.apps;
    expect(apps.map((a) => a.app).sort()).toEqual([UNKNOWN_APP, 'Terminal'].sort());
    expect(apps.reduce((sum, a) => sum + a.ms, 0)).toBe(10 * MIN);
    expect(apps.find((a) => a.app === 'Terminal')!.ms).toBeGreaterThan(2 * MIN);
    expectConsistent(rig.sink);
  });

  it('skips samples while one is still in flight instead of piling them up', async () => {
    const rig = makeRig({ tracker: { windowSampleMs: 1000 } });
    let release: (value: null) => void = () => {};
    rig.window.next = () => new Promise<null>((resolve) => (release = resolve));
    rig.tracker.start();
    await rig.clock.advanceAsync(5 * MIN);
    expect(rig.window.calls).toBe(1); // a hung sensor call is not repeated 300 times
    // Tracking went on meanwhile: four minutes written, the fifth still open and saved at 09:04:51.
    expect(rig.sink.totalTrackedMs()).toBe(4 * MIN + 51_000);
    expect(rig.tracker.snapshot().sessionMs).toBe(5 * MIN);
    release(null);
    await rig.clock.advanceAsync(2000);
    expect(rig.window.calls).toBe(2);
    await rig.tracker.stop();
    expect(rig.sink.totalTrackedMs()).toBe(5 * MIN + 2000);
  });

  it('stops even while a window sample hangs forever', async () => {
    const rig = makeRig();
    rig.window.next = () => new Promise<null>(() => {});
    rig.tracker.start();
    await rig.clock.advanceAsync(MIN);
    await rig.tracker.stop();
    expect(rig.tracker.snapshot().status).toBe('stopped');
    expect(rig.sink.totalTrackedMs()).toBe(MIN);
  });

  it('keeps long titles within what the record can hold', async () => {
    const rig = makeRig();
    rig.window.next = () => ({ app: 'A'.repeat(300), title: 'T'.repeat(5000) });
    rig.tracker.start();
    await rig.clock.advanceAsync(2 * MIN);
    await rig.tracker.stop();
    const known = rig.sink.orderedSegments()[0]!.apps.find((a) => a.app !== UNKNOWN_APP)!;
    expect(known.app).toHaveLength(256);
    expect(known.title).toHaveLength(1024);
  });
});
