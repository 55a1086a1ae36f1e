import { expect } from 'vitest';
import { Tracker } from '../../../../../src/main/tracking/tracker.js';
import type { TrackerEvents } from '../../../../../src/main/tracking/events.js';
import type { TrackerOptions } from '../../../../../src/main/tracking/tracker-types.js';
import type { TrackingPolicy } from '../../../../../src/main/tracking/ports.js';
import { FakeClock, type FakeClockOptions } from '../../../../support/fake-clock.js';
import { FakeInput, FakePolicy, FakeScreenshots, FakeSystemIdle, FakeWindow, RecordingDecider, seededRandom } from './fakes.js';
import { StoreSink } from './store-sink.js';

export interface Rig {
  readonly clock: FakeClock;
  readonly sink: StoreSink;
  readonly input: FakeInput;
  readonly window: FakeWindow;
  readonly screenshots: FakeScreenshots;
  readonly policy: FakePolicy;
  readonly decider: RecordingDecider;
  /** The system's idle time, handed to the tracker only with `systemIdle: true`. */
  readonly systemIdle: FakeSystemIdle;
  readonly tracker: Tracker;
  readonly events: { [K in keyof TrackerEvents]: TrackerEvents[K][] };
  /** A second tracker on the same sink, policy and clock (a restarted agent). */
  restart(options?: Partial<TrackerOptions>): Tracker;
}

export interface RigOptions {
  readonly clock?: FakeClockOptions;
  readonly policy?: TrackingPolicy | null;
  readonly tracker?: Partial<TrackerOptions>;
  readonly seed?: number;
  /** A sink (a store) an earlier rig recorded into: a restarted agent on the same database. */
  readonly sink?: StoreSink;
  /** Hand the tracker the system's idle time (FakeSystemIdle). */
  readonly systemIdle?: boolean;
}

let idCounter = 0;

export function makeRig(options: RigOptions = {}): Rig {
  const clock = new FakeClock(options.clock);
  const sink = options.sink ?? new StoreSink(clock);
  const input = new FakeInput();
  const window = new FakeWindow();
  const screenshots = new FakeScreenshots(sink);
  const policy = new FakePolicy(options.policy === undefined ? null : options.policy);
  const decider = new RecordingDecider('keep');
  const random = seededRandom(options.seed ?? 42);
  const systemIdle = new FakeSystemIdle(clock);
  const build = (extra: Partial<TrackerOptions> = {}): Tracker =>
    new Tracker(
      {
        clock,
        input,
        window,
        sink,
        screenshots,
        policy,
        decideIdle: (stretch) => decider.decide(stretch),
        random,
        newId: () => `seg-${++idCounter}`,
        ...(options.systemIdle ? { systemIdle } : {}),
      },
      { contractId: 'c1', memo: 'writing tests', dayStartOf: utcDayStart, ...options.tracker, ...extra },
    );
  const tracker = build();
  const events = {
    segmentOpened: [], minuteFlushed: [], screenshotScheduled: [], screenshotTaken: [], screenshotFailed: [], screenshotSkipped: [],
    idleStarted: [], idleEnded: [], error: [],
  } as Rig['events'];
  for (const name of Object.keys(events) as (keyof TrackerEvents)[]) {
    tracker.on(name, (payload) => (events[name] as unknown[]).push(payload));
  }
  return { clock, sink, input, window, screenshots, policy, decider, systemIdle, tracker, events, restart: build };
}

export function utcDayStart(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

/**
 * What must hold for any recorded timeline: segments never overlap, minutes lie inside their segment,
 * no minute key appears twice, no minute holds negative or more than 60 s of time.
 */
export function expectConsistent(sink: StoreSink, contractId = 'c1'): void {
  const segments = sink.orderedSegments(contractId);
  const seenMinutes = new Set<number>();
  for (let i = 0; i < segments.length; i += 1) {
    const { header, minutes } = segments[i]!;
    const end = header.startedAt + header.lengthSeconds;
    const next = segments[i + 1];
    if (next) expect(end, `segment ${header.startedAt} overlaps the next`).toBeLessThanOrEqual(next.header.startedAt);
    expect(header.lengthSeconds).toBeGreaterThan(0);
    for (const m of minutes.values()) {
      expect(m.startedAt % 60).toBe(0);
      expect(m.startedAt).toBeGreaterThanOrEqual(header.startedAt);
      expect(m.startedAt).toBeLessThan(end);
      expect(m.trackedMs).toBeGreaterThanOrEqual(0);
      expect(m.trackedMs).toBeLessThanOrEqual(60_000);
      expect(m.keyboard).toBeGreaterThanOrEqual(0);
      expect(m.mouse).toBeGreaterThanOrEqual(0);
      expect(seenMinutes.has(m.startedAt), `minute ${m.startedAt} recorded twice`).toBe(false);
      seenMinutes.add(m.startedAt);
    }
  }
}
