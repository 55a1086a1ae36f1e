import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';
import { signInFrom } from '../support/sign-in.js';

/**
 * Sign-in rate limiting beyond what auth-policy.test.ts shows (429 after the limit, Retry-After, other
 * accounts unaffected): the window is the server's clock's, so it ends when the server's time says
 * so — here a FakeClock moved past it, never a real wait — and neither a change of case in the email
 * nor more attempts during the lock-out get around it or stretch it.
 */
const WINDOW = 60_000;
const MAX = 3;
const backends = testBackends();

describe.each(backends)('sign-in rate limit on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, { loginRateLimit: { max: MAX, windowMs: WINDOW } });
    world = await createWorld(server); // one sign-in per account: the first attempt of each window
  });
  afterEach(async () => server?.close());

  const signIn = (email: string, password: string) => server.request('POST', '/api/v1/auth/token', { json: { email, password } });

  it('lifts the lock-out when the window ends on the server clock, not before, and attempts during it do not stretch it', async () => {
    const { email, password } = world.client;
    expect((await signIn(email, 'wrong-1')).status).toBe(401);
    expect((await signIn(email, 'wrong-2')).status).toBe(401);
    const locked = await signIn(email, password);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe('RATE_LIMITED');
    expect(Number(locked.headers.get('retry-after'))).toBe(WINDOW / 1000);

    server.clock.advance(WINDOW / 3);
    const later = await signIn(email, password);
    expect(later.status).toBe(429);
    // What is left of the window, by the server's clock.
    expect(Number(later.headers.get('retry-after'))).toBe(Math.ceil((WINDOW - WINDOW / 3) / 1000));

    server.clock.advance(WINDOW - WINDOW / 3 - 1);
    expect((await signIn(email, password)).status).toBe(429); // one millisecond before the end
    server.clock.advance(1);
    const after = await signIn(email, password);
    expect(after.status).toBe(200);
    expect((await server.request('GET', '/api/v1/contracts', { token: after.json.token })).status).toBe(200);
  });

  it('counts an email in any letter case as one account', async () => {
    const { email, password } = world.freelancer;
    const variants = [email.toUpperCase(), email.replace(/^./, (c) => c.toUpperCase())];
    for (const variant of variants) expect((await signIn(variant, 'wrong')).status).toBe(401);
    expect((await signIn(email, password)).status).toBe(429);
    expect((await signIn(email.toUpperCase(), password)).status).toBe(429);
    // The other side of the contract, at the same address, is not locked out.
    expect((await signIn(world.client.email, world.client.password)).status).toBe(200);
  });

  it('locks out an unknown email like a known one, so the answer does not tell which accounts exist', async () => {
    const unknown = 'nobody-here@test.example';
    const answers = [];
    for (let i = 0; i < MAX + 1; i += 1) answers.push((await signIn(unknown, `guess-${i}`)).status);
    expect(answers).toEqual([401, 401, 401, 429]);
    server.clock.advance(WINDOW);
    expect((await signIn(unknown, 'guess')).status).toBe(401);
  });
});

/**
 * Password spraying: one address trying a password against many accounts, once each, never trips the
 * per address + email limit. Failed sign-ins per address across emails have their own, higher limit
 * (a sliding window on the server's clock; successes do not count). The counts live in the server
 * process, not in the database, so this runs once, on SQLite. Requests leave from two loopback
 * addresses (127.0.0.1 and 127.0.0.2) to show the limit is the address's, not everyone's.
 */
const SPRAY_MAX = 5;
const SPRAY_WINDOW = 10 * 60_000;
const OTHER_ADDRESS = '127.0.0.2';

