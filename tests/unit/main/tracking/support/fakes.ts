import type { ActiveWindowSensor, InputCounts, InputSensor, SensorState, WindowSample } from '../../../../../src/main/sensors/types.js';
import type {
  IdleDecision,
  IdleStretch,
  MinuteBucket,
  PolicySource,
  ScreenshotRequest,
  ScreenshotTaker,
  SegmentHeader,
  StoredSegment,
  TrackingPolicy,
  TrackingSink,
} from '../../../../../src/main/tracking/ports.js';

/**
 * In-memory doubles of the tracker's own ports. The real ones (SQLite store, sensors, capture) are
 * tested elsewhere; these keep the semantics the ports document (idempotent upserts, absolute values).
 */
interface MemorySegment {
  header: SegmentHeader;
  minutes: Map<number, MinuteBucket>;
  apps: { app: string; title: string; ms: number }[];
  hasScreenshot: boolean;
}

export class MemorySink implements TrackingSink {
  readonly segments = new Map<string, MemorySegment>();
  readonly calls: string[] = [];

  findSegment(contractId: string, startedAt: number): StoredSegment | null {
    for (const s of this.segments.values()) {
      if (s.header.contractId === contractId && s.header.startedAt === startedAt) {
        return { header: s.header, minutes: [...s.minutes.values()], apps: s.apps.map((a) => ({ ...a })), hasScreenshot: s.hasScreenshot };
      }
    }
    return null;
  }

  openSegment(header: SegmentHeader): void {
    this.calls.push(`open ${header.startedAt}`);
    if (!this.segments.has(header.id)) this.segments.set(header.id, { header, minutes: new Map(), apps: [], hasScreenshot: false });
  }

  flushMinute(segmentId: string, minute: MinuteBucket, apps: readonly { app: string; title: string; ms: number }[]): void {
    const seg = this.segments.get(segmentId);
    if (!seg) throw new Error(`flush into unknown segment ${segmentId}`);
    this.calls.push(`flush ${minute.startedAt}`);
    seg.minutes.set(minute.startedAt, { ...minute });
    seg.apps = apps.map((a) => ({ ...a }));
  }

  setMemo(segmentId: string, memo: string | null): void {
    const seg = this.segments.get(segmentId);
    if (!seg) throw new Error(`memo for unknown segment ${segmentId}`);
    this.calls.push(`memo ${seg.header.startedAt}`);
    seg.header = { ...seg.header, memo };
  }

  markIdle(contractId: string, fromSec: number, toSec: number): void {
    this.calls.push(`markIdle ${fromSec} ${toSec}`);
    for (const m of this.#minutesOf(contractId)) if (m.bucket.startedAt >= fromSec && m.bucket.startedAt < toSec) m.seg.minutes.set(m.bucket.startedAt, { ...m.bucket, idle: true });
  }

  discardMinutes(contractId: string, fromSec: number, toSec: number): void {
    this.calls.push(`discard ${fromSec} ${toSec}`);
    for (const m of this.#minutesOf(contractId)) if (m.bucket.startedAt >= fromSec && m.bucket.startedAt < toSec) m.seg.minutes.delete(m.bucket.startedAt);
  }

  markScreenshot(segmentId: string): void {
    const seg = this.segments.get(segmentId);
    if (seg) seg.hasScreenshot = true;
  }

  /** All minutes of all segments, in time order. */
  allMinutes(contractId = 'c1'): MinuteBucket[] {
    return this.#minutesOf(contractId)
      .map((m) => m.bucket)
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  orderedSegments(contractId = 'c1'): MemorySegment[] {
    return [...this.segments.values()].filter((s) => s.header.contractId === contractId).sort((a, b) => a.header.startedAt - b.header.startedAt);
  }

  totalTrackedMs(contractId = 'c1'): number {
    return this.allMinutes(contractId).reduce((sum, m) => sum + m.trackedMs, 0);
  }

  #minutesOf(contractId: string): { seg: MemorySegment; bucket: MinuteBucket }[] {
    const out: { seg: MemorySegment; bucket: MinuteBucket }[] = [];
    for (const seg of this.segments.values()) {
      if (seg.header.contractId !== contractId) continue;
      for (const bucket of seg.minutes.values()) out.push({ seg, bucket });
    }
    return out;
  }
}

const ZERO: InputCounts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };

export class FakeInput implements InputSensor {
  #pending: InputCounts = ZERO;
  #state: SensorState = { status: 'ok', backend: 'fake' };

