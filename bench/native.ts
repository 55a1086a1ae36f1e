/**
 * npm run bench: the native X11 core against the npm libraries, side by side in one run, on a
 * screen this script prepares itself (Xvfb + openbox, terminals with text, an image).
 *
 *   npm run bench [-- --quick] [-- --out FILE] [-- --only redaction]
 *
 * Prints a table with ratios (native / library) against the targets of issue 5 and writes the
 * figures as JSON (default bench-results/native-<time>.json). Absolute times on shared machines are
 * noise; the ratios are the figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openNativeX11 } from '../src/main/native/x11.js';
import { benchCaptureMemory, benchCapturePipeline } from './native/capture-bench.js';
import { benchInput } from './native/input-bench.js';
import { benchRedaction, type RedactionFigures } from './native/redaction-bench.js';
import { round } from './native/measure.js';
import { prepareScreen } from './native/screen.js';
import { benchActiveWindow } from './native/window-bench.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : `bench-results/native-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

interface Row {
  readonly metric: string;
  readonly library: number | string;
  readonly native: number | string;
  readonly ratio: number | null;
  readonly target: string;
  readonly met: boolean | null;
}

const ratio = (native: number, library: number): number | null => (library > 0 ? round(native / library, 4) : null);
const atMost = (value: number | null, limit: number): boolean | null => (value === null ? null : value <= limit);

/** Private windows (issue 15): the grab with and without redaction, per number of windows on the screen. */
function redactionRows(figures: readonly RedactionFigures[]): Row[] {
  return figures.flatMap((f) => [
    {
      metric: `grab p50, ${f.windows} windows (${f.hiddenWindows} painted): plain -> redacted (ms)`,
      library: f.grabP50Ms,
      native: f.redactedGrabP50Ms,
      ratio: ratio(f.redactedGrabP50Ms, f.grabP50Ms),
      target: '-',
      met: null,
    },
    {
      metric: `redaction cost per capture p50, ${f.windows} windows (ms)`,
      library: 0,
      native: f.redactionCostP50Ms,
      ratio: null,
      target: f.windows === 5 ? '< 2 ms' : '-',
      met: f.windows === 5 ? f.redactionCostP50Ms < 2 : null,
    },
    {
      metric: `redaction CPU of this process per capture, ${f.windows} windows (ms)`,
      library: 0,
      native: f.redactionCpuMs,
      ratio: null,
      target: '-',
      met: null,
    },
    {
      metric: `capture + JPEG p50, ${f.windows} windows: plain -> redacted (ms)`,
      library: f.jpegP50Ms,
      native: f.redactedJpegP50Ms,
      ratio: ratio(f.redactedJpegP50Ms, f.jpegP50Ms),
      target: '-',
      met: null,
    },
  ]);
}

