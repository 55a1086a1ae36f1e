import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { serverConfig } from '../../src/config.js';
import { requestDeadlineMs } from '../../src/http/deadlines.js';
import { testBackends } from '../support/backends.js';
import { connectRaw, encodeRequest, type RawConnection } from '../support/raw-http.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, type TestServer, type World } from '../support/server.js';

/**
 * Request deadlines, seen from a raw socket: a body dribbled in a byte at a time and headers that never end are cut
 * off (408 REQUEST_TIMEOUT, connection closed, nothing stored), while a screenshot upload sent slowly but steadily,
 * at the slowest honest uplink the server assumes, goes through although it takes longer than a JSON route may.
 * Silent and kept-alive connections are closed, and connections beyond the cap are refused.
 *
 * The deadlines are scaled down (the rules are the production ones): headers 0.5 s, uplink 64 KiB/s, JSON bodies up
 * to 64 KiB (1.5 s), screenshots up to 256 KiB (4.5 s).
 */
const DAY = 86_400_000;
const CONFIG = {
  headersTimeoutMs: 500,
  slowestUplinkBytesPerSecond: 64 * 1024,
  maxJsonBytes: 64 * 1024,
  maxScreenshotBytes: 256 * 1024,
  idleConnectionMs: 2_000,
  keepAliveTimeoutMs: 500,
  deadlineCheckIntervalMs: 100,
  sseHeartbeatMs: 1_000,
};

interface SlowSend {
  /** Bytes the client got onto the wire before the server closed the connection (or all of them). */
  readonly sent: number;
  readonly total: number;
  readonly status: number;
  readonly code: string | undefined;
  /** Order in which the sends ended, over the whole test. */
  readonly endedAs: number;
}

let endings = 0;

