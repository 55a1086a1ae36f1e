export { AppService } from './app-service.js';
export { AppError, toIpcError, type AppErrorCode } from './errors.js';
export { defaultSensorFactory } from './default-sensors.js';
export { localWeekStartOf, workedTotals } from './totals.js';
export type { AppServiceDeps, CredentialsVault, LaunchAtLogin, SensorFactory, SensorSet } from './types.js';
