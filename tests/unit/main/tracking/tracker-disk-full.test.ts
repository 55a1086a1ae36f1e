import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDiskFull } from '../../../../src/main/store/errors.js';
import { openStore, type Store } from '../../../../src/main/store/index.js';
import type { TrackerEvents } from '../../../../src/main/tracking/events.js';
import type { MinuteBucket, ScreenshotRequest, ScreenshotTaker, SegmentHeader, StoredSegment, TrackingSink } from '../../../../src/main/tracking/ports.js';
import { MAX_UNWRITTEN_MINUTES, Tracker } from '../../../../src/main/tracking/tracker.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { makeTempDir, newId, type TestDir } from '../store/store-fixtures.js';
import { FakeInput, FakePolicy, FakeWindow, policy, seededRandom } from './support/fakes.js';

/**
 * The tracker over the real SQLite store while the disk fills and empties again. On a real full disk every write
 * is refused (the WAL cannot grow by a frame); SQLite's max_page_count only refuses writes that need new pages, so
 * here the segment writes are refused by a thin wrapper with the store's own DISK_FULL error (carrying a real
 * SQLITE_FULL), and images by SQLite itself. The real thing, a tmpfs under the built CLI, is
 * tests/integration/reliability/full-disk.test.ts.
 */
const MIN = 60_000;
const START = Date.UTC(2026, 0, 5, 9, 0, 30);

/** Stores a 150 KB blob per screenshot: far more than a minute row, like a real encrypted JPEG. */
class BlobScreenshots implements ScreenshotTaker {
  readonly requests: ScreenshotRequest[] = [];
  constructor(private readonly store: Store) {}
  take(request: ScreenshotRequest): Promise<string | null> {
    this.requests.push(request);
    const id = newId();
    this.store.screenshots.insert({ id, segmentId: request.segmentId, takenAt: request.takenAt, width: 1280, height: 720, bytes: 150_000, blurred: false, policyVersion: null, data: randomBytes(150_000) });
    return Promise.resolve(id);
  }
}

/** The store's segments, refusing every write while the disk is "full", as the real store does then. */
class FullDiskSink implements TrackingSink {
  /** The store's own refusal (DISK_FULL around a real SQLITE_FULL) while full, else null. */
  refusal: unknown = null;
  constructor(private readonly store: Store) {}
  #refuse(): void {
    if (this.refusal !== null) throw this.refusal;
  }
  findSegment(contractId: string, startedAt: number): StoredSegment | null {
    return this.store.segments.findSegment(contractId, startedAt);
  }
  openSegment(header: SegmentHeader): void {
    this.#refuse();
    this.store.segments.openSegment(header);
  }
  flushMinute(segmentId: string, minute: MinuteBucket, apps: readonly { app: string; title: string; ms: number }[]): void {
    this.#refuse();
    this.store.segments.flushMinute(segmentId, minute, apps);
  }
  setMemo(segmentId: string, memo: string | null): void {
    this.#refuse();
    this.store.segments.setMemo(segmentId, memo);
  }
  markIdle(contractId: string, fromSec: number, toSec: number): void {
    this.#refuse();
    this.store.segments.markIdle(contractId, fromSec, toSec);
  }
  discardMinutes(contractId: string, fromSec: number, toSec: number): void {
    this.#refuse();
    this.store.segments.discardMinutes(contractId, fromSec, toSec);
  }
}

let dir: TestDir;
let sink: FullDiskSink;
let store: Store;
let clock: FakeClock;
let input: FakeInput;
let shots: BlobScreenshots;
let tracker: Tracker;
let errors: TrackerEvents['error'][];
let failedShots: TrackerEvents['screenshotFailed'][];

beforeEach(() => {
  dir = makeTempDir('worktrace-tracker-full-');
  clock = new FakeClock({ wallMs: START });
  input = new FakeInput();
  store = openStore({ file: join(dir.path, 'worktrace.db'), clock, mode: 'local' });
  shots = new BlobScreenshots(store);
  sink = new FullDiskSink(store);
  tracker = new Tracker(
    {
      clock,
      input,
      window: new FakeWindow(),
      sink,
      screenshots: shots,
      policy: new FakePolicy(policy('on', 60)),
      decideIdle: () => 'keep',
      random: seededRandom(7),
      newId,
    },
    { contractId: 'c1', memo: null },
  );
  errors = [];
  failedShots = [];
  tracker.on('error', (e) => errors.push(e));
  tracker.on('screenshotFailed', (e) => failedShots.push(e));
});

