#!/usr/bin/env node
/* global process, console -- a Node script; the lint config declares no globals for .mjs */
// Cross-builds the Windows addon (native/src/win + the shared encoder) with MinGW-w64 on Linux, into
// native/prebuilds/win32-x64/, so that a freelancer's `npm ci` on Windows needs no compiler.
//
//   node native/scripts/build-win32.mjs [--out DIR]     (npm run build:native:win32)
//
// The sources and defines are binding.gyp's OS=='win' section (one list for MSVC and MinGW). What MinGW needs
// on top, and why:
// - the posix-thread compiler (x86_64-w64-mingw32-g++-posix): the win32-thread one has no std::thread/mutex;
// - an import library for the napi_* functions, made from node-api-headers' def file, delay-loaded, plus
//   src/win/host_hook.cc, so the addon binds to whichever executable hosts it (node.exe or Electron's);
// - -static: libstdc++, libgcc and winpthread linked in, so the addon needs no DLL that Windows lacks;
// - --no-insert-timestamp and -s: the same sources give the same bytes, so CI can check the committed prebuild.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(nativeDir, '..', 'package.json'));

export const COMPILER = 'x86_64-w64-mingw32-g++-posix';
export const DLLTOOL = 'x86_64-w64-mingw32-dlltool';
export const PREBUILD_NAME = 'worktrace_win32.napi.node';

/** binding.gyp is a Python literal: drop its `#` comments (none sits inside a string there) and read it as JSON. */
export function readBindingGyp(file = join(nativeDir, 'binding.gyp')) {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^((?:[^"#]|"[^"]*")*)#.*$/, '$1'))
    .join('\n');
  return JSON.parse(text);
}

/** The Windows build as binding.gyp describes it: sources, defines and system libraries. */
export function windowsBuild(gyp = readBindingGyp()) {
  const target = gyp.targets[0];
  const section = target.conditions.find(([condition]) => condition === "OS=='win'")?.[1];
  if (!section) throw new Error("binding.gyp has no OS=='win' section");
  return {
    sources: section.sources,
    defines: [...target.defines, ...section.defines],
    libraries: section.libraries.map((lib) => `-l${lib.replace(/\.lib$/, '')}`),
  };
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw new Error(`${command}: ${result.error.message} (apt-get install g++-mingw-w64-x86-64-posix)`);
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status})`);
}

function runAsync(command, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message} (apt-get install g++-mingw-w64-x86-64-posix)`)));
    child.once('exit', (code) => (code === 0 ? resolveRun() : reject(new Error(`${command} failed (exit ${code})`))));
  });
}

/** Compiles each source to an object file, as many at once as there are cores, then links. */
export async function buildWin32(outDir = join(nativeDir, 'prebuilds', 'win32-x64')) {
  const build = windowsBuild();
  const headers = dirname(require.resolve('node-api-headers/package.json'));
  const addonApi = require('node-addon-api').include_dir;
  const scratch = mkdtempSync(join(tmpdir(), 'worktrace-win32-'));
  try {
    const importLib = join(scratch, 'libnode_api_delay.a');
    run(DLLTOOL, ['--input-def', join(headers, 'def', 'node_api.def'), '--output-delaylib', importLib, '--dllname', 'node.exe']);
    const flags = [
      '-std=c++17', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-cast-function-type',
      // Paths of this checkout must not end up in the binary: the build is compared byte for byte.
      `-ffile-prefix-map=${resolve(nativeDir, '..')}=.`,
      ...build.defines.map((d) => `-D${d}`),
      `-I${join(headers, 'include')}`, `-I${addonApi}`,
    ];
    const sources = [...build.sources, 'src/win/host_hook.cc'];
    const objects = sources.map((source, i) => join(scratch, `${i}.o`));
    const pending = sources.map((source, i) => () => runAsync(COMPILER, [...flags, '-c', join(nativeDir, source), '-o', objects[i]]));
    const worker = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) await next();
    };
    await Promise.all(Array.from({ length: Math.min(availableParallelism(), sources.length) }, worker));
    mkdirSync(outDir, { recursive: true });
    const output = join(outDir, PREBUILD_NAME);
    run(COMPILER, [
      '-shared', '-static', '-s', ...objects, importLib, ...build.libraries, '-luuid',
      // No time stamp and a fixed image base (ld derives one from the output's name otherwise): same bytes each build.
      '-Wl,--no-insert-timestamp', '-Wl,--disable-auto-image-base',
      '-o', output,
    ]);
    return output;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const outDir = at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined;
  try {
    console.log(`worktrace: built ${await buildWin32(outDir)}`);
  } catch (error) {
    console.error(`worktrace: Windows addon not built: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
