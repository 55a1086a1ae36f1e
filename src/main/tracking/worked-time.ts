import { minuteStartOfMs } from '../../shared/time/index.js';

/**
 * Worked time of this session, and of it the part on the current local day (for "elapsed today").
 * Only ever fed with credited time, and reduced when an idle stretch is discarded or a segment's time is
 * removed with its screenshot. What each minute got is kept, so nothing is ever taken back twice.
 */
export class WorkedTime {
  #sessionMs = 0;
  #dayStartMs = Number.NaN;
  #dayMs = 0;
  /** Worked ms this session per minute (epoch ms of the minute's start), and the segment the minute is in. */
  readonly #byMinute = new Map<number, { readonly segmentId: string; ms: number }>();

  constructor(private readonly dayStartOf: (epochMs: number) => number) {}

  get sessionMs(): number {
    return this.#sessionMs;
  }

  /** This session's worked ms on the local day containing `nowMs` (0 once that day is over). */
  todayMs(nowMs: number): number {
    return this.dayStartOf(nowMs) === this.#dayStartMs ? this.#dayMs : 0;
  }

  reset(nowMs: number): void {
    this.#sessionMs = 0;
    this.#dayStartMs = this.dayStartOf(nowMs);
    this.#dayMs = 0;
    this.#byMinute.clear();
  }

  add(segmentId: string, atMs: number, ms: number): void {
    this.#sessionMs += ms;
    const minuteMs = minuteStartOfMs(atMs);
    const minute = this.#byMinute.get(minuteMs);
    if (minute) minute.ms += ms;
    else this.#byMinute.set(minuteMs, { segmentId, ms });
    const dayStartMs = this.dayStartOf(atMs);
    if (dayStartMs !== this.#dayStartMs) {
      this.#dayStartMs = dayStartMs;
      this.#dayMs = 0;
    }
    this.#dayMs += ms;
  }

  /** Takes back up to `ms` of the minute containing `atMs` (never more than this session credited to it). */
  takeBack(atMs: number, ms: number): void {
    const minuteMs = minuteStartOfMs(atMs);
    const minute = this.#byMinute.get(minuteMs);
    const taken = Math.min(ms, minute?.ms ?? 0);
    if (!minute || taken <= 0) return;
    minute.ms -= taken;
    if (minute.ms === 0) this.#byMinute.delete(minuteMs);
    this.#sessionMs -= taken;
    if (this.dayStartOf(atMs) === this.#dayStartMs) this.#dayMs -= taken;
  }

  /** Takes back everything this session credited to a segment (its time was removed with its screenshot). */
  takeBackSegment(segmentId: string): void {
    for (const [minuteMs, minute] of [...this.#byMinute]) if (minute.segmentId === segmentId) this.takeBack(minuteMs, minute.ms);
  }
}
