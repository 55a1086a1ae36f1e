import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../../native/scripts/install.mjs', import.meta.url));

describe('native/scripts/install.mjs (npm install hook)', () => {
  it('never fails an install: skipping the build prints one warning and exits 0', () => {
    const run = spawnSync(process.execPath, [script], { env: { ...process.env, WORKTRACE_SKIP_NATIVE: '1' }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([
      'worktrace: native X11 addon not built (WORKTRACE_SKIP_NATIVE=1); the agent will use the npm backends.',
    ]);
  });

  it('an explicit rebuild that is skipped says so with a failing status', () => {
    const run = spawnSync(process.execPath, [script, '--force'], { env: { ...process.env, WORKTRACE_SKIP_NATIVE: '1' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
  });
});
