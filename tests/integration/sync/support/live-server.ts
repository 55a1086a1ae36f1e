import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../../../src/shared/clock.js';
import { serverConfig } from '../../../../server/src/config.js';
import { DEMO_ACCOUNTS, createContract, seedDemo } from '../../../../server/src/domain/demo.js';
import { buildServer } from '../../../../server/src/http/app.js';
import { createLogger } from '../../../../server/src/logger.js';
import { openRepositories } from '../../../../server/src/repository/index.js';
import { DiskScreenshotStorage } from '../../../../server/src/storage/disk.js';
import { systemClock } from '../../../../server/src/support/system-clock.js';
import { testKeyRing } from '../../../../server/tests/support/keys.js';

/**
 * The real work-diary server on 127.0.0.1 (port 0) over a real SQLite file, seeded like `--demo`. It runs on
 * the real clock unless a test hands it another (the agent CLI, a separate process, has the real clock).
 */
export interface LiveServer {
  readonly url: string;
  /** The server's data directory (its SQLite file and the sealed screenshots), until close(). */
  readonly dataDir: string;
  readonly contractId: string;
  /** Between the demo client and 'other' (a second freelancer), when asked for with `otherContract`. */
  readonly otherContractId: string | null;
  readonly segmentSeconds: number;
  /** Signs in through the API and returns the token. */
  token(who: 'client' | 'freelancer' | 'other'): Promise<string>;
  /** Signs in through the API: the token and who it belongs to (as the agent stores it). */
  session(who: 'client' | 'freelancer' | 'other'): Promise<{ token: string; userId: string; email: string }>;
  api(method: string, path: string, options?: { token?: string; json?: unknown }): Promise<{ status: number; json: any; bytes: Buffer }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  logs(): string;
  close(): Promise<void>;
}

export const DEMO_PASSWORDS = {
  client: DEMO_ACCOUNTS[0],
  freelancer: DEMO_ACCOUNTS[1],
  other: DEMO_ACCOUNTS[2],
} as const;

export async function startLiveServer(options: { segmentSeconds?: number; clock?: Clock; otherContract?: boolean } = {}): Promise<LiveServer> {
  const clock = options.clock ?? systemClock;
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-sync-server-'));
  const repos = await openRepositories({ dataDir, now: clock.now() });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = serverConfig({
    dataDir,
    port: 0,
    loginRateLimit: { max: 10_000, windowMs: 60_000 },
    defaultSegmentSeconds: options.segmentSeconds ?? 60,
    sseHeartbeatMs: 5_000,
  });
  const contract = await seedDemo(repos, clock, { segmentSeconds: config.defaultSegmentSeconds, retentionDays: 30 });
  let otherContractId: string | null = null;
  if (options.otherContract) {
    const other = await repos.users.findByEmail(DEMO_PASSWORDS.other.email);
    if (!other) throw new Error('the demo seed has no second freelancer');
    const made = await createContract(repos, clock, {
      name: 'Second freelancer',
      clientId: contract.clientId,
      freelancerId: other.id,
      segmentSeconds: config.defaultSegmentSeconds,
      screenshots: 'on',
      retentionDays: 30,
    });
    otherContractId = made.id;
  }
  const app = await buildServer(config, {
    clock,
    repos,
    storage: new DiskScreenshotStorage(join(dataDir, 'screenshots')),
    keys: testKeyRing(),
    logger: createLogger({ level: 'info', destination }),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const api: LiveServer['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}/api/v1${path}`, { method, headers, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, bytes, json: type.includes('json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined };
  };
  const session: LiveServer['session'] = async (who) => {
    const account = DEMO_PASSWORDS[who];
    const answer = await api('POST', '/auth/token', { json: { email: account.email, password: account.password } });
    if (answer.status !== 200) throw new Error(`sign-in of ${account.email} failed: ${answer.status}`);
    return { token: answer.json.token as string, userId: answer.json.user.id as string, email: answer.json.user.email as string };
  };
  return {
    url,
    dataDir,
    contractId: contract.id,
    segmentSeconds: contract.segmentSeconds,
    otherContractId,
    token: async (who) => (await session(who)).token,
    session,
    api,
    logs: () => lines.join(''),
    async close() {
      await app.close();
      await repos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
