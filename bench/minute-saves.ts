/**
 * npm run bench:saves: what saving the open minute every 10 s costs (issue 12 item 14), our path and the plain path
 * side by side in one run:
 *   saves:      the tracker as it ships: the open minute saved every 10 s, each save one small transaction;
 *   minute-end: the same tracker writing each minute only when it ends (what a crash then loses is up to a minute).
 * Each tracks `--hours` of typing into a real SQLite store (WAL, synchronous=FULL, server mode) on the fake clock in a
 * child process (bench/saves/track-child.ts). fsync and fdatasync calls are counted from outside with strace -c;
 * CPU is the child's own process.cpuUsage() over the tracking, from runs without strace (its ptrace stops would be
 * counted too), median of `--repeat`. A fake-clock hour is the tracker's and SQLite's work for an hour of real
 * tracking without the waiting: the CPU figure is what the writes cost, not the agent's whole idle CPU (bench:agent).
 *
 *   npm run bench:saves [-- --hours 2] [-- --repeat 3] [-- --out FILE]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { round } from './native/measure.js';

const { values } = parseArgs({ options: { hours: { type: 'string', default: '2' }, repeat: { type: 'string', default: '3' }, out: { type: 'string' } } });
const HOURS = Number(values.hours);
const REPEAT = Number(values.repeat);
const OUT = resolve(values.out ?? `bench-results/minute-saves-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const CHILD = resolve('bench/saves/track-child.ts');
type Variant = 'saves' | 'minute-end';

interface ChildFigures {
  readonly trackedSeconds: number;
  readonly cpuMs: number;
  readonly flushes: number;
  readonly saves: number;
  readonly uploadsQueued: number;
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${command} exited with ${code}`))));
  });
}

async function track(variant: Variant, traceFile: string | null): Promise<ChildFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-bench-saves-'));
  try {
    const node = [process.execPath, '--import', 'tsx', CHILD, variant, String(HOURS), dataDir];
    const out = traceFile
      ? await run('strace', ['-f', '-c', '--seccomp-bpf', '-e', 'trace=fsync,fdatasync', '-o', traceFile, ...node])
      : await run(node[0]!, node.slice(1));
    return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildFigures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** fsync + fdatasync calls in strace -c's summary table. */
function syncCalls(traceFile: string): number {
  let calls = 0;
  for (const line of readFileSync(traceFile, 'utf8').split('\n')) {
    const columns = line.trim().split(/\s+/);
    const name = columns.at(-1);
    if (name !== 'fsync' && name !== 'fdatasync') continue;
    // % time, seconds, usecs/call, calls, [errors], syscall
    calls += Number(columns[3]);
  }
  return calls;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measure(variant: Variant) {
  const traceDir = mkdtempSync(join(tmpdir(), 'wt-bench-strace-'));
  try {
    const traceFile = join(traceDir, 'strace.txt');
    const traced = await track(variant, traceFile);
    const fsyncs = syncCalls(traceFile);
    const cpu: number[] = [];
    for (let i = 0; i < REPEAT; i += 1) cpu.push((await track(variant, null)).cpuMs);
    const perHour = (n: number) => round(n / HOURS, 1);
    return {
      variant,
      trackedHours: round(traced.trackedSeconds / 3600, 3),
      fsyncsPerHour: perHour(fsyncs),
      cpuMsPerHour: perHour(median(cpu)),
      cpuMsPerHourRuns: cpu.map((ms) => perHour(ms)),
      minuteWritesPerHour: perHour(traced.flushes),
      savesPerHour: perHour(traced.saves),
      segmentUploadsQueuedPerHour: perHour(traced.uploadsQueued),
    };
  } finally {
    rmSync(traceDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`bench:saves: ${HOURS} h of typing per run, fake clock, real SQLite (WAL, synchronous=FULL); CPU median of ${REPEAT}`);
  const ours = await measure('saves');
  const plain = await measure('minute-end');
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  const rows = (['fsyncsPerHour', 'cpuMsPerHour', 'minuteWritesPerHour', 'savesPerHour', 'segmentUploadsQueuedPerHour'] as const).map((metric) => ({
    metric,
    'saves (10 s)': ours[metric],
    'minute-end': plain[metric],
    ratio: ratio(ours[metric], plain[metric]),
  }));
  console.table(rows);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ measuredAt: new Date().toISOString(), hours: HOURS, repeat: REPEAT, saves: ours, minuteEnd: plain }, null, 2)}\n`);
  console.log(`figures written to ${OUT}`);
}

await main();
