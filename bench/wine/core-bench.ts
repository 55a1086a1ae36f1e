import { fileURLToPath } from 'node:url';
import type { TestDisplay } from '../../tests/support/display.js';
import { startProbe } from '../../tests/wine/support/probe-client.js';
import type { WineLane } from '../../tests/wine/support/wine-lane.js';
import type { WindowSample } from '../../src/main/sensors/types.js';

export interface WineCaptureFigures {
  readonly p50Ms: number;
  readonly cpuMs: number;
  readonly width: number;
  readonly height: number;
}

/** How a library path ended when called under Wine, and what the system says about why (windows-side.mjs). */
export interface LibraryAttempt {
  readonly ran: boolean;
  readonly ms: number;
  readonly code?: string | number | null;
  readonly message?: string;
  readonly result?: unknown;
  /** screenshot-desktop: the .NET Framework folder and its csc.exe; active-win: where its binary would be. */
  readonly cause: { readonly root?: string; readonly exists?: boolean; readonly csc?: string[]; readonly path?: string };
}

export interface WineCoreRun {
  readonly windowsNode: string;
  readonly capture: { readonly raw: WineCaptureFigures; readonly jpeg: WineCaptureFigures & { readonly bytes: number } };
  readonly window: { readonly p50Ms: number; readonly cpuMs: number; readonly sample: WindowSample | null };
  readonly libraries: { readonly screenshotDesktop: LibraryAttempt; readonly activeWin: LibraryAttempt };
}

/**
 * Capture (raw 1920x1080, and capture + JPEG as the agent takes it) and the foreground-window sample through the
 * agent's native sensors under the Windows node; then screenshot-desktop and active-win, called as their backends
 * call them, to see whether they run here at all.
 */
export async function benchWineCore(lane: WineLane, display: TestDisplay, window: number, runs: { captures: number; samples: number }): Promise<WineCoreRun> {
  const script = fileURLToPath(new URL('./windows-side.mjs', import.meta.url));
  const core = await startProbe(lane, { PREBUILDS_ONLY: '1' }, script);
  try {
    const { node } = await core.call<{ node: string }>('info');
    const capture = await core.call<WineCoreRun['capture']>('capture', { runs: runs.captures });
    display.run('xdotool', ['windowactivate', '--sync', String(window)]);
    const sample = await core.call<WineCoreRun['window']>('window', { runs: runs.samples });
    const screenshotDesktop = await core.call<LibraryAttempt>('library.screenshot');
    const activeWin = await core.call<LibraryAttempt>('library.activeWindow');
    return { windowsNode: node, capture, window: sample, libraries: { screenshotDesktop, activeWin } };
  } finally {
    const run = await core.close();
    if (run.code !== 0) console.error(`bench:wine: the Windows side exited ${run.code}: ${run.stderr.slice(-2000)}`);
  }
}
