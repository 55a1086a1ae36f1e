import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the compiled client modules live: `<server package>/dist/dashboard-client`. The server runs
 * both from source (vitest, tsx: server/src/dashboard) and from its build (server/dist/server/src/
 * dashboard), so the package root is found by walking up to its package.json rather than by a fixed
 * number of `..`.
 */
export function defaultClientDir(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@worktrace/server') {
      return join(dir, 'dist', 'dashboard-client');
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the @worktrace/server package root was not found above the dashboard module');
    dir = parent;
  }
}

/** Module names the page may ask for: lower-case path segments ending in .js, never `..`. */
const MODULE_PATH = /^(?:[a-z0-9-]+\/)*[a-z0-9-]+\.js$/;

/**
 * Reads one compiled client module, or undefined when the name is not a module path or the file is
 * not there. The resolved path is checked to stay inside the client directory.
 */
export function readClientModule(clientDir: string, name: string): Buffer | undefined {
  if (!MODULE_PATH.test(name)) return undefined;
  const root = resolve(clientDir);
  const file = resolve(root, name);
  if (!file.startsWith(root + sep)) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
