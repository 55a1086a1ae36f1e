import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * A real X display for integration tests: Xvfb plus openbox (which maintains _NET_ACTIVE_WINDOW).
 * Each test file starts its own display on a free number and stops only the processes it started.
 * In CI (CI=true) a missing tool is a failure, never a skip: see requireTools().
 */
export interface TestDisplay {
  /** ":N" */
  readonly display: string;
  /** process.env plus DISPLAY, for child processes that need the display. */
  readonly env: NodeJS.ProcessEnv;
  /** Starts an X client on this display; it is stopped with the display. */
  spawnClient(command: string, args: readonly string[]): ChildProcess;
  /** Runs xdotool (or another X tool) synchronously on this display and returns stdout. */
  run(command: string, args: readonly string[]): string;
  stop(): Promise<void>;
}

export interface DisplayOptions {
  readonly width?: number;
  readonly height?: number;
  /** Start openbox as the window manager (default true). */
  readonly windowManager?: boolean;
  /** Extra Xvfb arguments, e.g. ['+extension', 'RANDR']. */
  readonly xvfbArgs?: readonly string[];
}

const isCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Returns the tools that are missing. In CI a missing tool throws (the suite must fail, not skip);
 * outside CI the caller may skip with the returned reason.
 */
export function requireTools(names: readonly string[]): string[] {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length > 0 && isCi()) {
    throw new Error(`CI needs ${missing.join(', ')}: install them (the README's test command does on Debian)`);
  }
  return missing;
}

function readDisplayNumber(xvfb: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report its display number within 15 s')), 15_000);
    xvfb.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /^(\d+)\n/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    xvfb.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited before it was ready (${code ?? signal})`));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startDisplay(options: DisplayOptions = {}): Promise<TestDisplay> {
  const missing = requireTools(['Xvfb', 'xdpyinfo', ...(options.windowManager === false ? [] : ['openbox'])]);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}`);
  const width = options.width ?? 1920;
  const height = options.height ?? 1080;
  const children: ChildProcess[] = [];
  // If the test runner ends the process before afterAll runs, take the display down with it.
  const killAll = (): void => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  // -displayfd: Xvfb picks a free display number itself and writes it to fd 3, so parallel test processes never
  // race for the same number. -noreset: the server must not reset when its last client (a probe) disconnects.
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset', ...(options.xvfbArgs ?? [])],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] },
  );
  children.push(xvfb);
  const number = await readDisplayNumber(xvfb);
  const display = `:${number}`;
  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
  delete env.WAYLAND_DISPLAY;
  await waitFor(() => spawnSync('xdpyinfo', ['-display', display], { stdio: 'ignore' }).status === 0, 15_000, `Xvfb on ${display}`);

  if (options.windowManager !== false) {
    const wm = spawn('openbox', ['--sm-disable'], { env, stdio: 'ignore' });
    children.push(wm);
    // openbox sets _NET_SUPPORTING_WM_CHECK on the root window once it manages the screen.
    await waitFor(
      () => spawnSync('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'], { env, encoding: 'utf8' }).stdout?.includes('window id') ?? false,
      15_000,
      'openbox',
    );
  }

  return {
    display,
    env,
    spawnClient(command, args) {
      const child = spawn(command, [...args], { env, stdio: 'ignore' });
      children.push(child); // stopped in reverse order: clients first, then openbox, then Xvfb
      return child;
    },
    run(command, args) {
      const result = spawnSync(command, [...args], { env, encoding: 'utf8', timeout: 30_000 });
      if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
      }
      return result.stdout;
    },
    async stop() {
      // Reverse order of start: clients, window manager, then the server itself.
      for (const child of [...children].reverse()) await stopChild(child);
      process.removeListener('exit', killAll);
    },
  };
}
