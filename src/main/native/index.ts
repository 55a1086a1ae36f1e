export type {
  InputRecorder,
  JpegEncodeOptions,
  JpegFrame,
  JpegImage,
  RecorderPhase,
  RecorderState,
  MonitorGeometry,
  NativeInputCounts,
  NativeWindowInfo,
  NativeSession,
  PrivateWindowDecision,
  RawFrame,
  StackedWindow,
  Win32Addon,
  Win32Session,
  Win32SessionInfo,
  X11Addon,
  X11Session,
  X11SessionInfo,
} from './binding.js';
export { NativeX11Error, toNativeX11Error, type NativeX11ErrorCode } from './errors.js';
export { defaultNativeDir, loadWin32Addon, loadX11Addon, type AddonLoad, type LoadOptions } from './load.js';
export { openNativeX11, type NativeX11, type NativeX11Open, type OpenOptions } from './x11.js';
export { openNativeWin32, type NativeWin32, type NativeWin32Open } from './win32.js';
export { NATIVE_BACKENDS, openNativeCore, type NativeCore, type NativeCoreOpen } from './core.js';
