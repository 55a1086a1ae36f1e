import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import sharp from 'sharp';
import { SEALING_OVERHEAD_BYTES } from '../../src/crypto/sealing.js';
import { createContract } from '../../src/domain/demo.js';
import { jpegLayoutProblem } from '../../src/domain/jpeg.js';
import { listFiles } from '../support/files.js';
import { holdCalls } from '../support/hold-calls.js';
import { testSetups, type TestSetup } from '../support/object-stores.js';
import {
  createWorld,
  fakeJpeg,
  segmentBody,
  segmentStart,
  startTestServer,
  uploadScreenshot,
  type TestServer,
  type World,
} from '../support/server.js';

describe.each(testSetups())('screenshot uploads on $name', ({ backend, store }: TestSetup) => {
  let server: TestServer;
  let world: World;
  let segment: ReturnType<typeof segmentBody>;
  let start: number;

  beforeEach(async () => {
    server = await startTestServer(backend, {}, store);
    world = await createWorld(server);
    // Work starts after the contract does: captures before its first policy are refused (fail closed).
    server.clock.advance(25 * 60_000);
    start = segmentStart(server.clock.now()) - 600_000;
    segment = segmentBody({ contractId: world.contract.id, startedAt: start });
    expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
  });
  afterEach(async () => server.close());

  const setPolicy = (screenshots: 'on' | 'off' | 'blurred') =>
    server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { screenshots } });

  it('stores a JPEG, serves it to both parties, and answers a retry like the first upload', async () => {
    const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 120_000 });
    expect(shot.status).toBe(200);
    expect(shot.json).toMatchObject({ id: shot.id, segmentId: segment.id, bytes: shot.bytes_sent.length, contentType: 'image/jpeg' });
    expect(Date.parse(shot.json.expiresAt) - (start + 120_000)).toBe(30 * 86_400_000);
    const retry = await uploadScreenshot(server, world.freelancer.token, { id: shot.id, segmentId: segment.id, capturedAt: start + 120_000, bytes: shot.bytes_sent });
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(shot.json);
    for (const token of [world.client.token, world.freelancer.token]) {
      const image = await server.request('GET', `/api/v1/screenshots/${shot.id}`, { token });
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect(image.headers.get('cache-control')).toContain('no-store');
      expect(image.bytes.equals(shot.bytes_sent)).toBe(true);
    }
    expect(await server.storedObjects()).toHaveLength(1);
  });

  it('accepts the metadata in the query string too', async () => {
    const id = ulid();
    const response = await server.request('PUT', `/api/v1/screenshots/${id}?segmentId=${segment.id}&capturedAt=${new Date(start + 1000).toISOString()}`, {
      token: world.freelancer.token,
      body: fakeJpeg(),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(response.status).toBe(200);
  });

  it('refuses another image under a used id, and a second screenshot for one segment (409)', async () => {
    const first = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 60_000 });
    const otherBytes = await uploadScreenshot(server, world.freelancer.token, { id: first.id, segmentId: segment.id, capturedAt: start + 60_000 });
    expect(otherBytes.status).toBe(409);
    expect(otherBytes.json.error.code).toBe('SCREENSHOT_CONFLICT');
    const secondShot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 180_000 });
    expect(secondShot.status).toBe(409);
    // Another contract's freelancer reusing the id learns nothing about it, and stores nothing.
    const foreign = segmentBody({ contractId: world.otherContract.id, startedAt: start });
    await server.request('PUT', `/api/v1/segments/${foreign.id}`, { token: world.otherFreelancer.token, json: foreign });
    const reuse = await uploadScreenshot(server, world.otherFreelancer.token, { id: first.id, segmentId: foreign.id, capturedAt: start + 60_000, bytes: first.bytes_sent });
    expect(reuse.status).toBe(409);
    expect(reuse.json.error.message).toBe('this screenshot id is taken');
    expect(await server.storedObjects()).toHaveLength(1);
  });

  it('refuses a capture time outside the segment (422) or in the future (422)', async () => {
    for (const capturedAt of [start - 1, start + 600_000]) {
      const response = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt });
      expect(response.status).toBe(422);
      expect(response.json.error.code).toBe('CAPTURE_OUTSIDE_SEGMENT');
    }
    const future = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) });
    await server.request('PUT', `/api/v1/segments/${future.id}`, { token: world.freelancer.token, json: future });
    server.clock.setWall(server.clock.now() - 3_600_000); // the server's clock now lags the segment by an hour
    const ahead = await uploadScreenshot(server, world.freelancer.token, { segmentId: future.id, capturedAt: Date.parse(future.startedAt) + 1000 });
    expect(ahead.status).toBe(422);
    expect(ahead.json.error.code).toBe('CAPTURE_IN_FUTURE');
    expect(await server.storedObjects()).toEqual([]);
  });

  it('refuses a screenshot while the policy is off (409 SCREENSHOTS_DISABLED)', async () => {
    expect((await setPolicy('off')).status).toBe(200);
    const late = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) });
    await server.request('PUT', `/api/v1/segments/${late.id}`, { token: world.freelancer.token, json: late });
    server.clock.advance(60_000);
    const response = await uploadScreenshot(server, world.freelancer.token, { segmentId: late.id, capturedAt: server.clock.now() - 1000 });
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('SCREENSHOTS_DISABLED');
    expect(await server.storedObjects()).toEqual([]);
  });

  it('judges by the policy at the capture time: a capture from an "off" period is refused after it went back "on"', async () => {
    // on (v1) ──── off (v2, at T1) ──── on (v3, at T2) ──── upload (now)
    //                  ▲ capture here: refused          ▲ capture here: accepted
    server.clock.advance(10 * 60_000);
    const t1 = server.clock.now();
    expect((await setPolicy('off')).json.version).toBe(2);
    const offSegment = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(t1) });
    await server.request('PUT', `/api/v1/segments/${offSegment.id}`, { token: world.freelancer.token, json: offSegment });
    const capturedWhileOff = t1 + 30_000;
    server.clock.advance(20 * 60_000);
    expect((await setPolicy('on')).json.version).toBe(3);
    const onSegment = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) });
    await server.request('PUT', `/api/v1/segments/${onSegment.id}`, { token: world.freelancer.token, json: onSegment });
    server.clock.advance(60_000);

    const refused = await uploadScreenshot(server, world.freelancer.token, { segmentId: offSegment.id, capturedAt: capturedWhileOff });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('SCREENSHOTS_DISABLED');
    const accepted = await uploadScreenshot(server, world.freelancer.token, { segmentId: onSegment.id, capturedAt: server.clock.now() - 1000 });
    expect(accepted.status).toBe(200);
    // And a capture from before the "off" period, uploaded now, is judged by v1: accepted.
    const before = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 5000 });
    expect(before.status).toBe(200);
  });

  it('fails closed: a capture from before the contract had any policy is refused', async () => {
    // Time from before the contract is refused whole (segments.test.ts); the first segment may still
    // begin before the contract does, and a capture in that part of it meets no policy.
    const begun = segmentStart(server.clock.now()) - 2 * 600_000 + 90_000;
    const late = await createContract(server.repos, server.clock, { ...lateTerms(world), startsAt: begun });
    const straddling = segmentBody({ contractId: late.id, startedAt: segmentStart(begun), minutes: 0 });
    expect((await server.request('PUT', `/api/v1/segments/${straddling.id}`, { token: world.freelancer.token, json: straddling })).status).toBe(200);
    const response = await uploadScreenshot(server, world.freelancer.token, { segmentId: straddling.id, capturedAt: begun - 1000 });
    expect(response.status).toBe(409);
    expect(response.json.error.code).toBe('SCREENSHOTS_DISABLED');
  });

  it('accepts screenshots under a "blurred" policy', async () => {
    await setPolicy('blurred');
    const now = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) });
    await server.request('PUT', `/api/v1/segments/${now.id}`, { token: world.freelancer.token, json: now });
    server.clock.advance(1000);
    expect((await uploadScreenshot(server, world.freelancer.token, { segmentId: now.id, capturedAt: server.clock.now() })).status).toBe(200);
  });

  const real = fakeJpeg(2000);
  it.each([
    ['text that claims to be a JPEG', Buffer.from('hello, not an image at all'), 'image/jpeg', 422, 'INVALID_IMAGE'],
    ['a PNG', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'image/jpeg', 422, 'INVALID_IMAGE'],
    ['an empty body', Buffer.alloc(0), 'image/jpeg', 422, 'INVALID_IMAGE'],
    // Only the bytes decide: a JPEG's first bytes in front of anything else are not a JPEG.
    ['a JPEG header in front of random bytes', jpegHeaderOnly(), 'image/jpeg', 422, 'INVALID_IMAGE'],
    ['a JPEG cut short', real.subarray(0, real.length - 40), 'image/jpeg', 422, 'INVALID_IMAGE'],
    ['a JPEG with other bytes after its end', Buffer.concat([real, Buffer.from('<script>alert(1)</script>')]), 'image/jpeg', 422, 'INVALID_IMAGE'],
    ['a WebP', Buffer.from('524946461a000000574542505650382000', 'hex'), 'image/webp', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a real JPEG declared as WebP', fakeJpeg(), 'image/webp', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a text/plain body', Buffer.from('plain'), 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a JSON body', Buffer.from('{"image":"x"}'), 'application/json', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an unknown media type', fakeJpeg(), 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses %s and stores nothing', async (_name, bytes, contentType, status, code) => {
    const response = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000, bytes, contentType });
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(await server.storedObjects()).toEqual([]);
    expect(await server.repos.screenshots.find(response.id)).toBeUndefined();
  });

  it('refuses a JPEG laid out whole whose image data does not decode (422), storing nothing', async () => {
    const noise = await sharp(randomBytes(96 * 64 * 3), { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    // Half of the coded image data gone, the end marker kept: every marker is in place, the pixels are not.
    const gutted = Buffer.concat([noise.subarray(0, Math.floor(noise.length * 0.6)), noise.subarray(noise.length - 2)]);
    expect(jpegLayoutProblem(gutted)).toBeNull();
    const response = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000, bytes: gutted });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('INVALID_IMAGE');
    expect(await server.storedObjects()).toEqual([]);
    expect((await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000, bytes: noise })).status).toBe(200);
  });

  it('refuses an image over the size cap with 413, announced or growing past it in chunks, and keeps nothing of it', async () => {
    const capped = await startTestServer(backend, { maxScreenshotBytes: 4096 }, store);
    try {
      const w = await createWorld(capped);
      capped.clock.advance(25 * 60_000);
      const s = segmentBody({ contractId: w.contract.id, startedAt: start });
      await capped.request('PUT', `/api/v1/segments/${s.id}`, { token: w.freelancer.token, json: s });
      expect((await uploadScreenshot(capped, w.freelancer.token, { segmentId: s.id, capturedAt: start + 1, bytes: fakeJpeg(3000) })).status).toBe(200);
      const big = await uploadScreenshot(capped, w.freelancer.token, { segmentId: s.id, capturedAt: start + 1, bytes: fakeJpeg(5000) });
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
      // Without a Content-Length the body is refused as soon as it grows past the cap, and leaves nothing behind.
      const chunked = fakeJpeg(9000);
      const sent = await putChunked(capped, w.freelancer.token, ulid(), { segmentId: s.id, capturedAt: start + 1 }, [chunked.subarray(0, 3000), chunked.subarray(3000)]);
      expect(sent.status).toBe(413);
      expect(JSON.parse(sent.body).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(await capped.storedObjects()).toHaveLength(1); // the first upload's
      expect(listFiles(capped.storageDir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // no temporary file either
    } finally {
      await capped.close();
    }
  });

  it('needs the segment id and capture time, and a known segment', async () => {
    const bare = await server.request('PUT', `/api/v1/screenshots/${ulid()}`, { token: world.freelancer.token, body: fakeJpeg(), headers: { 'content-type': 'image/jpeg' } });
    expect(bare.status).toBe(400);
    const badTime = await server.request('PUT', `/api/v1/screenshots/${ulid()}`, {
      token: world.freelancer.token,
      body: fakeJpeg(),
      headers: { 'content-type': 'image/jpeg', 'x-worktrace-segment-id': segment.id, 'x-worktrace-captured-at': 'yesterday' },
    });
    expect(badTime.status).toBe(400);
    const unknown = await uploadScreenshot(server, world.freelancer.token, { segmentId: ulid(), capturedAt: start });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('SEGMENT_NOT_FOUND');
  });

  it('lets only the freelancer of the segment upload, and only the parties read', async () => {
    expect((await uploadScreenshot(server, world.client.token, { segmentId: segment.id, capturedAt: start + 1 })).status).toBe(403);
    expect((await uploadScreenshot(server, world.otherFreelancer.token, { segmentId: segment.id, capturedAt: start + 1 })).status).toBe(404);
    expect(await server.storedObjects()).toEqual([]);
    const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1 });
    for (const token of [world.otherClient.token, world.otherFreelancer.token]) {
      const response = await server.request('GET', `/api/v1/screenshots/${shot.id}`, { token });
      expect(response.status).toBe(404);
      expect(response.bytes.includes(shot.bytes_sent.subarray(10, 40))).toBe(false);
    }
    expect((await server.request('GET', `/api/v1/screenshots/${shot.id}`)).status).toBe(401);
  });

  it('streams a body sent in chunks without a Content-Length: stored sealed, served back the same', async () => {
    const image = fakeJpeg(300_000);
    const chunks = Array.from({ length: Math.ceil(image.length / 16_384) }, (_, i) => image.subarray(i * 16_384, (i + 1) * 16_384));
    const id = ulid();
    const sent = await putChunked(server, world.freelancer.token, id, { segmentId: segment.id, capturedAt: start + 1000 }, chunks);
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({ id, bytes: image.length });
    const back = await server.request('GET', `/api/v1/screenshots/${id}`, { token: world.client.token });
    expect(back.bytes.equals(image)).toBe(true);
    expect(await server.storedObjects()).toHaveLength(1);
    // Sealed on its way: the stored object is not the image (crypto-shredding.test.ts searches the store's files).
    const object = await server.storage.get((await server.repos.screenshots.find(id))?.storageKey ?? '');
    expect(object?.length).toBe(image.length + SEALING_OVERHEAD_BYTES);
    expect(object?.includes(image.subarray(1000, 1064))).toBe(false);
  });

  it('keeps nothing of an upload whose client went away in the middle of the body', async () => {
    const image = fakeJpeg(400_000);
    const id = ulid();
    const socket = connect(Number(new URL(server.baseUrl).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(uploadHead(id, image.length, { token: world.freelancer.token, segmentId: segment.id, capturedAt: start + 1000 }));
    socket.write(image.subarray(0, 200_000));
    // The client goes away once the server has the request (and, on disk, has begun writing the sealed object).
    await until(async () => server.logs().includes(id) && (store.name !== 'disk' || listFiles(server.storageDir).length > 0));
    socket.destroy();
    await until(async () => (await server.storedObjects()).length === 0 && listFiles(server.storageDir).length === 0);
    expect(await server.repos.screenshots.find(id)).toBeUndefined();
    const again = await uploadScreenshot(server, world.freelancer.token, { id, segmentId: segment.id, capturedAt: start + 1000, bytes: image });
    expect(again.status).toBe(200);
    expect(await server.storedObjects()).toHaveLength(1);
  });

  it('keeps nothing of an upload whose client went away before the server began to read the body', async () => {
    // The bad-input corpus found this one: a client cut off while the server was still checking the upload (a slow
    // database) left the upload waiting for ever on a body that had already gone, and its temporary file on disk.
    const image = fakeJpeg(50_000);
    const id = ulid();
    const checking = holdCalls(server.repos.screenshots, 'find');
    const accepted = once(server.app.server, 'connection') as Promise<[Socket]>;
    const socket = connect(Number(new URL(server.baseUrl).port), '127.0.0.1');
    const [serverSide] = await accepted;
    socket.write(uploadHead(id, image.length, { token: world.freelancer.token, segmentId: segment.id, capturedAt: start + 1000 }));
    socket.write(image.subarray(0, 1_000));
    await checking.reached(1);
    socket.destroy();
    await once(serverSide, 'close');
    checking.release();
    await checking.finished(1);
    // The server says it let the upload go; then nothing of it may be left (its temporary file goes just after).
    await until(async () => server.logs().includes('upload cut off before its end'));
    await until(async () => (await server.storedObjects()).length === 0 && listFiles(server.storageDir).length === 0);
    expect(await server.repos.screenshots.find(id)).toBeUndefined();
    const again = await uploadScreenshot(server, world.freelancer.token, { id, segmentId: segment.id, capturedAt: start + 1000, bytes: image });
    expect(again.status).toBe(200);
  });
});

/** The head of a PUT /screenshots/{id} sent by hand, for tests that cut the body off. */
function uploadHead(id: string, length: number, o: { token: string; segmentId: string; capturedAt: number }): string {
  return [
    `PUT /api/v1/screenshots/${id} HTTP/1.1`,
    'host: 127.0.0.1',
    `authorization: Bearer ${o.token}`,
    'content-type: image/jpeg',
    `content-length: ${length}`,
    `x-worktrace-segment-id: ${o.segmentId}`,
    `x-worktrace-captured-at: ${new Date(o.capturedAt).toISOString()}`,
    '',
    '',
  ].join('\r\n');
}

/** PUT /screenshots/{id} with the body written chunk by chunk (Transfer-Encoding: chunked, no Content-Length). */
async function putChunked(server: TestServer, token: string, id: string, o: { segmentId: string; capturedAt: number }, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  const request = httpRequest(`${server.baseUrl}/api/v1/screenshots/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg', 'x-worktrace-segment-id': o.segmentId, 'x-worktrace-captured-at': new Date(o.capturedAt).toISOString() },
  });
  const answered = once(request, 'response') as Promise<[IncomingMessage]>;
  request.on('error', () => undefined); // the server may close after refusing; its answer is what counts
  for (const chunk of chunks) request.write(chunk);
  request.end();
  const [response] = await answered;
  let body = '';
  for await (const chunk of response) body += String(chunk);
  return { status: response.statusCode ?? 0, body };
}

/** Waits (real time: the server's streams run on real I/O) until `done` holds, at most 20 s. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (const deadline = performance.now() + 20_000; !(await done()); ) {
    if (performance.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A second contract between the world's client and freelancer, terms as the first. */
const lateTerms = (world: World) => ({ name: 'Late', clientId: world.client.id, freelancerId: world.freelancer.id, segmentSeconds: 600, screenshots: 'on' as const, retentionDays: 30 });

/** What a fake screenshot used to be: a JPEG's signature and JFIF header, then random bytes, then an end marker. */
function jpegHeaderOnly(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), randomBytes(256), Buffer.from([0xff, 0xd9])]);
}
