import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { encodeScreenshot } from '../../src/main/capture/encode.js';
import { CaptureScreenshotTaker } from '../../src/main/capture/screenshot-taker.js';
import { FileKeyStore } from '../../src/main/crypto/index.js';
import type { NativeX11 } from '../../src/main/native/x11.js';
import { systemSensorEnvironment } from '../../src/main/sensors/environment.js';
import { NativeScreenCapturer } from '../../src/main/sensors/native/native-screen-capturer.js';
import type { ScreenCapturer } from '../../src/main/sensors/types.js';
import { databasePath, openStore } from '../../src/main/store/index.js';
import { countChildProcesses } from './child-counter.js';
import { ScreenshotDesktopCapturer } from './library-capturer.js';
import { percentile, round, rssMb, timeRuns } from './measure.js';

export interface PipelineFigures {
  readonly captureP50Ms: number;
  readonly pipelineP50Ms: number;
  readonly pipelineCpuMs: number;
  readonly jpegBytesP50: number;
  readonly width: number;
  readonly height: number;
  readonly childProcessesPerCapture: number;
}

export interface PipelineComparison {
  /** screenshot-desktop -> sharp. */
  readonly library: PipelineFigures;
  /** Native XShm capture -> raw pixels -> sharp. */
  readonly native: PipelineFigures;
  /** Native XShm capture -> the addon's own downscale + JPEG on the thread pool (sharp never loaded). */
  readonly nativeJpeg: PipelineFigures;
}

/**
 * capture -> 1280 px JPEG q70 -> AES-256-GCM -> SQLite, through the agent's own CaptureScreenshotTaker,
 * with screenshot-desktop, with the native capturer + sharp and with the native capturer + native encoder,
 * into one store on a temp dir. All capture the primary monitor (what the screenshot-desktop backend does).
 */
export async function benchCapturePipeline(x11: NativeX11, runs: number): Promise<PipelineComparison> {
  const dataDir = mkdtempSync(join(tmpdir(), 'worktrace-bench-'));
  const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
  const keys = new FileKeyStore(dataDir);
  let minute = Math.floor(Date.now() / 60_000) * 60 - 3600 * 24;
  try {
    const measure = async (capturer: ScreenCapturer, n: number): Promise<PipelineFigures> => {
      const taker = new CaptureScreenshotTaker({ capturer, keys, screenshots: store.screenshots, newId: ulid });
      const children = countChildProcesses();
      // The capture alone: for a capturer that encodes itself (output 'jpeg') this includes the encoding.
      const capture = await timeRuns(n, 1, () => capturer.capture());
      const childrenPerCapture = children.count() / (n + 1);
      children.restore();
      const ids: string[] = [];
      const pipeline = await timeRuns(n, 1, async () => {
        const segmentId = ulid();
        minute += 60;
        store.segments.openSegment({ id: segmentId, contractId: 'bench', startedAt: minute, lengthSeconds: 60, memo: null, policyVersion: null });
        const id = await taker.take({ segmentId, contractId: 'bench', takenAt: minute * 1000 + 1, mode: 'on', policyVersion: null });
        if (typeof id === 'string') ids.push(id);
      });
      const metas = ids.map((id) => store.screenshots.meta(id)).filter((m) => m !== null);
      return {
        captureP50Ms: round(percentile(capture.wallMs, 50)),
        pipelineP50Ms: round(percentile(pipeline.wallMs, 50)),
        pipelineCpuMs: round(pipeline.cpuMsPerRun),
        jpegBytesP50: percentile(
          metas.map((m) => m.bytes),
          50,
        ),
        width: metas[0]?.width ?? 0,
        height: metas[0]?.height ?? 0,
        childProcessesPerCapture: round(childrenPerCapture),
      };
    };
    const library = await measure(new ScreenshotDesktopCapturer({ env: systemSensorEnvironment() }), runs);
    const native = await measure(new NativeScreenCapturer(x11, { area: 'primary' }), runs);
    const nativeJpeg = await measure(new NativeScreenCapturer(x11, { area: 'primary', output: 'jpeg' }), runs);
    return { library, native, nativeJpeg };
  } finally {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface MemoryFigures {
  readonly captures: number;
  readonly rssMbAfterWarmup: number;
  readonly rssMbAtEnd: number;
  readonly rssMbMax: number;
}

/** Resident memory over many native capture + encode rounds: it must stay flat (no leak per capture). */
export async function benchCaptureMemory(x11: NativeX11, captures: number, output: 'raw' | 'jpeg' = 'raw'): Promise<MemoryFigures> {
  const capturer = new NativeScreenCapturer(x11, { area: 'primary', output });
  const warmup = Math.min(50, Math.floor(captures / 10));
  let afterWarmup = 0;
  let max = 0;
  for (let i = 0; i < captures; i += 1) {
    await encodeScreenshot(await capturer.capture(), { blur: false });
    if (i === warmup) afterWarmup = rssMb();
    if (i % 10 === 0) max = Math.max(max, rssMb());
  }
  return { captures, rssMbAfterWarmup: round(afterWarmup, 1), rssMbAtEnd: round(rssMb(), 1), rssMbMax: round(max, 1) };
}
