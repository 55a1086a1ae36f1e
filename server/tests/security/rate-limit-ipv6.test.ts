import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { sendRaw } from '../support/raw-http.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';
import { signInAs, type SignInAnswer } from '../support/sign-in.js';

/**
 * IPv6 clients are counted per /64 by every sign-in limit: a host normally holds a whole /64, and counting single
 * addresses would give it 2^64 fresh starts. The server listens on ::1; the first requests come over a real socket
 * from ::1, the others are injected from further addresses (loopback has only ::1). An IPv4 client seen through
 * IPv6 (::ffff:a.b.c.d) is counted as its IPv4 address, not in one /64 with every IPv4 client.
 */
const WINDOW = 60_000;
const PER_EMAIL = 3;
const PER_ADDRESS = 4;

describe.each(testBackends())('IPv6 clients counted per /64 on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, {
      host: '::1',
      loginRateLimit: { max: PER_EMAIL, windowMs: WINDOW },
      addressLoginFailureLimit: { max: PER_ADDRESS, windowMs: 10 * WINDOW },
    });
    world = await createWorld(server);
  });
  afterEach(async () => server?.close());

  /** POST /auth/token over a real socket from ::1. */
  async function signInOverSocket(email: string, password: string): Promise<SignInAnswer> {
    const answer = await sendRaw(server.baseUrl, {
      method: 'POST',
      target: '/api/v1/auth/token',
      headers: [['content-type', 'application/json']],
      body: Buffer.from(JSON.stringify({ email, password })),
    });
    const retryAfter = answer.headers['retry-after'];
    return { status: answer.status, retryAfter: retryAfter === undefined ? null : Number(retryAfter), code: (answer.json as { error?: { code?: string } }).error?.code };
  }

  it('limits one email per /64: after ::1 used its attempts, ::2 and ::abcd:1234:5678 are refused too; another /64 and IPv4 are not', async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/\[::1\]:\d+$/);
    const email = 'guessed@test.example';
    const fromLoopback = [];
    for (let i = 0; i < PER_EMAIL + 1; i += 1) fromLoopback.push((await signInOverSocket(email, `guess-${i}`)).status);
    expect(fromLoopback).toEqual([401, 401, 401, 429]);
    // The same /64 (0:0:0:0::/64) from other addresses: refused before the password is checked.
    for (const address of ['::2', '::abcd:1234:5678', '0:0:0:0:ffff:ffff:ffff:ffff']) {
      expect(await signInAs(server, address, email, 'another-guess'), address).toEqual({ status: 429, retryAfter: WINDOW / 1000, code: 'RATE_LIMITED' });
    }
    for (const address of ['2001:db8:1:2::1', '0:0:0:1::1', '127.0.0.1', '::ffff:127.0.0.1']) {
      expect((await signInAs(server, address, email, 'another-guess')).status, address).toBe(401);
    }
  });

  it('counts failures across emails per /64 (spraying): distinct addresses of one /64 share one count, with Retry-After', async () => {
    const prefix = '2001:db8:a:b';
    const accounts = [world.client, world.freelancer, world.otherClient, world.otherFreelancer];
    // One guess per email, each from a fresh address of the same /64.
    for (const [i, account] of accounts.entries()) {
      expect((await signInAs(server, `${prefix}::${i + 1}`, account.email, 'Summer2026!')).status).toBe(401);
    }
    const refused = await signInAs(server, `${prefix}:ffff:ffff:ffff:ffff`, world.client.email, world.client.password);
    expect(refused).toEqual({ status: 429, retryAfter: (10 * WINDOW) / 1000, code: 'RATE_LIMITED' });
    expect((await signInAs(server, `${prefix.toUpperCase()}:0:0:0:9`, world.freelancer.email, world.freelancer.password)).status).toBe(429);
    // The neighbouring /64 and ::1 are other clients.
    expect((await signInAs(server, '2001:db8:a:c::1', world.client.email, world.client.password)).status).toBe(200);
    expect((await signInOverSocket(world.client.email, world.client.password)).status).toBe(200);
    const logs = server.logs();
    expect(logs.match(/failed sign-ins from one address reached the limit/g)).toHaveLength(1);
    expect(logs).toContain(`"address":"${prefix}::/64"`);
  });

  it('counts an IPv4 client seen through IPv6 as its IPv4 address', async () => {
    const accounts = [world.client, world.freelancer, world.otherClient, world.otherFreelancer];
    for (const account of accounts) expect((await signInAs(server, '::ffff:192.0.2.7', account.email, 'guess')).status).toBe(401);
    expect((await signInAs(server, '192.0.2.7', world.client.email, world.client.password)).status).toBe(429);
    expect((await signInAs(server, '::ffff:192.0.2.8', world.client.email, world.client.password)).status).toBe(200);
    expect((await signInAs(server, '192.0.2.8', world.client.email, world.client.password)).status).toBe(200);
  });
});
