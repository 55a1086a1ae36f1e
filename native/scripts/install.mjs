#!/usr/bin/env node
/* global process, console -- a Node script; the lint config declares no globals for .mjs */
// Builds the native addon at `npm install` time, and never fails the install. On Windows the prebuilt
// prebuilds/win32-x64 binary (native/scripts/build-win32.mjs) is used as it is: no compiler needed.
//
//   node native/scripts/install.mjs           use a prebuild or an existing build, else compile (npm install)
//   node native/scripts/install.mjs --force   always recompile (npm run build:native)
//
// When the addon cannot be built (not Linux or Windows, no X11 or libjpeg headers, no compiler) this prints one warning and
// exits 0: the agent then uses the npm backends (uiohook-napi, active-win, screenshot-desktop) and
// `worktrace status` says so. WORKTRACE_SKIP_NATIVE=1 skips the build altogether.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(nativeDir, '..', 'package.json'));
const force = process.argv.includes('--force');
const windows = process.platform === 'win32';
const addonName = windows ? 'Windows' : 'X11';

// An install must never fail because of the addon; an explicit rebuild (--force) should say it failed.
function warn(reason) {
  console.warn(`worktrace: native ${addonName} addon not built (${reason}); the agent will use the npm backends.`);
  process.exit(force ? 1 : 0);
}

if (process.env.WORKTRACE_SKIP_NATIVE === '1') warn('WORKTRACE_SKIP_NATIVE=1');
if (process.platform !== 'linux' && !windows) warn(`not built for this platform: ${process.platform}`);

if (!force) {
  try {
    // Prebuilds first, then a previous local build: nothing to compile when either loads.
    const addon = require('node-gyp-build')(nativeDir);
    // abiVersion 2 added the JPEG encoder, 3 (X11) the redaction of private windows: an older build is rebuilt rather than used.
    const session = windows ? addon.Win32Session : addon.X11Session;
    if (typeof session === 'function' && addon.abiVersion >= (windows ? 2 : 3)) process.exit(0);
  } catch {
    // nothing usable yet: build below
  }
}

// Windows has its headers with the compiler (Visual Studio's C++ tools, which node-gyp finds itself).
const headers = windows ? [] : ['X11/Xlib.h', 'X11/extensions/XShm.h', 'X11/extensions/record.h', 'X11/extensions/Xrandr.h', 'X11/extensions/scrnsaver.h', 'X11/Xlib-xcb.h', 'jpeglib.h'];
// Only a hint for the warning: headers may live elsewhere (CPATH, Nix, /usr/local), so build anyway.
const missing = headers.filter((h) => !existsSync(join('/usr/include', h)));
const headerHint = `headers not found (${missing.join(', ')}): apt-get install libx11-dev libx11-xcb-dev libxext-dev libxtst-dev libxrandr-dev libxss-dev libjpeg-dev`;

// npm hands its own node-gyp to scripts; outside npm use the project's copy.
let nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp || !existsSync(nodeGyp)) {
  try {
    nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    warn('node-gyp not found');
  }
}

const args = [nodeGyp, 'rebuild'];
// Build against the headers of the running Node when they are installed next to it (no download).
const prefix = resolve(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n');
  // The compiler's own message ("fatal error: jpeglib.h: No such file or directory") first: a bare /error/
  // also matches the object file x_errors.o in make's progress lines.
  const compilerErrors = output.filter((l) => /error:/i.test(l));
  const lines = compilerErrors.length > 0 ? compilerErrors : output.filter((l) => /error/i.test(l));
  if (force) console.error(lines.slice(0, 20).join('\n'));
  warn(missing.length > 0 ? headerHint : `node-gyp failed${lines[0] ? `: ${lines[0].trim()}` : ''}`);
}
console.log(`worktrace: native ${addonName} addon built`);