/** Writes `bytes` in `chunk`-byte pieces every `everyMs`, until done or until the server closes the connection. */
async function sendSlowly(connection: RawConnection, bytes: Buffer, chunk: number, everyMs: number): Promise<SlowSend> {
  let sent = 0;
  let open = true;
  void connection.closed.then(() => (open = false));
  while (open && sent < bytes.length) {
    connection.socket.write(bytes.subarray(sent, sent + chunk));
    sent = Math.min(bytes.length, sent + chunk);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  if (open) await connection.closed; // `connection: close`: the server closes after its answer
  const text = connection.received().toString('latin1');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
  return { sent, total: bytes.length, status, code, endedAs: ++endings };
}

describe.each(testBackends())('request deadlines on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, CONFIG);
    world = await createWorld(server);
    server.clock.advance(DAY); // segments below lie after the contract started
  });
  afterEach(async () => server?.close());

  const open = () => connectRaw(server.baseUrl);

  it('derives each route’s deadline from its body limit and the slowest honest uplink', () => {
    const node = server.app.server;
    const scaled = serverConfig({ dataDir: '', ...CONFIG });
    expect(requestDeadlineMs(scaled, CONFIG.maxJsonBytes)).toBe(1_500);
    expect(requestDeadlineMs(scaled, CONFIG.maxScreenshotBytes)).toBe(4_500);
    // The production figures: 42 s for JSON, 266 s for a screenshot (8 MiB at 32 KiB/s).
    const production = serverConfig({ dataDir: '' });
    expect(requestDeadlineMs(production, production.maxJsonBytes)).toBe(42_000);
    expect(requestDeadlineMs(production, production.maxScreenshotBytes)).toBe(266_000);
    // Node's own deadline is the longest one; the shorter ones are the routes'.
    expect(node.requestTimeout).toBe(4_500);
    expect(node.keepAliveTimeout).toBe(CONFIG.keepAliveTimeoutMs);
    expect(node.timeout).toBe(CONFIG.idleConnectionMs);
    expect(node.headersTimeout).toBe(CONFIG.headersTimeoutMs);
  });

  it('cuts off a body sent a byte at a time and headers that never end, while a slow but steady screenshot upload succeeds', async () => {
    const start = segmentStart(server.clock.now()) - 3 * 600_000;
    const withShot = segmentBody({ contractId: world.contract.id, startedAt: start });
    const forTrickle = segmentBody({ contractId: world.contract.id, startedAt: start + 600_000 });
    for (const segment of [withShot, forTrickle]) {
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
    }
    const auth = ['authorization', `Bearer ${world.freelancer.token}`] as const;
    const upload = (segmentId: string, capturedAt: number, image: Buffer) => {
      const id = ulid();
      const request = encodeRequest({
        method: 'PUT',
        target: `/api/v1/screenshots/${id}`,
        headers: [auth, ['content-type', 'image/jpeg'], ['x-worktrace-segment-id', segmentId], ['x-worktrace-captured-at', new Date(capturedAt).toISOString()]],
        body: image,
      });
      return { id, request };
    };
    // 160 KiB at the assumed uplink (8 KiB every 125 ms = 64 KiB/s): 2.5 s, past a JSON route's 1.5 s and 2 s inside
    // the upload's 4.5 s (room for a loaded machine's late timers on the sending side).
    const honest = upload(withShot.id, start + 1000, fakeJpeg(160 * 1024));
    const dribbled = upload(forTrickle.id, start + 601_000, fakeJpeg(2048));
    const segment = segmentBody({ contractId: world.contract.id, startedAt: start + 1_200_000 });
    const jsonRequest = encodeRequest({
      method: 'PUT',
      target: `/api/v1/segments/${segment.id}`,
      headers: [auth, ['content-type', 'application/json']],
      body: Buffer.from(JSON.stringify(segment)),
    });
    const endlessHeaders = Buffer.from(`GET /api/v1/contracts HTTP/1.1\r\nhost: 127.0.0.1\r\n${auth[0]}: ${auth[1]}\r\nx-padding: ${'a'.repeat(4000)}`);

    const [json, headers, slowShot, honestShot] = await Promise.all([
      open().then((c) => sendSlowly(c, jsonRequest, 1, 20)),
      open().then((c) => sendSlowly(c, endlessHeaders, 1, 20)),
      open().then((c) => sendSlowly(c, dribbled.request, 1, 20)),
      open().then((c) => sendSlowly(c, honest.request, 8 * 1024, 125)),
    ]);

    for (const [what, cut] of [['JSON body', json], ['headers', headers], ['screenshot body', slowShot]] as const) {
      expect(cut.sent, `${what}: cut off before the client was done`).toBeLessThan(cut.total);
      expect({ what, status: cut.status, code: cut.code }).toEqual({ what, status: 408, code: 'REQUEST_TIMEOUT' });
    }
    expect(honestShot).toMatchObject({ status: 200, sent: honestShot.total });
    // The JSON route's deadline passed while the honest upload was still on its way; the upload's did not.
    expect(json.endedAs).toBeLessThan(honestShot.endedAs);
    expect(headers.endedAs).toBeLessThan(honestShot.endedAs);

    expect(await server.repos.segments.find(segment.id)).toBeUndefined();
    expect(await server.repos.screenshots.find(dribbled.id)).toBeUndefined();
    expect(await server.repos.screenshots.find(honest.id)).toMatchObject({ segmentId: withShot.id });
    expect(server.logs()).not.toContain(world.freelancer.token);
  });

  it('closes a connection that sends nothing, and a kept-alive one after its wait', async () => {
    const silent = await open();
    const kept = await open();
    kept.socket.write(`GET /api/v1/contracts HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${world.client.token}\r\n\r\n`);
    await kept.until('"contracts"');
    await Promise.all([silent.closed, kept.closed]);
    expect(kept.received().toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(silent.received().length === 0 || /^HTTP\/1\.1 408 /.test(silent.received().toString('latin1'))).toBe(true);
  });
});

describe('connection cap', () => {
  const [sqlite] = testBackends();
  let server: TestServer;
  beforeEach(async () => {
    // Deadlines long enough that no admitted connection is closed for being idle while the test runs.
    server = await startTestServer(sqlite!, { maxConnections: 6, keepAliveTimeoutMs: 120_000, idleConnectionMs: 120_000 });
  });
  afterEach(async () => server?.close());

  it('closes connections beyond maxConnections as they arrive, and takes new ones once places are free', async () => {
    const ask = async (c: RawConnection) => {
      c.socket.write('GET /api/v1/openapi.json HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      await c.until('"openapi"');
    };
    const admitted = await Promise.all(Array.from({ length: 6 }, () => connectRaw(server.baseUrl)));
    await Promise.all(admitted.map(ask));
    const refused = await connectRaw(server.baseUrl);
    refused.socket.write('GET /api/v1/openapi.json HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await refused.closed;
    expect(refused.received().length).toBe(0);

    admitted[0]!.socket.destroy();
    await expect.poll(() => new Promise<number>((resolve) => server.app.server.getConnections((_e, n) => resolve(n)))).toBe(5);
    const next = await connectRaw(server.baseUrl);
    await ask(next);
    for (const c of [...admitted, next]) c.socket.destroy();
  });
});
