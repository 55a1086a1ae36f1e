import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskFullWatch } from '../../../../../src/main/cli/commands/track-disk-full.js';
import { createLogger } from '../../../../../src/main/log.js';
import { MAX_UNWRITTEN_MINUTES, type Tracker } from '../../../../../src/main/tracking/tracker.js';
import { FullDiskSink } from '../../tracking/support/full-disk-sink.js';
import { makeStoreRig, work, type StoreRig } from '../../tracking/support/store-rig.js';

/** What `worktrace track` tells the person while the disk fills, empties and stays full, over the real store. */
let rig: StoreRig;
let disk: FullDiskSink;
let tracker: Tracker;
let said: string[];
let gaveUp: string[];
let watch: DiskFullWatch;

beforeEach(() => {
  rig = makeStoreRig({ clock: { wallMs: Date.UTC(2026, 0, 5, 9, 0, 30) }, segmentSeconds: 60 });
  disk = new FullDiskSink(rig.store);
  tracker = rig.trackerWithSink(disk);
  said = [];
  gaveUp = [];
  watch = new DiskFullWatch(tracker, {
    dataDir: rig.dataDir,
    say: (line) => said.push(line),
    logger: createLogger({ level: 'silent' }),
    onGiveUp: (message) => gaveUp.push(message),
  });
});

afterEach(async () => {
  watch.stop();
  await rig.dispose();
});

/** Tracks second by second; each capture finishes in its second (sharp encodes in real time). */
async function track(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i += 1) {
    await work(rig, 1);
    while (tracker.snapshot().segment?.screenshot === 'capturing') await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('DiskFullWatch', () => {
  it('says "disk full" once, counts the kept minutes, and says when room is back', async () => {
    tracker.start();
    await track(90);
    expect(watch.words()).toBeNull();
    disk.fill();
    await track(180);
    expect(said).toEqual([
      `worktrace: disk full: no space left for ${rig.dataDir}. Tracking goes on: screenshots are skipped and ` +
        'minutes that cannot be saved are kept in memory until there is room. Free some space there.',
    ]);
    expect(watch.full).toBe(true);
    expect(watch.words()).toBe(`disk full: ${tracker.snapshot().unsavedMinutes} min kept in memory, no screenshots`);
    expect(tracker.snapshot().unsavedMinutes).toBe(3);

    disk.free();
    await track(150);
    expect(said.slice(1)).toEqual([
      `worktrace: ${rig.dataDir} has room again: the 3 minute(s) kept in memory are saved.`,
      `worktrace: screenshots resume (${rig.dataDir} has room again).`,
    ]);
    expect(watch.full).toBe(false);
    expect(watch.words()).toBeNull();
    expect(gaveUp).toEqual([]);
  });

  it('gives up, once, only when the tracker can keep no more minutes', async () => {
    tracker.start();
    await track(30);
    disk.fill();
    await track((MAX_UNWRITTEN_MINUTES - 1) * 60);
    expect(gaveUp).toEqual([]);
    await track(3 * 60);
    expect(gaveUp).toEqual([
      `disk full: no space left for ${rig.dataDir} for ${MAX_UNWRITTEN_MINUTES} minutes; tracking stopped and those minutes could not be saved. ` +
        'Free some space there, then start again.',
    ]);
    expect(said).toHaveLength(1);
  });
});
