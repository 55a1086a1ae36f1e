import { vi, afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { LiveTotals } from '../../../../src/main/app/totals.js';
import { MIGRATIONS, migrate } from '../../../../src/main/store/index.js';
import { makeStoreRig, work, type StoreRig } from './support/store-rig.js';

const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const sec = (h: number, m: number): number => at(h, m) / 1000;

/** Recorded seconds per segment start (HH:MM), from the store. */
function secondsBySegment(rig: StoreRig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of rig.store.segments.list()) out[s.startedAt.slice(11, 16)] = s.trackedSeconds;
  return out;
}

/** Waits for the open segment's screenshot to be stored (encoding runs on sharp's threads) and returns its id. */
async function screenshotOf(rig: StoreRig, segmentId: string): Promise<string> {
  let id: string | undefined;
  await vi.waitFor(
    () => {
      id = rig.store.screenshots.list().find((s) => s.segmentId === segmentId)?.id;
      expect(id).toBeDefined();
    },
    { timeout: 10_000, interval: 10 },
  );
  return id!;
}

/** Tracks until the open segment's screenshot is taken; returns the screenshot and segment ids. */
async function trackUntilScreenshot(rig: StoreRig): Promise<{ screenshotId: string; segmentId: string }> {
  await work(rig, 1); // the open segment is the one this second is in
  const segmentId = rig.tracker.snapshot().segment!.id;
  const dueAtMs = rig.tracker.snapshot().segment!.screenshotDueAtMs; // null: already being captured
  if (dueAtMs !== null) await work(rig, Math.ceil((dueAtMs - rig.clock.now()) / 1000) + 1);
  expect(rig.tracker.snapshot().segment!.id).toBe(segmentId);
  return { screenshotId: await screenshotOf(rig, segmentId), segmentId };
}

