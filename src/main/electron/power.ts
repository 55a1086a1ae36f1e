import type { PowerMonitor } from 'electron';

export interface Suspendable {
  suspend(): void;
  resume(): void;
}

/**
 * Sleep and screen lock go into the core: tracking pauses while the machine sleeps or the screen is locked, and
 * resumes only when neither holds (a machine that wakes to a locked screen stays paused until it is unlocked).
 */
export function wirePowerEvents(powerMonitor: PowerMonitor, target: Suspendable): () => void {
  const reasons = new Set<'sleep' | 'lock'>();
  const enter = (reason: 'sleep' | 'lock') => () => {
    const wasActive = reasons.size === 0;
    reasons.add(reason);
    if (wasActive) target.suspend();
  };
  const leave = (reason: 'sleep' | 'lock') => () => {
    if (!reasons.delete(reason)) return;
    if (reasons.size === 0) target.resume();
  };
  const handlers = [
    ['suspend', enter('sleep')],
    ['resume', leave('sleep')],
    ['lock-screen', enter('lock')],
    ['unlock-screen', leave('lock')],
  ] as const;
  for (const [event, handler] of handlers) powerMonitor.on(event as 'suspend', handler);
  return () => {
    for (const [event, handler] of handlers) powerMonitor.removeListener(event as 'suspend', handler);
  };
}
