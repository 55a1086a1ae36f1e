import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';

/**
 * Sign-in rate limiting beyond what auth-policy.test.ts shows (429 after the limit, Retry-After, other
 * accounts unaffected): the window is the server's clock's, so it ends when the server's time says
 * so — here a FakeClock moved past it, never a real wait — and neither a change of case in the email
 * nor more attempts during the lock-out get around it or stretch it.
 */
const WINDOW = 60_000;
const MAX = 3;

describe.each(testBackends())('sign-in rate limit on $name', (backend) => {
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
