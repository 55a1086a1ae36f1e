import type { ActiveWindowSensor, WindowSample } from '../sensors/types.js';

/**
 * Samples the active window every `intervalMs` of monotonic time without ever blocking a tick: a
 * sample runs in the background, a call while one is in flight is skipped, and a sample that throws
 * or rejects counts as "unknown" (null). Tracking never stops because of the window sensor.
 */
export class WindowSampler {
  #latest: WindowSample | null = null;
  #inFlight: Promise<void> | null = null;
  #lastStartMono = Number.NEGATIVE_INFINITY;
  #errors = 0;

  constructor(
    private readonly sensor: ActiveWindowSensor,
    private readonly intervalMs: number,
  ) {}

  /** The last sample, or null when unknown. */
  get latest(): WindowSample | null {
    return this.#latest;
  }

  get errors(): number {
    return this.#errors;
  }

  maybeSample(monotonicMs: number): void {
    if (this.#inFlight || monotonicMs - this.#lastStartMono < this.intervalMs) return;
    this.#lastStartMono = monotonicMs;
    this.#inFlight = Promise.resolve()
      .then(() => this.sensor.sample())
      .then(
        (sample) => {
          this.#latest = sample ?? null;
        },
        () => {
          this.#errors += 1;
          this.#latest = null;
        },
      )
      .finally(() => {
        this.#inFlight = null;
      });
  }

  reset(): void {
    this.#latest = null;
    this.#lastStartMono = Number.NEGATIVE_INFINITY;
  }
}
