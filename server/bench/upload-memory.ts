/**
 * `npm run bench:upload-memory`: the server's memory while it drains a backlog of large screenshots (an agent back
 * from a week offline), this tree's streamed upload path against the buffered one it replaced, side by side in one
 * run on the same machine.
 *
 * The buffered path is not kept in the server: it is the server as it was at `--baseline` (default: the last commit
 * before uploads streamed), taken out of git into a temporary directory (git archive) and run from source with the
 * same node_modules. Each server runs in a process of its own (server-child.ts, the same protocol at both commits) on
 * SQLite and the disk store; its peak resident memory is the kernel's high-water mark (VmHWM) read when the backlog is
 * done. The load is `--concurrency` agents, each uploading a segment and then its screenshot, until `--uploads`
 * screenshots of `--min-mib` to `--max-mib` MiB (real, decodable JPEGs of noise) are in.
 *
 *   npm run bench:upload-memory -- [--uploads 300] [--concurrency 8] [--min-mib 2] [--max-mib 4] [--baseline REV]
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { benchSegment } from './upload-bodies.js';
import type { BenchAgent, ReadyMessage, StartMessage, StatsMessage } from './server-child.js';

const LAST_BUFFERED_COMMIT = '823d4b535fb60be8871913db0522862799aa263d';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface Options {
  readonly uploads: number;
  readonly concurrency: number;
  readonly minMib: number;
  readonly maxMib: number;
  readonly baseline: string;
}

interface PathResult {
  readonly path: string;
  readonly peakRssMib: number;
  readonly uploadsPerSecond: number;
  readonly mibPerSecond: number;
  readonly errors: number;
}

/** Noise encodes to about 0.79 bytes a pixel at quality 90: the height that gives `bytes` at 1920 px wide. */
async function noiseJpeg(bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const width = 1920;
  const height = Math.max(16, Math.round(bytes / (width * 0.79)));
  const pixels = randomFillSync(Buffer.alloc(width * height * 3));
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
}

/** The server at `rev`, out of git into a temporary directory that uses this tree's node_modules. */
function checkoutOf(rev: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'wt-bench-baseline-'));
  const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', rev, 'server', 'src', 'tests/support', 'package.json'], { maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  rmSync(join(dir, 'server', 'node_modules'), { recursive: true, force: true });
  symlinkSync(join(repoRoot, 'server', 'node_modules'), join(dir, 'server', 'node_modules'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const peakRssMib = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function measure(path: string, childFile: string, images: readonly Uint8Array<ArrayBuffer>[], options: Options): Promise<PathResult> {
  const child: ChildProcess = fork(childFile, [], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    child.send({ backend: 'sqlite', agents: options.concurrency } satisfies StartMessage);
    const [ready] = (await once(child, 'message')) as [ReadyMessage];
    // One segment per upload, from three days back on (300 of them end 50 hours later, before now), inside each
    // contract's first policy (they began 30 days ago).
    const from = Math.floor((Date.now() - 3 * 86_400_000) / 600_000) * 600_000;
    let next = 0;
    let errors = 0;
    let bytes = 0;
    const t0 = performance.now();
    const agent = async (me: BenchAgent, index: number) => {
      for (let n = next++; n < options.uploads; n = next++) {
        const start = from + n * 600_000;
        const segment = benchSegment(me.contractId, start);
        const headers = { authorization: `Bearer ${me.token}` };
        const put = await fetch(`${ready.base}/segments/${segment.id}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(segment) });
        await put.arrayBuffer();
        const image = images[(n + index) % images.length] as Uint8Array<ArrayBuffer>;
        const shot = await fetch(`${ready.base}/screenshots/${ulid()}`, {
          method: 'PUT',
          headers: { ...headers, 'content-type': 'image/jpeg', 'x-worktrace-segment-id': segment.id, 'x-worktrace-captured-at': new Date(start + 60_000).toISOString() },
          body: image,
        });
        await shot.arrayBuffer();
        if (!put.ok || !shot.ok) {
          errors += 1;
          if (errors <= 3) console.error(`${path}: segment ${put.status}, screenshot ${shot.status}`);
        } else bytes += image.length;
      }
    };
    await Promise.all(ready.agents.map(agent));
    const seconds = (performance.now() - t0) / 1000;
    const peak = peakRssMib(child.pid ?? 0);
    child.send('stop');
    await once(child, 'message').then(([message]) => message as StatsMessage);
    return { path, peakRssMib: peak, uploadsPerSecond: options.uploads / seconds, mibPerSecond: bytes / 1048576 / seconds, errors };
  } finally {
    if (child.exitCode === null) await once(child, 'exit');
  }
}

async function main(): Promise<void> {
  const options = new Command()
    .option('--uploads <n>', 'screenshots in the backlog', Number, 300)
    .option('--concurrency <n>', 'agents uploading at once', Number, 8)
    .option('--min-mib <n>', 'smallest screenshot', Number, 2)
    .option('--max-mib <n>', 'largest screenshot', Number, 4)
    .option('--baseline <rev>', 'the commit whose buffered upload path is compared', LAST_BUFFERED_COMMIT)
    .parse()
    .opts<Options>();
  const sizes = Array.from({ length: 6 }, (_, i) => (options.minMib + ((options.maxMib - options.minMib) * i) / 5) * 1048576);
  const images = await Promise.all(sizes.map(noiseJpeg));
  const average = images.reduce((sum, image) => sum + image.length, 0) / images.length / 1048576;
  console.log(`${options.uploads} screenshots of ${options.minMib}-${options.maxMib} MiB (average ${average.toFixed(2)} MiB), ${options.concurrency} at a time, SQLite + disk store`);
  const baseline = checkoutOf(options.baseline);
  try {
    const streamed = await measure('streamed (this tree)', fileURLToPath(new URL('./server-child.ts', import.meta.url)), images, options);
    const buffered = await measure(`buffered (${options.baseline.slice(0, 10)})`, join(baseline.dir, 'server', 'bench', 'server-child.ts'), images, options);
    console.table(
      [streamed, buffered].map((r) => ({
        path: r.path,
        'peak RSS MiB': Math.round(r.peakRssMib),
        'uploads/s': Number(r.uploadsPerSecond.toFixed(2)),
        'MiB/s': Number(r.mibPerSecond.toFixed(1)),
        errors: r.errors,
      })),
    );
    console.log(`streamed / buffered: peak RSS ${(streamed.peakRssMib / buffered.peakRssMib).toFixed(2)}x, uploads/s ${(streamed.uploadsPerSecond / buffered.uploadsPerSecond).toFixed(2)}x`);
    if (streamed.errors + buffered.errors > 0) process.exitCode = 1;
  } finally {
    baseline.remove();
  }
}

await main();
