import { MINUTE_SECONDS } from '../../shared/time/index.js';

/**
 * Idle as a small state machine over ticks. The clock for "how long without input" is monotonic
 * (sleep does not count as idle time); the minutes it names are effective-time minute keys.
 *
 *   last input in minute M ─── threshold passes ───▶ idle from M+1 ─── input in minute N ───▶ stretch [M+1, N)
 */
export type IdleState = 'active' | 'idle' | 'unknown';

export type IdleTransition =
  | { readonly kind: 'started'; readonly fromSec: number }
  | { readonly kind: 'ended'; readonly fromSec: number; readonly toSec: number };

export interface IdleObservation {
  readonly monotonicMs: number;
  /** Minute (epoch s) in which this tick's input, if any, landed. */
  readonly minuteSec: number;
  readonly hadInput: boolean;
  /** False when the input sensor is unavailable: idle cannot be known and is never marked then. */
  readonly inputKnown: boolean;
}

export class IdleTracker {
  #lastInputMono = 0;
  #lastInputMinuteSec = 0;
  #idleFromSec: number | null = null;
  #state: IdleState = 'active';

  constructor(readonly thresholdMs: number) {}

  get state(): IdleState {
    return this.#state;
  }

  /** First idle minute of the open stretch, or null. */
  get idleFromSec(): number | null {
    return this.#idleFromSec;
  }

  get lastInputMinuteSec(): number {
    return this.#lastInputMinuteSec;
  }

  /** Whether a minute created now belongs to the open idle stretch. */
  isIdleMinute(minuteSec: number): boolean {
    return this.#idleFromSec !== null && minuteSec >= this.#idleFromSec;
  }

  /** Tracking (re)starts: that counts as input. Any open stretch must have been ended by the caller. */
  reset(monotonicMs: number, minuteSec: number): void {
    this.#lastInputMono = monotonicMs;
    this.#lastInputMinuteSec = minuteSec;
    this.#idleFromSec = null;
    this.#state = 'active';
  }

  observe(o: IdleObservation): IdleTransition | null {
    if (!o.inputKnown || o.hadInput) {
      const ended = this.#end(o.minuteSec);
      this.#lastInputMono = o.monotonicMs;
      this.#lastInputMinuteSec = o.minuteSec;
      this.#state = o.inputKnown ? 'active' : 'unknown';
      return ended;
    }
    if (this.#idleFromSec === null && o.monotonicMs - this.#lastInputMono >= this.thresholdMs) {
      this.#idleFromSec = this.#lastInputMinuteSec + MINUTE_SECONDS;
      this.#state = 'idle';
      return { kind: 'started', fromSec: this.#idleFromSec };
    }
    if (this.#state === 'unknown') this.#state = this.#idleFromSec === null ? 'active' : 'idle';
    return null;
  }

  /** Ends the open stretch at `toSec` (exclusive), e.g. on stop. */
  end(toSec: number): IdleTransition | null {
    return this.#end(toSec);
  }

  #end(toSec: number): IdleTransition | null {
    const fromSec = this.#idleFromSec;
    if (fromSec === null) return null;
    this.#idleFromSec = null;
    this.#state = 'active';
    return { kind: 'ended', fromSec, toSec };
  }
}
