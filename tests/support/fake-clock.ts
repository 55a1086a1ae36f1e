import type { Clock, TimerHandle } from '../../src/shared/clock.js';

/**
 * A Clock for tests: wall and monotonic time move only when the test says so.
 *
 * Timers are keyed on monotonic time, as Node's are (libuv uses CLOCK_MONOTONIC). That is what makes
 * `sleep()` behave like a real suspend on Linux and macOS: the wall clock moves, monotonic stands
 * still, and timers that were due "during" the sleep fire late, when monotonic time reaches them after
 * the resume.
 */
export interface FakeClockOptions {
  /** Initial wall time, epoch ms. Default 2026-01-05T09:00:00.000Z (a Monday). */
  readonly wallMs?: number;
  /** Initial monotonic time, ms. Default 1_000_000 (an arbitrary origin, as on a real machine). */
  readonly monotonicMs?: number;
}

interface FakeTimer {
  readonly id: number;
  readonly callback: () => void;
  dueMono: number;
  readonly intervalMs: number | null;
  /** Tie-break: timers due at the same moment fire in the order they were (re)scheduled. */
  seq: number;
}

export const DEFAULT_FAKE_WALL_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

export class FakeClock implements Clock {
  #wall: number;
  #mono: number;
  #nextId = 1;
  #seq = 0;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(options: FakeClockOptions = {}) {
    this.#wall = options.wallMs ?? DEFAULT_FAKE_WALL_MS;
    this.#mono = options.monotonicMs ?? 1_000_000;
  }

  now(): number {
    return this.#wall;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.#add(callback, ms, Math.max(1, ms));
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as unknown as number);
  }

  /** Timers still scheduled (to check that a stopped component left none behind). */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /** Sets the wall clock without touching monotonic time or firing timers. */
  setWall(epochMs: number): void {
    this.#wall = epochMs;
  }

  /** Normal running time: wall and monotonic move together, due timers fire in order. */
  advance(ms: number): void {
    assertNonNegative(ms);
    const target = this.#mono + ms;
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#moveTo(timer.dueMono);
      this.#fire(timer);
    }
    this.#moveTo(target);
  }

  /**
   * Like advance(), but lets promises settle after every timer, so async work started by a tick (a
   * window sample, a screenshot, an idle decision) completes before the next tick, as it would in a
   * real process where those take a few ms.
   */
  async advanceAsync(ms: number): Promise<void> {
    assertNonNegative(ms);
    const target = this.#mono + ms;
    await flushMicrotasks();
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#moveTo(timer.dueMono);
      this.#fire(timer);
      await flushMicrotasks();
    }
    this.#moveTo(target);
    await flushMicrotasks();
  }

  /** System suspend: the wall clock moves, monotonic time does not, and no timer fires. */
  sleep(ms: number): void {
    assertNonNegative(ms);
    this.#wall += ms;
  }

  /**
   * The process is frozen (SIGSTOP, a debugger, a machine whose monotonic clock counts sleep): both
   * clocks move but no timer runs. On thaw, every overdue timer fires once at once, and intervals
   * continue from now, as Node's do.
   */
  freeze(ms: number): void {
    assertNonNegative(ms);
    this.#wall += ms;
    this.#mono += ms;
    for (let timer = this.#nextDue(this.#mono); timer; timer = this.#nextDue(this.#mono)) {
      this.#fire(timer);
    }
  }

  /** The wall clock is set forward (ms > 0) or back (ms < 0); monotonic time is steady. */
  jumpWall(ms: number): void {
    this.#wall += ms;
  }

  #add(callback: () => void, ms: number, intervalMs: number | null): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, callback, dueMono: this.#mono + Math.max(0, ms), intervalMs, seq: this.#seq++ });
    return id as unknown as TimerHandle;
  }

  #nextDue(limitMono: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.dueMono > limitMono) continue;
      if (!best || timer.dueMono < best.dueMono || (timer.dueMono === best.dueMono && timer.seq < best.seq)) best = timer;
    }
    return best;
  }

  #moveTo(mono: number): void {
    this.#wall += mono - this.#mono;
    this.#mono = mono;
  }

  #fire(timer: FakeTimer): void {
    if (timer.intervalMs === null) {
      this.#timers.delete(timer.id);
    } else {
      // Node reschedules an interval from the moment its callback runs, so a late one does not catch up.
      timer.dueMono = this.#mono + timer.intervalMs;
      timer.seq = this.#seq++;
    }
    timer.callback();
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

function assertNonNegative(ms: number): void {
  if (!(ms >= 0)) throw new RangeError(`FakeClock: expected a non-negative duration, got ${ms}`);
}
