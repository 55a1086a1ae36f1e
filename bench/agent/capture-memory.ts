import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { round } from '../native/measure.js';

export interface CaptureMemoryFigures {
  readonly captures: number;
  readonly samples: readonly { readonly at: number; readonly rssMb: number }[];
  /** RSS once the first tenth of the captures has warmed the allocators up. */
  readonly rssMbAfterWarmup: number;
  readonly rssMbAtEnd: number;
  readonly rssMbMax: number;
  /** Least-squares slope of RSS over the captures after warm-up, in KB per capture (flat: about 0). */
  readonly slopeKbPerCapture: number;
}

function slope(points: readonly { at: number; rssMb: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.at, 0) / n;
  const my = points.reduce((s, p) => s + p.rssMb, 0) / n;
  const num = points.reduce((s, p) => s + (p.at - mx) * (p.rssMb - my), 0);
  const den = points.reduce((s, p) => s + (p.at - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Runs capture-memory-child.ts and reads its RSS samples. */
export async function benchCaptureMemoryInChild(display: string, captures: number, output: 'raw' | 'jpeg' = 'raw'): Promise<CaptureMemoryFigures> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('bench/agent/capture-memory-child.ts'), String(captures), output], {
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  if (code !== 0) throw new Error(`capture memory child exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { captures: number; samples: { at: number; rssMb: number }[] };
  const warm = result.samples.filter((s) => s.at >= captures / 10);
  return {
    captures: result.captures,
    samples: result.samples,
    rssMbAfterWarmup: warm[0]?.rssMb ?? 0,
    rssMbAtEnd: result.samples.at(-1)?.rssMb ?? 0,
    rssMbMax: Math.max(...result.samples.map((s) => s.rssMb)),
    slopeKbPerCapture: round(slope(warm) * 1024, 2),
  };
}
