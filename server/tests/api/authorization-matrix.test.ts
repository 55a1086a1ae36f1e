import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { hashToken } from '../../src/auth/tokens.js';
import { testBackends } from '../support/backends.js';
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

const ROUTES: RouteCase[] = [
  publicRead('GET /', '/'),
  publicRead('GET /dashboard/app.css', '/dashboard/app.css'),
  publicRead('GET /dashboard/icon.svg', '/dashboard/icon.svg'),
  publicRead('GET /dashboard/*', '/dashboard/api.js'),
  publicRead('GET /api/v1/openapi.json', '/api/v1/openapi.json'),
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
      expect(response.json.error.code).toBe({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[expected as 401 | 403 | 404]);
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
