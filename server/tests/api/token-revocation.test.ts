import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { hashToken } from '../../src/auth/tokens.js';
import { testBackends } from '../support/backends.js';
import { openPolicyStream } from '../support/sse.js';
import { createWorld, fakeJpeg, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

const DAY = 86_400_000;

/**
 * DELETE /api/v1/auth/token: a bearer token revokes itself (sign-out). Afterwards that token is refused on every
 * route family, while the same user's other tokens (other devices) and other users' tokens keep working; expiry
 * still ends tokens nobody revoked. DELETE /api/v1/auth/tokens revokes every token of the caller (sign out
 * everywhere), and nobody else's. Either way the policy streams opened with a revoked token end at once.
 */
describe.each(testBackends())('token revocation on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend);
    world = await createWorld(server);
    server.clock.advance(DAY); // the segments below lie after the contract started
  });
  afterEach(async () => server?.close());

  const signIn = async (who: { email: string; password: string }): Promise<string> => {
    const answer = await server.request('POST', '/api/v1/auth/token', { json: { email: who.email, password: who.password } });
    expect(answer.status).toBe(200);
    return answer.json.token as string;
  };
  const revoke = (token: string | undefined, headers: Record<string, string> = {}) =>
    server.request('DELETE', '/api/v1/auth/token', { ...(token ? { token } : {}), headers });

  /** One request of each route family, made with `token`; each needs a segment and a screenshot that exist. */
  async function everyRoute(token: string): Promise<{ route: string; status: number; code: string | undefined }[]> {
    const start = segmentStart(server.clock.now()) - 2 * 600_000;
    const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
    expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
    const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 1000 });
    expect(shot.status).toBe(200);
    const contract = `/api/v1/contracts/${world.contract.id}`;
    const nextSegment = segmentBody({ contractId: world.contract.id, startedAt: start - 600_000 });
    const calls: [string, string, Parameters<TestServer['request']>[2]][] = [
      ['GET', '/api/v1/contracts', {}],
      ['GET', `${contract}/policy`, {}],
      ['PUT', `${contract}/policy`, { json: { retentionDays: 7 } }],
      ['GET', `${contract}/policy/stream`, {}],
      ['GET', `${contract}/diary`, {}],
      ['PUT', `/api/v1/segments/${nextSegment.id}`, { json: nextSegment }],
      [
        'PUT',
        `/api/v1/screenshots/${ulid()}`,
        {
          body: fakeJpeg(),
          headers: { 'content-type': 'image/jpeg', 'x-worktrace-segment-id': nextSegment.id, 'x-worktrace-captured-at': new Date(start - 599_000).toISOString() },
        },
      ],
      ['GET', `/api/v1/screenshots/${shot.id}`, {}],
      ['DELETE', `/api/v1/screenshots/${shot.id}`, {}],
      ['DELETE', '/api/v1/auth/token', {}],
      ['DELETE', '/api/v1/auth/tokens', {}],
    ];
    const results = [];
    for (const [method, path, options] of calls) {
      const answer = await server.request(method, path, { ...options, token });
      results.push({ route: `${method} ${path.replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '{id}')}`, status: answer.status, code: answer.json?.error?.code });
    }
    // Nothing a refused call asked for happened.
    expect((await server.repos.contracts.currentPolicy(world.contract.id))?.retentionDays).toBe(30);
    expect(await server.repos.segments.find(nextSegment.id)).toBeUndefined();
    expect((await server.repos.screenshots.find(shot.id))?.removedAt).toBeNull();
    return results;
  }

  it('a revoked token is refused on every route; the other tokens of that user and of others keep working', async () => {
    const laptop = await signIn(world.client);
    const phone = await signIn(world.client);
    const before = await server.request('GET', '/api/v1/contracts', { token: laptop });
    expect(before.status).toBe(200);

    const answer = await revoke(laptop);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');

    const refused = await everyRoute(laptop);
    expect(refused.map((r) => r.route)).toHaveLength(11);
    for (const r of refused) expect(r, r.route).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    for (const token of [phone, world.client.token, world.freelancer.token, world.otherClient.token]) {
      expect((await server.request('GET', '/api/v1/contracts', { token })).status).toBe(200);
    }
    // The client's other sign-in still does what the client may do.
    expect((await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: phone, json: { retentionDays: 14 } })).status).toBe(200);
    // Signing in again gives a working token.
    expect((await server.request('GET', '/api/v1/contracts', { token: await signIn(world.client) })).status).toBe(200);
  });

  it("a freelancer's sign-out ends uploads with that token, and the row is gone from the database", async () => {
    const agent = await signIn(world.freelancer);
    expect(await server.repos.tokens.findUser(hashToken(agent), server.clock.now())).toMatchObject({ id: world.freelancer.id });
    expect((await revoke(agent)).status).toBe(204);
    expect(await server.repos.tokens.findUser(hashToken(agent), server.clock.now())).toBeUndefined();
    const segment = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) - 600_000 });
    const upload = await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: agent, json: segment });
    expect(upload.status).toBe(401);
    expect(upload.json.error.message).toMatch(/revoked/);
    expect(await server.repos.segments.find(segment.id)).toBeUndefined();
    // Revoking twice: the second call carries a token that no longer exists.
    expect((await revoke(agent)).status).toBe(401);
  });

  it('expiry still ends a token nobody revoked, and an expired token cannot be revoked (it is already refused)', async () => {
    const kept = await signIn(world.freelancer);
    server.clock.advance(30 * DAY - 1);
    expect((await server.request('GET', '/api/v1/contracts', { token: kept })).status).toBe(200);
    const late = await signIn(world.freelancer); // valid for 30 more days
    server.clock.advance(1);
    expect((await server.request('GET', '/api/v1/contracts', { token: kept })).status).toBe(401);
    const expired = await revoke(kept);
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('UNAUTHENTICATED');
    expect((await server.request('GET', '/api/v1/contracts', { token: late })).status).toBe(200);
    expect((await revoke(late)).status).toBe(204);
    expect((await server.request('GET', '/api/v1/contracts', { token: late })).status).toBe(401);
  });

  it('answers bad input with 4xx and revokes nothing', async () => {
    const token = await signIn(world.otherFreelancer);
    for (const authorization of ['', 'Bearer', 'Bearer short', `Basic ${token}`, `Bearer ${token} extra`, `Bearer ${'x'.repeat(300)}`, 'Bearer wt_nonexistent-token-000000000000']) {
      const answer = await revoke(undefined, { authorization });
      expect(answer.status, authorization.slice(0, 20)).toBe(401);
      expect(answer.json.error.code).toBe('UNAUTHENTICATED');
    }
    // A body is not part of this call: a broken one is refused before anything is revoked.
    const broken = await server.request('DELETE', '/api/v1/auth/token', { token, body: '{', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('INVALID_JSON');
    expect((await server.request('GET', '/api/v1/contracts', { token })).status).toBe(200);
    // Someone else's token in the path or query revokes nothing but the caller's own token.
    const other = await signIn(world.otherClient);
    expect((await server.request('DELETE', `/api/v1/auth/token?token=${encodeURIComponent(other)}`, { token })).status).toBe(204);
    expect((await server.request('GET', '/api/v1/contracts', { token: other })).status).toBe(200);
    expect((await server.request('GET', '/api/v1/contracts', { token })).status).toBe(401);
    expect((await server.request('DELETE', `/api/v1/auth/token/${other}`, { token: other })).status).toBe(404);
  });

  it('logs the sign-out without the token, and describes the route in the OpenAPI document', async () => {
    const token = await signIn(world.freelancer);
    expect((await revoke(token)).status).toBe(204);
    const logs = server.logs();
    expect(logs).toContain('signed out: token revoked');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(hashToken(token));
    const doc = await server.request('GET', '/api/v1/openapi.json');
    const operation = doc.json.paths['/api/v1/auth/token'].delete;
    expect(Object.keys(operation.responses).sort()).toEqual(['204', '400', '401']);
    expect(operation.requestBody).toBeUndefined();
  });
  const streamOf = (token: string) => openPolicyStream(`${server.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, token);
  const contractsWith = async (token: string) => (await server.request('GET', '/api/v1/contracts', { token })).status;

  it("signing out everywhere revokes every token of the caller, this one included, ends their streams at once, and touches no one else's", async () => {
    const [laptop, phone, agent] = [await signIn(world.freelancer), await signIn(world.freelancer), await signIn(world.freelancer)];
    const agentStream = await streamOf(agent);
    await agentStream.received(1);
    const clientStream = await streamOf(world.client.token);
    await clientStream.received(1);
    expect(server.app.policyStreams.openFor(world.freelancer.id)).toBe(1);

    const answer = await server.request('DELETE', '/api/v1/auth/tokens', { token: laptop });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    for (const token of [laptop, phone, agent, world.freelancer.token]) {
      expect(await contractsWith(token)).toBe(401);
      expect(await server.repos.tokens.findUser(hashToken(token), server.clock.now())).toBeUndefined();
    }
    // The freelancer's stream ended without waiting for a heartbeat (the server clock did not move); the client's did not.
    await agentStream.ended();
    expect(server.app.policyStreams.openFor(world.freelancer.id)).toBe(0);
    expect(server.app.policyStreams.openFor(world.client.id)).toBe(1);
    for (const token of [world.client.token, world.otherFreelancer.token]) expect(await contractsWith(token)).toBe(200);
    clientStream.close();

    const again = await signIn(world.freelancer);
    expect(await contractsWith(again)).toBe(200);
    const logs = server.logs();
    expect(logs).toContain('signed out everywhere: every token revoked');
    expect(logs).toMatch(/"revoked":4\b/);
    for (const token of [laptop, phone, agent]) expect(logs).not.toContain(token);
  });

  it("signing out ends the streams opened with that token at once, and not the person's other streams", async () => {
    const [laptop, phone] = [await signIn(world.client), await signIn(world.client)];
    const laptopStream = await streamOf(laptop);
    const phoneStream = await streamOf(phone);
    await Promise.all([laptopStream.received(1), phoneStream.received(1)]);
    expect((await revoke(laptop)).status).toBe(204);
    await laptopStream.ended();
    expect(server.app.policyStreams.openFor(world.client.id)).toBe(1);
    const policy = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: phone, json: { screenshots: 'off' } });
    expect(policy.status).toBe(200);
    await phoneStream.received(2);
    phoneStream.close();
  });

  it('signing out everywhere answers bad input with 4xx and revokes nothing', async () => {
    const token = await signIn(world.otherClient);
    for (const authorization of ['', 'Bearer', `Basic ${token}`, `Bearer ${token} extra`, 'Bearer wt_nonexistent-token-000000000000']) {
      const answer = await server.request('DELETE', '/api/v1/auth/tokens', { headers: { authorization } });
      expect(answer.status, authorization.slice(0, 20)).toBe(401);
      expect(answer.json.error.code).toBe('UNAUTHENTICATED');
    }
    const broken = await server.request('DELETE', '/api/v1/auth/tokens', { token, body: '{', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(await contractsWith(token)).toBe(200);
    expect(await contractsWith(world.otherClient.token)).toBe(200);
    // A token already signed out cannot sign the others out.
    const ended = await signIn(world.otherClient);
    expect((await revoke(ended)).status).toBe(204);
    expect((await server.request('DELETE', '/api/v1/auth/tokens', { token: ended })).status).toBe(401);
    expect(await contractsWith(token)).toBe(200);
    const doc = await server.request('GET', '/api/v1/openapi.json');
    const operation = doc.json.paths['/api/v1/auth/tokens'].delete;
    expect(Object.keys(operation.responses).sort()).toEqual(['204', '400', '401']);
    expect(operation.requestBody).toBeUndefined();
  });
});
