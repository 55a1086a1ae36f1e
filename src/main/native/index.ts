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
  RawFrame,
  X11Addon,
  X11Session,
  X11SessionInfo,
} from './binding.js';
export { NativeX11Error, toNativeX11Error, type NativeX11ErrorCode } from './errors.js';
export { defaultNativeDir, loadX11Addon, type AddonLoad, type LoadOptions } from './load.js';
export { openNativeX11, type NativeX11, type NativeX11Open, type OpenOptions } from './x11.js';
