import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, parse } from 'es-module-lexer';

/**
 * What `npm run build` leaves behind, as the tests that run the built bins see it: where each package's bin and the
 * app's main entry are (read from the package.json files a person's `npm` reads), and whether the build is complete
 * and newer than its sources. A test of a built file is only worth something when the file is the current one.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface PackageJson {
  readonly bin?: Record<string, string>;
  readonly main?: string;
}

function packageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The absolute path of a bin as package.json declares it (`worktrace` at the root, `worktrace-server` in server/). */
export function binPath(packageDir: '.' | 'server', name: string): string {
  const bin = packageJson(packageDir).bin?.[name];
  if (!bin) throw new Error(`${join(packageDir, 'package.json')} declares no bin "${name}"`);
  return join(ROOT, packageDir, bin);
}

/** The desktop app's entry, package.json "main" (what Electron and electron-builder load). */
export function appMainPath(): string {
  const main = packageJson('.').main;
  if (!main) throw new Error('package.json has no "main"');
  return join(ROOT, main);
}

/** The built trees a person runs: the agent (dist/) and the server package (server/dist/). */
export const BUILT_TREES = ['dist', 'server/dist'] as const;

/**
 * The tsc projects that `tsc -b` would build again because a source changed since their outputs were written. Asks
 * tsc itself (`--dry`), so "stale" means what the build means by it; a project whose sources were only touched
 * (tsc would just update timestamps) is current.
 */
export function staleProjects(): string[] {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', '--dry'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`tsc -b --dry failed: ${result.stdout}${result.stderr}`);
  return [...result.stdout.matchAll(/A non-dry build would build project '([^']+)'/g)].map((m) => m[1]!);
}

/** Newest modification time of the files under `dir` (0 when there is none). */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** What scripts/build-renderer.mjs writes (esbuild, outside tsc -b): the page, its bundle and the one preload file. */
export const RENDERER_OUTPUTS = ['dist/renderer/app.js', 'dist/renderer/index.html', 'dist/renderer/styles.css', 'dist/preload/preload.cjs'] as const;

/** The built page and preload are at least as new as every source they are built from. */
export function rendererIsFresh(): boolean {
  const built = RENDERER_OUTPUTS.map((file) => join(ROOT, file));
  if (!built.every((file) => existsSync(file))) return false;
  const sources = Math.max(...['src/renderer', 'src/preload', 'src/shared'].map((dir) => newestMtime(join(ROOT, dir))));
  return Math.min(...built.map((file) => statSync(file).mtimeMs)) >= sources;
}

/** Every .js/.mjs/.cjs file under `dir`, source maps and declarations aside. */
function builtModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(?:c|m)?js$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A `require('./x.js')` in a CommonJS file (es-module-lexer reads ES module syntax only). */
const RELATIVE_REQUIRE = /\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/**
 * The relative imports in the built files under `dir` that name no file: static and dynamic `import`, `export ...
 * from` and CommonJS `require`. Node resolves these exactly (no extension guessing in ES modules), so one missing
 * file is a bin that dies with ERR_MODULE_NOT_FOUND on first use.
 */
export async function unresolvedRelativeImports(dir: string): Promise<string[]> {
  await init;
  const missing: string[] = [];
  for (const file of builtModules(dir)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = file.endsWith('.cjs')
      ? [...text.matchAll(RELATIVE_REQUIRE)].map((m) => m[1]!)
      : parse(text)[0].map((entry) => entry.n).filter((name): name is string => name !== undefined && /^\.{1,2}\//.test(name));
    for (const specifier of specifiers) {
      if (!existsSync(resolve(dirname(file), specifier))) missing.push(`${file.slice(ROOT.length)} imports ${specifier}`);
    }
  }
  return missing;
}
