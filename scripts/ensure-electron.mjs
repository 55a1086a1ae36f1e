// Makes sure the Electron binary is there before `npm start` / `npm run dist` use it, fetching it with electron's own
// installer when it is missing. package.json's allowScripts keeps npm from running that installer at `npm ci` (right
// for CI, which cannot download it), so on a freelancer's machine the first `npm start` is where it gets fetched.
//
// Where the binary is: electron's own index.js answers (node_modules/electron/path.txt + dist/, or
// ELECTRON_OVERRIDE_DIST_PATH), asked in a fresh node each time so the answer after installing is not a cached one.
// When the installer fails (offline, a proxy, ELECTRON_SKIP_BINARY_DOWNLOAD) this prints ONE line saying what to do,
// never a stack, and exits 1. Exit 0: the binary is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const { version } = require('electron/package.json');

/** The binary's path as electron's index.js resolves it, or null when that throws or names no file. */
function installedBinary() {
  const asked = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8' });
  const path = asked.status === 0 ? asked.stdout : '';
  return path && existsSync(path) ? path : null;
}

/** The installer's reason in a few words: the first line of its output that is not a stack frame. */
function reasonOf(output) {
  const line = output.split('\n').map((text) => text.trim()).find((text) => text && !text.startsWith('at '));
  return line ? line.slice(0, 200) : 'no reason given';
}

if (installedBinary() === null) {
  process.stdout.write('worktrace: fetching the Electron binary (once) with electron\'s installer...\n');
  const install = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8' });
  if (installedBinary() === null) {
    const reason = install.status === 0 ? 'the installer downloaded nothing (is ELECTRON_SKIP_BINARY_DOWNLOAD set?)' : reasonOf(`${install.stderr}\n${install.stdout}`);
    process.stderr.write(
      `worktrace: the Electron ${version} binary is missing and could not be fetched (${reason}); connect to the internet and run it again, or set ELECTRON_OVERRIDE_DIST_PATH to a directory holding it\n`,
    );
    process.exit(1);
  }
}
