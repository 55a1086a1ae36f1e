
export interface Window {
  count: number;
  start: number;
}

/**
 * Counts one event at `now` in `window` (changed in place): a window ends after `windowMs`, and a clock that went
 * back before it began starts a new one: a changed system clock never stretches a refusal past one window. The rule
 * of the sign-in window (rate-limit-store.ts) and of the contracts' upload limits (domain/upload-limits.ts), whose
 * counts live in limit-records.ts.
 */
export function hitWindow(window: Window, now: number, windowMs: number): { count: number; remainingMs: number } {
  if (now >= window.start + windowMs || now < window.start) {
    window.count = 0;
    window.start = now;
  }
  window.count += 1;
  return { count: window.count, remainingMs: window.start + windowMs - now };
}
