/**
 * Effective time: where on the wall-clock axis the tracker puts each tick's worked milliseconds.
 *
 * Worked time is measured with the monotonic clock (it cannot jump); its position comes from the wall
 * clock (it can). Each tick:
 *
 *   credited = monotonic elapsed, or 0 if the gap is far longer than a tick (the process was frozen)
 *   end      = max(wall, highWater + credited)      start = end - credited      highWater = end
 *
 *   wall jumps forward      ──[a,b)···········[c,d)──   the jump is skipped, not credited
 *   wall jumps back         ──[a,b)[b,c)[c,d)────────   the timeline runs ahead of the wall until it
 *                                                       catches up: no overlap, no lost seconds
 *   sleep (wall moves,      ──[a,b)···········[c,d)──   like a forward jump: monotonic stood still
 *          monotonic not)
 *
 * All values are whole milliseconds: the fraction of a monotonic millisecond is carried to the next tick.
 */
export const FROZEN_GAP_MS = 15_000;

export interface TimelineSlice {
  /** Effective interval [startMs, endMs) credited by this tick; empty when nothing was credited. */
  readonly startMs: number;
  readonly endMs: number;
  readonly creditedMs: number;
}

export class EffectiveTimeline {
  #highWaterMs: number;
  #lastMono: number;
  #suspended = false;

  constructor(
    wallMs: number,
    monotonicMs: number,
    private readonly frozenGapMs: number = FROZEN_GAP_MS,
  ) {
    this.#highWaterMs = Math.floor(wallMs);
    this.#lastMono = monotonicMs;
  }

  /** The latest effective moment handed out so far. */
  get highWaterMs(): number {
    return this.#highWaterMs;
  }

  get suspended(): boolean {
    return this.#suspended;
  }

  /** Effective "now" without crediting anything (for decisions between ticks). */
  peek(wallMs: number): number {
    return Math.max(Math.floor(wallMs), this.#highWaterMs);
  }

  advance(wallMs: number, monotonicMs: number): TimelineSlice {
    const elapsed = Math.max(0, Math.floor(monotonicMs - this.#lastMono));
    this.#lastMono += elapsed;
    const credited = this.#suspended || elapsed > this.frozenGapMs ? 0 : elapsed;
    const endMs = Math.max(Math.floor(wallMs), this.#highWaterMs + credited);
    this.#highWaterMs = endMs;
    return { startMs: endMs - credited, endMs, creditedMs: credited };
  }

  /** Stop crediting (the app's powerMonitor said the machine is going to sleep). */
  suspend(): void {
    this.#suspended = true;
  }

  /** Credit again from this monotonic moment on; the time in between is never credited. */
  resume(monotonicMs: number): void {
    this.#suspended = false;
    this.#lastMono = monotonicMs;
  }
}
