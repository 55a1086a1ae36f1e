export { createSensors, currentReport, BACKEND_SWITCH } from './create-sensors.js';
export type { CreateSensorsOptions, NativeBackends, SensorName, SensorReportRow, Sensors } from './create-sensors.js';
export { systemSensorEnvironment, type SensorEnvironment } from './environment.js';
export { SensorError, type SensorErrorCode } from './errors.js';
export { UiohookInputSensor, UIOHOOK_BACKEND } from './input/uiohook-input-sensor.js';
export { ActiveWinSensor, ACTIVE_WIN_BACKEND } from './window/active-win-sensor.js';
export { ScreenshotDesktopCapturer, SCREENSHOT_DESKTOP_BACKEND } from './screen/screenshot-desktop-capturer.js';
export type * from './types.js';
export { lazyNativeBackends, type LazyNativeBackends } from './native-backends.js';
