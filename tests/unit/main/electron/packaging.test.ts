import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher.js';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import { MacTargetHelper } from 'app-builder-lib/out/mac/MacTargetHelper.js';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../../../../src/main/electron/app-id.js';
import { builtPaths } from '../../../../src/main/electron/paths.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const identity = (pattern: string): string => pattern;

/**
 * electron-builder's own reading of electron-builder.yml, checked against its own schema (a misspelt key fails). Read
 * once for the file: compiling the schema takes seconds on a loaded machine.
 */
let reading: Promise<Configuration> | null = null;
function builderConfig(): Promise<Configuration> {
  reading ??= (async () => {
    const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
    await validateConfiguration(config, new DebugLogger(false));
    return config;
  })();
  return reading;
}
const READ_TIMEOUT_MS = 60_000;

/** Files under `dir`, absolute. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** The package directories of the app's runtime dependencies (what electron-builder copies into the app). */
function runtimeDependencyDirs(): string[] {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable', '--workspaces=false'], { cwd: ROOT, encoding: 'utf8' });
  return listed.stdout.split('\n').filter((dir) => dir.startsWith(join(ROOT, 'node_modules') + '/'));
}

/**
 * Machine code the OS loads from a real file: shared libraries, addons, executables (by name or by magic bytes).
 * Object files and static libraries left over from a native build are machine code too, but nothing loads them.
 */
function isMachineCode(file: string): boolean {
  if (/\.(?:node|so|dll|dylib|exe)$|\.so\.\d/.test(file)) return true;
  if (/\.(?:o|a|obj|lib)$/.test(file)) return false;
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  const read = readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if (read < 4) return false;
  const magic = head.readUInt32BE(0);
  return magic === 0x7f454c46 /* ELF */ || [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic) || head.subarray(0, 2).toString('latin1') === 'MZ';
}

/** What the shell loads must be what the package holds: the bundled preload, the page, the worker inside the asar. */
describe('electron-builder.yml packs what the shell loads, and locks the binary down', () => {
  let config: Configuration;
  beforeAll(async () => {
    config = await builderConfig();
  }, READ_TIMEOUT_MS);
  const paths = builtPaths(join(ROOT, 'dist/main/electron'));

  it('names the one bundled preload file the window loads, and the page', () => {
    const files = (config.files as { filter: string[] }[]).flatMap((set) => set.filter);
    expect(relative(ROOT, paths.preloadPath)).toBe('dist/preload/preload.cjs');
    expect(files).toContain('dist/preload/preload.cjs');
    expect(files).toContain('dist/renderer/**');
    expect(relative(ROOT, paths.rendererIndex)).toBe('dist/renderer/index.html');
  });

  it('flips the fuses: no run-as-node, no NODE_OPTIONS, no --inspect, the app only from its asar, whose integrity is checked', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('keeps every script in the asar (the input worker too) and unpacks only machine code', () => {
    // electron-builder's own matcher, as it decides per file; smartUnpack off, or it would unpack a whole package
    // (its scripts too) for one binary inside it.
    expect(config.asar).toEqual({ smartUnpack: false });
    const unpacked = new FileMatcher(ROOT, '/', identity, config.asarUnpack as string[]).createFilter();
    const isUnpacked = (file: string): boolean => unpacked(file, { isDirectory: () => false } as never) === true;
    const packed = new FileMatcher(ROOT, '/', identity, (config.files as { filter: string[] }[]).flatMap((set) => set.filter)).createFilter();
    const appFiles = [...filesUnder(join(ROOT, 'dist')), ...filesUnder(join(ROOT, 'native/build/Release'))].filter((file) => packed(file, { isDirectory: () => false } as never));
    const dependencyFiles = runtimeDependencyDirs().flatMap((dir) => filesUnder(dir).filter((file) => !relative(dir, file).includes('node_modules/')));
    expect(dependencyFiles.length).toBeGreaterThan(1000);

    const worker = join(ROOT, 'dist/main/sensors/input/uiohook-worker.js');
    expect(appFiles).toContain(worker);
    expect(isUnpacked(worker)).toBe(false);
    const scripts = [...appFiles, ...dependencyFiles].filter((file) => /\.(?:c|m)?js$/.test(file));
    expect(scripts.filter(isUnpacked).map((file) => relative(ROOT, file))).toEqual([]);

    const machineCode = [...appFiles, ...dependencyFiles].filter(isMachineCode);
    expect(machineCode.map((file) => relative(ROOT, file))).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/build/Release/better_sqlite3.node', 'node_modules/uiohook-napi/prebuilds/linux-x64/uiohook-napi.node', 'node_modules/active-win/main']),
    );
    expect(machineCode.filter((file) => !isUnpacked(file)).map((file) => relative(ROOT, file))).toEqual([]);
    expect(existsSync(join(ROOT, 'native/build/Release'))).toBe(true);
  });
});

describe('electron-builder.yml: what each OS gets', () => {
  let config: Configuration;
  beforeAll(async () => {
    config = await builderConfig();
  }, READ_TIMEOUT_MS);

  it('the schema check is strict: a misspelt option is refused (so passing it means something)', async () => {
    const misspelt = { ...config, mac: { ...config.mac, hardenedRuntim: true } } as Configuration;
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object[\s\S]*configuration\.mac/,
    );
  });

  it('macOS: hardened runtime, entitlements without a sandbox, the usage strings, notarization', () => {
    const mac = config.mac!;
    expect(mac).toMatchObject({ target: 'dmg', hardenedRuntime: true, notarize: true });
    for (const file of [mac.entitlements!, mac.entitlementsInherit!]) {
      const plist = readFileSync(join(ROOT, file), 'utf8');
      expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
      expect(plist).not.toContain('com.apple.security.app-sandbox');
      expect(plist).not.toMatch(/device\.(camera|audio-input)/);
    }
    expect(mac.extendInfo).toMatchObject({ NSScreenCaptureUsageDescription: expect.stringMatching(/screenshots/), NSAppleEventsUsageDescription: expect.stringMatching(/active application/) });
  });

  it('notarization takes its credentials from the build’s environment only, and only whole sets of them', () => {
    expect(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')).not.toMatch(/^\s*(APPLE_[A-Z_]+|appleId|appleIdPassword|teamId)\s*:/m);
    const names = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID', 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER', 'APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    try {
      for (const name of names) delete process.env[name];
      expect(MacTargetHelper.getNotarizeOptions('/x/Worktrace.app')).toBeUndefined(); // electron-builder skips the step, with a warning
      Object.assign(process.env, { APPLE_API_KEY: '/keys/AuthKey.p8', APPLE_API_KEY_ID: 'KEY123', APPLE_API_ISSUER: 'issuer-uuid' });
      expect(MacTargetHelper.getNotarizeOptions('/x/Worktrace.app')).toMatchObject({ tool: 'notarytool', appleApiKeyId: 'KEY123' });
      delete process.env.APPLE_API_ISSUER;
      expect(() => MacTargetHelper.getNotarizeOptions('/x/Worktrace.app')).toThrow(/APPLE_API_ISSUER/);
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('Windows: an NSIS installer per user, under the app id the app also sets at start', () => {
    expect(config.win?.target).toBe('nsis');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false });
    expect(config.appId).toBe(APP_USER_MODEL_ID);
  });

  it('Linux: AppImage and deb, a fixed command for the autostart entry, gdbus for the lock watch, no screenshot-desktop', () => {
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], executableName: 'worktrace' });
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3', 'libsecret-1-0', 'libglib2.0-bin']));
    expect(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')).not.toContain('screenshot-desktop');
  });
});
