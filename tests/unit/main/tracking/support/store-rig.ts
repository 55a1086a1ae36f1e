import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { CaptureScreenshotTaker } from '../../../../../src/main/capture/screenshot-taker.js';
import { FileKeyStore } from '../../../../../src/main/crypto/index.js';
import { databasePath, openStore, type Store } from '../../../../../src/main/store/index.js';
import type { IdleDecision, TrackingSink } from '../../../../../src/main/tracking/ports.js';
import { Tracker } from '../../../../../src/main/tracking/tracker.js';
import type { TrackerOptions } from '../../../../../src/main/tracking/tracker-types.js';
import { FakeClock, type FakeClockOptions } from '../../../../support/fake-clock.js';
import { greyCapturer } from '../../app/support.js';
import { FakeInput, FakePolicy, FakeWindow, RecordingDecider, policy, seededRandom } from './fakes.js';
import { utcDayStart } from './harness.js';

/**
 * The tracker on the real parts it runs on in the app: a SQLite store in a file (server mode, so every change is
 * queued for upload) and the real capture pipeline (encode, encrypt, store) over a grey test frame. Only the clock,
 * the input and the window title are scripted. `restart()` closes the store and opens the file again, as a
 * restarted agent would.
 */
export interface StoreRig {
  readonly clock: FakeClock;
  readonly input: FakeInput;
  readonly window: FakeWindow;
  readonly policy: FakePolicy;
  readonly dataDir: string;
  readonly store: Store;
  readonly tracker: Tracker;
  /** Stops the tracker (if running), closes and reopens the store, and builds a new tracker on it (not started). */
  restart(options?: Partial<TrackerOptions>): Promise<Tracker>;
  /** A tracker on this store whose sink is `sink` (to make writes fail). */
  trackerWithSink(sink: TrackingSink): Tracker;
  dispose(): Promise<void>;
}

export interface StoreRigOptions {
  readonly clock?: FakeClockOptions;
  readonly segmentSeconds?: number;
  readonly memo?: string | null;
  /** What the freelancer answers when an idle stretch ends (default keep). */
  readonly idle?: IdleDecision;
  readonly tracker?: Partial<TrackerOptions>;
}

export function makeStoreRig(options: StoreRigOptions = {}): StoreRig {
  const clock = new FakeClock(options.clock);
  const input = new FakeInput();
  const window = new FakeWindow();
  const trackingPolicy = new FakePolicy(policy('on', options.segmentSeconds ?? 600));
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-tracker-store-'));
  const keys = new FileKeyStore(dataDir);
  const random = seededRandom(7);
  const open = (): Store => openStore({ file: databasePath(dataDir), clock, mode: 'server' });
  const build = (store: Store, sink: TrackingSink, extra: Partial<TrackerOptions> = {}): Tracker =>
    new Tracker(
      {
        clock,
        input,
        window,
        sink,
        screenshots: new CaptureScreenshotTaker({ capturer: greyCapturer, keys, screenshots: store.screenshots, newId: ulid }),
        policy: trackingPolicy,
        decideIdle: new RecordingDecider(options.idle ?? 'keep').decide,
        random,
        newId: ulid,
      },
      { contractId: 'c1', memo: options.memo ?? null, dayStartOf: utcDayStart, ...options.tracker, ...extra },
    );

  let store = open();
  let tracker = build(store, store.segments);
  return {
    clock,
    input,
    window,
    policy: trackingPolicy,
    dataDir,
    get store() {
      return store;
    },
    get tracker() {
      return tracker;
    },
    async restart(extra) {
      await tracker.stop();
      store.close();
      store = open();
      tracker = build(store, store.segments, extra);
      return tracker;
    },
    trackerWithSink(sink) {
      tracker = build(store, sink);
      return tracker;
    },
    async dispose() {
      await tracker.stop();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Advances the clock second by second with a key press in each, letting captures finish between ticks. */
export async function work(rig: Pick<StoreRig, 'clock' | 'input'>, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i += 1) {
    rig.input.add({ keyboard: 1 });
    await rig.clock.advanceAsync(1000);
  }
}
