import type { SensorEnvironment } from './environment.js';
import { FallbackInputSensor } from './input/fallback-input-sensor.js';
import { UiohookInputSensor } from './input/uiohook-input-sensor.js';
import type { WorkerLauncher } from './input/worker-launcher.js';
import type { Logger } from './logger.js';
import { waylandSession } from './screen/portal-grant.js';
import { RefusedScreenCapturer } from './screen/refused-capturer.js';
import type { ActiveWindowSensor, InputSensor, ScreenCapturer, SensorState } from './types.js';
import { WaylandInputSensor, WaylandWindowSensor } from './wayland-sensors.js';
import { ActiveWinSensor } from './window/active-win-sensor.js';

export type SensorName = 'input' | 'window' | 'screenshots';

/** One line of `worktrace status`: which backend a sensor uses and why. */
export interface SensorReportRow {
  readonly sensor: SensorName;
  readonly backend: string;
  readonly status: SensorState['status'];
  readonly reason: string;
}

export interface Sensors {
  readonly input: InputSensor;
  readonly window: ActiveWindowSensor;
  readonly capturer: ScreenCapturer;
  /** The choice made at start. Call currentReport() later for live states (a worker may have died). */
  readonly report: readonly SensorReportRow[];
}

/**
 * Factories of the native backends (src/main/sensors/native). Each builds its backend or throws
 * when the addon is not there; a backend whose state() is not `ok` is passed over for the npm one.
 */
export interface NativeBackends {
  readonly input?: () => InputSensor;
  readonly window?: () => ActiveWindowSensor;
  readonly capturer?: () => ScreenCapturer;
}

export interface CreateSensorsOptions {
  readonly logger?: Logger;
  readonly native?: NativeBackends;
  /** What starts the uiohook input worker: child_process.fork by default, Electron's utilityProcess in the app. */
  readonly inputWorkers?: WorkerLauncher;
  /** The app's in-memory capturer over Electron's desktopCapturer (the CLI has none); where it ranks: capturerOrder(). */
  readonly desktopCapturer?: () => ScreenCapturer;
}

/** `WORKTRACE_SENSORS=npm` skips the native backends (to compare, or to step around a native bug). */
export const BACKEND_SWITCH = 'WORKTRACE_SENSORS';

interface Candidate<T> {
  readonly name: string;
  readonly build: () => T;
}

/**
 * Chooses each sensor's backend once, at start: native first when it is built and works here,
 * then the npm library. Nothing is started: the input worker forks in input.start().
 */
export function createSensors(env: SensorEnvironment, options: CreateSensorsOptions = {}): Sensors {
  const logger = options.logger;
  const switchValue = env.vars[BACKEND_SWITCH];
  const native = switchValue === 'npm' ? {} : (options.native ?? {});
  const skipped = switchValue === 'npm' ? `native skipped (${BACKEND_SWITCH}=npm)` : null;

  const uiohook = (): InputSensor =>
    new UiohookInputSensor({ env, ...(logger ? { logger } : {}), ...(options.inputWorkers ? { launcher: options.inputWorkers } : {}) });
  // The app in a Wayland session says what Wayland does not expose; the CLI keeps XWayland's partial view (and says so).
  const waylandApp = options.desktopCapturer !== undefined && waylandSession(env);
  const input = waylandApp ? choose<InputSensor>('input', null, [{ name: 'wayland', build: () => new WaylandInputSensor() }]) : chooseInput(skipped, native.input, uiohook);
  const window = choose<ActiveWindowSensor>(
    'window',
    skipped,
    waylandApp
      ? [{ name: 'wayland', build: () => new WaylandWindowSensor() }]
      : [
          ...(native.window ? [{ name: 'native', build: native.window }] : []),
          { name: 'active-win', build: () => new ActiveWinSensor({ env, ...(logger ? { logger } : {}) }) },
        ],
  );
  const capturers: Record<CapturerName, (() => ScreenCapturer) | undefined> = {
    native: native.capturer,
    'desktop-capturer': options.desktopCapturer,
    refused: () => new RefusedScreenCapturer(env.platform),
  };
  const capturer = choose<ScreenCapturer>(
    'screenshots',
    skipped,
    capturerOrder(env, options.desktopCapturer !== undefined).flatMap((name) => {
      const build = capturers[name];
      return build ? [{ name, build }] : [];
    }),
  );

  return { input: input.sensor, window: window.sensor, capturer: capturer.sensor, report: [input.row, window.row, capturer.row] };
}

