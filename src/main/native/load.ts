import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { X11Addon } from './binding.js';

/**
 * Loads the native X11 addon with node-gyp-build (prebuilds first, then native/build). Never throws:
 * where the addon cannot load, the answer says why, and the agent uses the npm backends instead.
 */
export type AddonLoad =
  | { readonly status: 'loaded'; readonly addon: X11Addon; readonly path: string }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface LoadOptions {
  readonly platform?: NodeJS.Platform;
  /** The folder holding binding.gyp and build/ (default: native/ of this checkout, or WORKTRACE_NATIVE_DIR). */
  readonly nativeDir?: string;
}

type NodeGypBuild = ((dir: string) => unknown) & { path(dir: string): string };

const require = createRequire(import.meta.url);
const loaded = new Map<string, AddonLoad>();

/** src/main/native and dist/main/native are both three folders below the repository root. */
export function defaultNativeDir(): string {
  return process.env.WORKTRACE_NATIVE_DIR ?? fileURLToPath(new URL('../../../native/', import.meta.url));
}

export function loadX11Addon(options: LoadOptions = {}): AddonLoad {
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux') return { status: 'unavailable', reason: `not built for this platform (${platform})` };
  const dir = options.nativeDir ?? defaultNativeDir();
  const cached = loaded.get(dir);
  if (cached) return cached;
  const result = tryLoad(dir);
  loaded.set(dir, result);
  return result;
}

function tryLoad(dir: string): AddonLoad {
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
    return { status: 'unavailable', reason: 'native addon not built (npm run build:native; needs the X11 -dev packages)' };
  }
  try {
    const addon = require(path) as Partial<X11Addon>;
    if (typeof addon.X11Session !== 'function' || typeof addon.InputRecorder !== 'function') {
      return { status: 'unavailable', reason: `${path} is not the Worktrace X11 addon` };
    }
    return { status: 'loaded', addon: addon as X11Addon, path };
  } catch (error) {
    // e.g. libXss.so.1 missing at run time, or an addon built for another Node ABI.
    return { status: 'unavailable', reason: `native addon failed to load: ${firstLine(error)}` };
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
