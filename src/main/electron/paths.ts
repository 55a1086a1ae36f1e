import { join } from 'node:path';

/**
 * Where the built renderer and preload sit relative to dist/main/electron: the page tsc + esbuild write, and the ONE
 * bundled preload file (scripts/build-renderer.mjs) that Electron's sandbox can load. Kept free of Electron so the
 * preload test can name the very file the shell loads.
 */
export function builtPaths(here: string): { rendererIndex: string; preloadPath: string } {
  return { rendererIndex: join(here, '../../renderer/index.html'), preloadPath: join(here, '../../preload/preload.cjs') };
}
