import type { Logger } from '../log.js';
import { nativeBackends } from '../agent/native-backends.js';
import {
  createSensors,
  currentReport,
  DesktopScreenCapturer,
  systemSensorEnvironment,
  type ScreenSourcesPort,
  type SensorEnvironment,
  type SystemIdleTime,
} from '../sensors/index.js';
import type { WorkerLauncher } from '../sensors/input/worker-launcher.js';
import { waylandSession } from '../sensors/screen/portal-grant.js';
import type { SensorFactory } from './types.js';

export interface DefaultSensorOptions {
  /** What starts the uiohook input worker: the Electron shell passes its utilityProcess launcher. */
  readonly inputWorkers?: WorkerLauncher;
  /** The app's screens through Electron's desktopCapturer (the shell's); without it, the CLI's choice. */
  readonly screenSources?: ScreenSourcesPort;
  /** The system's idle time where the native core has none (the shell passes Electron's powerMonitor). */
  readonly systemIdle?: SystemIdleTime;
  /** Default: this process's environment. Tests describe another platform or session. */
  readonly env?: SensorEnvironment;
  /** The native core's backends (default: nativeBackends, the addon of this machine); tests hand in stand-ins. */
  readonly native?: (logger: Logger) => NativeBackendsHandle;
}

export type NativeBackendsHandle = ReturnType<typeof nativeBackends>;

/**
 * The sensors of one tracking session: native first where it works, then (in the app) desktopCapturer for screenshots
 * and Electron's powerMonitor for idle time; the CLI's choice without the shell's parts. In a Wayland session the
 * system's idle time is Electron's (the X11 core under XWayland would see only X11 applications' input).
 */
export function defaultSensorFactory(logger: Logger, options: DefaultSensorOptions = {}): SensorFactory {
  return () => {
    const env = options.env ?? systemSensorEnvironment();
    const native = (options.native ?? nativeBackends)(logger);
    const sources = options.screenSources;
    const sensors = createSensors(env, {
      logger,
      native: native.factories,
      ...(options.inputWorkers ? { inputWorkers: options.inputWorkers } : {}),
      ...(sources ? { desktopCapturer: () => new DesktopScreenCapturer({ sources, env, logger }) } : {}),
    });
    const idle = (waylandSession(env) ? null : native.idle()) ?? options.systemIdle;
    return {
      input: sensors.input,
      window: sensors.window,
      capturer: sensors.capturer,
      ...(idle ? { idle } : {}),
      report: () => currentReport(sensors),
      close: () => native.close(),
    };
  };
}
