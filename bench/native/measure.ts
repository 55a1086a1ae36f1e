import { readFileSync } from 'node:fs';

/**
 * Measuring helpers. Absolute figures on a shared machine are noise; the benchmark reports both
 * paths from one run and their ratio, which is the figure that matters.
 */

/** CPU milliseconds of this process (all threads) plus its reaped children (the tools a library spawns). */
export function cpuMs(): number {
  const self = process.cpuUsage();
  return (self.user + self.system) / 1000 + childrenCpuMs();
}

/** The fields of /proc/<pid>/stat after the command name: index 0 is field 3 (state). */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** cutime + cstime of /proc/self/stat: CPU of waited-for children, in clock ticks of 10 ms. */
export function childrenCpuMs(): number {
  const fields = statFields('self');
  // cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** utime + stime of another process (all its threads), from its /proc stat: ticks of 10 ms. */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

export interface Timed {
  readonly wallMs: number[];
  readonly cpuMsPerRun: number;
}

/** Runs `body` `runs` times after `warmup` runs; wall time per run and the CPU per run overall. */
export async function timeRuns(runs: number, warmup: number, body: (i: number) => Promise<unknown>): Promise<Timed> {
  for (let i = 0; i < warmup; i += 1) await body(-1 - i);
  const wallMs: number[] = [];
  const cpuBefore = cpuMs();
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await body(i);
    wallMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { wallMs, cpuMsPerRun: (cpuMs() - cpuBefore) / runs };
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
