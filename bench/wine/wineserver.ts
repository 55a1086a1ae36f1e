import { readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';

/**
 * CPU of the prefix's wineserver. Under Wine a low-level hook is the server's work as much as the hooking
 * process's: every key or move is routed through it to the thread that installed the hook. That share is
 * invisible to process.cpuUsage() on the Windows side, so the benchmark reads it here.
 *
 * The server is found by its working directory, which Wine names after the prefix's device and inode
 * (.../server-<dev>-<ino>, under /tmp/.wine-<uid> upstream, a random /tmp/wine-XXXXXX on Debian): exact even with
 * other prefixes' servers on the machine. Just after start-up it is still in the prefix itself, so that counts too.
 */
export function findWineserver(prefix: string): number {
  const { dev, ino } = statSync(prefix);
  const dir = `/server-${dev.toString(16)}-${ino.toString(16)}`;
  const isServerDir = (cwd: string): boolean => cwd.endsWith(dir) || cwd === realpathSync(prefix);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim().startsWith('wineserver') && isServerDir(readlinkSync(`/proc/${entry}/cwd`))) return Number(entry);
    } catch {
      // a process that ended while we looked, or one of another user
    }
  }
  throw new Error(`no wineserver runs for ${prefix} (looked for a working directory ending in ${dir})`);
}
