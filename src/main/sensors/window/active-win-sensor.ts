import activeWindow from 'active-win';
import { basename, extname } from 'node:path';
import { missingTool, x11Problem, xwaylandNote, type SensorEnvironment } from '../environment.js';
import { sensorLogger, type Logger } from '../logger.js';
import { withTimeout } from '../timeout.js';
import type { ActiveWindowSensor, SensorState, WindowSample } from '../types.js';

export const ACTIVE_WIN_BACKEND = 'active-win';

/** active-win's Linux path runs these X tools (package x11-utils on Debian/Ubuntu). */
const LINUX_TOOLS = [
  { command: 'xprop', pkg: 'x11-utils' },
  { command: 'xwininfo', pkg: 'x11-utils' },
] as const;

export interface ActiveWinSensorOptions {
  readonly env: SensorEnvironment;
  readonly logger?: Logger;
  /** A sample that takes longer than this counts as unknown (default 5 s): the tracker must not wait on X. */
  readonly timeoutMs?: number;
}

/**
 * The focused window through active-win 8. Every failure is an "unknown" sample (null), never a
 * throw: on Linux active-win fails for windows without _NET_WM_PID, and the X tools it runs can
 * fail or hang when the display goes away.
 *
 * active-win runs its X tools with this process's environment, so `env.vars` should be
 * process.env here (it is what the chooser passes).
 */
export class ActiveWinSensor implements ActiveWindowSensor {
  private readonly log: Logger;
  private readonly current: SensorState;
  private inFlight: Promise<WindowSample | null> | null = null;
  private failuresLogged = 0;

  constructor(private readonly options: ActiveWinSensorOptions) {
    this.log = sensorLogger(options.logger, 'window');
    const env = options.env;
    const problem = x11Problem(env) ?? (env.platform === 'linux' ? missingTool(env, LINUX_TOOLS) : null);
    const detail = xwaylandNote(env);
    this.current = problem
      ? { status: 'unavailable', backend: ACTIVE_WIN_BACKEND, reason: problem }
      : { status: 'ok', backend: ACTIVE_WIN_BACKEND, ...(detail ? { detail } : {}) };
  }

  state(): SensorState {
    return this.current;
  }

  sample(): Promise<WindowSample | null> {
    if (this.current.status === 'unavailable') return Promise.resolve(null);
    // One look-up at a time: a slow X server must not pile up xprop processes.
    this.inFlight ??= this.lookup().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async lookup(): Promise<WindowSample | null> {
    try {
      const result = await withTimeout(activeWindow(), this.options.timeoutMs ?? 5000, () => new Error('active window look-up timed out'));
      if (!result) return null;
      return toSample(result);
    } catch (error) {
      // Expected now and then (windows that hide their owner); keep the log from filling up.
      if (this.failuresLogged < 5) {
        this.failuresLogged += 1;
        this.log.debug({ err: error instanceof Error ? error.message : String(error) }, 'active window unknown');
      }
      return null;
    }
  }
}

function toSample(result: activeWindow.Result): WindowSample | null {
  const app = typeof result.owner?.name === 'string' ? result.owner.name : '';
  const title = typeof result.title === 'string' ? result.title : '';
  if (!app && !title) return null;
  const pid = result.owner?.processId;
  return { app, title, appNames: appNamesOf(result, app), ...(Number.isSafeInteger(pid) && pid > 0 ? { pid } : {}) };
}

/** The names the private-window rules match an application by: what the OS shows, the executable (with and without .exe), the bundle id. */
function appNamesOf(result: activeWindow.Result, app: string): string[] {
  const path = typeof result.owner?.path === 'string' ? result.owner.path : '';
  const executable = path ? basename(path.replaceAll('\\', '/')) : '';
  const bundleId = 'bundleId' in result.owner && typeof result.owner.bundleId === 'string' ? result.owner.bundleId : '';
  return [...new Set([app, executable, executable.slice(0, executable.length - extname(executable).length), bundleId].filter((n) => n !== ''))];
}