  /** Adds events as if the user typed/clicked/moved since the last drain. */
  add(counts: Partial<InputCounts>): void {
    const p = this.#pending;
    this.#pending = {
      keyboard: p.keyboard + (counts.keyboard ?? 0),
      clicks: p.clicks + (counts.clicks ?? 0),
      wheel: p.wheel + (counts.wheel ?? 0),
      moves: p.moves + (counts.moves ?? 0),
    };
  }

  setUnavailable(reason = 'no X display'): void {
    this.#state = { status: 'unavailable', backend: 'fake', reason };
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  drain(): InputCounts {
    const out = this.#pending;
    this.#pending = ZERO;
    return out;
  }

  state(): SensorState {
    return this.#state;
  }
}

/** Returns the scripted result; a function result lets a test throw or change what it sees over time. */
export class FakeWindow implements ActiveWindowSensor {
  calls = 0;
  constructor(public next: () => WindowSample | null | Promise<WindowSample | null> = () => ({ app: 'Editor', title: 'main.ts' })) {}

  sample(): Promise<WindowSample | null> {
    this.calls += 1;
    return Promise.resolve().then(() => this.next());
  }

  state(): SensorState {
    return { status: 'ok', backend: 'fake' };
  }
}

export class FakeScreenshots implements ScreenshotTaker {
  readonly requests: ScreenshotRequest[] = [];
  outcome: 'ok' | 'null' | 'reject' = 'ok';
  constructor(private readonly sink?: MemorySink) {}

  take(request: ScreenshotRequest): Promise<string | null> {
    this.requests.push(request);
    if (this.outcome === 'reject') return Promise.reject(new Error('capture failed'));
    if (this.outcome === 'null') return Promise.resolve(null);
    this.sink?.markScreenshot(request.segmentId);
    return Promise.resolve(`shot-${this.requests.length}`);
  }
}

export class FakePolicy implements PolicySource {
  readonly #listeners = new Set<(p: TrackingPolicy | null) => void>();
  constructor(private policy: TrackingPolicy | null) {}

  current(): TrackingPolicy | null {
    return this.policy;
  }

  set(policy: TrackingPolicy | null): void {
    this.policy = policy;
    for (const l of this.#listeners) l(policy);
  }

  onChange(listener: (policy: TrackingPolicy | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  listenerCount(): number {
    return this.#listeners.size;
  }
}

export function policy(screenshots: TrackingPolicy['screenshots'], segmentSeconds = 600, version = 1): TrackingPolicy {
  return { screenshots, segmentSeconds, version };
}

/** Records each stretch and answers with a fixed decision. */
export class RecordingDecider {
  readonly stretches: IdleStretch[] = [];
  /** Reject instead of answering (the prompt was closed, the app crashed). */
  fail = false;
  constructor(public decision: IdleDecision) {}
  /** Replaceable, for tests that answer later or not at all. */
  decide = (stretch: IdleStretch): Promise<IdleDecision> => {
    this.stretches.push(stretch);
    return this.fail ? Promise.reject(new Error('no answer')) : Promise.resolve(this.decision);
  };
}

export { seededRandom } from '../../../../support/seeded-random.js';

/** Kolmogorov–Smirnov statistic of samples in [0, 1) against the uniform distribution. */
export function ksStatisticUniform(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    d = Math.max(d, (i + 1) / n - x, x - i / n);
  });
  return d;
}

/** Critical value of the one-sample KS test at alpha = 0.01 (asymptotic). */
export function ksCritical01(n: number): number {
  return 1.628 / Math.sqrt(n);
}
