import type { Win32Addon, Win32Session } from './binding.js';
import { NativeX11Error, toNativeX11Error } from './errors.js';
import { loadWin32Addon, type AddonLoad } from './load.js';

/** The Windows addon plus its session: what the native sensor backends are built from on win32. */
export interface NativeWin32 {
  readonly platform: 'win32';
  readonly addon: Win32Addon;
  readonly session: Win32Session;
  /** Where the sensors look, for `worktrace status` (X11 names its display here). */
  readonly display: string;
}

export type NativeWin32Open =
  | { readonly ok: true; readonly win32: NativeWin32 }
  | { readonly ok: false; readonly error: NativeX11Error };

/** Loads the addon and opens its session. Never throws: a failure comes back with its code. */
export function openNativeWin32(options: { readonly load?: () => AddonLoad<Win32Addon> } = {}): NativeWin32Open {
  const load = (options.load ?? loadWin32Addon)();
  if (load.status === 'unavailable') {
    return { ok: false, error: new NativeX11Error('ERR_NATIVE_UNAVAILABLE', `native Windows addon unavailable: ${load.reason}`) };
  }
  try {
    const session = new load.addon.Win32Session();
    session.info(); // a desktop the process cannot see (a service session) says so now, not at the first sample
    return { ok: true, win32: { platform: 'win32', addon: load.addon, session, display: 'the Windows desktop' } };
  } catch (error) {
    return { ok: false, error: toNativeX11Error(error) };
  }
}
