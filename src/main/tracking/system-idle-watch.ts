import type { SystemIdleTime } from '../sensors/types.js';

/**
 * The system's own idle time, asked once a tick: it saw input since the previous look when its idle time is not
 * longer than the time since then. Electron's powerMonitor counts whole seconds (rounded down), so "not longer" rather
 * than "shorter": an input just after a look reads as a full second at the next one. The price is that the last
 * input may be seen once more a second later, which only moves the start of idle by that second:
 *
 *   looks        t=0 s        t=1 s                     t=2 s
 *   input at 0+  (before it)  idle 0.99 → 0 s ≤ 1 s: seen  idle 1.99 → 1 s ≤ 1 s: seen again   t=3 s: 2 s > 1 s
 *
 * `known` is false when there is no reader, it is unavailable, or it cannot tell now.
 */
export class SystemIdleWatch {
  #lastLookMono = 0;

  constructor(private readonly reader: SystemIdleTime | undefined) {}

  /** Starts the watch at `monotonicMs` (tracking starts or resumes): input before it is not this watch's. */
  reset(monotonicMs: number): void {
    this.#lastLookMono = monotonicMs;
  }

  look(monotonicMs: number): { readonly known: boolean; readonly sawInput: boolean } {
    const since = monotonicMs - this.#lastLookMono;
    this.#lastLookMono = monotonicMs;
    const idleMs = this.idleMs();
    return { known: idleMs !== null, sawInput: idleMs !== null && idleMs <= since };
  }

  /** The idle time now, or null when unknown. */
  idleMs(): number | null {
    if (!this.reader || this.reader.state().status !== 'ok') return null;
    try {
      return this.reader.idleMs();
    } catch {
      return null;
    }
  }
}
