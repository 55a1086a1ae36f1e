import type { ForkOptions, UtilityProcess } from 'electron';
import type { InputWorkerProcess, WorkerEnd, WorkerLauncher, WorkerSpec } from '../sensors/input/worker-launcher.js';
import type { ParentMessage } from '../sensors/input/worker-protocol.js';

/** Electron's utilityProcess module (only fork is used); injected so tests can hand in the fake one. */
export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
}

/**
 * The input worker as an Electron utility process, as Electron recommends for native code that may crash: a
 * Chromium child process that the app tracks and ends with itself. The worker reads process.parentPort instead of
 * Node's IPC (worker-parent.ts); everything else — messages, stderr causes, the sensor going "unavailable" when the
 * worker dies — is the sensor's, unchanged.
 */
class UtilityWorker implements InputWorkerProcess {
  #spawned = false;
  #exited = false;

  constructor(private readonly child: UtilityProcess) {
    child.once('spawn', () => {
      this.#spawned = true;
    });
    child.once('exit', () => {
      this.#exited = true;
    });
  }

  get pid(): number | undefined {
    return this.#exited ? undefined : this.child.pid;
  }

  get stderr(): NodeJS.ReadableStream | null {
    return this.child.stderr;
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.child.on('message', listener);
  }

  onExit(listener: (end: WorkerEnd) => void): void {
    // Electron gives the exit code only: a worker killed by a signal has no signal name here; its stderr still
    // carries libuiohook's reason.
    this.child.on('exit', (code) => listener({ code, signal: null }));
  }

  onError(listener: (error: Error, spawned: boolean) => void): void {
    // 'error' is V8's fatal error inside the worker; 'exit' always follows it.
    this.child.on('error', (type, location) => listener(new Error(`${type} in the input worker at ${location}`), this.#spawned));
  }

  send(message: ParentMessage): void {
    if (this.#exited) return;
    try {
      this.child.postMessage(message);
    } catch {
      // The process is going away: its 'exit' has the final word.
    }
  }

  kill(): void {
    this.child.kill();
  }
}

export function utilityProcessLauncher(utilityProcess: UtilityProcessModule): WorkerLauncher {
  return {
    kind: 'an Electron utility process',
    launch: (spec: WorkerSpec) =>
      new UtilityWorker(
        utilityProcess.fork(spec.modulePath, [], {
          env: spec.env,
          execArgv: [...spec.execArgv],
          // stdin must be 'ignore' for a utility process; stderr is read for libuiohook's reason before an abort.
          stdio: ['ignore', 'ignore', 'pipe'],
          serviceName: 'Worktrace input activity',
        }),
      ),
  };
}
