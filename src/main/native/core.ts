import { NativeX11Error } from './errors.js';
import { openNativeWin32, type NativeWin32 } from './win32.js';
import { openNativeX11, type NativeX11, type OpenOptions } from './x11.js';

/**
 * The native core of this platform, as the sensors in src/main/sensors/native see it: X11 on Linux, the
 * Windows addon on win32. Both sessions have the same capture, window and idle methods and the same
 * InputRecorder class; `platform` says which, for the backend names and the words of `worktrace status`.
 */
export type NativeCore = NativeX11 | NativeWin32;

export type NativeCoreOpen = { readonly ok: true; readonly core: NativeCore } | { readonly ok: false; readonly error: NativeX11Error };

/** Backend names per platform, as `worktrace status` shows them. */
export const NATIVE_BACKENDS = {
  x11: { window: 'native-x11', capture: 'native-xshm', input: 'native-xrecord', idle: 'native-xscreensaver' },
  win32: { window: 'native-win32', capture: 'native-gdi', input: 'native-win32-hooks', idle: 'native-win32-idle' },
} as const satisfies Record<NativeCore['platform'], Record<'window' | 'capture' | 'input' | 'idle', string>>;

/** Opens the core for `platform` (default this process's). Never throws; macOS and others have none. */
export function openNativeCore(options: OpenOptions & { readonly platform?: NodeJS.Platform } = {}): NativeCoreOpen {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') {
    const opened = openNativeWin32();
    return opened.ok ? { ok: true, core: opened.win32 } : opened;
  }
  if (platform !== 'linux') {
    return { ok: false, error: new NativeX11Error('ERR_NATIVE_UNAVAILABLE', `no native core for this platform (${platform})`) };
  }
  const opened = openNativeX11(options);
  return opened.ok ? { ok: true, core: opened.x11 } : opened;
}
