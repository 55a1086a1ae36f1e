import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appMainPath, binPath, BUILT_TREES, RENDERER_OUTPUTS, rendererIsFresh, ROOT, staleProjects, unresolvedRelativeImports } from '../../support/built.js';

/**
 * The other tests in this folder run the built bins; this one says why, when they cannot: `npm run build` has not
 * run since a source changed, or the build left a module out (as the server's build once left out src/shared, so
 * that `worktrace-server` died with ERR_MODULE_NOT_FOUND on a fresh clone while every test of the source passed).
 */
describe('the build in dist/ and server/dist/', () => {
  it('has every entry point a person or a package runs', () => {
    const entries = [binPath('.', 'worktrace'), binPath('server', 'worktrace-server'), appMainPath(), ...RENDERER_OUTPUTS.map((file) => join(ROOT, file))];
    expect(entries.filter((file) => !existsSync(file)), 'run `npm run build`').toEqual([]);
  });

  it('is newer than its sources (tsc -b --dry would build nothing, the page bundle is current)', () => {
    expect(staleProjects(), 'dist is stale: run `npm run build`').toEqual([]);
    expect(rendererIsFresh(), 'dist/renderer or dist/preload is older than its sources: run `npm run build`').toBe(true);
  });

  it.each(BUILT_TREES)('%s: every relative import of every built module names a file that is there', async (tree) => {
    expect(await unresolvedRelativeImports(join(ROOT, tree))).toEqual([]);
  });
});
