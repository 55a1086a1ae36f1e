import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';

/** The operator's data directory: the flag, else WORKTRACE_SERVER_DATA_DIR, else the OS's usual place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORKTRACE_SERVER_DATA_DIR) return resolve(env.WORKTRACE_SERVER_DATA_DIR);
  switch (platform()) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'worktrace-server');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'worktrace-server');
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'worktrace-server');
  }
}

export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  readonly code = 'DATA_DIR_UNUSABLE';
}

/** Creates the directory (0700) if needed and checks that the server can write there. */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    accessSync(path, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw new DataDirError(`cannot use data directory ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): pass a writable --data-dir`);
  }
  return path;
}
