import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';
import { signInAs, signInFrom, type SignInAnswer } from '../support/sign-in.js';

/**
 * The per-account backoff: failed sign-ins in a row for one email, whatever address sends them, make the next
 * sign-in wait longer and longer (429 RATE_LIMITED with Retry-After, a correct password included), on the server's
 * clock; a success resets it; and an email without an account is answered exactly like one with an account.
 * Attempts come from 127.0.0.1 and 127.0.0.2 over real sockets and from an injected internet address, in turn.
 */
const FREE = 3;
const BASE = 2_000;
const MAX = 16_000;

describe.each(testBackends())('per-account sign-in backoff on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, { accountLoginBackoff: { freeFailures: FREE, baseMs: BASE, maxMs: MAX } });
    world = await createWorld(server);
  });
  afterEach(async () => server?.close());

  /** The n-th attempt leaves from one of three clients in turn. */
  const from = (n: number, email: string, password: string): Promise<SignInAnswer> =>
    [() => signInFrom(server, '127.0.0.1', email, password), () => signInFrom(server, '127.0.0.2', email, password), () => signInAs(server, '203.0.113.9', email, password)][n % 3]!();

  /**
   * Fails `rounds` times in a row, each time as soon as allowed. Once past the free failures, a sign-in with `tryPassword`
   * comes first each time (and is refused), also a millisecond before the wait is over; the server clock is moved
   * on by each wait. Returns what every attempt was answered.
   */
  async function failInARow(email: string, rounds: number, tryPassword: string): Promise<SignInAnswer[]> {
    const answers: SignInAnswer[] = [];
    for (let n = 0; n < rounds; n += 1) {
      if (n > FREE) {
        const waiting = await from(n + 1, email, tryPassword);
        answers.push(waiting);
        server.clock.advance((waiting.retryAfter ?? 0) * 1000 - 1);
        answers.push(await from(n + 2, email, tryPassword));
        server.clock.advance(1);
      }
      answers.push(await from(n, email, `wrong-${n}`));
    }
    return answers;
  }

  it('grows with failures in a row from any address, refuses even the right password meanwhile, and resets on success', async () => {
    const { email, password } = world.client;
    const answers = await failInARow(email, FREE + 5, password);
    const refusals = answers.filter((a) => a.status === 429);
    // The free failures cost nothing; then 2 s, 4 s, 8 s, 16 s (the most), each asked again 1 ms before its end.
    expect(refusals.map((a) => a.retryAfter)).toEqual([2, 1, 4, 1, 8, 1, 16, 1]);
    for (const refused of refusals) expect(refused.code).toBe('RATE_LIMITED');
    expect(answers.filter((a) => a.status === 401)).toHaveLength(FREE + 5);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(0);
    expect((await from(0, email, password)).retryAfter).toBe(16);

    // Other accounts, at the same addresses, are not held up.
    expect((await from(1, world.freelancer.email, world.freelancer.password)).status).toBe(200);
    server.clock.advance(MAX);
    expect((await from(2, email, password)).status).toBe(200);
    // The count starts again: FREE failures are free once more.
    for (let n = 0; n < FREE; n += 1) expect((await from(n, email, `again-${n}`)).status).toBe(401);
    expect((await from(0, email, password)).status).toBe(200);
  });

  it('answers an email without an account exactly like one with an account', async () => {
    const known = await failInARow(world.freelancer.email, FREE + 3, 'still-not-it');
    const unknown = await failInARow('nobody-here@test.example', FREE + 3, 'still-not-it');
    expect(unknown).toEqual(known);
    const logs = server.logs();
    expect(logs).not.toContain('nobody-here@test.example');
    expect(logs).not.toContain('still-not-it');
  });

  it('lets a burst of parallel guesses past the free failures through one at a time', async () => {
    const { email } = world.otherClient;
    for (let n = 0; n < FREE; n += 1) expect((await from(n, email, `w-${n}`)).status).toBe(401);
    const burst = await Promise.all(Array.from({ length: 9 }, (_, n) => from(n, email, `burst-${n}`)));
    expect(burst.filter((a) => a.status === 401)).toHaveLength(1);
    expect(burst.filter((a) => a.status === 429)).toHaveLength(8);
    // The one that ran failed: the account now waits.
    expect(await from(0, email, world.otherClient.password)).toEqual({ status: 429, retryAfter: BASE / 1000, code: 'RATE_LIMITED' });
  });
});
