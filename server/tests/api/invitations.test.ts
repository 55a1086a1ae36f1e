import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { accept, inviteToContract, setState, signedInAccount, type Account } from '../support/contracts.js';
import { startTestServer, type TestServer } from '../support/server.js';

const DAY = 86_400_000;

/**
 * Issue 13: invitations refuse clearly and change nothing when they cannot be used (expired, used, revoked, made
 * for another email, someone else's), sign-up follows --signup, and nothing answers "this email has an account".
 */
describe.each(testBackends())('invitations and sign-up on $name', (backend) => {
  let server: TestServer;
  let client: Account;

  beforeAll(async () => {
    server = await startTestServer(backend);
    client = await signedInAccount(server, 'client');
  });
  afterAll(async () => server?.close());

  const lookup = (token: string) => server.request('POST', '/api/v1/invitations/lookup', { json: { token } });
  const acceptAs = (who: Account, token: string) => server.request('POST', '/api/v1/invitations/accept', { token: who.token, json: { token } });
  /** What must stay as it was after a refused call: the contract's state and freelancer, the invitations. */
  const snapshot = async (contractId: string) => JSON.stringify([await server.repos.contracts.find(contractId), await server.repos.invitations.listForContract(contractId)]);

  it('refuses an expired, used or revoked link, another email and a stranger, with a code, and changes nothing', async () => {
    const invited = await signedInAccount(server, 'invited');
    const other = await signedInAccount(server, 'other');

    // Another email: the signed-in account is not the one invited.
    const first = await inviteToContract(server, client, invited.email);
    let before = await snapshot(first.contractId);
    const mismatch = await acceptAs(other, first.token);
    expect([mismatch.status, mismatch.json.error.code]).toEqual([403, 'INVITATION_EMAIL_MISMATCH']);
    expect(mismatch.json.error.message).not.toContain(invited.email);
    // The client cannot accept their own contract's invitation either.
    expect((await acceptAs(client, first.token)).status).toBe(403);
    expect(await snapshot(first.contractId)).toBe(before);

    // Strangers to the contract learn nothing from its id: 404 on its invitations.
    for (const [method, path] of [
      ['GET', `/api/v1/contracts/${first.contractId}/invitations`],
      ['POST', `/api/v1/contracts/${first.contractId}/invitations`],
      ['DELETE', `/api/v1/contracts/${first.contractId}/invitations/${first.invitation.id}`],
    ] as const) {
      const answer = await server.request(method, path, { token: other.token, ...(method === 'POST' ? { json: { email: other.email } } : {}) });
      expect([answer.status, answer.json.error.code], `${method} ${path}`).toEqual([404, 'NOT_FOUND']);
    }
    expect(await snapshot(first.contractId)).toBe(before);

    // Revoked by a new invitation: the old link says so; the new one works once.
    const again = await server.request('POST', `/api/v1/contracts/${first.contractId}/invitations`, { token: client.token, json: { email: invited.email } });
    expect(again.status).toBe(201);
    expect((await lookup(first.token)).json.error.code).toBe('INVITATION_REVOKED');
    before = await snapshot(first.contractId);
    expect((await acceptAs(invited, first.token)).json.error.code).toBe('INVITATION_REVOKED');
    expect(await snapshot(first.contractId)).toBe(before);
    await accept(server, invited, again.json.token);
    before = await snapshot(first.contractId);
    const used = await acceptAs(invited, again.json.token);
    expect([used.status, used.json.error.code]).toEqual([410, 'INVITATION_USED']);
    expect((await server.request('POST', '/api/v1/invitations/decline', { json: { token: again.json.token } })).json.error.code).toBe('INVITATION_USED');
    // A running contract takes no new invitation.
    expect((await server.request('POST', `/api/v1/contracts/${first.contractId}/invitations`, { token: client.token, json: { email: other.email } })).json.error.code).toBe('CONTRACT_STATE_CONFLICT');
    expect(await snapshot(first.contractId)).toBe(before);

    // Expired after 14 days.
    const late = await inviteToContract(server, client, other.email);
    server.clock.advance(14 * DAY);
    before = await snapshot(late.contractId);
    const expired = await acceptAs(other, late.token);
    expect([expired.status, expired.json.error.code]).toEqual([410, 'INVITATION_EXPIRED']);
    expect((await lookup(late.token)).json.error.code).toBe('INVITATION_EXPIRED');
    expect(await snapshot(late.contractId)).toBe(before);
    const listed = await server.request('GET', `/api/v1/contracts/${late.contractId}/invitations`, { token: client.token });
    expect(listed.json.invitations.map((i: { state: string }) => i.state)).toEqual(['expired']);

    // A token nobody issued.
    expect((await lookup(`wti_${'x'.repeat(43)}`)).json.error.code).toBe('INVITATION_NOT_FOUND');
  });

  it('lets the invited person decline; the client sees it and may invite again, withdraw, or end the contract', async () => {
    const invited = await signedInAccount(server, 'decliner');
    const { contractId, token, invitation } = await inviteToContract(server, client, invited.email);
    const declined = await server.request('POST', '/api/v1/invitations/decline', { json: { token } });
    expect(declined.status).toBe(200);
    expect(declined.json).toMatchObject({ id: invitation.id, state: 'declined' });
    const seen = (await server.request('GET', '/api/v1/contracts', { token: client.token })).json.contracts.find((c: { id: string }) => c.id === contractId);
    expect(seen).toMatchObject({ policy: { contract: { state: 'invited' } }, invitation: { state: 'declined' } });

    const second = await server.request('POST', `/api/v1/contracts/${contractId}/invitations`, { token: client.token, json: { email: invited.email } });
    const withdrawn = await server.request('DELETE', `/api/v1/contracts/${contractId}/invitations/${second.json.id}`, { token: client.token });
    expect(withdrawn.json.state).toBe('revoked');
    expect((await acceptAs(invited, second.json.token)).json.error.code).toBe('INVITATION_REVOKED');
    expect((await server.request('DELETE', `/api/v1/contracts/${contractId}/invitations/${second.json.id}`, { token: client.token })).status).toBe(410);

    // Ending a contract nobody accepted withdraws its open invitation.
    const third = await server.request('POST', `/api/v1/contracts/${contractId}/invitations`, { token: client.token, json: { email: invited.email } });
    expect((await setState(server, client, contractId, 'ended')).json.policy.contract.state).toBe('ended');
    expect((await acceptAs(invited, third.json.token)).json.error.code).toBe('INVITATION_REVOKED');
    expect((await server.repos.contracts.find(contractId))?.freelancerId).toBeNull();
  });

  it('under --signup invite, makes an account only with an invitation for that email', async () => {
    const email = `invitee-${Date.now()}@test.example`;
    const { token } = await inviteToContract(server, client, email);
    const body = { email, name: 'New Person', password: 'a long enough secret' };
    expect((await server.request('POST', '/api/v1/auth/signup', { json: body })).json.error.code).toBe('INVITATION_REQUIRED');
    const otherEmail = await server.request('POST', '/api/v1/auth/signup', { json: { ...body, email: `x${email}`, invitation: token } });
    expect([otherEmail.status, otherEmail.json.error.code]).toEqual([403, 'INVITATION_EMAIL_MISMATCH']);
    const weak = await server.request('POST', '/api/v1/auth/signup', { json: { ...body, password: 'short', invitation: token } });
    expect([weak.status, weak.json.error.code]).toEqual([400, 'WEAK_PASSWORD']);
    expect(weak.json.error.message).toMatch(/at least 10 characters/);
    expect(await server.repos.users.findByEmail(email)).toBeUndefined();
    expect((await server.request('GET', '/api/v1/auth/signup')).json).toEqual({ mode: 'invite', passwordMinLength: 10 });
    const made = await server.request('POST', '/api/v1/auth/signup', { json: { ...body, invitation: token } });
    expect(made.status).toBe(200);
    expect((await server.request('GET', '/api/v1/contracts', { token: made.json.token })).json.contracts).toEqual([]);
  });

  it('says nothing about whether an email has an account: invitation, look-up and sign-up answer alike', async () => {
    const existing = await signedInAccount(server, 'existing');
    const fresh = `fresh-${Date.now()}@test.example`;
    // Inviting either: the same status and the same fields, nothing else.
    const a = await inviteToContract(server, client, existing.email);
    const b = await inviteToContract(server, client, fresh);
    const shape = (value: unknown): unknown =>
      value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)])) : typeof value;
    expect(shape(a.invitation)).toEqual(shape(b.invitation));
    expect(shape(a.contract)).toEqual(shape(b.contract));
    // The token holder's view carries no hint either.
    const viewA = await lookup(a.token);
    const viewB = await lookup(b.token);
    expect(shape(viewA.json)).toEqual(shape(viewB.json));
    expect(JSON.stringify(viewA.json)).not.toMatch(/account|exists|registered/i);
    // Sign-up with the right password: 200 and a session, for the existing account and for a new one alike.
    const signA = await server.request('POST', '/api/v1/auth/signup', { json: { email: existing.email, name: 'Whoever', password: existing.password, invitation: a.token } });
    const signB = await server.request('POST', '/api/v1/auth/signup', { json: { email: fresh, name: 'Whoever', password: 'another long secret', invitation: b.token } });
    expect([signA.status, signB.status]).toEqual([200, 200]);
    expect(shape(signA.json)).toEqual(shape(signB.json));
    expect(signA.json.user.id).toBe(existing.id); // it signed in: the existing account was not touched
    expect((await server.repos.users.findByEmail(existing.email))?.passwordHash).toBe(existing.passwordHash);
    // A wrong password for an existing email is a failed sign-in, worded as one.
    const wrong = await server.request('POST', '/api/v1/auth/signup', { json: { email: existing.email, name: 'Whoever', password: 'not the password at all', invitation: a.token } });
    expect([wrong.status, wrong.json.error.code, wrong.json.error.message]).toEqual([401, 'INVALID_CREDENTIALS', 'wrong email or password']);
    // The password rules come first, for both.
    const weakA = await server.request('POST', '/api/v1/auth/signup', { json: { email: existing.email, name: 'W', password: 'short', invitation: a.token } });
    const c = await inviteToContract(server, client, `y${fresh}`);
    const weakB = await server.request('POST', '/api/v1/auth/signup', { json: { email: `y${fresh}`, name: 'W', password: 'short', invitation: c.token } });
    expect([weakA.json.error.code, weakB.json.error.code]).toEqual(['WEAK_PASSWORD', 'WEAK_PASSWORD']);
  });
});

