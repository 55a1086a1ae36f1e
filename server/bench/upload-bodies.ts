import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';

/** What the benchmarks upload, as the agent's outbox sends it: a full ten-minute segment and a JPEG-signed image. */
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

/** `bytes` bytes with a JPEG's start and end markers around random content. */
export function benchJpeg(bytes: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(bytes - 6), Buffer.from([0xff, 0xd9])]));
}
