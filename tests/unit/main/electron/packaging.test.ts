import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtPaths } from '../../../../src/main/electron/paths.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The entries of a top-level list in electron-builder.yml ("files:", "asarUnpack:"), quotes removed. */
function listOf(yaml: string, key: string): string[] {
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => line === `${key}:`);
  if (start < 0) throw new Error(`electron-builder.yml has no ${key}`);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*#/.test(line)) continue;
    const item = /^\s+-\s+(.*)$/.exec(line);
    if (!item) break;
    items.push(item[1]!.replace(/^["']|["']$/g, ''));
  }
  return items;
}

/** What the shell loads must be what the package holds: the bundled preload, the page, the worker outside the asar. */
describe('electron-builder.yml packs what the shell loads', () => {
  const yaml = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  const paths = builtPaths(join(ROOT, 'dist/main/electron'));

  it('names the one bundled preload file the window loads, and the page', () => {
    const files = listOf(yaml, 'files');
    expect(relative(ROOT, paths.preloadPath)).toBe('dist/preload/preload.cjs');
    expect(files).toContain('dist/preload/preload.cjs');
    expect(files).toContain('dist/renderer/**');
    expect(relative(ROOT, paths.rendererIndex)).toBe('dist/renderer/index.html');
  });

  it('keeps the input worker and the native modules outside the asar', () => {
    const unpacked = listOf(yaml, 'asarUnpack');
    expect(unpacked).toEqual(expect.arrayContaining(['dist/main/sensors/input/**', 'node_modules/uiohook-napi/**', 'node_modules/better-sqlite3/**']));
  });
});
