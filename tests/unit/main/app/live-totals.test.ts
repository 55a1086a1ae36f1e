import { afterEach, describe, expect, it } from 'vitest';
import { LiveTotals } from '../../../../src/main/app/totals.js';
import type { SegmentsRepository } from '../../../../src/main/store/index.js';
import { makeStoreRig, work, type StoreRig } from '../tracking/support/store-rig.js';

/** Local wall times (the totals follow the person's local day and week), mid-week. */
const local = (day: number, h: number, m: number, s = 0): number => new Date(2026, 0, day, h, m, s).getTime();

/** The store's segments, counting how often the totals read the whole week. */
function counting(segments: SegmentsRepository): Pick<SegmentsRepository, 'list'> & { reads: number } {
  const wrapper = {
    reads: 0,
    list: (query?: Parameters<SegmentsRepository['list']>[0]) => {
      wrapper.reads += 1;
      return segments.list(query);
    },
  };
  return wrapper;
}

describe('LiveTotals: today and this week with the tracker\'s open minute', () => {
  let rig: StoreRig;
  afterEach(async () => rig?.dispose());

  it('counts the open minute once, even when part of it was already written (suspend, then resume)', async () => {
    rig = makeStoreRig({ clock: { wallMs: local(7, 12, 0) } });
    const totals = new LiveTotals(rig.store.segments);
    rig.tracker.start();
    await work(rig, 30);
    expect(totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes())).toEqual({ todayMs: 30_000, weekMs: 30_000 });
    expect(totals.current(rig.clock.now(), [])).toEqual({ todayMs: 30_000, weekMs: 30_000 }); // the store: saved at 12:00:30
    // Saved again at 12:00:40 and :50 without a word to the totals (no minuteFlushed): still counted once, to the second.
    await work(rig, 25);
    expect(totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes())).toEqual({ todayMs: 55_000, weekMs: 55_000 });
    await work(rig, 5);

    await work(rig, 30); // 12:01:30: 12:00 written (60 s), 12:01 open (30 s)
    rig.tracker.suspend(); // a screen lock, at once undone: writes 12:01 with its 30 s
    totals.invalidate();
    rig.tracker.resume();
    await work(rig, 20); // 12:01 goes on in memory
    const live = rig.tracker.unwrittenMinutes();
    expect(live).toHaveLength(1);
    const stored = rig.store.segments.get(live[0]!.segmentId)!.minutes.find((m) => Date.parse(m.startedAt) === live[0]!.minute.startedAt * 1000);
    expect(stored?.trackedSeconds).toBe(50); // written with 30 s at the suspend, saved at 12:01:50 since
    expect(totals.current(rig.clock.now(), live)).toEqual({ todayMs: 110_000, weekMs: 110_000 });
  });

  it('reads the week from the store once, until told the store changed', async () => {
    rig = makeStoreRig({ clock: { wallMs: local(7, 12, 0) } });
    const segments = counting(rig.store.segments);
    const totals = new LiveTotals(segments);
    rig.tracker.start();
    for (let second = 0; second < 150; second += 1) {
      await work(rig, 1);
      totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes());
    }
    expect(segments.reads).toBe(1);
    const stale = totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes());
    expect(stale.todayMs).toBeLessThan(150_000); // two flushed minutes it was not told about
    totals.invalidate();
    expect(totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes()).todayMs).toBe(150_000);
    expect(segments.reads).toBe(2);
  });

  it('starts a new day at local midnight without being told: yesterday leaves today, stays in the week', async () => {
    rig = makeStoreRig({ clock: { wallMs: local(7, 23, 59) } });
    const totals = new LiveTotals(rig.store.segments);
    rig.tracker.start();
    await work(rig, 30);
    expect(totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes())).toEqual({ todayMs: 30_000, weekMs: 30_000 });
    await work(rig, 60); // 00:00:30 on the 8th (a Thursday): 23:59 is written, the cache was not told
    expect(totals.current(rig.clock.now(), rig.tracker.unwrittenMinutes())).toEqual({ todayMs: 30_000, weekMs: 90_000 });
  });
});
