export { AppService } from './app-service.js';
export { AppError, toIpcError, type AppErrorCode } from './errors.js';
export { defaultSensorFactory } from './default-sensors.js';
export { localWeekStartOf, workedTotals } from './totals.js';
export { writeTimesheet, type SaveDialogPort, type SaveTarget } from './timesheet-export.js';
export type { AppServiceDeps, CredentialsVault, LaunchAtLogin, SensorFactory, SensorSet } from './types.js';
export {
  DesktopPermissionsMonitor,
  MACOS_SETTINGS_URLS,
  noPermissionNotices,
  permissionNotices,
  type MediaAccessStatus,
  type PermissionProbe,
  type PermissionsPort,
} from './desktop-permissions.js';