describe.each(backends.filter((b) => b.name === 'sqlite'))('failed sign-ins per address across emails on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, {
      // The per-email limit out of the way: each test below is about the address's failures only.
      loginRateLimit: { max: 100, windowMs: WINDOW },
      addressLoginFailureLimit: { max: SPRAY_MAX, windowMs: SPRAY_WINDOW },
    });
    world = await createWorld(server);
  });
  afterEach(async () => server?.close());

  const accounts = () => [world.client, world.freelancer, world.otherClient, world.otherFreelancer];
  const spray = (n: number, from = '127.0.0.1') =>
    Promise.all(Array.from({ length: n }, (_, i) => signInFrom(server, from, accounts()[i % 4]!.email.replace('@', `+${i}@`), 'Summer2026!')));

  it('refuses an address after SPRAY_MAX failures across different emails, correct passwords included, with Retry-After; other addresses go on', async () => {
    // One guess per email (unknown ones too: the attacker does not know which exist), far under the per-email limit.
    for (const [i, account] of accounts().entries()) expect((await signInFrom(server, '127.0.0.1', account.email, `guess-${i}`)).status).toBe(401);
    expect((await signInFrom(server, '127.0.0.1', 'nobody@test.example', 'guess')).status).toBe(401);

    const refused = await signInFrom(server, '127.0.0.1', world.client.email, world.client.password);
    expect(refused).toEqual({ status: 429, retryAfter: SPRAY_WINDOW / 1000, code: 'RATE_LIMITED' });
    expect((await signInFrom(server, OTHER_ADDRESS, world.client.email, world.client.password)).status).toBe(200);
    expect((await signInFrom(server, OTHER_ADDRESS, world.freelancer.email, 'wrong')).status).toBe(401);

    const logs = server.logs();
    expect(logs.match(/failed sign-ins from one address reached the limit/g)).toHaveLength(1);
    for (const secret of [world.client.password, 'guess-0', 'Summer2026!']) expect(logs).not.toContain(secret);
  });

  it('slides: an address is let in again when its oldest counted failure leaves the window, by the server clock', async () => {
    expect((await signInFrom(server, '127.0.0.1', world.client.email, 'early')).status).toBe(401);
    server.clock.advance(SPRAY_WINDOW / 2);
    expect((await spray(SPRAY_MAX - 1)).map((a) => a.status)).toEqual(Array(SPRAY_MAX - 1).fill(401));
    // The first failure leaves the window in SPRAY_WINDOW / 2, the others only later.
    expect(await signInFrom(server, '127.0.0.1', world.client.email, world.client.password)).toEqual({ status: 429, retryAfter: SPRAY_WINDOW / 2000, code: 'RATE_LIMITED' });
    server.clock.advance(SPRAY_WINDOW / 2 - 1);
    expect((await signInFrom(server, '127.0.0.1', world.client.email, world.client.password)).retryAfter).toBe(1); // 1 ms left, rounded up
    server.clock.advance(1);
    expect((await signInFrom(server, '127.0.0.1', world.client.email, world.client.password)).status).toBe(200);
    // One place came free, and one more failure fills it: refused again until the next-oldest leaves.
    expect((await signInFrom(server, '127.0.0.1', world.freelancer.email, 'again')).status).toBe(401);
    expect(await signInFrom(server, '127.0.0.1', world.client.email, world.client.password)).toEqual({ status: 429, retryAfter: SPRAY_WINDOW / 2000, code: 'RATE_LIMITED' });
  });

  it('does not count successful sign-ins', async () => {
    expect((await spray(SPRAY_MAX - 1)).map((a) => a.status)).toEqual(Array(SPRAY_MAX - 1).fill(401));
    for (let round = 0; round < 3; round += 1) {
      for (const account of accounts()) expect((await signInFrom(server, '127.0.0.1', account.email, account.password)).status).toBe(200);
    }
    expect((await signInFrom(server, '127.0.0.1', world.client.email, 'last-guess')).status).toBe(401);
    expect((await signInFrom(server, '127.0.0.1', world.client.email, world.client.password)).status).toBe(429);
  });

  it('lets no burst of concurrent guesses past the limit: exactly SPRAY_MAX are checked, the rest refused', async () => {
    const answers = await spray(3 * SPRAY_MAX);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(SPRAY_MAX);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(2 * SPRAY_MAX);
    for (const a of answers.filter((x) => x.status === 429)) expect(a.code).toBe('RATE_LIMITED');
  });
});
