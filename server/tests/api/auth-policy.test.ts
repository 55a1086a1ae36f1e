import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POLICY_CHANNEL } from '../../src/domain/policies.js';
import { testBackends } from '../support/backends.js';
import { filesContaining } from '../support/files.js';
import { openPolicyStream } from '../support/sse.js';
import { createWorld, startTestServer, WORLD_HEAD_START_MS, type TestServer, type World } from '../support/server.js';

const DAY = 86_400_000;

describe.each(testBackends({ searchesClusterFiles: true }))('sign-in and policy on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend);
    world = await createWorld(server);
  });
  afterEach(async () => server.close());

  const login = (email: string, password: string) => server.request('POST', '/api/v1/auth/token', { json: { email, password } });

  it('signs in with the right password only, and the token works until it expires', async () => {
    const ok = await login(world.client.email, world.client.password);
    expect(ok.status).toBe(200);
    expect(ok.json.user).toEqual({ id: world.client.id, email: world.client.email, name: world.client.name });
    expect(Date.parse(ok.json.expiresAt) - server.clock.now()).toBe(30 * DAY);
    for (const [email, password] of [
      [world.client.email, 'wrong'],
      ['nobody@test.example', world.client.password],
    ] as const) {
      const bad = await login(email, password);
      expect(bad.status).toBe(401);
      expect(bad.json.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect((await server.request('GET', '/api/v1/contracts', { token: ok.json.token })).status).toBe(200);
    server.clock.advance(30 * DAY);
    const expired = await server.request('GET', '/api/v1/contracts', { token: ok.json.token });
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('UNAUTHENTICATED');
    for (const header of ['Bearer nonsense-token-that-is-long', 'Basic abc', 'Bearer', '']) {
      expect((await server.request('GET', '/api/v1/contracts', { headers: { authorization: header } })).status).toBe(401);
    }
  });

  it('keeps passwords and tokens only as hashes, and never logs them', async () => {
    const ok = await login(world.freelancer.email, world.freelancer.password);
    const token: string = ok.json.token;
    await server.request('GET', '/api/v1/contracts', { token });
    const stored = await server.repos.users.findByEmail(world.freelancer.email);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(stored?.passwordHash).not.toContain(world.freelancer.password);
    if (backend.name === 'sqlite') {
      expect(filesContaining(server.dataDir, Buffer.from(token))).toEqual([]);
      expect(filesContaining(server.dataDir, Buffer.from(world.freelancer.password))).toEqual([]);
    } else if (backend.postgres()?.dataDir) {
      await backend.postgres()?.checkpoint();
      expect(filesContaining(backend.postgres()!.dataDir!, Buffer.from(token))).toEqual([]);
    }
    const logs = server.logs();
    expect(logs).toContain('signed in');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(world.freelancer.password);
  });

  it('rate-limits sign-in attempts per address and email (429), without locking out other accounts', async () => {
    const limited = await startTestServer(backend, { loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const w = await createWorld(limited); // four sign-ins, each a different email
      const codes = [];
      for (let i = 0; i < 5; i += 1) codes.push((await limited.request('POST', '/api/v1/auth/token', { json: { email: w.client.email, password: `guess-${i}` } })).status);
      // createWorld's successful sign-in of this client was the first of its three attempts.
      expect(codes).toEqual([401, 401, 429, 429, 429]);
      const blocked = await limited.request('POST', '/api/v1/auth/token', { json: { email: w.client.email, password: w.client.password } });
      expect(blocked.status).toBe(429);
      expect(blocked.json.error.code).toBe('RATE_LIMITED');
      expect(blocked.headers.get('retry-after')).toBeTruthy();
      const other = await limited.request('POST', '/api/v1/auth/token', { json: { email: w.freelancer.email, password: w.freelancer.password } });
      expect(other.status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('refuses malformed sign-in bodies with 400, never 500', async () => {
    for (const body of ['{', '[]', '{"email":"a@b.c"}', '{"email":"not-an-email","password":"x"}', '{"email":"a@b.c","password":"x","admin":true}', 'null']) {
      const response = await server.request('POST', '/api/v1/auth/token', { body, headers: { 'content-type': 'application/json' } });
      expect(response.status, body).toBe(400);
      expect(response.json.error.code).toMatch(/VALIDATION_FAILED|INVALID_JSON/);
    }
  });

  it('lists the caller contracts with their current policy, and only theirs', async () => {
    const forClient = await server.request('GET', '/api/v1/contracts', { token: world.client.token });
    expect(forClient.json.contracts).toHaveLength(1);
    expect(forClient.json.contracts[0]).toMatchObject({
      id: world.contract.id,
      role: 'client',
      freelancer: { id: world.freelancer.id, email: world.freelancer.email },
      policy: { contractId: world.contract.id, screenshots: 'on', segmentSeconds: 600, retentionDays: 30, version: 1 },
    });
    const forFreelancer = await server.request('GET', '/api/v1/contracts', { token: world.freelancer.token });
    expect(forFreelancer.json.contracts.map((c: { id: string; role: string }) => [c.id, c.role])).toEqual([[world.contract.id, 'freelancer']]);
    const forOther = await server.request('GET', '/api/v1/contracts', { token: world.otherFreelancer.token });
    expect(forOther.json.contracts.map((c: { id: string }) => c.id)).toEqual([world.otherContract.id]);
  });

  it('serves the policy with an ETag and answers If-None-Match with 304 until it changes', async () => {
    const path = `/api/v1/contracts/${world.contract.id}/policy`;
    const first = await server.request('GET', path, { token: world.freelancer.token });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      contractId: world.contract.id,
      screenshots: 'on',
      segmentSeconds: 600,
      retentionDays: 30,
      version: 1,
      // The first version and the active state are in force from the contract's start, a day before it was made (createWorld).
      updatedAt: new Date(world.contract.createdAt - WORLD_HEAD_START_MS).toISOString(),
      privateWindows: [],
      contract: { state: 'active', seq: 1, since: new Date(world.contract.createdAt - WORLD_HEAD_START_MS).toISOString(), by: null },
    });
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const cached = await server.request('GET', path, { token: world.freelancer.token, headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');

    server.clock.advance(60_000);
    const changed = await server.request('PUT', path, { token: world.client.token, json: { screenshots: 'off' } });
    expect(changed.json).toMatchObject({ screenshots: 'off', version: 2, updatedAt: new Date(server.clock.now()).toISOString() });
    const fresh = await server.request('GET', path, { token: world.freelancer.token, headers: { 'if-none-match': etag } });
    expect(fresh.status).toBe(200);
    expect(fresh.json.version).toBe(2);
    expect(fresh.headers.get('etag')).not.toBe(etag);
  });

  it('keeps every policy version with its time; the same values again make no new version', async () => {
    const path = `/api/v1/contracts/${world.contract.id}/policy`;
    const steps = [{ screenshots: 'blurred' }, { retentionDays: 7 }, { screenshots: 'off', retentionDays: 14 }];
    for (const step of steps) {
      server.clock.advance(3_600_000);
      expect((await server.request('PUT', path, { token: world.client.token, json: step })).status).toBe(200);
    }
    const same = await server.request('PUT', path, { token: world.client.token, json: { screenshots: 'off' } });
    expect(same.json.version).toBe(4);
    const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary`, { token: world.freelancer.token });
    expect(diary.json.policyHistory.map((v: { version: number; screenshots: string; retentionDays: number }) => [v.version, v.screenshots, v.retentionDays])).toEqual([
      [1, 'on', 30],
      [2, 'blurred', 30],
      [3, 'blurred', 7],
      [4, 'off', 14],
    ]);
    const times = diary.json.policyHistory.map((v: { effectiveFrom: string }) => Date.parse(v.effectiveFrom));
    const made = world.contract.createdAt;
    expect(times).toEqual([made - WORLD_HEAD_START_MS, made + 3_600_000, made + 2 * 3_600_000, made + 3 * 3_600_000]);
  });

  it('lets only the client change the policy, and refuses bad changes with 400', async () => {
    const path = `/api/v1/contracts/${world.contract.id}/policy`;
    const byFreelancer = await server.request('PUT', path, { token: world.freelancer.token, json: { screenshots: 'off' } });
    expect(byFreelancer.status).toBe(403);
    expect(byFreelancer.json.error.code).toBe('FORBIDDEN');
    expect((await server.request('PUT', path, { token: world.otherClient.token, json: { screenshots: 'off' } })).status).toBe(404);
    for (const json of [{}, { screenshots: 'sometimes' }, { retentionDays: 0 }, { retentionDays: 1.5 }, { segmentSeconds: 60 }, { version: 9 }]) {
      const response = await server.request('PUT', path, { token: world.client.token, json });
      expect(response.status, JSON.stringify(json)).toBe(400);
    }
    expect((await server.request('GET', path, { token: world.client.token })).json.version).toBe(1);
  });

  it('streams the policy now and each change as server-sent events', async () => {
    const stream = await openPolicyStream(`${server.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, world.freelancer.token);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toContain('text/event-stream');
      await stream.received(1); // the policy now, before anything changes
      const path = `/api/v1/contracts/${world.contract.id}/policy`;
      await server.request('PUT', path, { token: world.client.token, json: { screenshots: 'off' } });
      await server.request('PUT', path, { token: world.client.token, json: { screenshots: 'blurred' } });
      await stream.received(3);
      expect(stream.events.map((e) => [e.version, e.screenshots])).toEqual([
        [1, 'on'],
        [2, 'off'],
        [3, 'blurred'],
      ]);
    } finally {
      stream.close();
    }
  });

  // Only PostgreSQL is shared between server processes (SQLite is one process by design).
  if (backend.name === 'postgres') {
    it('pushes a change made through another server process sharing the database', async () => {
      const second = await startTestServer({ ...backend, databaseUrl: async () => server.databaseUrl });
      const stream = await openPolicyStream(`${second.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, world.freelancer.token);
      try {
        await stream.received(1);
        await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { screenshots: 'off' } });
        await stream.received(2);
        expect(stream.events.map((e) => [e.version, e.screenshots])).toEqual([
          [1, 'on'],
          [2, 'off'],
        ]);
      } finally {
        stream.close();
        await second.close();
      }
    });

    it('tells other processes ids only, and they read the policy again: a forged notice cannot put words in a stream', async () => {
      const second = await startTestServer({ ...backend, databaseUrl: async () => server.databaseUrl });
      const listener = new pg.Client({ connectionString: server.databaseUrl });
      await listener.connect();
      const notices: string[] = [];
      listener.on('notification', (message) => notices.push(message.payload ?? ''));
      await listener.query(`LISTEN ${POLICY_CHANNEL}`);
      const stream = await openPolicyStream(`${second.baseUrl}/api/v1/contracts/${world.contract.id}/policy/stream`, world.freelancer.token);
      try {
        await stream.received(1);
        const notify = (payload: unknown) => listener.query('SELECT pg_notify($1, $2)', [POLICY_CHANNEL, JSON.stringify(payload)]);
        // Anyone who can reach the database can notify: a whole policy in a notice is not believed…
        await notify({ contractId: world.contract.id, screenshots: 'off', segmentSeconds: 600, retentionDays: 1, version: 99, updatedAt: new Date().toISOString() });
        // …and a notice naming a version only makes the process read what the database holds.
        await notify({ contractId: world.contract.id, version: 50 });
        await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { screenshots: 'blurred' } });
        await stream.received(2);
        await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { retentionDays: 9 } });
        await stream.received(3);
        expect(stream.events.map((e) => [e.version, e.screenshots])).toEqual([
          [1, 'on'],
          [2, 'blurred'],
          [3, 'blurred'],
        ]);
        const ours = notices.map((n) => JSON.parse(n)).filter((n) => !('screenshots' in n) && n.version !== 50);
        expect(ours).toEqual([
          { contractId: world.contract.id, version: 2 },
          { contractId: world.contract.id, version: 3 },
        ]);
      } finally {
        stream.close();
        await listener.end();
        await second.close();
      }
    });
  }

  it('refuses the policy stream to strangers and anonymous callers', async () => {
    const path = `/api/v1/contracts/${world.contract.id}/policy/stream`;
    expect((await server.request('GET', path)).status).toBe(401);
    expect((await server.request('GET', path, { token: world.otherFreelancer.token })).status).toBe(404);
  });
});
