import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { round } from '../native/measure.js';
import { processTree, rssMbOf, treeCpuMs, treeRssMb } from './process-tree.js';

const BIN = resolve('dist/main/cli/bin.js');

export interface SensorRow {
  readonly sensor: string;
  readonly backend: string;
  readonly status: string;
}

export interface IdleAgentFigures {
  /** 'native' (the agent's default choice) or 'npm' (WORKTRACE_SENSORS=npm). */
  readonly path: string;
  readonly backends: SensorRow[];
  readonly seconds: number;
  /** CPU of the agent and its descendants over the window, in % of one core. */
  readonly cpuPercent: number;
  /** The agent process alone (its reaped tools included, its live workers not). */
  readonly agentCpuPercent: number;
  readonly agentRssMbMax: number;
  readonly agentRssMbMean: number;
  readonly treeRssMbMax: number;
  readonly processesInTree: number;
  readonly statusLines: number;
}

const cpuOf = (pid: number): number => processTree(pid).find((s) => s.pid === pid)?.cpuMs ?? 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What `worktrace status --json` says the backends are, under the same environment. */
function backendsOf(env: NodeJS.ProcessEnv, dataDir: string): SensorRow[] {
  const run = spawnSync(process.execPath, [BIN, 'status', '--json', '--data-dir', dataDir], { env, encoding: 'utf8', timeout: 60_000 });
  try {
    const status = JSON.parse(run.stdout) as { sensors: SensorRow[] };
    return status.sensors.map(({ sensor, backend, status: s }) => ({ sensor, backend, status: s }));
  } catch {
    return [{ sensor: '?', backend: `status failed: ${run.stderr.trim().slice(0, 200)}`, status: 'unknown' }];
  }
}

/**
 * Runs the real headless agent (`worktrace track --local --screenshots on --segment-seconds 60`) with no
 * input for `seconds` after a warm-up, and measures the CPU of its process tree and its resident memory.
 * Screenshots are on, so the window includes the one capture per 60 s segment the agent takes.
 */
export async function benchIdleAgent(
  path: 'native' | 'npm',
  display: string,
  options: { readonly seconds: number; readonly warmupSeconds: number },
): Promise<IdleAgentFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), `worktrace-bench-agent-${path}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
  delete env.WAYLAND_DISPLAY;
  delete env.WORKTRACE_SENSORS;
  if (path === 'npm') env.WORKTRACE_SENSORS = 'npm';
  const backends = backendsOf(env, dataDir);
  const agent = spawn(process.execPath, [BIN, 'track', '--local', '--screenshots', 'on', '--segment-seconds', '60', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let statusLines = 0;
  let stderr = '';
  agent.stdout.on('data', (chunk: Buffer) => (statusLines += chunk.toString('utf8').split('\n').filter(Boolean).length));
  agent.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
  const exited = new Promise<void>((r) => agent.once('exit', () => r()));
  const pid = agent.pid!;
  try {
    await sleep(options.warmupSeconds * 1000);
    if (agent.exitCode !== null) throw new Error(`agent (${path}) exited during warm-up: ${stderr}`);
    const rss: number[] = [];
    let treeMax = 0;
    let processes = 0;
    const cpuBefore = treeCpuMs(pid);
    const agentBefore = cpuOf(pid);
    const startedAt = process.hrtime.bigint();
    for (let s = 0; s < options.seconds; s += 1) {
      await sleep(1000);
      rss.push(rssMbOf(pid));
      treeMax = Math.max(treeMax, treeRssMb(pid));
      processes = Math.max(processes, processTree(pid).length);
    }
    const cpuAfter = treeCpuMs(pid);
    const agentAfter = cpuOf(pid);
    const wallMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
    if (agent.exitCode !== null) throw new Error(`agent (${path}) exited while measured: ${stderr}`);
    return {
      path,
      backends,
      seconds: options.seconds,
      cpuPercent: round(((cpuAfter - cpuBefore) / wallMs) * 100, 3),
      agentCpuPercent: round(((agentAfter - agentBefore) / wallMs) * 100, 3),
      agentRssMbMax: round(Math.max(...rss), 1),
      agentRssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1),
      treeRssMbMax: round(treeMax, 1),
      processesInTree: processes,
      statusLines,
    };
  } finally {
    if (agent.exitCode === null) agent.kill('SIGINT');
    await Promise.race([exited, sleep(10_000)]);
    if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
