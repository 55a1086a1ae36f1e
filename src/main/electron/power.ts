import type { LockEvent } from '../power/logind-lock.js';

export interface Suspendable {
  suspend(): void;
  resume(): void;
}

/** The part of powerMonitor used here (an EventEmitter of 'suspend', 'resume', 'lock-screen', 'unlock-screen'). */
export interface PowerEvents {
  on(event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen', listener: () => void): unknown;
}

/** Lock and unlock from elsewhere than powerMonitor: logind on Linux (src/main/power/logind-lock.ts). */
export interface LockSource {
  on(listener: (event: LockEvent) => void): () => void;
}

/**
 * Sleep and screen lock go into the core: tracking pauses while the machine sleeps or the screen is locked, and
 * resumes only when neither holds (a machine that wakes to a locked screen stays paused until it is unlocked).
 * powerMonitor reports sleep on every OS and the lock on macOS and Windows; `locks` adds Linux's. A repeated lock or
 * unlock (logind's signal and the screen locker's hint) changes nothing.
 */
export function wirePowerEvents(powerMonitor: PowerEvents, target: Suspendable, locks?: LockSource): () => void {
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
  for (const [event, handler] of handlers) powerMonitor.on(event, handler);
  const stopLocks = locks?.on((event) => (event === 'lock' ? enter('lock')() : leave('lock')()));
  return () => {
    for (const [event, handler] of handlers) powerMonitor.removeListener(event, handler);
    stopLocks?.();
  };
}
