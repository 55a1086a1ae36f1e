import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

/**
 * A flood of sign-ins must not starve screenshot uploads. scrypt runs on libuv's thread pool, which also does the
 * screenshot file writes; the password queue lets one hash run at a time, so uploads keep finding a thread. Here
 * 24 sign-ins arrive at once and 8 screenshots are uploaded one after another meanwhile: every upload is stored
 * while most of the sign-ins are still waiting. Past the queue's length, sign-ins are refused at once (429).
 * (Uncapped, each upload's file write waits behind every queued hash: the uploads finish with the flood. The
 * figures: `npm run bench:sign-in-flood`.)
 */
const DAY = 86_400_000;
const FLOOD = 24;
const UPLOADS = 8;

describe.each(testBackends())('a flood of sign-ins next to screenshot uploads on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, { passwordHashing: { concurrency: 1, maxQueued: 1_000 } });
    world = await createWorld(server);
    server.clock.advance(DAY);
  });
  afterEach(async () => server?.close());

  it('stores every upload while most of the flood still waits its turn, and never hashes two passwords at once', async () => {
    const start = segmentStart(server.clock.now()) - (UPLOADS + 1) * 600_000;
    const segments = Array.from({ length: UPLOADS }, (_, i) => segmentBody({ contractId: world.contract.id, startedAt: start + i * 600_000 }));
    for (const segment of segments) {
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
    }
    let answered = 0;
    const flood = Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        server.request('POST', '/api/v1/auth/token', { json: { email: `flood-${i}@test.example`, password: `guess-${i}` } }).then((a) => {
          answered += 1;
          return a.status;
        }),
      ),
    );
    // The flood must be waiting in the password queue before the uploads start. On PostgreSQL each sign-in first
    // takes its limit records' row locks, which on a loaded two-core machine took longer than expect.poll's default
    // second (failed once with a PostgreSQL cluster shared by three files); this waits for that state, it proves nothing.
    await expect.poll(() => server.app.passwords.active + server.app.passwords.queued, { timeout: 30_000 }).toBeGreaterThan(FLOOD / 2);

    const stored: number[] = [];
    for (const [i, segment] of segments.entries()) {
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: Date.parse(segment.startedAt) + 1000, bytes: fakeJpeg(64 * 1024) });
      expect(shot.status, `upload ${i}`).toBe(200);
      expect(server.app.passwords.active).toBeLessThanOrEqual(1);
      stored.push(answered);
    }
    // Every upload was answered before half of the sign-ins were.
    expect(stored[UPLOADS - 1]).toBeLessThan(FLOOD / 2);
    expect(new Set(await flood)).toEqual(new Set([401]));
  });

  it('refuses sign-ins past the queue at once with 429 and Retry-After, and checks the rest', async () => {
    const small = await startTestServer(backend, { passwordHashing: { concurrency: 1, maxQueued: 4 } });
    try {
      const order: number[] = [];
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          small.request('POST', '/api/v1/auth/token', { json: { email: `queue-${i}@test.example`, password: 'guess' } }).then((a) => {
            order.push(a.status);
            return a;
          }),
        ),
      );
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const a of refused) {
        expect(a.json.error.code).toBe('RATE_LIMITED');
        expect(a.headers.get('retry-after')).toBe('1');
      }
      expect(answers.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(4);
      expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
      // The refusals did not wait for the hashes: each came before the last check's answer.
      expect(order.lastIndexOf(429)).toBeLessThan(order.lastIndexOf(401));
      expect(small.app.passwords.queued + small.app.passwords.active).toBe(0);
    } finally {
      await small.close();
    }
  });
});
