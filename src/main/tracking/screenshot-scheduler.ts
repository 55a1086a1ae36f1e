import { pickScreenshotMoment } from '../../shared/time/index.js';
import type { TrackingPolicy } from './ports.js';

/** The one planned capture of a segment. */
export interface PlannedShot {
  readonly segmentId: string;
  /** Epoch ms (effective time) of the moment; uniform over the tracked part of the segment. */
  readonly dueAtMs: number;
  readonly segmentEndMs: number;
}

/** Fail closed: only a known policy that says on or blurred allows a screenshot. */
export function allowsScreenshots(policy: TrackingPolicy | null): policy is TrackingPolicy & { screenshots: 'on' | 'blurred' } {
  return policy !== null && (policy.screenshots === 'on' || policy.screenshots === 'blurred');
}

/**
 * Holds at most one planned moment, for the open segment. The tracker asks `due()` at each tick with
 * the effective time it reached inside that segment; the plan is consumed when it fires, and dropped
 * when the segment closes or the policy turns off.
 */
export class ScreenshotScheduler {
  #planned: PlannedShot | null = null;

  constructor(private readonly random: () => number) {}

  get planned(): PlannedShot | null {
    return this.#planned;
  }

  /**
   * Plans the moment for a segment if the policy allows it and the segment has none yet. `fromMs` is
   * where its tracked part begins: max(tracking start, segment start, now for a plan made mid-segment).
   */
  plan(segment: { id: string; endMs: number; hasScreenshot: boolean }, fromMs: number, policy: TrackingPolicy | null): PlannedShot | null {
    this.#planned = null;
    if (segment.hasScreenshot || !allowsScreenshots(policy) || fromMs >= segment.endMs) return null;
    this.#planned = {
      segmentId: segment.id,
      dueAtMs: pickScreenshotMoment(fromMs, segment.endMs, this.random),
      segmentEndMs: segment.endMs,
    };
    return this.#planned;
  }

  cancel(): void {
    this.#planned = null;
  }

  /** True (and the plan is consumed) when `reachedMs`, a moment inside the segment, is at or past the plan. */
  due(segmentId: string, reachedMs: number): PlannedShot | null {
    const plan = this.#planned;
    if (!plan || plan.segmentId !== segmentId || reachedMs < plan.dueAtMs) return null;
    this.#planned = null;
    return plan;
  }
}
