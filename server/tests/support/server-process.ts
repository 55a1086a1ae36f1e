import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { binPath } from '../../../tests/support/built.js';

/** The repository root, where `worktrace-server` runs from (its source via tsx, or its build). */
export const REPO = join(import.meta.dirname, '..', '..', '..');

/** How to start worktrace-server: from its TypeScript source (tsx), or the built bin a person runs. */
export const SERVER_FROM_SOURCE: readonly string[] = ['--import', 'tsx', join('server', 'src', 'cli', 'bin.ts')];

export interface ServerProcess {
  readonly child: ChildProcess;
  /** The API's base URL as the server printed it: http://127.0.0.1:<port>/api/v1 */
  readonly base: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/**
 * Starts `worktrace-server` (`entry` then `args`, under this node) and resolves once it listens and, with --demo, has
 * printed the demo accounts; rejects with its output when it exits first.
 */
export function startServerProcess(entry: readonly string[], args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: REPO,
    env: { ...env, WORKTRACE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const demo = args.includes('--demo');
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+\/api\/v1)/.exec(out);
      if (match?.[1] && (!demo || out.includes('other@demo.test'))) resolve({ child, base: match[1], output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worktrace-server exited ${code} before it listened:\n${out}`)));
  });
}

/** SIGTERM, as a service manager stops it; resolves with the exit code (null after a signal). */
export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** How a one-off `worktrace-server` command ended. */
export interface ServerCommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a one-off `worktrace-server <args>` (`user add`, `user list`, ...) as the operator would: the built bin under
 * plain node (no tsx to compile on each run), `stdin` piped in, WORKTRACE_PASSWORD unset unless `env` gives it.
 */
export function runServerCommand(args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ServerCommandResult> {
  const child = spawn(process.execPath, [binPath('server', 'worktrace-server'), ...args], {
    cwd: REPO,
    env: { ...process.env, WORKTRACE_PASSWORD: undefined, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
