import type { X11Addon, X11Session } from './binding.js';
import { NativeX11Error, toNativeX11Error } from './errors.js';
import { loadX11Addon, type AddonLoad } from './load.js';

/** The addon plus one open X connection: what the native sensor backends are built from. */
export interface NativeX11 {
  readonly platform: 'x11';
  readonly addon: X11Addon;
  readonly session: X11Session;
  /** The display name the session opened (":0"); the input recorder opens its own connections to it. */
  readonly display: string;
}

export type NativeX11Open =
  | { readonly ok: true; readonly x11: NativeX11 }
  | { readonly ok: false; readonly error: NativeX11Error };

export interface OpenOptions {
  /** X display name; default $DISPLAY. */
  readonly display?: string;
  /** Injected for tests; default loadX11Addon(). */
  readonly load?: () => AddonLoad;
}

/** Loads the addon and opens an X connection. Never throws: a failure comes back with its code. */
export function openNativeX11(options: OpenOptions = {}): NativeX11Open {
  const load = (options.load ?? loadX11Addon)();
  if (load.status === 'unavailable') {
    return { ok: false, error: new NativeX11Error('ERR_NATIVE_UNAVAILABLE', `native X11 addon unavailable: ${load.reason}`) };
  }
  try {
    const session = new load.addon.X11Session(options.display);
    return { ok: true, x11: { platform: 'x11', addon: load.addon, session, display: session.info().display } };
  } catch (error) {
    return { ok: false, error: toNativeX11Error(error) };
  }
}