export type CapturerName = 'native' | 'desktop-capturer' | 'refused';

/**
 * The order the screenshot backends are tried in; the first whose state is `ok` is used, and where none is, the
 * last one's reason (with why each before it was passed over) is what `worktrace status` and the app show.
 *
 *   where                     the app (desktopCapturer)             the CLI
 *   Linux, X11                native, desktop-capturer              native, refused
 *   Linux, Wayland session    desktop-capturer (the portal)         native, refused
 *   Windows                   native, desktop-capturer              native, refused
 *   macOS                     desktop-capturer                      refused
 *
 * Every backend captures in memory. The native core (X11: MIT-SHM; Windows: GDI) encodes without sharp, so it
 * leads where it exists. Under Wayland the X11 core would see only XWayland's windows: the app asks the portal. Where
 * nothing captures in memory, screenshots are refused (RefusedScreenCapturer): never a file-writing tool.
 */
export function capturerOrder(env: SensorEnvironment, app: boolean): CapturerName[] {
  if (!app) return env.platform === 'darwin' ? ['refused'] : ['native', 'refused'];
  if (env.platform === 'darwin' || waylandSession(env)) return ['desktop-capturer'];
  return ['native', 'desktop-capturer'];
}

/** The report from the sensors' states now (a worker may have died, input may have fallen back). */
export function currentReport(sensors: Sensors): SensorReportRow[] {
  const live: [SensorName, SensorState][] = [
    ['input', sensors.input.state()],
    ['window', sensors.window.state()],
    ['screenshots', sensors.capturer.state()],
  ];
  return live.map(([sensor, state], i) => {
    if (state.status === 'unavailable') return { sensor, backend: state.backend, status: state.status, reason: state.reason };
    const chosen = sensors.report[i];
    // Keep the reasons given at the choice (why native was passed over) while the same backend runs.
    const reason = chosen?.status === 'ok' && chosen.backend === state.backend && sensor !== 'input' ? chosen.reason : (state.detail ?? 'ok');
    return { sensor, backend: state.backend, status: state.status, reason };
  });
}

/**
 * Input's fitness shows only at start(), so a native input backend that builds is wrapped: it is
 * tried at start and uiohook-napi takes over if it cannot run.
 */
function chooseInput(
  skipped: string | null,
  nativeFactory: (() => InputSensor) | undefined,
  uiohook: () => InputSensor,
): { sensor: InputSensor; row: SensorReportRow } {
  if (nativeFactory) {
    let preferred: InputSensor | null = null;
    let why = '';
    try {
      preferred = nativeFactory();
    } catch (error) {
      why = `native: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (preferred) {
      const backend = preferred.state().backend;
      const sensor = new FallbackInputSensor(preferred, uiohook);
      return { sensor, row: { sensor: 'input', backend, status: 'ok', reason: `${backend} first at start, uiohook-napi if it cannot run` } };
    }
    return choose<InputSensor>('input', why, [{ name: 'uiohook-napi', build: uiohook }]);
  }
  return choose<InputSensor>('input', skipped, [{ name: 'uiohook-napi', build: uiohook }]);
}

function choose<T extends { state(): SensorState }>(
  sensor: SensorName,
  skipped: string | null,
  candidates: readonly Candidate<T>[],
): { sensor: T; row: SensorReportRow } {
  const passedOver: string[] = skipped ? [skipped] : [];
  let last: { sensor: T; state: SensorState } | null = null;
  for (const candidate of candidates) {
    let built: T;
    try {
      built = candidate.build();
    } catch (error) {
      passedOver.push(`${candidate.name}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const state = built.state();
    last = { sensor: built, state };
    if (state.status === 'ok') {
      const why = state.detail ?? 'available';
      const reason = passedOver.length > 0 ? `${why}; ${passedOver.join('; ')}` : why;
      return { sensor: built, row: { sensor, backend: state.backend, status: 'ok', reason } };
    }
    passedOver.push(`${candidate.name}: ${state.reason}`);
  }
  if (!last) throw new Error(`no ${sensor} backend could be built: ${passedOver.join('; ')}`);
  // Nothing works here: keep the last (library) backend, which reports itself unavailable.
  const reason = last.state.status === 'unavailable' ? last.state.reason : 'unavailable';
  const others = passedOver.slice(0, -1);
  return {
    sensor: last.sensor,
    row: { sensor, backend: last.state.backend, status: 'unavailable', reason: others.length > 0 ? `${reason}; ${others.join('; ')}` : reason },
  };
}
