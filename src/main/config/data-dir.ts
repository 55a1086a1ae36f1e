import { mkdirSync } from 'node:fs';
import envPaths from 'env-paths';

/**
 * Where the agent keeps its database and key: --data-dir, else WORKTRACE_DATA_DIR, else the OS's user data
 * directory (~/.local/share/worktrace, ~/Library/Application Support/worktrace, %LOCALAPPDATA%\worktrace\Data).
 *
 * The OS default is created on first use (private to the user). A directory the person named is never created:
 * a typo must not silently start a second, empty history somewhere else.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  if (env.WORKTRACE_DATA_DIR) return env.WORKTRACE_DATA_DIR;
  const dir = envPaths('worktrace', { suffix: '' }).data;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