afterEach(async () => {
  await tracker.stop();
  store.close();
  dir.remove();
});

function fillDisk(): void {
  store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
  try {
    // Any write that needs new pages now gets the store's DISK_FULL: the sink hands that same error to the tracker.
    store.db.transaction(() => store.db.prepare('CREATE TABLE filler AS SELECT randomblob(200000) AS b').run())();
  } catch (error) {
    sink.refusal = error;
  }
  expect(isDiskFull(sink.refusal)).toBe(true);
}

function freeDisk(): void {
  store.db.pragma('max_page_count = 4294967294');
  sink.refusal = null;
}

/** Advances in one-second ticks with a key press in each (never idle), and lets captures settle. */
async function track(ms: number): Promise<void> {
  for (let done = 0; done < ms; done += 1000) {
    input.add({ keyboard: 1 });
    clock.advance(1000);
    await Promise.resolve();
  }
}

function storedMs(): number {
  return store.segments.list().reduce((sum, s) => sum + s.minutes.reduce((m, x) => m + x.trackedSeconds * 1000, 0), 0);
}

describe('Tracker on a full disk', () => {
  it('keeps the minutes in memory, skips screenshots, and writes everything once space returns', async () => {
    tracker.start();
    await track(2 * MIN + 31_000); // 09:00:30 → 09:03:01: three 60 s segments written, each with its screenshot
    const before = store.segments.list().slice(0, 3); // 09:03 is open too, its first second in memory
    expect(before.map((s) => s.screenshot !== null)).toEqual([true, true, true]);
    const shotsBefore = shots.requests.length;

    fillDisk();
    await track(5 * MIN); // 09:03:01 → 09:08:01 with no room at all: minutes 09:03 to 09:07 are held
    expect(tracker.snapshot().unsavedMinutes).toBe(5);
    expect(tracker.snapshot().sessionMs).toBe(7 * MIN + 31_000);
    // 09:03 is in the store, so its image may be tried (SQLite refuses it); 09:04 to 09:07 are not, so theirs are
    // not even captured: an image without its segment row could not be stored.
    expect(shots.requests.length).toBeLessThanOrEqual(shotsBefore + 1);
    expect(failedShots.length).toBeGreaterThanOrEqual(4);
    expect(failedShots.every((f) => isDiskFull(f.error))).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.error.code === 'FLUSH_FAILED' && isDiskFull(e.error.cause))).toBe(true);
    // At most one refused minute write and one refused segment per minute: no storm of retries.
    expect(errors.length).toBeLessThanOrEqual(2 * 5 + 1);
    expect(store.segments.list().slice(0, 3)).toEqual(before);
    expect(store.segments.list()).toHaveLength(4);

    freeDisk();
    await track(3 * MIN); // 09:08:01 → 09:11:01
    expect(tracker.snapshot().unsavedMinutes).toBe(0);
    await tracker.stop();
    const after = store.segments.list();
    expect(after.slice(0, 3)).toEqual(before);
    // Every second of the session is in the store, the full stretch too: one segment per minute, each minute whole.
    expect(after.map((s) => (Date.parse(s.startedAt) - START + 30_000) / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(storedMs()).toBe(10 * MIN + 31_000);
    expect(after.slice(3, 8).map((s) => s.trackedSeconds)).toEqual([60, 60, 60, 60, 60]);
    expect(after.slice(3, 8).every((s) => s.minutes[0]!.keyboard === 60)).toBe(true);
    // No image while full; the segments after recovery have theirs again (09:08's moment may have come before it).
    expect(after.slice(4, 8).every((s) => s.screenshot === null)).toBe(true);
    expect(after.slice(9, 11).every((s) => s.screenshot !== null)).toBe(true);
    expect(store.checkIntegrity().ok).toBe(true);
  });

  it('holds at most two hours of minutes, and stop() writes what it holds when space is back', async () => {
    tracker.start();
    await track(30_000);
    fillDisk();
    await track((MAX_UNWRITTEN_MINUTES + 5) * MIN);
    expect(tracker.snapshot().unsavedMinutes).toBe(MAX_UNWRITTEN_MINUTES);
    freeDisk();
    await tracker.stop();
    expect(tracker.snapshot().unsavedMinutes).toBe(0);
    expect(storedMs()).toBeGreaterThanOrEqual(MAX_UNWRITTEN_MINUTES * MIN);
    expect(store.checkIntegrity().ok).toBe(true);
  });
});
