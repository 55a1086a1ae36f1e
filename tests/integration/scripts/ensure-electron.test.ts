import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/built.js';

const SCRIPT = join(ROOT, 'scripts/ensure-electron.mjs');

/** A loopback port that nothing listens on: the installer's download is refused at once, as offline. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function ensure(env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `npm start` and `npm run dist` fetch the Electron binary when it is missing (npm ci does not: allowScripts), with
 * electron's own installer, and say in one line why when they cannot. The binary is found the way electron's index.js
 * finds it; ELECTRON_OVERRIDE_DIST_PATH points that at a stand-in here, so node_modules is never touched.
 */
describe('scripts/ensure-electron.mjs', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-electron-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs first in npm start and npm run dist', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toMatch(/^node scripts\/ensure-electron\.mjs && .*\belectron \.$/);
    expect(scripts.dist).toMatch(/^node scripts\/ensure-electron\.mjs && .*\belectron-builder\b/);
  });

  it('does nothing when the binary is there (no download is tried)', async () => {
    const dist = tempDir();
    writeFileSync(join(dist, 'electron'), '#!/bin/sh\n'); // index.js's name for it when path.txt is absent
    chmodSync(join(dist, 'electron'), 0o755);
    // Were the installer run, this mirror would refuse it and the script would fail.
    const result = ensure({ ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/` });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('runs electron\'s installer when it is missing, and says in one line (no stack) that the download failed', async () => {
    const dist = tempDir();
    const result = ensure({ ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`, electron_config_cache: tempDir() });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("fetching the Electron binary (once) with electron's installer");
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^worktrace: the Electron \d+\.\d+\.\d+ binary is missing and could not be fetched \(.*ECONNREFUSED.*\); connect to the internet and run it again/);
    expect(readdirSync(dist)).toEqual([]);
  });

  it('says so when the installer was told to skip the download', () => {
    const result = ensure({ ELECTRON_OVERRIDE_DIST_PATH: tempDir(), ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining('the installer downloaded nothing (is ELECTRON_SKIP_BINARY_DOWNLOAD set?)')]);
  });
});
