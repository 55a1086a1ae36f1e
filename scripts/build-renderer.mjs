// Builds the renderer (a web page, no Node) into dist/renderer: one ES module bundle plus the page and its styles.
// tsc -b type-checks src/renderer; esbuild does the bundling because the page must load as one local file.
import { build } from 'esbuild';
import process from 'node:process';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/renderer');
const out = join(root, 'dist/renderer');

await mkdir(out, { recursive: true });
await build({
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
});
await Promise.all(['index.html', 'styles.css'].map((file) => copyFile(join(source, file), join(out, file))));
process.stdout.write(`renderer built into ${out}\n`);
