import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Win32Addon, X11Addon } from './binding.js';

/**
 * Loads the native addon with node-gyp-build (native/build first, then prebuilds/<platform>-<arch>, where
 * win32-x64 ships prebuilt). Never throws: where the addon cannot load, the answer says why, and the agent
 * uses the npm backends instead.
 */
export type AddonLoad<Addon = X11Addon> =
  | { readonly status: 'loaded'; readonly addon: Addon; readonly path: string }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface LoadOptions {
  readonly platform?: NodeJS.Platform;
  /** The folder holding binding.gyp, build/ and prebuilds/ (default: native/ of this checkout, or WORKTRACE_NATIVE_DIR). */
  readonly nativeDir?: string;
}

type NodeGypBuild = ((dir: string) => unknown) & { path(dir: string): string };

const require = createRequire(import.meta.url);
const loaded = new Map<string, AddonLoad<unknown>>();

/** src/main/native and dist/main/native are both three folders below the repository root. */
export function defaultNativeDir(): string {
  return process.env.WORKTRACE_NATIVE_DIR ?? fileURLToPath(new URL('../../../native/', import.meta.url));
}

/** The X11 core (Linux). */
export function loadX11Addon(options: LoadOptions = {}): AddonLoad<X11Addon> {
  const notBuilt = 'native addon not built (npm run build:native; needs the X11 -dev packages)';
  return loadFor(options, 'linux', { what: 'the Worktrace X11 addon', notBuilt }, (addon) => {
    const x11 = addon as Partial<X11Addon>;
    return typeof x11.X11Session === 'function' && typeof x11.InputRecorder === 'function';
  });
}

/** The Windows core (native/src/win). */
export function loadWin32Addon(options: LoadOptions = {}): AddonLoad<Win32Addon> {
  const notBuilt = 'native addon not built: no prebuilds/win32-x64 and no local build (npm run build:native needs Visual Studio C++)';
  return loadFor(options, 'win32', { what: 'the Worktrace Windows addon', notBuilt }, (addon) => {
    const win32 = addon as Partial<Win32Addon>;
    return win32.platform === 'win32' && typeof win32.Win32Session === 'function' && typeof win32.InputRecorder === 'function';
  });
}

function loadFor<Addon>(
  options: LoadOptions,
  expected: NodeJS.Platform,
  words: AddonWords,
  fits: (addon: unknown) => boolean,
): AddonLoad<Addon> {
  const platform = options.platform ?? process.platform;
  if (platform !== expected) return { status: 'unavailable', reason: `not built for this platform (${platform})` };
  const dir = options.nativeDir ?? defaultNativeDir();
  const key = `${expected}:${dir}`;
  const cached = loaded.get(key) as AddonLoad<Addon> | undefined;
  if (cached) return cached;
  const result = tryLoad<Addon>(dir, words, fits);
  loaded.set(key, result);
  return result;
}

/** What the answer calls the addon, and how to get one when there is none. */
interface AddonWords {
  readonly what: string;
  readonly notBuilt: string;
}

function tryLoad<Addon>(dir: string, words: AddonWords, fits: (addon: unknown) => boolean): AddonLoad<Addon> {
  if (!existsSync(dir)) return { status: 'unavailable', reason: `native addon folder missing: ${dir}` };
  let nodeGypBuild: NodeGypBuild;
  try {
    nodeGypBuild = require('node-gyp-build') as NodeGypBuild;
  } catch (error) {
    return { status: 'unavailable', reason: `node-gyp-build is not installed (${firstLine(error)})` };
  }
  let path: string;
  try {
    path = nodeGypBuild.path(dir);
  } catch {
    return { status: 'unavailable', reason: words.notBuilt };
  }
  try {
    const addon: unknown = require(path);
    if (!fits(addon)) return { status: 'unavailable', reason: `${path} is not ${words.what}` };
    return { status: 'loaded', addon: addon as Addon, path };
  } catch (error) {
    // e.g. libXss.so.1 missing at run time, or an addon built for another Node ABI or platform.
    return { status: 'unavailable', reason: `native addon failed to load: ${firstLine(error)}` };
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
