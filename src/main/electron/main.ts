import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtPaths, startShell } from './shell.js';

// The desktop app's entry (package.json "main"). `npm start` builds and runs it under the Electron binary.
const here = dirname(fileURLToPath(import.meta.url));
startShell(builtPaths(here)).catch((error: unknown) => {
  console.error('Worktrace could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
