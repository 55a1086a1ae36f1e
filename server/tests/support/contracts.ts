import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { expect } from 'vitest';
import { removeScreenshotsOfApprovedWeeks } from '../../src/domain/approval-deletion.js';
import { ensureUser } from '../../src/domain/demo.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { createLogger } from '../../src/logger.js';
import type { UserRow } from '../../src/repository/index.js';
import type { Backend } from './backends.js';
import { segmentBody, startTestServer, uploadScreenshot, type TestServer } from './server.js';

export const MIN = 60_000;
export const at = (iso: string): number => Date.parse(iso);

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

/**
 * The weekly-review suites' start (weeks, approval settings, deletion on approval, late time): the server on `backend`
 * with its fake clock on Monday 2026-01-05 10:00 in Berlin, where their contracts run, and a client and a freelancer
 * signed in.
 */
export async function startWeekServer(backend: Backend): Promise<{ server: TestServer; client: Account; freelancer: Account }> {
  const server = await startTestServer(backend);
  server.clock.setWall(at('2026-01-05T09:00:00Z'));
  return { server, client: await signedInAccount(server, 'client'), freelancer: await signedInAccount(server, 'freelancer') };
}

/** GET /contracts/{id}/weeks/{date} as `who`: the week's review (200 expected). */
export async function weekReview(server: TestServer, who: Account, contractId: string, date: string) {
  const answer = await server.request('GET', `/api/v1/contracts/${contractId}/weeks/${date}`, { token: who.token });
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

/**
 * A segment of `minutes` full minutes from `startedAt`, uploaded by the contract's freelancer (200 expected), with a
 * revision when given and a screenshot of its second minute when asked: the body sent, the screenshot's id and bytes.
 */
export async function uploadWork(
  server: TestServer,
  freelancer: Account,
  contractId: string,
  startedAt: number,
  minutes: number,
  options: { revision?: number; screenshot?: boolean } = {},
) {
  const shot = options.screenshot ? { id: ulid(), takenAt: startedAt + MIN } : null;
  const body = { ...segmentBody({ contractId, startedAt, minutes, screenshot: shot }), ...(options.revision ? { revision: options.revision } : {}) };
  const answer = await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body });
  expect(answer.status, answer.text).toBe(200);
  if (!shot) return { body, screenshotId: null, bytes: null };
  const sent = await uploadScreenshot(server, freelancer.token, { id: shot.id, segmentId: body.id, capturedAt: shot.takenAt });
  expect(sent.status, sent.text).toBe(200);
  return { body, screenshotId: shot.id, bytes: sent.bytes_sent as Buffer };
}

/** The approval upkeep the server's schedule runs (deletion on approval), run now. */
export function approvalUpkeep(server: TestServer) {
  return removeScreenshotsOfApprovedWeeks({ repos: server.repos, objects: new ScreenshotObjects(server.storage, server.keys), clock: server.clock, logger: createLogger({ level: 'silent' }) });
}
