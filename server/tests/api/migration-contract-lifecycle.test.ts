import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { serverConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { openRepositories } from '../../src/repository/index.js';
import { PostgresDatabase } from '../../src/repository/postgres/database.js';
import { postgresMigrations } from '../../src/repository/postgres/migrations/index.js';
import { migrate, type SqlDatabase } from '../../src/repository/sql.js';
import { SqliteDatabase } from '../../src/repository/sqlite/database.js';
import { sqliteMigrations } from '../../src/repository/sqlite/migrations/index.js';
import { DiskScreenshotStorage } from '../../src/storage/disk.js';
import { testBackends } from '../support/backends.js';
import { segmentBody, segmentStart } from '../support/server.js';
import { testKeyRing } from '../support/keys.js';

const VERSION_BEFORE = 2;
const DAY = 86_400_000;

/**
 * Issue 13: a database written before contracts had states (users with a role, every contract running) is migrated
 * in place, and every row keeps working: the same people sign in, each contract is active since it was made (by
 * nobody: the server), its segments, screenshots and policy history are all there, and new work is accepted.
 */
describe.each(testBackends())('migrating existing rows to contract states on $name', (backend) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps every row working: sign-in, the contract (active), its diary, its screenshot, new uploads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-migrate-'));
    dirs.push(dataDir);
    const url = await backend.databaseUrl();
    const clock = new FakeClock();
    const t0 = clock.now() - 3 * DAY;

    // The old schema, with rows as the demo seed and an agent left them.
    const old: SqlDatabase = url ? new PostgresDatabase(url) : new SqliteDatabase(join(dataDir, 'worktrace.db'));
    const before = (url ? postgresMigrations : sqliteMigrations).filter((m) => m.version <= VERSION_BEFORE);
    await migrate(old, before, t0);
    const hash = await hashPassword('demo-client-pass');
    await old.run("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ('U1', 'client@demo.test', 'client', ?, ?)", [hash, t0]);
    await old.run("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ('U2', 'freelancer@demo.test', 'freelancer', ?, ?)", [hash, t0]);
    await old.run("INSERT INTO contracts (id, name, client_id, freelancer_id, segment_seconds, created_at) VALUES ('01KE0000000000000000000000', 'Demo contract', 'U1', 'U2', 600, ?)", [t0]);
    await old.run("INSERT INTO policy_versions (contract_id, version, screenshots, retention_days, effective_from) VALUES ('01KE0000000000000000000000', 1, 'on', 30, ?)", [t0]);
    await old.run("INSERT INTO policy_versions (contract_id, version, screenshots, retention_days, effective_from) VALUES ('01KE0000000000000000000000', 2, 'blurred', 30, ?)", [t0 + DAY]);
    const oldSegment = segmentBody({ contractId: '01KE0000000000000000000000', startedAt: segmentStart(t0 + 2 * DAY), minutes: 5 });
    await old.run(
      `INSERT INTO segments (id, contract_id, started_at, length_seconds, tracked_seconds, idle_seconds, memo, minutes_json, apps_json, policy_version, revision, billable, created_at, updated_at)
       VALUES (?, '01KE0000000000000000000000', ?, 600, 300, 0, 'before the upgrade', ?, ?, 2, 3, 1, ?, ?)`,
      [oldSegment.id, Date.parse(oldSegment.startedAt), JSON.stringify(oldSegment.minutes), JSON.stringify(oldSegment.apps), t0, t0],
    );
    await old.run(
      `INSERT INTO screenshots (id, segment_id, contract_id, taken_at, content_type, byte_size, sha256, storage_key, uploaded_at, removed_by, removed_at)
       VALUES ('01KE0000000000000000000SHT', ?, '01KE0000000000000000000000', ?, NULL, NULL, NULL, NULL, ?, 'client', ?)`,
      [oldSegment.id, Date.parse(oldSegment.startedAt) + 1000, t0, t0],
    );
    await old.close();

    // The new server opens it: the migration runs, then everything is used through the API.
    const repos = await openRepositories({ databaseUrl: url, dataDir, now: clock.now() });
    const quiet = createLogger({ destination: new Writable({ write: (_c, _e, done) => done() }) });
    const app = await buildServer(serverConfig({ dataDir, port: 0, databaseUrl: url, loginRateLimit: { max: 1000, windowMs: 60_000 } }), {
      clock,
      repos,
      storage: new DiskScreenshotStorage(join(dataDir, 'screenshots')),
      keys: testKeyRing(),
      logger: quiet,
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const call = async (method: string, path: string, token?: string, json?: unknown) => {
        const response = await fetch(`${base}/api/v1${path}`, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          body: json === undefined ? undefined : JSON.stringify(json),
        });
        return { status: response.status, json: await response.json().catch(() => undefined) };
      };
      const signIn = async (email: string) => (await call('POST', '/auth/token', undefined, { email, password: 'demo-client-pass' })).json;
      const client = await signIn('client@demo.test');
      const freelancer = await signIn('freelancer@demo.test');
      expect(client.user).toEqual({ id: 'U1', email: 'client@demo.test', name: 'client' });
      expect(freelancer.user.name).toBe('freelancer');

      const list = await call('GET', '/contracts', client.token);
      expect(list.json.contracts).toHaveLength(1);
      expect(list.json.contracts[0]).toMatchObject({
        id: '01KE0000000000000000000000',
        role: 'client',
        freelancer: { id: 'U2', email: 'freelancer@demo.test' },
        policy: { version: 2, screenshots: 'blurred', contract: { state: 'active', seq: 1, since: new Date(t0).toISOString(), by: null } },
        terms: { hourlyRate: null, weeklyLimitHours: null, timeZone: 'UTC', keepScreenshotsAfterEndDays: 30 },
      });
      expect((await call('GET', '/contracts', freelancer.token)).json.contracts[0].role).toBe('freelancer');

      const diary = await call('GET', `/contracts/01KE0000000000000000000000/diary?from=${new Date(t0).toISOString()}&to=${new Date(clock.now()).toISOString()}`, freelancer.token);
      expect(diary.json.segments).toHaveLength(1);
      expect(diary.json.segments[0]).toMatchObject({ id: oldSegment.id, memo: 'before the upgrade', trackedSeconds: 300, policyVersion: 2, screenshotRemoved: { by: 'client' } });
      expect(diary.json.policyHistory.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(diary.json.stateHistory).toEqual([{ state: 'active', seq: 1, since: new Date(t0).toISOString(), by: null }]);

      // New work goes on as before, and the contract now pauses like any other.
      const fresh = segmentBody({ contractId: '01KE0000000000000000000000', startedAt: segmentStart(clock.now()) - 600_000, minutes: 2 });
      expect((await call('PUT', `/segments/${fresh.id}`, freelancer.token, fresh)).status).toBe(200);
      expect((await call('PUT', '/contracts/01KE0000000000000000000000/state', client.token, { state: 'paused' })).json.policy.contract).toMatchObject({ state: 'paused', seq: 2 });
    } finally {
      await app.close();
      await repos.close();
    }
  });
});
