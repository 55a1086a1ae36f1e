import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { hashToken } from '../../src/auth/tokens.js';
import { testBackends } from '../support/backends.js';
import { createContract, ensureUser } from '../../src/domain/demo.js';
import { documentedRoutes, routeName, routerRoutes } from '../support/routes.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestResponse, type TestServer, type World } from '../support/server.js';

/**
 * Every route × every kind of caller. Strangers to a contract get 404 (ids of other people's things
 * reveal nothing), a party on the wrong side gets 403, no token gets 401; and a refused call changes
 * nothing, which each route's `unchanged` check looks at. The public routes (sign-in, the OpenAPI
 * document, the dashboard) are entries too: the same answer for everyone, with nobody's data in it.
 *
 * The table is keyed by the route as the router spells it (`GET /api/v1/contracts/{id}/policy`), and
 * a test compares it with the routes fastify's router and the OpenAPI document list (the helper the
 * bad-input corpus uses): a route added without an entry here fails that test.
 */
type CallerKind = 'anonymous' | 'client' | 'freelancer' | 'otherClient' | 'otherFreelancer';
const CALLERS: CallerKind[] = ['anonymous', 'client', 'freelancer', 'otherClient', 'otherFreelancer'];

interface CallOutcome {
  readonly response: TestResponse;
  /** Whether state is as before the call: asked when the call was refused. */
  readonly unchanged: () => Promise<boolean>;
  /** Whether the answer showed the caller something not theirs: asked whatever the status. */
  readonly leaked?: () => boolean;
}

interface RouteCase {
  readonly route: string;
  readonly expected: Record<CallerKind, number>;
  /** The error code a refusal carries where it is more exact than the status's own (FORBIDDEN for 403, …). */
  readonly codes?: Partial<Record<number, string>>;
  /** Makes what the call needs (fresh each time) and performs it. */
  call(server: TestServer, world: World, token: string | undefined): Promise<CallOutcome>;
}

const freelancerReads = { anonymous: 401, client: 403, freelancer: 200, otherClient: 404, otherFreelancer: 404 };
const partiesRead = { anonymous: 401, client: 200, freelancer: 200, otherClient: 404, otherFreelancer: 404 };
const freelancerWrites = { anonymous: 401, client: 403, freelancer: 200, otherClient: 404, otherFreelancer: 404 };
const clientWrites = { anonymous: 401, client: 200, freelancer: 403, otherClient: 404, otherFreelancer: 404 };
const partiesWrite = { anonymous: 401, client: 200, freelancer: 200, otherClient: 404, otherFreelancer: 404 };
const everyone = { anonymous: 200, client: 200, freelancer: 200, otherClient: 200, otherFreelancer: 200 };

/**
 * Answers a cache may keep: the public pages (no data; revalidated), the OpenAPI document, and the policy, which
 * agents revalidate with its ETag. Every other answer of the API — diary data, screenshots, tokens, errors — says
 * `no-store`, whoever asks.
 */
const CACHEABLE = new Set([
  'GET /',
  'GET /dashboard/app.css',
  'GET /dashboard/icon.svg',
  'GET /dashboard/*',
  'GET /api/v1/openapi.json',
  'GET /api/v1/contracts/{id}/policy',
  'GET /api/v1/contracts/{id}/policy/stream',
]);

/** Text no public answer may hold: the contract's id and the people's emails. */
const mentionsTheWorld = (world: World, text: string) => [world.contract.id, world.client.email, world.freelancer.email].some((secret) => text.includes(secret));

/** A public route: answered alike for everyone, whatever token comes with the call, and carrying no data. */
function publicRead(route: string, path: string): RouteCase {
  return {
    route,
    expected: everyone,
    async call(server, world, token) {
      const response = await server.request('GET', path, { token });
      return { response, unchanged: async () => true, leaked: () => mentionsTheWorld(world, response.text) };
    },
  };
}

