import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * The names a process goes by, for the private-window rules "by application": the executable's file name
 * (/proc/PID/exe) and the kernel's short name (/proc/PID/comm). Empty when the process cannot be looked at
 * (another user's, gone, not Linux): the rules then see only what the window says (WM_CLASS).
 */
export function executableNames(pid: number | undefined, platform: NodeJS.Platform = process.platform): string[] {
  if (platform !== 'linux' || pid === undefined || !Number.isSafeInteger(pid) || pid <= 0) return [];
  const names: string[] = [];
  try {
    names.push(basename(readlinkSync(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, ''));
  } catch {
    // not ours to look at, or gone
  }
  try {
    names.push(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
  } catch {
    // gone
  }
  return [...new Set(names.filter((n) => n !== ''))];
}

/** Every name of an X11 window's application: WM_CLASS class and instance, then the executable's names. */
export function x11AppNames(window: { readonly className: string; readonly instanceName: string; readonly pid?: number }): string[] {
  return [...new Set([window.className, window.instanceName, ...executableNames(window.pid)].filter((n) => n !== ''))];
}
