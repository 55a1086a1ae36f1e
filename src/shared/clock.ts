/**
 * Time, injected. Domain code never calls Date.now() or setTimeout directly: it receives a Clock,
 * so tests can drive hours of tracking in milliseconds and simulate sleep and clock jumps.
 */
export type TimerHandle = { readonly __timer: unique symbol };

export interface Clock {
  /** Wall-clock time in epoch milliseconds (UTC). It may jump forward or back (NTP, the user). */
  now(): number;
  /**
   * Monotonic milliseconds from an arbitrary origin. Never goes back; it may stand still while the
   * machine sleeps (Linux and macOS), which is how sleep shows up as "wall moved, monotonic didn't".
   */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
