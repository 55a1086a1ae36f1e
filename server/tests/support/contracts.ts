import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { ensureUser } from '../../src/domain/demo.js';
import type { UserRow } from '../../src/repository/index.js';
import type { TestServer } from './server.js';

/** An account made the operator's way, signed in through the API. */
export type Account = UserRow & { readonly token: string; readonly password: string };

export async function signedInAccount(server: TestServer, name: string): Promise<Account> {
  const tag = randomBytes(4).toString('hex');
  const email = `${name}-${tag}@test.example`;
  const password = `pw ${name} ${randomBytes(8).toString('hex')}`;
  const row = await ensureUser(server.repos, server.clock, { email, password, name: `${name} ${tag}` });
  const login = await server.request('POST', '/api/v1/auth/token', { json: { email, password } });
  expect(login.status, login.text).toBe(200);
  return { ...row, token: login.json.token as string, password };
}

/** The body of POST /contracts with sensible terms; `overrides` change any of them. */
export function contractBody(freelancerEmail: string, overrides: Record<string, unknown> = {}) {
  return { name: 'Landing page', freelancerEmail, screenshots: 'on', retentionDays: 30, segmentSeconds: 600, timeZone: 'Europe/Berlin', ...overrides };
}

/** The client makes a contract and invites `freelancerEmail`: the contract and the invitation (with its token). */
export async function inviteToContract(server: TestServer, client: Account, freelancerEmail: string, overrides: Record<string, unknown> = {}) {
  const made = await server.request('POST', '/api/v1/contracts', { token: client.token, json: contractBody(freelancerEmail, overrides) });
  expect(made.status, made.text).toBe(201);
  return { contract: made.json.contract, invitation: made.json.invitation, contractId: made.json.contract.id as string, token: made.json.invitation.token as string };
}

/** The invited account accepts: the contract becomes active with it as the freelancer. */
export async function accept(server: TestServer, freelancer: Account, invitationToken: string) {
  const answer = await server.request('POST', '/api/v1/invitations/accept', { token: freelancer.token, json: { token: invitationToken } });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

/** A running contract made through the API: invited, accepted. */
export async function activeContract(server: TestServer, client: Account, freelancer: Account, overrides: Record<string, unknown> = {}): Promise<string> {
  const { contractId, token } = await inviteToContract(server, client, freelancer.email, overrides);
  await accept(server, freelancer, token);
  return contractId;
}

export async function setState(server: TestServer, who: Account, contractId: string, state: 'active' | 'paused' | 'ended') {
  return server.request('PUT', `/api/v1/contracts/${contractId}/state`, { token: who.token, json: { state } });
}
