import type { Logger } from '../log.js';
import { nativeBackends } from '../agent/native-backends.js';
import { createSensors, systemSensorEnvironment } from '../sensors/index.js';
import type { WorkerLauncher } from '../sensors/input/worker-launcher.js';
import type { SensorFactory } from './types.js';

/**
 * The sensors the CLI uses: native X11 first, npm libraries second; the uiohook input hook runs in a child process,
 * or in what `inputWorkers` starts (the Electron shell passes its utilityProcess launcher).
 */
export function defaultSensorFactory(logger: Logger, options: { inputWorkers?: WorkerLauncher } = {}): SensorFactory {
  return () => {
    const native = nativeBackends(logger);
    const sensors = createSensors(systemSensorEnvironment(), { logger, native: native.factories, ...options });
    return { input: sensors.input, window: sensors.window, capturer: sensors.capturer, close: () => native.close() };
  };
}
