import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog } from 'electron';
import { builtPaths, startShell } from './shell.js';

// The desktop app's entry (package.json "main"). `npm start` builds and runs it under the Electron binary.
const here = dirname(fileURLToPath(import.meta.url));
startShell(builtPaths(here)).catch((error: unknown) => {
  // A store that cannot open (a damaged or newer database, a read-only disk) says so in a box, then the app ends;
  // nothing on disk is touched.
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('Worktrace could not start', message);
  app.exit(1);
});