describe('Tracker: the freelancer deletes the open segment\'s screenshot', () => {
  let rig: StoreRig;
  afterEach(async () => rig?.dispose());

  it('the segment credits nothing more until its end; the next segment counts and gets its own screenshot', async () => {
    rig = makeStoreRig();
    rig.tracker.start(); // 09:00:00, 10-minute segments
    await work(rig, 10 * 60); // one whole segment, kept
    const { screenshotId, segmentId } = await trackUntilScreenshot(rig);
    const deletedAtMs = rig.clock.now();
    expect(deletedAtMs).toBeLessThan(at(9, 20));
    const sessionBefore = rig.tracker.snapshot().sessionMs;
    const removedHere = deletedAtMs - at(9, 10);

    expect(rig.store.deleteScreenshotWithTime(screenshotId)).toBe(true);
    rig.tracker.segmentTimeRemoved(segmentId);

    const open = rig.tracker.snapshot();
    expect(open.segment).toMatchObject({ id: segmentId, timeRemoved: true, trackedMs: 0, activeMinutes: 0, screenshot: 'taken' });
    expect(open.sessionMs).toBe(sessionBefore - removedHere);
    expect(rig.tracker.unwrittenMinutes()).toEqual([]);

    await work(rig, Math.round((at(9, 20) - rig.clock.now()) / 1000) - 1); // to 09:19:59, typing all along
    expect(rig.tracker.snapshot().segment).toMatchObject({ id: segmentId, timeRemoved: true, trackedMs: 0 });
    expect(secondsBySegment(rig)).toEqual({ '09:00': 600, '09:10': 0 });
    expect(rig.store.segments.get(segmentId)!.minutes).toEqual([]);
    expect(new LiveTotals(rig.store.segments).current(rig.clock.now(), rig.tracker.unwrittenMinutes()).todayMs).toBe(600_000);

    await work(rig, 3 * 60); // 09:22:59: a new segment counts as usual
    const next = rig.tracker.snapshot().segment!;
    expect(next).toMatchObject({ startedAt: sec(9, 20), timeRemoved: false, trackedMs: 179_000 });
    expect(next.screenshotDueAtMs).not.toBeNull();
    await rig.tracker.stop();
    expect(secondsBySegment(rig)).toEqual({ '09:00': 600, '09:10': 0, '09:20': 179 });
    expect(rig.tracker.snapshot().sessionMs).toBe((600 + 179) * 1000);
  });

  it('a restart inside that segment does not credit it again, nor take another screenshot of it', async () => {
    rig = makeStoreRig();
    rig.tracker.start();
    const { screenshotId, segmentId } = await trackUntilScreenshot(rig);
    rig.store.deleteScreenshotWithTime(screenshotId);
    rig.tracker.segmentTimeRemoved(segmentId);
    await work(rig, 20);

    const restarted = await rig.restart(); // the store file is closed and opened again
    rig.clock.advance(5_000);
    restarted.start();
    expect(restarted.snapshot().segment).toMatchObject({ id: segmentId, continued: true, timeRemoved: true, screenshot: 'taken', screenshotDueAtMs: null });
    await work(rig, Math.round((at(9, 10) - rig.clock.now()) / 1000) + 30); // to 09:10:30
    expect(restarted.snapshot().segment).toMatchObject({ startedAt: sec(9, 10), timeRemoved: false });
    expect(restarted.snapshot().segment!.screenshot).not.toBe('none'); // the next segment plans its own
    await restarted.stop();
    expect(secondsBySegment(rig)).toEqual({ '09:00': 0, '09:10': 30 });
    expect(rig.store.screenshots.list().map((s) => s.segmentId)).not.toContain(segmentId);
  });

  it('the store refuses minutes for a segment whose time was removed, whoever writes them', async () => {
    rig = makeStoreRig();
    rig.tracker.start();
    const { screenshotId, segmentId } = await trackUntilScreenshot(rig);
    rig.store.deleteScreenshotWithTime(screenshotId); // the tracker is not told: the store alone must hold the rule
    await work(rig, 3 * 60);
    await rig.tracker.stop();
    expect(rig.store.segments.get(segmentId)!.trackedSeconds).toBe(0);
    expect(rig.store.segments.findSegment('c1', sec(9, 0))!.timeRemoved).toBe(true);
  });

  it('a closed segment\'s screenshot deleted later takes only that segment\'s time; the open one counts on', async () => {
    rig = makeStoreRig();
    rig.tracker.start();
    const { screenshotId, segmentId } = await trackUntilScreenshot(rig);
    await work(rig, Math.round((at(9, 12) - rig.clock.now()) / 1000)); // 09:12, in the next segment
    rig.store.deleteScreenshotWithTime(screenshotId);
    rig.tracker.segmentTimeRemoved(segmentId);
    expect(rig.tracker.snapshot().segment).toMatchObject({ startedAt: sec(9, 10), timeRemoved: false, trackedMs: 120_000 });
    expect(rig.tracker.snapshot().sessionMs).toBe(120_000);
    await work(rig, 60);
    await rig.tracker.stop();
    expect(secondsBySegment(rig)).toEqual({ '09:00': 0, '09:10': 180 });
  });
});

describe('migration 003 (segment time removed)', () => {
  it('upgrades a version-2 database: recorded segments keep their time and are not flagged', () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS, 2);
    db.prepare("INSERT INTO segments (id, contract_id, started_at, length_s) VALUES ('s1', 'c1', 600, 600)").run();
    db.prepare("INSERT INTO minutes (segment_id, started_at, tracked_ms) VALUES ('s1', 600, 60000)").run();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT time_removed FROM segments').get()).toEqual({ time_removed: 0 });
    expect(db.prepare('SELECT tracked_ms FROM minutes').get()).toEqual({ tracked_ms: 60000 });
    expect(() => db.prepare("UPDATE segments SET time_removed = 2 WHERE id = 's1'").run()).toThrow(/CHECK/);
    db.close();
  });
});
