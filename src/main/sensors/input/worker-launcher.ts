import { fork, type ChildProcess } from 'node:child_process';
import type { ParentMessage } from './worker-protocol.js';

/** What to run: the worker module, the runtime flags (tsx's loader from source), its environment. */
export interface WorkerSpec {
  readonly modulePath: string;
  readonly execArgv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** How a worker ended. A utility process reports an exit code only (signal stays null). */
export interface WorkerEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A running input worker, whatever started it. The sensor sees only this, so the messages (worker-protocol.ts), the
 * stderr reading and the "an abort ends only the worker" isolation are the same in the CLI and in the app.
 */
export interface InputWorkerProcess {
  /** The process id while it runs; undefined before it spawned and after it exited. */
  readonly pid: number | undefined;
  /** The worker's stderr (libuiohook says there why it aborts), or null. */
  readonly stderr: NodeJS.ReadableStream | null;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (end: WorkerEnd) => void): void;
  /** Spawn failures and writes to a channel that just closed; `spawned` false means it never ran. */
  onError(listener: (error: Error, spawned: boolean) => void): void;
  /** Best effort: on a closed channel nothing is sent and the exit has the final word. */
  send(message: ParentMessage): void;
  /** Ends it now (a hung worker, a known fatal message). */
  kill(): void;
}

/**
 * Starts input workers: child_process.fork for the CLI and plain Node (childProcessLauncher), Electron's
 * utilityProcess.fork in the desktop app (src/main/electron/utility-process-launcher.ts). launch() may throw when the
 * process cannot be created at all.
 */
export interface WorkerLauncher {
  /** Where the hook runs, for `worktrace status` and the logs: "a child process", "an Electron utility process". */
  readonly kind: string;
  launch(spec: WorkerSpec): InputWorkerProcess;
}

class ForkedWorker implements InputWorkerProcess {
  constructor(private readonly child: ChildProcess) {}

  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.child.stderr;
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.child.on('message', listener);
  }

  onExit(listener: (end: WorkerEnd) => void): void {
    this.child.on('exit', (code, signal) => listener({ code, signal }));
  }

  onError(listener: (error: Error, spawned: boolean) => void): void {
    this.child.on('error', (error) => listener(error, this.child.pid !== undefined));
  }

  send(message: ParentMessage): void {
    // A write that fails (the worker just died) closes the channel, so 'exit' follows rather than a hang.
    if (this.child.connected) this.child.send(message, (error) => error && this.child.disconnect());
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** child_process.fork with a JSON IPC channel; the worker exits when that channel closes (the agent died). */
export const childProcessLauncher: WorkerLauncher = {
  kind: 'a child process',
  launch: (spec) =>
    new ForkedWorker(
      fork(spec.modulePath, [], {
        execArgv: [...spec.execArgv],
        env: spec.env,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'json',
      }),
    ),
};
