import type { SegmentState } from './segment-state.js';

/**
 * What a discarded idle stretch must take back, kept only as long as a discard can still come:
 * worked ms per minute and the segments closed since the last input, plus the stretches whose
 * decision is still awaited (a prompt the freelancer has not answered yet keeps its records alive).
 *
 *   last input minute ──────────────▶ now          records before min(last input, oldest undecided) are dropped
 */
export class IdleUndoLedger {
  readonly #minuteMs = new Map<number, number>();
  readonly #closedSegments = new Set<SegmentState>();
  readonly #undecidedFrom = new Set<number>();

  clear(): void {
    this.#minuteMs.clear();
    this.#closedSegments.clear();
    this.#undecidedFrom.clear();
  }

  credit(minuteSec: number, ms: number): void {
    this.#minuteMs.set(minuteSec, (this.#minuteMs.get(minuteSec) ?? 0) + ms);
  }

  segmentClosed(segment: SegmentState): void {
    this.#closedSegments.add(segment);
  }

  awaitingDecision(fromSec: number): void {
    this.#undecidedFrom.add(fromSec);
  }

  decided(fromSec: number): void {
    this.#undecidedFrom.delete(fromSec);
  }

  /** Drops what no stretch can reach: call only while no stretch is open. */
  prune(lastInputMinuteSec: number): void {
    const horizon = Math.min(lastInputMinuteSec, ...this.#undecidedFrom);
    for (const key of this.#minuteMs.keys()) if (key < horizon) this.#minuteMs.delete(key);
    for (const seg of this.#closedSegments) if (seg.endMs / 1000 <= horizon) this.#closedSegments.delete(seg);
  }

  /** Closed segments that overlap [fromSec, toSec). */
  closedSegmentsIn(fromSec: number, toSec: number): SegmentState[] {
    return [...this.#closedSegments].filter((s) => s.endMs > fromSec * 1000 && s.startMs < toSec * 1000);
  }

  /** Removes and returns the worked ms of the minutes in [fromSec, toSec), and the closed segments they touch. */
  takeBack(fromSec: number, toSec: number): { minutes: [minuteSec: number, ms: number][]; closedSegments: SegmentState[] } {
    const minutes: [number, number][] = [];
    for (const [minuteSec, ms] of [...this.#minuteMs]) {
      if (minuteSec < fromSec || minuteSec >= toSec) continue;
      minutes.push([minuteSec, ms]);
      this.#minuteMs.delete(minuteSec);
    }
    return { minutes, closedSegments: this.closedSegmentsIn(fromSec, toSec) };
  }
}
