import type { TrackerEmitter } from './events.js';
import type { ScreenshotSkipReason } from '../../shared/protocol/index.js';
import type { PolicySource, ScreenshotSkipped, ScreenshotTaker, TrackingPolicy } from './ports.js';
import { allowsScreenshots, ScreenshotScheduler } from './screenshot-scheduler.js';
import type { SegmentState } from './segment-state.js';
import type { ScreenshotStatus } from './tracker-types.js';

export interface SegmentScreenshotsDeps {
  readonly contractId: string;
  readonly screenshots: ScreenshotTaker;
  readonly policy: PolicySource;
  readonly random: () => number;
  readonly events: TrackerEmitter;
  /** Hands a capture in flight to the tracker, so stop() can wait for it. */
  readonly inBackground: (work: Promise<void>) => void;
  /** Writes the segment's row if the store refused it so far (a full disk); throws the store's error if it still does. */
  readonly storeSegment: (segment: SegmentState) => void;
}

/**
 * The open segment's one screenshot: planned when the segment opens (or the policy turns on), taken at
 * the first tick that reaches the moment, without blocking the tick, and only while the policy in
 * force allows it (fail closed: off or unknown means none).
 */
export class SegmentScreenshots {
  readonly #scheduler: ScreenshotScheduler;
  #segment: SegmentState | null = null;
  #status: ScreenshotStatus = 'none';
  #skipped: ScreenshotSkipReason | null = null;

  constructor(private readonly deps: SegmentScreenshotsDeps) {
    this.#scheduler = new ScreenshotScheduler(deps.random);
  }

  get status(): ScreenshotStatus {
    return this.#status;
  }

  /** Why the open segment's screenshot was skipped for privacy, when it was. */
  get skipped(): ScreenshotSkipReason | null {
    return this.#status === 'skipped' ? this.#skipped : null;
  }

  /** The planned moment of the open segment, if one is pending. */
  get dueAtMs(): number | null {
    const plan = this.#scheduler.planned;
    return plan && plan.segmentId === this.#segment?.id ? plan.dueAtMs : null;
  }

  /** A segment became the open one; `fromMs` is where its tracked part begins. */
  segmentOpened(segment: SegmentState, fromMs: number, policy: TrackingPolicy | null): void {
    this.#segment = segment;
    this.#status = segment.hasScreenshot ? 'taken' : 'none';
    this.#plan(segment, fromMs, policy);
  }

  policyChanged(policy: TrackingPolicy | null, effectiveNowMs: number): void {
    if (!allowsScreenshots(policy)) {
      // A client's "off" holds at once: the planned moment is dropped.
      this.cancel();
      return;
    }
    const seg = this.#segment;
    if (!seg || seg.hasScreenshot || this.dueAtMs !== null || effectiveNowMs >= seg.endMs) return;
    this.#plan(seg, Math.max(effectiveNowMs, seg.startMs), policy);
  }

  cancel(): void {
    this.#scheduler.cancel();
    if (this.#status === 'pending') this.#status = 'none';
  }

  /** The tick reached `reachedMs` inside the segment: capture if that is at or past the moment. */
  reached(seg: SegmentState, reachedMs: number): void {
    if (!this.#scheduler.due(seg.id, reachedMs)) return;
    const policy = this.deps.policy.current();
    if (!allowsScreenshots(policy)) {
      this.#status = 'none';
      return;
    }
    seg.hasScreenshot = true; // at most one per segment, whatever the capture's outcome
    this.#status = 'capturing';
    const segmentId = seg.id;
    const takenAt = reachedMs;
    let capture: Promise<string | null | ScreenshotSkipped>;
    try {
      // An image needs its segment in the store first: on a full disk the capture is skipped, not taken and lost.
      this.deps.storeSegment(seg);
      capture = this.deps.screenshots.take({ segmentId, contractId: this.deps.contractId, takenAt, mode: policy.screenshots, policyVersion: policy.version });
    } catch (error) {
      capture = Promise.reject(error);
    }
    const settle = (status: ScreenshotStatus): void => {
      if (this.#segment === seg) this.#status = status;
    };
    this.deps.inBackground(
      capture.then(
        (outcome) => {
          if (outcome !== null && typeof outcome === 'object') {
            if (this.#segment === seg) this.#skipped = outcome.skipped;
            settle('skipped');
            this.deps.events.emit('screenshotSkipped', { segmentId, takenAt, reason: outcome.skipped });
            return;
          }
          settle(outcome === null ? 'failed' : 'taken');
          if (outcome === null) this.deps.events.emit('screenshotFailed', { segmentId, takenAt, error: null });
          else this.deps.events.emit('screenshotTaken', { segmentId, screenshotId: outcome, takenAt });
        },
        (error: unknown) => {
          settle('failed');
          this.deps.events.emit('screenshotFailed', { segmentId, takenAt, error });
        },
      ),
    );
  }

  #plan(segment: SegmentState, fromMs: number, policy: TrackingPolicy | null): void {
    const plan = this.#scheduler.plan(segment, fromMs, policy);
    if (!plan) return;
    this.#status = 'pending';
    this.deps.events.emit('screenshotScheduled', { segmentId: plan.segmentId, dueAtMs: plan.dueAtMs });
  }
}
