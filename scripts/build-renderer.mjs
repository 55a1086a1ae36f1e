// Builds what the app's window loads into dist/: the renderer (a web page, no Node) as one ES module bundle plus the
// page and its styles, and the preload as ONE CommonJS file. tsc -b only type-checks both; esbuild bundles because
// the page must load as one local file and Electron's sandboxed preload may require('electron') and nothing else —
// a preload that required ../shared/*.js would fail there.
import { build } from 'esbuild';
import process from 'node:process';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/renderer');
const out = join(root, 'dist/renderer');
/** The shell's webPreferences.preload (src/main/electron/shell.ts builtPaths) and electron-builder.yml name it. */
const preloadOut = join(root, 'dist/preload/preload.cjs');

await mkdir(out, { recursive: true });
await Promise.all([
  build({
    entryPoints: [join(source, 'main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    minify: process.env.NODE_ENV === 'production',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(root, 'src/preload/preload.cts')],
    outfile: preloadOut,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20', 'chrome120'],
    // Provided by Electron in the sandbox; everything else the preload uses is bundled in (or the build fails).
    external: ['electron'],
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  }),
]);
await Promise.all(['index.html', 'styles.css'].map((file) => copyFile(join(source, file), join(out, file))));
process.stdout.write(`renderer built into ${out}, preload into ${preloadOut}\n`);
