import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config.js';
import { testBackends } from '../support/backends.js';
import { inviteToContract, signedInAccount } from '../support/contracts.js';
import { startTestServer, type TestResponse, type TestServer } from '../support/server.js';
import { signInFrom, type SignInAnswer } from '../support/sign-in.js';

/** Failures in a row that cost nothing; the one after them makes the account wait BASE_MS. */
const FREE = 2;
const BASE_MS = 2_000;

/**
 * Issue 13: the other ways in are no side door around sign-in's limits (SignInLimits). A wrong password given to
 * sign-up or to a password change counts against the account exactly as a failed sign-in does (and the other way
 * round), and invitation tokens nobody issued count against the address that guesses them. Every refusal is the
 * coded 429 with Retry-After, on the server's clock.
 */
describe.each(testBackends())("sign-up, invitation tokens and password changes under sign-in's limits on $name", (backend) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (overrides: Partial<ServerConfig> = {}): Promise<TestServer> => {
    server = await startTestServer(backend, { signup: 'open', accountLoginBackoff: { freeFailures: FREE, baseMs: BASE_MS, maxMs: 8_000 }, ...overrides });
    return server;
  };
  const signUp = (s: TestServer, email: string, password: string) => s.request('POST', '/api/v1/auth/signup', { json: { email, name: 'Some Body', password } });
  /** What a call was answered, as signInFrom reports a sign-in (the same shape, to compare with it). */
  const answerOf = (r: TestResponse): SignInAnswer => {
    const retryAfter = r.headers.get('retry-after');
    return { status: r.status, code: (r.json as { error?: { code?: string } } | undefined)?.error?.code, retryAfter: retryAfter === null ? null : Number(retryAfter) };
  };

  it("counts a sign-up's wrong password against the account like a failed sign-in, and a failed sign-in against sign-up", async () => {
    const s = await start();
    const person = await signedInAccount(s, 'person');
    for (let n = 0; n <= FREE; n += 1) {
      expect(answerOf(await signUp(s, person.email, `not the password ${n}`))).toEqual({ status: 401, code: 'INVALID_CREDENTIALS', retryAfter: null });
    }
    // The right password waits now, at sign-in as at sign-up.
    expect(await signInFrom(s, '127.0.0.1', person.email, person.password)).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: BASE_MS / 1000 });
    expect(answerOf(await signUp(s, person.email, person.password))).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: BASE_MS / 1000 });
    s.clock.advance(BASE_MS);
    expect((await signInFrom(s, '127.0.0.1', person.email, person.password)).status).toBe(200); // and the count resets

    for (let n = 0; n <= FREE; n += 1) expect((await signInFrom(s, '127.0.0.1', person.email, `wrong ${n}`)).status).toBe(401);
    expect(answerOf(await signUp(s, person.email, person.password))).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: BASE_MS / 1000 });
    expect(s.logs()).not.toContain(person.password);
  });

  it('counts wrong current passwords in a password change against the account, and changes nothing meanwhile', async () => {
    const s = await start();
    const person = await signedInAccount(s, 'changer');
    const change = (currentPassword: string) =>
      s.request('PUT', '/api/v1/auth/password', { token: person.token, json: { currentPassword, newPassword: 'a brand new long secret' } });
    for (let n = 0; n <= FREE; n += 1) {
      expect(answerOf(await change(`a wrong guess ${n}`))).toEqual({ status: 403, code: 'INVALID_CREDENTIALS', retryAfter: null });
    }
    expect(answerOf(await change(person.password))).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: BASE_MS / 1000 });
    expect(await signInFrom(s, '127.0.0.1', person.email, person.password)).toEqual({ status: 429, code: 'RATE_LIMITED', retryAfter: BASE_MS / 1000 });
    s.clock.advance(BASE_MS);
    // The password is still the old one, and the session making the calls still works.
    expect((await signInFrom(s, '127.0.0.1', person.email, person.password)).status).toBe(200);
    expect((await s.request('GET', '/api/v1/contracts', { token: person.token })).status).toBe(200);
  });

  it('makes an address that guesses invitation tokens wait, even with a real one, while other addresses are served', async () => {
    const s = await start({ addressLoginFailureLimit: { max: 3, windowMs: 60_000 } });
    const client = await signedInAccount(s, 'client');
    const invitation = await inviteToContract(s, client, 'invitee@test.example');
    const lookup = (token: string) => s.request('POST', '/api/v1/invitations/lookup', { json: { token } });
    /** Through the whole server as if sent from another (internet) address: loopback has no other to send from. */
    const lookupFrom = async (remoteAddress: string, token: string) =>
      (await s.app.inject({ method: 'POST', url: '/api/v1/invitations/lookup', payload: { token }, remoteAddress })).statusCode;
    const guess = () => `wti_${randomBytes(32).toString('base64url')}`;
    for (let n = 0; n < 3; n += 1) expect(answerOf(await lookup(guess()))).toEqual({ status: 404, code: 'INVITATION_NOT_FOUND', retryAfter: null });
    const held = answerOf(await lookup(invitation.token));
    expect([held.status, held.code]).toEqual([429, 'RATE_LIMITED']);
    expect(held.retryAfter).toBeGreaterThan(0);
    // The decline route shares the count: no second door for the same guesses.
    expect((await s.request('POST', '/api/v1/invitations/decline', { json: { token: invitation.token } })).status).toBe(429);
    expect(await lookupFrom('203.0.113.7', invitation.token)).toBe(200);
    expect((await s.repos.invitations.listForContract(invitation.contractId)).map((i) => i.closedAs)).toEqual([null]);
    expect(s.logs()).not.toContain(invitation.token);
  });
});