let nextSegment = 0;
async function segmentWithScreenshot(server: TestServer, world: World) {
  const start = segmentStart(server.clock.now()) - (++nextSegment + 1) * 600_000;
  const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
  expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
  const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000 });
  expect(shot.status).toBe(200);
  return { segment, shot };
}

let nextTag = 0;
/** An address nobody has an account for, fresh per call. */
const freshEmail = (what: string) => `${what}-${++nextTag}-${Date.now()}@matrix.example`;

/** A contract of the world's client waiting for `email` to accept, made through the API: its id and the invitation. */
async function invitedContract(server: TestServer, world: World, email = freshEmail('invitee')) {
  const made = await server.request('POST', '/api/v1/contracts', {
    token: world.client.token,
    json: { name: 'Matrix', freelancerEmail: email, screenshots: 'on', retentionDays: 30, timeZone: 'UTC' },
  });
  expect(made.status, made.text).toBe(201);
  return { contractId: made.json.contract.id as string, invitationId: made.json.invitation.id as string, token: made.json.invitation.token as string };
}

const ROUTES: RouteCase[] = [
  publicRead('GET /', '/'),
  publicRead('GET /dashboard/app.css', '/dashboard/app.css'),
  publicRead('GET /dashboard/icon.svg', '/dashboard/icon.svg'),
  publicRead('GET /dashboard/*', '/dashboard/api.js'),
  publicRead('GET /api/v1/openapi.json', '/api/v1/openapi.json'),
  publicRead('GET /api/v1/auth/signup', '/api/v1/auth/signup'),
  {
    route: 'POST /api/v1/auth/signup',
    // Under --signup invite: whoever holds an invitation signs up with its email, whatever token the call carries.
    expected: everyone,
    async call(server, world, token) {
      const email = freshEmail('signup');
      const { token: invitation } = await invitedContract(server, world, email);
      const response = await server.request('POST', '/api/v1/auth/signup', { token, json: { email, name: 'Matrix Person', password: 'a long enough secret', invitation } });
      return { response, unchanged: async () => true, leaked: () => response.status === 200 && response.json.user.email !== email };
    },
  },
  {
    route: 'PUT /api/v1/auth/password',
    // Anyone signed in changes their own password (there is no one else's to name): a fresh account each time, so
    // the world's sessions live on.
    expected: { anonymous: 401, client: 200, freelancer: 200, otherClient: 200, otherFreelancer: 200 },
    async call(server, world, token) {
      const email = freshEmail('changer');
      await ensureUser(server.repos, server.clock, { email, password: 'the old long secret', name: 'Changer' });
      const own = token ? ((await server.request('POST', '/api/v1/auth/token', { json: { email, password: 'the old long secret' } })).json.token as string) : undefined;
      const response = await server.request('PUT', '/api/v1/auth/password', { token: own, json: { currentPassword: 'the old long secret', newPassword: 'the new long secret' } });
      return {
        response,
        unchanged: async () => (await server.request('POST', '/api/v1/auth/token', { json: { email, password: 'the old long secret' } })).status === 200,
      };
    },
  },
  {
    route: 'POST /api/v1/contracts',
    // Anyone signed in may be a client: the contract is theirs.
    expected: { anonymous: 401, client: 201, freelancer: 201, otherClient: 201, otherFreelancer: 201 },
    async call(server, world, token) {
      const name = `Matrix ${++nextTag}`;
      const response = await server.request('POST', '/api/v1/contracts', {
        token,
        json: { name, freelancerEmail: freshEmail('made'), screenshots: 'off', retentionDays: 30, timeZone: 'UTC' },
      });
      const me = (['client', 'freelancer', 'otherClient', 'otherFreelancer'] as const).map((k) => world[k]).find((u) => u.token === token);
      return {
        response,
        unchanged: async () => (await server.repos.contracts.findByName(world.client.id, name)) === undefined,
        leaked: () => response.status === 201 && response.json.contract.client.id !== me?.id,
      };
    },
  },
  {
    route: 'PATCH /api/v1/contracts/{id}',
    expected: clientWrites,
    async call(server, world, token) {
      const before = (await server.repos.contracts.find(world.contract.id))!;
      const response = await server.request('PATCH', `/api/v1/contracts/${world.contract.id}`, { token, json: { weeklyLimitHours: (before.weeklyLimitHours ?? 0) + 1 } });
      return { response, unchanged: async () => (await server.repos.contracts.find(world.contract.id))!.weeklyLimitHours === before.weeklyLimitHours };
    },
  },
  {
    route: 'PUT /api/v1/contracts/{id}/state',
    // Pausing: the client only (the freelancer may end, never pause). A running contract of its own each call.
    expected: clientWrites,
    async call(server, world, token) {
      const c = await createContract(server.repos, server.clock, { name: 'Pausable', clientId: world.client.id, freelancerId: world.freelancer.id, segmentSeconds: 600, screenshots: 'on', retentionDays: 30 });
      const response = await server.request('PUT', `/api/v1/contracts/${c.id}/state`, { token, json: { state: 'paused' } });
      return { response, unchanged: async () => (await server.repos.contracts.find(c.id))!.state === 'active' };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/invitations',
    expected: { anonymous: 401, client: 200, freelancer: 403, otherClient: 404, otherFreelancer: 404 },
    async call(server, world, token) {
      return { response: await server.request('GET', `/api/v1/contracts/${world.contract.id}/invitations`, { token }), unchanged: async () => true };
    },
  },
  {
    route: 'POST /api/v1/contracts/{id}/invitations',
    expected: { anonymous: 401, client: 201, freelancer: 404, otherClient: 404, otherFreelancer: 404 },
    async call(server, world, token) {
      // The world's freelancer is no party to a contract that waits for someone else: 404, like any stranger.
      const { contractId } = await invitedContract(server, world);
      const before = (await server.repos.invitations.listForContract(contractId)).length;
      const response = await server.request('POST', `/api/v1/contracts/${contractId}/invitations`, { token, json: { email: freshEmail('again') } });
      return { response, unchanged: async () => (await server.repos.invitations.listForContract(contractId)).length === before };
    },
  },
  {
    route: 'DELETE /api/v1/contracts/{id}/invitations/{invitationId}',
    expected: { anonymous: 401, client: 200, freelancer: 404, otherClient: 404, otherFreelancer: 404 },
    async call(server, world, token) {
      const { contractId, invitationId } = await invitedContract(server, world);
      const response = await server.request('DELETE', `/api/v1/contracts/${contractId}/invitations/${invitationId}`, { token });
      return { response, unchanged: async () => (await server.repos.invitations.find(invitationId))?.closedAs === null };
    },
  },
  {
    route: 'POST /api/v1/invitations/lookup',
    // The token is the authority: whoever holds it sees what it offers, signed in or not.
    expected: everyone,
    async call(server, world, token) {
      const invitation = await invitedContract(server, world);
      const response = await server.request('POST', '/api/v1/invitations/lookup', { token, json: { token: invitation.token } });
      return { response, unchanged: async () => true, leaked: () => response.text.includes(world.freelancer.email) || response.text.includes(world.contract.id) };
    },
  },
  {
    route: 'POST /api/v1/invitations/decline',
    expected: everyone,
    async call(server, world, token) {
      const invitation = await invitedContract(server, world);
      return { response: await server.request('POST', '/api/v1/invitations/decline', { token, json: { token: invitation.token } }), unchanged: async () => true };
    },
  },
  {
    route: 'POST /api/v1/invitations/accept',
    // Made for the world's freelancer: only that account may accept it.
    expected: { anonymous: 401, client: 403, freelancer: 200, otherClient: 403, otherFreelancer: 403 },
    codes: { 403: 'INVITATION_EMAIL_MISMATCH' },
    async call(server, world, token) {
      const invitation = await invitedContract(server, world, world.freelancer.email);
      const response = await server.request('POST', '/api/v1/invitations/accept', { token, json: { token: invitation.token } });
      return { response, unchanged: async () => (await server.repos.contracts.find(invitation.contractId))!.state === 'invited' };
    },
  },
  // For a load balancer: public, and they say nothing about any account or contract.
  publicRead('GET /api/v1/health', '/api/v1/health'),
  publicRead('GET /api/v1/ready', '/api/v1/ready'),
  {
    route: 'POST /api/v1/auth/token',
    // Signing in needs no token; a caller that sends one anyway signs in as whoever the credentials name.
    expected: everyone,
    async call(server, world, token) {
      const who = (['client', 'freelancer', 'otherClient', 'otherFreelancer'] as const).map((k) => world[k]).find((u) => u.token === token) ?? world.otherFreelancer;
      const response = await server.request('POST', '/api/v1/auth/token', { token, json: { email: who.email, password: who.password } });
      return { response, unchanged: async () => true, leaked: () => response.status === 200 && response.json.user.id !== who.id };
    },
  },
  {
    route: 'DELETE /api/v1/auth/token',
    expected: { anonymous: 401, client: 204, freelancer: 204, otherClient: 204, otherFreelancer: 204 },
    async call(server, world, token) {
      // A caller revokes its own token: a fresh sign-in of the same person, so the world's tokens live on.
      const who = (['client', 'freelancer', 'otherClient', 'otherFreelancer'] as const).map((k) => world[k]).find((u) => u.token === token);
      let own = token;
      if (who) {
        own = (await server.request('POST', '/api/v1/auth/token', { json: { email: who.email, password: who.password } })).json.token as string;
      }
      const response = await server.request('DELETE', '/api/v1/auth/token', { token: own });
      return { response, unchanged: async () => (await server.request('GET', '/api/v1/contracts', { token: world.client.token })).status === 200 };
    },
  },
  {
    route: 'DELETE /api/v1/auth/tokens',
    expected: { anonymous: 401, client: 204, freelancer: 204, otherClient: 204, otherFreelancer: 204 },
    async call(server, world, token) {
      const kinds = ['client', 'freelancer', 'otherClient', 'otherFreelancer'] as const;
      const who = kinds.map((k) => world[k]).find((u) => u.token === token);
      const others = kinds.map((k) => world[k]).filter((u) => u !== who);
      const response = await server.request('DELETE', '/api/v1/auth/tokens', { token });
      if (who && response.status === 204) {
        // Every token of the caller went, the world's one too: it is put back, so the rows after this one run.
        expect((await server.request('GET', '/api/v1/contracts', { token })).status).toBe(401);
        await server.repos.tokens.create(hashToken(who.token), who.id, server.clock.now(), server.clock.now() + 86_400_000);
      }
      const othersWork = async () => (await Promise.all(others.map((u) => server.request('GET', '/api/v1/contracts', { token: u.token })))).every((a) => a.status === 200);
      return { response, unchanged: othersWork, leaked: () => false };
    },
  },
  {
    route: 'GET /api/v1/contracts',
    expected: { anonymous: 401, client: 200, freelancer: 200, otherClient: 200, otherFreelancer: 200 },
    async call(server, world, token) {
      const response = await server.request('GET', '/api/v1/contracts', { token });
      // Strangers get a list, but never this contract in it.
      const stranger = token !== world.client.token && token !== world.freelancer.token;
      return { response, unchanged: async () => true, leaked: () => response.status === 200 && stranger && response.text.includes(world.contract.id) };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/policy',
    expected: partiesRead,
    async call(server, world, token) {
      return { response: await server.request('GET', `/api/v1/contracts/${world.contract.id}/policy`, { token }), unchanged: async () => true };
    },
  },
  {
    route: 'PUT /api/v1/contracts/{id}/policy',
    expected: clientWrites,
    async call(server, world, token) {
      const before = (await server.repos.contracts.currentPolicy(world.contract.id))!;
      const next = before.retentionDays === 30 ? 31 : 30;
      const response = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token, json: { retentionDays: next } });
      return { response, unchanged: async () => (await server.repos.contracts.currentPolicy(world.contract.id))!.version === before.version };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/policy/stream',
    expected: partiesRead,
    async call(server, world, token) {
      const abort = new AbortController();
      const res = await fetch(`${server.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: abort.signal,
      });
      const status = res.status;
      const text = status === 200 ? '' : await res.text();
      abort.abort();
      const response: TestResponse = { status, headers: res.headers, text, bytes: Buffer.from(text), json: text ? JSON.parse(text) : undefined };
      return { response, unchanged: async () => true };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/diary',
    expected: partiesRead,
    async call(server, world, token) {
      return { response: await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary`, { token }), unchanged: async () => true };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/weeks/{week}',
    expected: partiesRead,
    async call(server, world, token) {
      return { response: await server.request('GET', `/api/v1/contracts/${world.contract.id}/weeks/2026-01-05`, { token }), unchanged: async () => true };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/timesheet.csv',
    expected: partiesRead,
    async call(server, world, token) {
      const response = await server.request('GET', `/api/v1/contracts/${world.contract.id}/timesheet.csv?from=2026-01-05&to=2026-01-11`, { token });
      // Only a party learns the contract's name, which the download's file name carries.
      return { response, unchanged: async () => true, leaked: () => response.status !== 200 && response.text.includes(world.contract.name) };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/timesheet.pdf',
    expected: partiesRead,
    async call(server, world, token) {
      const response = await server.request('GET', `/api/v1/contracts/${world.contract.id}/timesheet.pdf?from=2026-01-05&to=2026-01-11`, { token });
      return { response, unchanged: async () => true, leaked: () => response.status !== 200 && response.text.includes(world.contract.name) };
    },
  },
  {
    route: 'POST /api/v1/contracts/{id}/weeks/{week}/approval',
    expected: clientWrites,
    async call(server, world, token) {
      // A week of its own each call (long ended, far from the segments the other routes make): approving one
      // is for good, and a refused call must leave it unapproved.
      const week = new Date(Date.UTC(2025, 0, 6) - ++nextTag * 7 * 86_400_000).toISOString().slice(0, 10);
      const response = await server.request('POST', `/api/v1/contracts/${world.contract.id}/weeks/${week}/approval`, { token });
      return { response, unchanged: async () => (await server.repos.weekApprovals.find(world.contract.id, week)) === undefined };
    },
  },
  {
    route: 'POST /api/v1/contracts/{id}/weeks/{week}/late-approval',
    expected: clientWrites,
    async call(server, world, token) {
      // A late segment of its own each call: two weeks back (the world's contract runs in UTC), approved by the client,
      // then a segment of it arrives. A refused call leaves it waiting for the client's approval.
      const monday = Math.floor((server.clock.now() - 14 * 86_400_000 + 3 * 86_400_000) / (7 * 86_400_000)) * 7 * 86_400_000 - 3 * 86_400_000;
      const week = new Date(monday).toISOString().slice(0, 10);
      expect((await server.request('POST', `/api/v1/contracts/${world.contract.id}/weeks/${week}/approval`, { token: world.client.token })).status).toBe(200);
      const segment = segmentBody({ contractId: world.contract.id, startedAt: monday + 86_400_000 + ++nextSegment * 600_000 });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
      const response = await server.request('POST', `/api/v1/contracts/${world.contract.id}/weeks/${week}/late-approval`, { token });
      return { response, unchanged: async () => (await server.repos.segments.find(segment.id))?.lateApprovedAt == null };
    },
  },
  {
    route: 'POST /api/v1/contracts/{id}/screenshots/deletion',
    expected: clientWrites,
    async call(server, world, token) {
      // A screenshot of its own each call, deleted by the day of its segment: a refused call leaves it there.
      const { segment, shot } = await segmentWithScreenshot(server, world);
      const day = segment.startedAt.slice(0, 10); // the world's contracts run in UTC
      const response = await server.request('POST', `/api/v1/contracts/${world.contract.id}/screenshots/deletion`, { token, json: { scope: 'day', date: day } });
      return { response, unchanged: async () => (await server.repos.screenshots.find(shot.id))?.removedAt == null };
    },
  },
  {
    route: 'PUT /api/v1/contracts/{id}/segments/{segmentId}/dispute',
    expected: clientWrites,
    async call(server, world, token) {
      // A segment of its own each call (in a week nobody approves): a refused call leaves it undisputed.
      const { segment } = await segmentWithScreenshot(server, world);
      const response = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/segments/${segment.id}/dispute`, { token, json: { note: 'Matrix note' } });
      return { response, unchanged: async () => (await server.repos.disputes.find(segment.id)) === undefined };
    },
  },
  {
    route: 'DELETE /api/v1/contracts/{id}/segments/{segmentId}/dispute',
    expected: { ...clientWrites, client: 204 },
    async call(server, world, token) {
      const { segment } = await segmentWithScreenshot(server, world);
      const path = `/api/v1/contracts/${world.contract.id}/segments/${segment.id}/dispute`;
      expect((await server.request('PUT', path, { token: world.client.token, json: { note: 'Matrix note' } })).status).toBe(200);
      const response = await server.request('DELETE', path, { token });
      return { response, unchanged: async () => (await server.repos.disputes.find(segment.id))?.withdrawnAt === null };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/disputes',
    expected: partiesRead,
    async call(server, world, token) {
      // A note only the contract's parties may read.
      const { segment } = await segmentWithScreenshot(server, world);
      const note = `Matrix secret note ${++nextTag}`;
      const path = `/api/v1/contracts/${world.contract.id}/segments/${segment.id}/dispute`;
      expect((await server.request('PUT', path, { token: world.client.token, json: { note } })).status).toBe(200);
      const response = await server.request('GET', `/api/v1/contracts/${world.contract.id}/disputes`, { token });
      if (response.status === 200) expect(response.text).toContain(note);
      return { response, unchanged: async () => true, leaked: () => response.status !== 200 && response.text.includes(note) };
    },
  },
  {
    route: 'GET /api/v1/contracts/{id}/screenshots/removed',
    expected: freelancerReads,
    async call(server, world, token) {
      // A screenshot the client deleted: what the feed lists, and what no one else may learn of.
      const { shot } = await segmentWithScreenshot(server, world);
      expect((await server.request('DELETE', `/api/v1/screenshots/${shot.id}`, { token: world.client.token })).status).toBe(200);
      const window = `from=${new Date(0).toISOString()}&to=${new Date(server.clock.now() + 86_400_000).toISOString()}`;
      const response = await server.request('GET', `/api/v1/contracts/${world.contract.id}/screenshots/removed?${window}`, { token });
      if (token === world.freelancer.token) expect(response.text).toContain(shot.id);
      return { response, unchanged: async () => true, leaked: () => token !== world.freelancer.token && response.text.includes(shot.id) };
    },
  },
  {
    route: 'PUT /api/v1/segments/{id}',
    expected: freelancerWrites,
    async call(server, world, token) {
      const segment = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) - (++nextSegment + 1) * 600_000 });
      const response = await server.request('PUT', `/api/v1/segments/${segment.id}`, { token, json: segment });
      return { response, unchanged: async () => (await server.repos.segments.find(segment.id)) === undefined };
    },
  },
  {
    route: 'PUT /api/v1/screenshots/{id}',
    expected: freelancerWrites,
    async call(server, world, token) {
      const start = segmentStart(server.clock.now()) - (++nextSegment + 1) * 600_000;
      const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
      await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
      const id = ulid();
      const response = await server.request('PUT', `/api/v1/screenshots/${id}`, {
        token,
        body: fakeJpeg(),
        headers: { 'content-type': 'image/jpeg', 'x-worktrace-segment-id': segment.id, 'x-worktrace-captured-at': new Date(start + 1000).toISOString() },
      });
      return { response, unchanged: async () => (await server.repos.screenshots.find(id)) === undefined };
    },
  },
  {
    route: 'GET /api/v1/screenshots/{id}',
    expected: partiesRead,
    async call(server, world, token) {
      const { shot } = await segmentWithScreenshot(server, world);
      const response = await server.request('GET', `/api/v1/screenshots/${shot.id}`, { token });
      return { response, unchanged: async () => true, leaked: () => response.status !== 200 && response.bytes.includes(shot.bytes_sent.subarray(12, 60)) };
    },
  },
  {
    route: 'DELETE /api/v1/screenshots/{id}',
    expected: partiesWrite,
    async call(server, world, token) {
      const { shot } = await segmentWithScreenshot(server, world);
      const response = await server.request('DELETE', `/api/v1/screenshots/${shot.id}`, { token });
      return { response, unchanged: async () => (await server.repos.screenshots.find(shot.id))?.removedAt === null };
    },
  },
];

describe.each(testBackends())('authorization matrix on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startTestServer(backend, { tokenTtlMs: 400 * 86_400_000 });
    world = await createWorld(server);
    server.clock.advance(30 * 86_400_000); // all the segments made below lie after the contract started
  });
  afterAll(async () => server?.close());

  const tokenOf = (kind: CallerKind): string | undefined => (kind === 'anonymous' ? undefined : world[kind].token);

  it('has an entry for every route the router and the OpenAPI document know, and none for a route that is gone', async () => {
    const doc = (await server.request('GET', '/api/v1/openapi.json')).json;
    const known = new Set([...routerRoutes(server.app), ...documentedRoutes(doc)].map(routeName));
    const listed = new Set(ROUTES.map((r) => r.route));
    expect([...known].filter((route) => !listed.has(route)), 'routes with no authorization matrix entry').toEqual([]);
    expect([...listed].filter((route) => !known.has(route)), 'matrix entries for routes the server does not have').toEqual([]);
    expect(listed.size, 'one entry per route').toBe(ROUTES.length);
  });

  const cases = ROUTES.flatMap((r) => CALLERS.map((caller) => ({ route: r.route, caller, expected: r.expected[caller], r })));
  it.each(cases)('$route as $caller → $expected', async ({ r, caller, expected }) => {
    const { response, unchanged, leaked } = await r.call(server, world, tokenOf(caller));
    expect(response.status).toBe(expected);
    if (expected >= 400) {
      expect(response.json.error.code).toBe(r.codes?.[expected] ?? { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[expected as 401 | 403 | 404]);
      expect(await unchanged(), 'a refused call changed something').toBe(true);
    }
    expect(leaked?.() ?? false, 'the answer shows the caller something not theirs').toBe(false);
    if (!CACHEABLE.has(r.route) || response.status >= 400) expect(response.headers.get('cache-control'), 'cache-control').toMatch(/\bno-store\b/);
  });

  it('the dashboard (/, /dashboard/*) gives every caller the same answer under a strict CSP, and no file outside its build', async () => {
    for (const path of ['/', '/dashboard/app.css', '/dashboard/icon.svg', '/dashboard/api.js']) {
      const answers = await Promise.all(CALLERS.map((caller) => server.request('GET', path, { token: tokenOf(caller) })));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.text).toBe(answers[0]!.text);
        expect(answer.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
        expect(answer.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
      }
    }
    // Module names are plain relative paths inside the client build: nothing else on disk is reachable.
    for (const path of ['/dashboard/%2e%2e/%2e%2e/package.json', '/dashboard/..%2f..%2fpackage.json', '/dashboard/no-such-module.js', '/dashboard/main.ts']) {
      const answer = await server.request('GET', path, { token: world.client.token });
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe('NOT_FOUND');
    }
  });
});
