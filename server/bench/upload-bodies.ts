import { randomFillSync } from 'node:crypto';
import sharp from 'sharp';
import { ulid } from 'ulid';

/** What the benchmarks upload, as the agent's outbox sends it: a full ten-minute segment and a real JPEG. */
export function benchSegment(contractId: string, start: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: ulid(),
    contractId,
    startedAt: iso(start),
    lengthSeconds: 600,
    trackedSeconds: 600,
    idleSeconds: 0,
    memo: null,
    minutes: Array.from({ length: 10 }, (_, i) => ({ startedAt: iso(start + i * 60_000), trackedSeconds: 60, keyboard: 40, mouse: 25, active: true, idle: false })),
    apps: [
      { app: 'code', title: 'editor', seconds: 420 },
      { app: 'firefox', title: 'docs', seconds: 180 },
    ],
    screenshot: null,
    policyVersion: 1,
  };
}

/**
 * A real JPEG of about `bytes` bytes, 1280 px wide like the agent's screenshots: the server decodes every upload
 * (server/src/domain/jpeg.ts), so the bytes must be an image. Noise in the top rows makes the size (noise encodes
 * to about half a byte per pixel at quality 70); the rest is flat, as most of a screen is.
 */
export async function benchJpeg(bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const width = 1280;
  const height = 800;
  const pixels = Buffer.alloc(width * height * 3, 235);
  randomFillSync(pixels, 0, Math.min(height, Math.ceil(bytes / (width * 0.5))) * width * 3);
  return new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 70 }).toBuffer());
}
