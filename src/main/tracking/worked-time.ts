/**
 * Worked time of this session, and of it the part on the current local day (for "elapsed today").
 * Only ever fed with credited time, and reduced when an idle stretch is discarded.
 */
export class WorkedTime {
  #sessionMs = 0;
  #dayStartMs = Number.NaN;
  #dayMs = 0;

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
  }

  add(atMs: number, ms: number): void {
    this.#sessionMs += ms;
    const dayStartMs = this.dayStartOf(atMs);
    if (dayStartMs !== this.#dayStartMs) {
      this.#dayStartMs = dayStartMs;
      this.#dayMs = 0;
    }
    this.#dayMs += ms;
  }

  takeBack(atMs: number, ms: number): void {
    this.#sessionMs -= ms;
    if (this.dayStartOf(atMs) === this.#dayStartMs) this.#dayMs -= ms;
  }
}
