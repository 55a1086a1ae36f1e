import type { Logger } from '../log.js';
import { nativeBackends } from '../agent/native-backends.js';
import { createSensors, systemSensorEnvironment } from '../sensors/index.js';
import type { SensorFactory } from './types.js';

/** The sensors the CLI uses: native X11 first, npm libraries second; the input hook runs in a child process. */
export function defaultSensorFactory(logger: Logger): SensorFactory {
  return () => {
    const native = nativeBackends(logger);
    const sensors = createSensors(systemSensorEnvironment(), { logger, native: native.factories });
    return { input: sensors.input, window: sensors.window, capturer: sensors.capturer, close: () => native.close() };
  };
}
