import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { binPath } from './built.js';

/** Runs the built `worktrace` CLI (package.json "bin"), the same file a user runs. `npm run build` must have run. */
export const CLI_PATH = binPath('.', 'worktrace');

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, input?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], { env, encoding: 'utf8', timeout: 60_000, input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A long-running CLI process (e.g. `track`) whose output is collected as it arrives. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

export function startCli(args: readonly string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps until `offsetMs` past the next wall-clock minute boundary (at least `minWaitMs` from now). */
export async function sleepUntilMinuteOffset(offsetMs: number, minWaitMs = 0): Promise<number> {
  const now = Date.now();
  let target = Math.floor(now / 60_000) * 60_000 + offsetMs;
  while (target < now + minWaitMs) target += 60_000;
  await sleep(target - now);
  return target;
}

export async function waitForOutput(cli: RunningCli, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(cli.stdout())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stdout: ${cli.stdout()} stderr: ${cli.stderr()}`);
    if (cli.child.exitCode !== null) throw new Error(`CLI exited early (${cli.child.exitCode}): ${cli.stderr()}`);
    await sleep(100);
  }
}
