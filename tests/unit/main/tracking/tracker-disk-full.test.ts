import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDiskFull } from '../../../../src/main/store/errors.js';
import type { TrackerEvents } from '../../../../src/main/tracking/events.js';
import { SAVE_EVERY_MS } from '../../../../src/main/tracking/pending-writes.js';
import { MAX_UNWRITTEN_MINUTES, type Tracker } from '../../../../src/main/tracking/tracker.js';
import { FullDiskSink } from './support/full-disk-sink.js';
import { makeStoreRig, work, type StoreRig } from './support/store-rig.js';

/**
 * Like work(), but each capture finishes in the second it started (encoding runs on sharp's threads, in real time),
 * so which segments have an image depends on the disk only.
 */
async function track(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i += 1) {
    await work(rig, 1);
    while (tracker.snapshot().segment?.screenshot === 'capturing') await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The tracker over the real SQLite store and capture pipeline while the disk fills and empties again. */
const MIN = 60_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 30);

let rig: StoreRig;
let disk: FullDiskSink;
let tracker: Tracker;
let errors: TrackerEvents['error'][];
let failedShots: TrackerEvents['screenshotFailed'][];

beforeEach(() => {
  rig = makeStoreRig({ clock: { wallMs: START }, segmentSeconds: 60 });
  disk = new FullDiskSink(rig.store);
  tracker = rig.trackerWithSink(disk);
  errors = [];
  failedShots = [];
  tracker.on('error', (e) => errors.push(e));
  tracker.on('screenshotFailed', (e) => failedShots.push(e));
});

afterEach(async () => {
  await rig.dispose();
});

function storedMs(): number {
  return rig.store.segments.list().reduce((sum, s) => sum + s.minutes.reduce((m, x) => m + x.trackedSeconds * 1000, 0), 0);
}

describe('Tracker on a full disk', () => {
  it('keeps the minutes in memory, skips screenshots, and writes everything once space returns', async () => {
    tracker.start();
    await track(151); // 09:00:30 → 09:03:01: three 60 s segments written, each with its screenshot
    const before = rig.store.segments.list().slice(0, 3); // 09:03 is open too, its first second in memory
    expect(before.map((s) => s.screenshot !== null)).toEqual([true, true, true]);

    disk.fill();
    await track(300); // 09:03:01 → 09:08:01 with no room at all: minutes 09:03 to 09:07 are held
    expect(tracker.snapshot().unsavedMinutes).toBe(5);
    expect(tracker.snapshot().sessionMs).toBe(7 * MIN + 31_000);
    // 09:04 to 09:07 were never created in the store: their images are not even captured (they could not be kept).
    expect(failedShots.length).toBeGreaterThanOrEqual(4);
    expect(failedShots.every((f) => isDiskFull(f.error))).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.error.code === 'FLUSH_FAILED' && isDiskFull(e.error.cause))).toBe(true);
    // No storm of retries: per minute one refused segment, one refused flush and a retry every 10 s (one try each).
    expect(errors.length).toBeLessThanOrEqual(5 * (2 + 60 / SAVE_EVERY_MS * 1000) + 1);
    expect(rig.store.segments.list().slice(0, 3)).toEqual(before);
    expect(rig.store.segments.list()).toHaveLength(4);

    disk.free();
    await track(11); // room again mid-minute: the kept minutes are written within 10 s, not at 09:09
    expect(tracker.snapshot().unsavedMinutes).toBe(0);
    expect(rig.store.segments.list().length).toBeGreaterThanOrEqual(8);
    await track(169); // → 09:11:01
    await tracker.stop();
    const after = rig.store.segments.list();
    expect(after.slice(0, 3)).toEqual(before);
    // Every second of the session is in the store, the full stretch too: one segment per minute, each minute whole.
    expect(after.map((s) => (Date.parse(s.startedAt) - START + 30_000) / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(storedMs()).toBe(10 * MIN + 31_000);
    expect(after.slice(3, 8).map((s) => s.trackedSeconds)).toEqual([60, 60, 60, 60, 60]);
    expect(after.slice(3, 8).every((s) => s.minutes[0]!.keyboard === 60)).toBe(true);
    // No image while full; the segments after recovery have theirs again (09:08's moment may have come before it).
    expect(after.slice(4, 8).every((s) => s.screenshot === null)).toBe(true);
    expect(after.slice(9, 11).every((s) => s.screenshot !== null)).toBe(true);
    expect(rig.store.checkIntegrity().ok).toBe(true);
  });

  it('holds at most two hours of minutes, and stop() writes what it holds when space is back', async () => {
    tracker.start();
    await work(rig, 30);
    disk.fill();
    await work(rig, (MAX_UNWRITTEN_MINUTES + 5) * 60);
    expect(tracker.snapshot().unsavedMinutes).toBe(MAX_UNWRITTEN_MINUTES);
    disk.free();
    await tracker.stop();
    expect(tracker.snapshot().unsavedMinutes).toBe(0);
    expect(storedMs()).toBeGreaterThanOrEqual(MAX_UNWRITTEN_MINUTES * MIN);
    expect(rig.store.checkIntegrity().ok).toBe(true);
  });
});
