import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PURGE_LOCK, purgeExpiredScreenshots } from '../../src/domain/purge.js';
import { ScreenshotObjects } from '../../src/domain/screenshot-objects.js';
import { SWEEP_LOCK, sweepUncommittedFiles } from '../../src/domain/sweep.js';
import { createLogger } from '../../src/logger.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { testBackends } from '../support/backends.js';
import { signInAs } from '../support/sign-in.js';
import { diskStore, type TestStore } from '../support/object-stores.js';
import { createWorld, segmentBody, segmentStart, startTestServer, type TestServer } from '../support/server.js';
import type { ServerConfig } from '../../src/config.js';

/**
 * What several instances on one PostgreSQL share (issue 18): the sign-in limits hold whichever instance a guess
 * reaches, and so do the contracts' upload limits, the retention purge and the sweep of uncommitted objects run
 * on one instance at a time, and each instance tells a load balancer whether it takes traffic. (The two-instance run behind HAProxy with an agent is not here.)
 */
const postgres = testBackends().find((b) => b.name === 'postgres');

describe.runIf(postgres)('several instances on one PostgreSQL', () => {
  const started: TestServer[] = [];
  afterEach(async () => {
    for (const s of started.splice(0)) await s.close();
  });

  async function twoInstances(overrides: Partial<ServerConfig>): Promise<[TestServer, TestServer]> {
    const a = await startTestServer(postgres!, overrides);
    started.push(a);
    const b = await startTestServer(postgres!, { ...overrides, databaseUrl: a.databaseUrl });
    started.push(b);
    return [a, b];
  }

  it('counts failed sign-ins from one address across instances, a parallel burst included', async () => {
    const [a, b] = await twoInstances({ addressLoginFailureLimit: { max: 4, windowMs: 600_000 } });
    const world = await createWorld(a);
    const guesses = Array.from({ length: 12 }, (_, i) => signInAs(i % 2 === 0 ? a : b, '203.0.113.9', world.client.email, `wrong-${i}`));
    const answers = await Promise.all(guesses);
    // Exactly the limit's worth of password checks ran, split over both instances; every other guess was refused.
    expect(answers.filter((x) => x.status === 401)).toHaveLength(4);
    expect(answers.filter((x) => x.status === 429).every((x) => x.code === 'RATE_LIMITED')).toBe(true);
    for (const server of [a, b]) {
      const right = await signInAs(server, '203.0.113.9', world.client.email, world.client.password);
      expect(right).toMatchObject({ status: 429, code: 'RATE_LIMITED' }); // a correct password does not get through a lock-out
      expect((await signInAs(server, '198.51.100.7', world.client.email, world.client.password)).status).toBe(200); // another address does
    }
  });

  it("backs one account off whichever instance and address the guesses come from", async () => {
    const [a, b] = await twoInstances({ accountLoginBackoff: { freeFailures: 3, baseMs: 60_000, maxMs: 600_000 } });
    const world = await createWorld(a);
    const addresses = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'];
    for (let i = 0; i < 4; i += 1) {
      expect((await signInAs(i % 2 === 0 ? a : b, addresses[i]!, world.freelancer.email, `wrong-${i}`)).status).toBe(401);
    }
    for (const server of [a, b]) {
      const refused = await signInAs(server, '198.51.100.1', world.freelancer.email.toUpperCase(), world.freelancer.password);
      expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: 60 });
    }
  });

  it('holds the per address + email window across instances', async () => {
    const [a, b] = await twoInstances({ loginRateLimit: { max: 3, windowMs: 60_000 } });
    const world = await createWorld(a);
    for (const server of [a, b, a]) expect((await signInAs(server, '203.0.113.50', world.client.email, world.client.password)).status).toBe(200);
    expect(await signInAs(b, '203.0.113.50', world.client.email, world.client.password)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it("holds a contract's upload limit across instances: a parallel burst spread over both gets exactly the limit", async () => {
    const limits = { segments: { max: 5, windowMs: 60_000 }, screenshots: { max: 300, windowMs: 60_000 } };
    const [a, b] = await twoInstances({ contractUploadLimits: limits });
    const world = await createWorld(a);
    for (const server of [a, b]) server.clock.advance(25 * 60_000); // work after the contract began, on both clocks
    const first = segmentStart(a.clock.now()) - 20 * 600_000;
    const burst = Array.from({ length: 12 }, (_, i) => {
      const segment = segmentBody({ contractId: world.contract.id, startedAt: first + i * 600_000 });
      return (i % 2 === 0 ? a : b).request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
    });
    const answers = await Promise.all(burst);
    expect(answers.filter((x) => x.status === 200)).toHaveLength(5);
    const refused = answers.filter((x) => x.status === 429);
    expect(refused).toHaveLength(7);
    expect(refused.every((x) => x.json.error.code === 'RATE_LIMITED' && Number(x.headers.get('retry-after')) >= 1)).toBe(true);
    // The window is the contract's, not the instance's: once it ends, either instance takes uploads again.
    for (const server of [a, b]) server.clock.advance(60_000);
    const next = segmentBody({ contractId: world.contract.id, startedAt: first + 12 * 600_000 });
    expect((await b.request('PUT', `/api/v1/segments/${next.id}`, { token: world.freelancer.token, json: next })).status).toBe(200);
  });

  it('runs the retention purge on one instance at a time (advisory lock)', async () => {
    const [a] = await twoInstances({ purgeIntervalMs: 0 });
    const holder = new pg.Client({ connectionString: a.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [PURGE_LOCK]);
      const deps = { repos: a.repos, objects: new ScreenshotObjects(a.storage, a.keys), clock: a.clock, logger: createLogger({ level: 'silent' }) };
      expect(await purgeExpiredScreenshots(deps)).toBeUndefined(); // another instance is purging: this one skips the round
      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [PURGE_LOCK]);
      expect(await purgeExpiredScreenshots(deps)).toBe(0);
    } finally {
      await holder.end();
    }
  });

  it('sweeps uncommitted objects on one instance at a time: another starting meanwhile skips its listing', async () => {
    const [a] = await twoInstances({ purgeIntervalMs: 0 });
    const orphan = await a.storage.put('01JABCDEFGHJKMNPQRSTVWXYZ0', Buffer.from('an upload whose row never committed'));
    const deps = { repos: a.repos, objects: new ScreenshotObjects(a.storage, a.keys), clock: a.clock, logger: createLogger({ level: 'silent' }) };
    // The file's time is the real one; the server's clock is fake: a grace that ends a minute from now, real time.
    const graceMs = a.clock.now() - (Date.now() + 60_000);
    const holder = new pg.Client({ connectionString: a.databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [SWEEP_LOCK]);
      expect(await sweepUncommittedFiles(deps, graceMs)).toBeUndefined();
      expect(await a.storedObjects()).toEqual([orphan]);
      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [SWEEP_LOCK]);
      expect(await sweepUncommittedFiles(deps, graceMs)).toBe(1);
      expect(await a.storedObjects()).toEqual([]);
    } finally {
      await holder.end();
    }
  });

  it('answers health and readiness for a load balancer; draining refuses readiness and new policy streams', async () => {
    const [a] = await twoInstances({});
    const world = await createWorld(a);
    expect((await a.request('GET', '/api/v1/health')).json).toEqual({ status: 'ok' });
    expect((await a.request('GET', '/api/v1/ready')).json).toEqual({ status: 'ready', database: 'postgres', storage: 'disk' });
    a.app.lifecycle.startDraining();
    const ready = await a.request('GET', '/api/v1/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.error.code).toBe('SHUTTING_DOWN');
    const stream = await a.request('GET', `/api/v1/contracts/${world.contract.id}/policy/stream`, { token: world.freelancer.token });
    expect(stream.status).toBe(503);
    expect(stream.json.error.code).toBe('SHUTTING_DOWN');
    expect(stream.headers.get('retry-after')).toBe('1');
    expect((await a.request('GET', '/api/v1/health')).status).toBe(200); // alive all the same: the balancer must not count it dead
  });

  it('is not ready when its object store cannot be reached, and says which part without details', async () => {
    const broken: TestStore = {
      ...diskStore,
      async open(dataDir) {
        const opened = await diskStore.open(dataDir);
        return { ...opened, storage: new DiskScreenshotStorage('/dev/null/screenshots') }; // a directory that cannot exist
      },
    };
    const server = await startTestServer(postgres!, {}, broken);
    started.push(server);
    const ready = await server.request('GET', '/api/v1/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.error.code).toBe('NOT_READY');
    expect(ready.text).not.toContain('/dev/null');
  });
});
