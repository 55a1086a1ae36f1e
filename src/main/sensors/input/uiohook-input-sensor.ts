import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { x11Problem, xwaylandNote, type SensorEnvironment } from '../environment.js';
import { sensorLogger, type Logger } from '../logger.js';
import type { InputCounts, InputSensor, SensorState } from '../types.js';
import { causeFromStderr, describeWorkerExit, TailBuffer } from './worker-failure.js';
import { childProcessLauncher, type InputWorkerProcess, type WorkerLauncher } from './worker-launcher.js';
import { EMPTY_COUNTS, parseWorkerMessage, type ParentMessage } from './worker-protocol.js';

export const UIOHOOK_BACKEND = 'uiohook-napi';

export interface UiohookInputSensorOptions {
  readonly env: SensorEnvironment;
  readonly logger?: Logger;
  /** How long start() waits for the worker to say the hook runs (default 20 s). */
  readonly startTimeoutMs?: number;
  /** How long stop() waits for the worker to exit before it is killed (default 2 s). */
  readonly stopTimeoutMs?: number;
  /** What starts the worker: child_process.fork (default, the CLI) or Electron's utilityProcess (the app). */
  readonly launcher?: WorkerLauncher;
}

/**
 * Input activity from uiohook-napi, hosted in a worker process (see uiohook-worker.ts for why) that the injected
 * launcher starts.
 * The worker sends batched counts; drain() hands out what has arrived since the previous drain.
 * If the worker dies at any time the sensor becomes unavailable with the reason, and the agent
 * goes on tracking time without input counts.
 */
export class UiohookInputSensor implements InputSensor {
  private readonly log: Logger;
  private child: InputWorkerProcess | null = null;
  private readonly launcher: WorkerLauncher;
  private pending = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
  private current: SensorState;
  private stopping = false;

  constructor(private readonly options: UiohookInputSensorOptions) {
    this.log = sensorLogger(options.logger, 'input');
    this.launcher = options.launcher ?? childProcessLauncher;
    const problem = x11Problem(options.env);
    this.current = problem
      ? { status: 'unavailable', backend: UIOHOOK_BACKEND, reason: problem }
      : { status: 'ok', backend: UIOHOOK_BACKEND, detail: `starts uiohook-napi in ${this.launcher.kind}` };
  }

  state(): SensorState {
    return this.current;
  }

  /** The worker's process id while it runs (tests and `worktrace status`). */
  get workerPid(): number | undefined {
    return this.child?.pid;
  }

  drain(): InputCounts {
    const p = this.pending;
    if (p.keyboard + p.clicks + p.wheel + p.moves === 0) return EMPTY_COUNTS;
    this.pending = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
    return p;
  }

  async start(): Promise<void> {
    if (this.child || this.current.status === 'unavailable') {
      if (this.current.status === 'unavailable') this.log.warn({ reason: this.current.reason }, 'input activity unavailable');
      return;
    }
    this.stopping = false;
    const stderr = new TailBuffer();
    const { modulePath, execArgv } = workerLaunch();
    let child: InputWorkerProcess;
    try {
      child = this.launcher.launch({ modulePath, execArgv, env: { ...this.options.env.vars } });
    } catch (error) {
      this.markUnavailable(`the input worker could not be started: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.child = child;

    await new Promise<void>((resolve) => {
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const cause = causeFromStderr(stderr.toString(), this.options.env.vars.DISPLAY);
        this.markUnavailable(cause ?? `the input worker did not start within ${this.startTimeoutMs / 1000} s`);
        child.kill();
        settle();
      }, this.startTimeoutMs);
      timer.unref();

      // libuiohook usually aborts after it prints why it cannot hook, but sometimes it hangs
      // instead: a known fatal message ends the worker at once rather than after the timeout.
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        const cause = causeFromStderr(stderr.toString(), this.options.env.vars.DISPLAY);
        if (cause && !this.stopping && this.current.status === 'ok') {
          this.markUnavailable(cause);
          child.kill();
          settle();
        }
      });

      child.onMessage((raw) => {
        const message = parseWorkerMessage(raw);
        if (!message) return;
        switch (message.type) {
          case 'ready':
            if (this.current.status === 'unavailable') return; // already judged dead (a fatal message came first)
            this.current = { status: 'ok', backend: UIOHOOK_BACKEND, detail: xwaylandNote(this.options.env) ?? `hook running in ${this.launcher.kind}` };
            this.log.info({ pid: child.pid, in: this.launcher.kind }, 'input worker running');
            settle();
            return;
          case 'counts':
            this.add(message.counts);
            return;
          case 'failed':
            this.markUnavailable(`uiohook-napi failed to start: ${message.message}`);
            settle();
            return;
        }
      });
      child.onError((error, spawned) => {
        // Spawn failures and writes to a channel that just closed: the exit handler has the final word.
        this.log.debug({ err: error.message }, 'input worker channel error');
        if (!spawned) {
          this.markUnavailable(`the input worker could not be started: ${error.message}`);
          settle();
        }
      });
      child.onExit(({ code, signal }) => {
        if (this.child === child) this.child = null;
        if (!this.stopping) {
          this.markUnavailable(describeWorkerExit({ code, signal, stderr: stderr.toString(), display: this.options.env.vars.DISPLAY }));
        }
        settle();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    // The worker answers 'stop' with its last counts and exits; a hung one is killed.
    child.send({ type: 'stop' } satisfies ParentMessage);
    if (!(await within(exited, this.stopTimeoutMs))) {
      child.kill();
      await within(exited, 1000);
    }
    this.child = null;
    if (this.current.status === 'ok') this.current = { status: 'ok', backend: UIOHOOK_BACKEND, detail: 'stopped' };
  }

  private get startTimeoutMs(): number {
    return this.options.startTimeoutMs ?? 20_000;
  }

  private get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs ?? 2000;
  }

  private add(counts: InputCounts): void {
    this.pending.keyboard += counts.keyboard;
    this.pending.clicks += counts.clicks;
    this.pending.wheel += counts.wheel;
    this.pending.moves += counts.moves;
  }

  private markUnavailable(reason: string): void {
    if (this.current.status === 'unavailable') return; // log once: the first cause is the one that matters
    this.current = { status: 'unavailable', backend: UIOHOOK_BACKEND, reason };
    this.log.warn({ reason }, 'input activity unavailable');
  }
}

/** Resolves true when the promise settles within ms, false otherwise. */
function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * From the compiled dist/ the worker is a .js file that plain node runs; from TypeScript source
 * (tests, tsx) it is a .ts file, so the child gets tsx's loader, resolved from this package so the
 * child's working directory does not matter.
 */
function workerLaunch(): { modulePath: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const modulePath = join(dirname(here), fromSource ? 'uiohook-worker.ts' : 'uiohook-worker.js');
  const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return { modulePath, execArgv };
}
