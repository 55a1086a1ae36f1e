import { ChildProcess } from 'node:child_process';

/**
 * Counts child processes started by anything in this process (active-win's xprop/xwininfo,
 * screenshot-desktop's xrandr/import): every exec/execFile/spawn/fork goes through
 * ChildProcess.prototype.spawn, whichever module captured child_process first.
 */
export function countChildProcesses(): { count(): number; restore(): void } {
  const prototype = ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
  const original = prototype.spawn;
  let spawned = 0;
  prototype.spawn = function counted(this: unknown, ...args: unknown[]) {
    spawned += 1;
    return original.apply(this, args);
  };
  return {
    count: () => spawned,
    restore: () => {
      prototype.spawn = original;
    },
  };
}
