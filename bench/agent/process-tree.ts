import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of a process and everything below it, read from /proc (Linux). The agent's cost is
 * its own plus its workers' (the uiohook child) plus the tools a library spawns (xrandr, import, xprop):
 * live descendants count directly, reaped ones through their parent's cutime/cstime.
 */
const TICK_MS = 10; // CLK_TCK 100 on Linux

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in ms. */
  readonly cpuMs: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid: Number(fields[1]), cpuMs: ticks * TICK_MS };
  } catch {
    return null; // exited while we looked
  }
}

/** The root and its live descendants. */
export function processTree(root: number): Stat[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is Stat => s !== null);
  const tree: Stat[] = [];
  const wanted = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (!wanted.has(s.pid) && wanted.has(s.ppid)) {
        wanted.add(s.pid);
        grew = true;
      }
    }
  }
  for (const s of all) if (wanted.has(s.pid)) tree.push(s);
  return tree;
}

export function treeCpuMs(root: number): number {
  return processTree(root).reduce((sum, s) => sum + s.cpuMs, 0);
}

/** Resident memory of one process in MB (VmRSS), 0 when it is gone. */
export function rssMbOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function treeRssMb(root: number): number {
  return processTree(root).reduce((sum, s) => sum + rssMbOf(s.pid), 0);
}
