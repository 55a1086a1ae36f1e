import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { documentedRoutes } from '../support/routes.js';
import { openPolicyStream, type PolicyStream } from '../support/sse.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';

/**
 * Token expiry beyond auth-policy.test.ts (a token refused after 30 days) and token-revocation.test.ts
 * (a revoked token refused on every route): the exact moment of expiry on every route the document
 * lists, and a policy stream opened before a token expired or was revoked, which must not outlive it.
 */
const TTL = 3_600_000;
const HEARTBEAT = 5_000;

describe.each(testBackends())('token lifetime on $name', (backend) => {
  let server: TestServer;
  let world: World;
  const streams: PolicyStream[] = [];
  beforeEach(async () => {
    server = await startTestServer(backend, { tokenTtlMs: TTL, sseHeartbeatMs: HEARTBEAT });
    world = await createWorld(server);
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await server?.close();
  });

  const signIn = async () => {
    const answer = await server.request('POST', '/api/v1/auth/token', { json: { email: world.freelancer.email, password: world.freelancer.password } });
    expect(answer.status).toBe(200);
    return answer.json.token as string;
  };
  const stream = async (token: string) => {
    const s = await openPolicyStream(`${server.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, token);
    streams.push(s);
    expect(s.status).toBe(200);
    await s.received(1);
    return s;
  };

  it('works until the last millisecond before expiresAt, and from expiresAt every route refuses it', async () => {
    const token = await signIn();
    server.clock.advance(TTL - 1);
    expect((await server.request('GET', '/api/v1/contracts', { token })).status).toBe(200);
    server.clock.advance(1);
    const doc = (await server.request('GET', '/api/v1/openapi.json')).json;
    // Every route but the public ones (signing in or up, what an invitation token itself authorises, and the load
    // balancer's health and readiness, which say nothing about anyone).
    const publicRoutes = [
      'POST /api/v1/auth/token',
      'GET /api/v1/auth/signup',
      'POST /api/v1/auth/signup',
      'POST /api/v1/invitations/lookup',
      'POST /api/v1/invitations/decline',
      'GET /api/v1/health',
      'GET /api/v1/ready',
    ];
    const routes = documentedRoutes(doc).filter((r) => !publicRoutes.includes(`${r.method} ${r.path}`));
    expect(routes.length).toBeGreaterThan(8);
    for (const route of routes) {
      const path = route.path.replace('{id}', route.path.startsWith('/api/v1/contracts') ? world.contract.id : ulid());
      const answer = await server.request(route.method, path, { token, json: route.method === 'PUT' ? {} : undefined });
      expect(answer.status, `${route.method} ${route.path}`).toBe(401);
      expect(answer.json.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('ends a policy stream within one heartbeat of its token expiring, while a stream on a live token stays open', async () => {
    const expiring = await signIn();
    server.clock.advance(TTL / 2);
    const fresh = await signIn();
    const [old, live] = [await stream(expiring), await stream(fresh)];
    let oldEnded = false;
    void old.ended().then(() => (oldEnded = true));
    server.clock.advance(TTL / 2 - HEARTBEAT); // heartbeats so far found the token valid
    await server.request('GET', '/api/v1/contracts', { token: fresh }); // lets the heartbeat checks settle
    expect(oldEnded).toBe(false);
    server.clock.advance(HEARTBEAT);
    await old.ended();
    // The other stream still gets the next change (made with a client token signed in now: the first one expired too).
    const client = await server.request('POST', '/api/v1/auth/token', { json: { email: world.client.email, password: world.client.password } });
    const change = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: client.json.token, json: { screenshots: 'off' } });
    expect(change.status).toBe(200);
    await live.received(2);
    expect((await server.request('GET', '/api/v1/contracts', { token: expiring })).status).toBe(401);
  });

  it('ends a policy stream within one heartbeat of its token being revoked', async () => {
    const token = await signIn();
    const s = await stream(token);
    expect((await server.request('DELETE', '/api/v1/auth/token', { token })).status).toBe(204);
    server.clock.advance(HEARTBEAT);
    await s.ended();
    expect((await server.request('GET', `/api/v1/contracts/${world.contract.id}/policy/stream`, { token })).status).toBe(401);
  });
});
