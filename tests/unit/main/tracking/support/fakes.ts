import type { ActiveWindowSensor, InputCounts, InputSensor, SensorState, SystemIdleTime, WindowSample } from '../../../../../src/main/sensors/types.js';
import type { IdleDecision, IdleStretch, PolicySource, ScreenshotRequest, ScreenshotTaker, TrackingPolicy } from '../../../../../src/main/tracking/ports.js';
import type { StoreSink } from './store-sink.js';

/**
 * Doubles of the tracker's sensors, capture, policy and idle prompt. The store is the real one (store-sink.ts).
 */

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
  constructor(private readonly sink?: StoreSink) {}

  take(request: ScreenshotRequest): Promise<string | null> {
    this.requests.push(request);
    if (this.outcome === 'reject') return Promise.reject(new Error('capture failed'));
    if (this.outcome === 'null') return Promise.resolve(null);
    this.sink?.markScreenshot(request.segmentId, request.takenAt);
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

/**
 * The system's idle time on a fake clock, in whole seconds as Electron's powerMonitor.getSystemIdleTime() reports it:
 * input() is a key press the OS saw (whatever the input sensor counted).
 */
export class FakeSystemIdle implements SystemIdleTime {
  #lastInputMono: number;
  #state: SensorState = { status: 'ok', backend: 'fake-idle' };

  constructor(private readonly clock: { monotonic(): number }) {
    this.#lastInputMono = clock.monotonic();
  }

  input(): void {
    this.#lastInputMono = this.clock.monotonic();
  }

  setUnavailable(): void {
    this.#state = { status: 'unavailable', backend: 'fake-idle', reason: 'cannot tell' };
  }

  idleMs(): number {
    return Math.floor((this.clock.monotonic() - this.#lastInputMono) / 1000) * 1000;
  }

  state(): SensorState {
    return this.#state;
  }
}