async function redactionOnly(): Promise<void> {
  console.log('bench: private-window redaction (0, 5, 50 windows at 1920x1080)…');
  const redaction = await benchRedaction(quick ? 30 : 100);
  const rows = redactionRows(redaction);
  console.table(rows.map((r) => ({ ...r, met: r.met === null ? '' : r.met ? 'yes' : 'NO' })));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, redaction, rows }, null, 2)}\n`);
  console.log(`bench: figures written to ${out}`);
}

async function main(): Promise<void> {
  if (args[args.indexOf('--only') + 1] === 'redaction' && args.includes('--only')) return redactionOnly();
  const screen = await prepareScreen();
  process.env.DISPLAY = screen.display.display; // the library backends run X tools with our environment
  delete process.env.WAYLAND_DISPLAY;
  const opened = openNativeX11({ display: screen.display.display });
  if (!opened.ok) {
    await screen.display.stop();
    throw opened.error;
  }
  const { x11 } = opened;
  try {
    console.log(`bench: screen ${screen.display.display} ready; capture pipeline…`);
    const capture = await benchCapturePipeline(x11, quick ? 5 : 15);
    console.log('bench: active window…');
    const window = await benchActiveWindow(screen, x11, quick ? 100 : 300);
    console.log('bench: input accounting…');
    const input = await benchInput(screen, quick ? 800 : 2000, quick ? 5 : 20);
    console.log('bench: memory over captures…');
    const memory = await benchCaptureMemory(x11, quick ? 100 : 1000);
    const memoryJpeg = await benchCaptureMemory(x11, quick ? 100 : 1000, 'jpeg');
    console.log('bench: private-window redaction…');
    const redaction = await benchRedaction(quick ? 30 : 100);

    const cap = ratio(capture.native.pipelineP50Ms, capture.library.pipelineP50Ms);
    const capCpu = ratio(capture.native.pipelineCpuMs, capture.library.pipelineCpuMs);
    const jpeg = capture.nativeJpeg;
    const jpegCap = ratio(jpeg.pipelineP50Ms, capture.library.pipelineP50Ms);
    const jpegCpu = ratio(jpeg.pipelineCpuMs, capture.library.pipelineCpuMs);
    const win = ratio(window.native.sampleP50Ms, window.library.sampleP50Ms);
    const inp = ratio(input.native.cpuMsPer1000Moves, input.library.cpuMsPer1000Moves);
    const rows: Row[] = [
      { metric: 'capture only p50 (ms)', library: capture.library.captureP50Ms, native: capture.native.captureP50Ms, ratio: ratio(capture.native.captureP50Ms, capture.library.captureP50Ms), target: '-', met: null },
      { metric: 'capture pipeline p50 (ms)', library: capture.library.pipelineP50Ms, native: capture.native.pipelineP50Ms, ratio: cap, target: '<= 0.15x', met: atMost(cap, 0.15) },
      { metric: 'capture pipeline CPU (ms/capture)', library: capture.library.pipelineCpuMs, native: capture.native.pipelineCpuMs, ratio: capCpu, target: '<= 0.15x', met: atMost(capCpu, 0.15) },
      { metric: 'JPEG bytes p50', library: capture.library.jpegBytesP50, native: capture.native.jpegBytesP50, ratio: ratio(capture.native.jpegBytesP50, capture.library.jpegBytesP50), target: '<= 150 KB', met: capture.native.jpegBytesP50 <= 150 * 1024 },
      // The native encoder (no sharp in the process): against the library path, and against native capture + sharp.
      { metric: 'native-JPEG pipeline p50 (ms)', library: capture.library.pipelineP50Ms, native: jpeg.pipelineP50Ms, ratio: jpegCap, target: '<= 0.15x', met: atMost(jpegCap, 0.15) },
      { metric: 'native-JPEG pipeline CPU (ms/capture)', library: capture.library.pipelineCpuMs, native: jpeg.pipelineCpuMs, ratio: jpegCpu, target: '<= 0.15x', met: atMost(jpegCpu, 0.15) },
      { metric: 'native-JPEG vs native+sharp CPU (ms/capture)', library: capture.native.pipelineCpuMs, native: jpeg.pipelineCpuMs, ratio: ratio(jpeg.pipelineCpuMs, capture.native.pipelineCpuMs), target: '-', met: null },
      { metric: 'native-JPEG bytes p50', library: capture.library.jpegBytesP50, native: jpeg.jpegBytesP50, ratio: ratio(jpeg.jpegBytesP50, capture.library.jpegBytesP50), target: '<= 150 KB', met: jpeg.jpegBytesP50 <= 150 * 1024 },
      { metric: 'child processes per capture', library: capture.library.childProcessesPerCapture, native: capture.native.childProcessesPerCapture, ratio: null, target: '-', met: null },
      { metric: 'active-window sample p50 (ms)', library: window.library.sampleP50Ms, native: window.native.sampleP50Ms, ratio: win, target: '<= 0.05x', met: atMost(win, 0.05) },
      { metric: 'child processes per sample', library: window.library.childProcessesPerSample, native: window.native.childProcessesPerSample, ratio: null, target: 'native 0', met: window.native.childProcessesPerSample === 0 },
      { metric: 'xterm (WM_NAME only) title', library: window.library.xterm?.title ?? 'unknown', native: window.native.xterm?.title ?? 'unknown', ratio: null, target: 'build log', met: window.native.xterm?.title === 'build log' },
      { metric: 'no-_NET_WM_PID window title', library: window.library.noPidWindow?.title ?? 'unknown', native: window.native.noPidWindow?.title ?? 'unknown', ratio: null, target: 'a window without a pid', met: window.native.noPidWindow?.title === 'a window without a pid' },
      { metric: `input CPU per 1000 moves (ms) @${input.rateHz} Hz`, library: input.library.cpuMsPer1000Moves, native: input.native.cpuMsPer1000Moves, ratio: inp, target: '<= 0.15x', met: atMost(inp, 0.15) },
      { metric: 'moves counted (sent ' + input.movesSent + ')', library: input.library.counted.moves, native: input.native.counted.moves, ratio: null, target: 'native = sent', met: input.native.counted.moves === input.movesSent },
      { metric: `input CPU with no input (% core, ${input.idleSeconds} s)`, library: input.library.idleCpuPercent, native: input.native.idleCpuPercent, ratio: ratio(input.native.idleCpuPercent, input.library.idleCpuPercent), target: '-', met: null },
      { metric: `RSS over ${memory.captures} native captures (MB)`, library: '-', native: `${memory.rssMbAfterWarmup} -> ${memory.rssMbAtEnd} (max ${memory.rssMbMax})`, ratio: null, target: 'flat', met: memory.rssMbAtEnd - memory.rssMbAfterWarmup < 30 },
      { metric: `RSS over ${memoryJpeg.captures} native-JPEG captures (MB)`, library: '-', native: `${memoryJpeg.rssMbAfterWarmup} -> ${memoryJpeg.rssMbAtEnd} (max ${memoryJpeg.rssMbMax})`, ratio: null, target: 'flat', met: memoryJpeg.rssMbAtEnd - memoryJpeg.rssMbAfterWarmup < 30 },
      ...redactionRows(redaction),
    ];
    console.table(rows.map((r) => ({ ...r, met: r.met === null ? '' : r.met ? 'yes' : 'NO' })));
    const figures = {
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      screen: '1920x1080 Xvfb + openbox, two xterms with text, an ImageMagick plasma image',
      capture,
      window,
      input,
      memory,
      memoryJpeg,
      redaction,
      rows,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`bench: figures written to ${out}`);
  } finally {
    x11.session.close();
    await screen.display.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
