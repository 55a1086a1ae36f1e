import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../../../src/shared/ipc/index.js';
import { appMainPath, ROOT } from '../../support/built.js';

const AS_ELECTRON = fileURLToPath(new URL('./fixtures/as-electron.mjs', import.meta.url));

interface Started {
  readonly window: { webPreferences: Record<string, unknown>; loaded: string[]; visible: boolean };
  readonly ipcChannels: string[];
  readonly trayTooltip: string;
}

/**
 * The packaged app's entry (package.json "main") as Electron loads it: the built file under node's own ES module
 * resolver, with only the `electron` module played by tests/support/fake-electron.ts (the binary cannot be had on CI).
 * shell.test.ts covers the shell's wiring from source; this covers that the built entry starts at all.
 */
describe('the built desktop app entry (package.json "main")', () => {
  const userData = mkdtempSync(join(tmpdir(), 'wt-built-app-'));
  afterAll(() => rmSync(userData, { recursive: true, force: true }));

  it('opens its store, builds its window on the built page and preload, and quits cleanly', async () => {
    const main = appMainPath();
    expect(main).toBe(join(ROOT, 'dist/main/electron/main.js'));
    const child = spawn(process.execPath, ['--import', AS_ELECTRON, main], {
      env: { ...process.env, WT_USER_DATA: userData, WORKTRACE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, `stdout: ${out}\nstderr: ${err}`).toBe(0);

    const [started, quit] = out.trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const { window, ipcChannels, trayTooltip } = started as Started;
    expect(window.loaded).toEqual([join(ROOT, 'dist/renderer/index.html')]);
    expect(window.webPreferences).toMatchObject({ preload: join(ROOT, 'dist/preload/preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false });
    for (const file of [...window.loaded, window.webPreferences.preload as string]) expect(existsSync(file), file).toBe(true);
    expect(window.visible).toBe(true);
    expect([...ipcChannels].sort()).toEqual(Object.keys(invokeChannels).sort());
    expect(trayTooltip).toMatch(/^Worktrace — not tracking/);
    expect(quit).toEqual({ quit: true, trayDestroyed: true });
    // The agent's database was created in Electron's userData directory, private to the person.
    expect(statSync(join(userData, 'worktrace.db')).isFile()).toBe(true);
  });
});
