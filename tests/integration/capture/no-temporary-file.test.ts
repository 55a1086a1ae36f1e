import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DIST = fileURLToPath(new URL('../../../dist/main/electron/desktop-capturer.js', import.meta.url));

/**
 * Runs a fixture in a child that may not write a byte to any file: `ulimit -f 0` makes any write that grows a file
 * fail (EFBIG, and SIGXFSZ where it is not ignored), and HOME, TMPDIR and the working directory are an empty folder
 * that must still be empty afterwards (an empty file created there would show).
 */
function withoutFiles(script: string, env: Record<string, string>, limit = true): { run: SpawnSyncReturns<string>; leftovers: string[] } {
  const empty = mkdtempSync(join(tmpdir(), 'worktrace-no-files-'));
  try {
    const command = `${limit ? 'ulimit -f 0 && ' : ''}exec "${process.execPath}" "${script}"`;
    const run = spawnSync('sh', ['-c', command], {
      cwd: empty,
      env: { PATH: process.env.PATH ?? '', HOME: empty, TMPDIR: empty, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { run, leftovers: readdirSync(empty) };
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').pop()!) as T;

describe('no screenshot path writes a temporary file', () => {
  let display: TestDisplay;

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`);
    requireTools(['import', 'xrandr']);
    display = await startDisplay({ width: 1280, height: 720 });
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('control: screenshot-desktop (ImageMagick on Linux) fails under the limit, because it writes the picture to a file first', () => {
    const free = withoutFiles(fixture('library-child.mjs'), { DISPLAY: display.display }, false);
    expect(lastJson<{ ok: boolean }>(free.run.stdout), free.run.stderr).toMatchObject({ ok: true });
    const limited = withoutFiles(fixture('library-child.mjs'), { DISPLAY: display.display });
    expect(lastJson<{ ok: boolean; error: string }>(limited.run.stdout)).toMatchObject({ ok: false });
    expect(limited.run.status).toBe(3);
  });

  it('the command-line agent without the native core refuses screenshots on Linux, macOS and Windows: nothing spawned, nothing written', () => {
    const { run, leftovers } = withoutFiles(fixture('refused-child.mjs'), { DISPLAY: display.display });
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const report = lastJson<{ rows: { platform: string; row: { backend: string; status: string; reason: string }; refusal: { code: string; message: string } | null }[]; spawned: number }>(run.stdout);
    expect(report.spawned).toBe(0);
    for (const { platform, row, refusal } of report.rows) {
      expect(row, platform).toMatchObject({ backend: 'none', status: 'unavailable' });
      expect(refusal, platform).toEqual({ code: 'ERR_SENSOR_UNAVAILABLE', message: `screenshots are refused: ${row.reason.split('; native')[0]}` });
    }
    expect(leftovers).toEqual([]);
  });

  it('the app’s desktopCapturer path encodes and encrypts two monitors in memory: no file written', () => {
    const { run, leftovers } = withoutFiles(fixture('desktop-child.mjs'), {});
    expect(run.signal, run.stderr).toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const { shots } = lastJson<{ shots: { width: number; height: number; blurred: boolean; jpeg: boolean }[] }>(run.stdout);
    expect(shots).toEqual([
      { width: 1280, height: 360, blurred: false, jpeg: true },
      { width: 1280, height: 360, blurred: true, jpeg: true },
      { width: 1280, height: 360, blurred: false, jpeg: true },
    ]);
    expect(leftovers).toEqual([]);
  });
});
