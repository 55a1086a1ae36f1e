/**
 * Child process of `npm run bench:agent`: the agent's capture pipeline (native capturer, all monitors,
 * RGB -> 1280 px JPEG -> AES-256-GCM -> SQLite, through CaptureScreenshotTaker) in a loop, with nothing
 * else loaded, sampling resident memory. A process of its own so that the figure is the pipeline's.
 *
 *   tsx bench/agent/capture-memory-child.ts <captures> [raw|jpeg]      (DISPLAY set by the parent)
 * raw (default): native capture -> sharp; jpeg: native capture -> the addon's encoder (sharp never loaded).
 * Prints one JSON line: { captures, samples: [{ at, rssMb }], heapMbAtEnd }.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { CaptureScreenshotTaker } from '../../src/main/capture/screenshot-taker.js';
import { FileKeyStore } from '../../src/main/crypto/index.js';
import { openNativeX11 } from '../../src/main/native/x11.js';
import { NativeScreenCapturer } from '../../src/main/sensors/native/native-screen-capturer.js';
import { databasePath, openStore } from '../../src/main/store/index.js';

const captures = Number(process.argv[2] ?? '1000');
const output = process.argv[3] === 'jpeg' ? 'jpeg' : 'raw';
const SAMPLE_EVERY = 25;
const rssMb = (): number => Math.round((process.memoryUsage().rss / (1024 * 1024)) * 10) / 10;

async function main(): Promise<void> {
  const opened = openNativeX11();
  if (!opened.ok) throw opened.error;
  const dataDir = mkdtempSync(join(tmpdir(), 'worktrace-bench-capmem-'));
  const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
  try {
    const capturer = new NativeScreenCapturer(opened.x11, { channels: 3, area: 'all', output });
    const taker = new CaptureScreenshotTaker({ capturer, keys: new FileKeyStore(dataDir), screenshots: store.screenshots, newId: ulid });
    let minute = Math.floor(Date.now() / 60_000) * 60 - 3600 * 24 * 7;
    const samples: { at: number; rssMb: number }[] = [{ at: 0, rssMb: rssMb() }];
    for (let i = 1; i <= captures; i += 1) {
      const segmentId = ulid();
      minute += 60;
      store.segments.openSegment({ id: segmentId, contractId: 'bench', startedAt: minute, lengthSeconds: 60, memo: null, policyVersion: null });
      const id = await taker.take({ segmentId, contractId: 'bench', takenAt: minute * 1000 + 1, mode: 'on', policyVersion: null });
      if (id === null) throw new Error(`capture ${i} stored nothing`);
      if (i % SAMPLE_EVERY === 0) samples.push({ at: i, rssMb: rssMb() });
    }
    console.log(JSON.stringify({ captures, samples, heapMbAtEnd: Math.round(process.memoryUsage().heapUsed / 1048576) }));
  } finally {
    store.close();
    opened.x11.session.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