describe.each(testBackends())('--signup open and closed on $name', (backend) => {
  it('open: anyone makes an account; closed: nobody does, invitation or not', async () => {
    const open = await startTestServer(backend, { signup: 'open' });
    try {
      const answer = await open.request('POST', '/api/v1/auth/signup', { json: { email: 'walk-in@test.example', name: 'Walk In', password: 'a long enough secret' } });
      expect(answer.status).toBe(200);
      expect(await open.repos.users.findByEmail('walk-in@test.example')).toMatchObject({ name: 'Walk In' });
    } finally {
      await open.close();
    }
    const closed = await startTestServer(backend, { signup: 'closed' });
    try {
      const client = await signedInAccount(closed, 'client');
      const { token } = await inviteToContract(closed, client, 'late@test.example');
      const answer = await closed.request('POST', '/api/v1/auth/signup', { json: { email: 'late@test.example', name: 'Late', password: 'a long enough secret', invitation: token } });
      expect([answer.status, answer.json.error.code]).toEqual([403, 'SIGNUP_CLOSED']);
      expect(await closed.repos.users.findByEmail('late@test.example')).toBeUndefined();
      expect((await closed.request('GET', '/api/v1/auth/signup')).json.mode).toBe('closed');
    } finally {
      await closed.close();
    }
  });

  it('keeps an invitation open for the days the operator set (--invitation-days), and not a millisecond more', async () => {
    const short = await startTestServer(backend, { invitationTtlMs: 2 * DAY });
    try {
      const client = await signedInAccount(short, 'client');
      const invited = await signedInAccount(short, 'invited');
      const made = await inviteToContract(short, client, invited.email);
      expect(Date.parse(made.invitation.expiresAt)).toBe(short.clock.now() + 2 * DAY);
      const lookup = () => short.request('POST', '/api/v1/invitations/lookup', { json: { token: made.token } });
      short.clock.advance(2 * DAY - 1);
      expect((await lookup()).status).toBe(200);
      short.clock.advance(1);
      const late = await lookup();
      expect([late.status, late.json.error.code]).toEqual([410, 'INVITATION_EXPIRED']);
      const accepted = await short.request('POST', '/api/v1/invitations/accept', { token: invited.token, json: { token: made.token } });
      expect([accepted.status, accepted.json.error.code]).toEqual([410, 'INVITATION_EXPIRED']);
      expect((await short.repos.contracts.find(made.contractId))?.freelancerId).toBeNull();
    } finally {
      await short.close();
    }
  });
});
