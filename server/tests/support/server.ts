import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { jpegWithPayload } from '../../../tests/support/jpeg.js';
import type { ScreenshotMode } from '../../../src/shared/protocol/index.js';
import { serverConfig, type ServerConfig } from '../../src/config.js';
import { createContract, ensureUser } from '../../src/domain/demo.js';
import { PolicyEvents } from '../../src/domain/policies.js';
import { buildServer } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { smtpMailer } from '../../src/mail/invitation-mailer.js';
import { openRepositories, type ContractRow, type Repositories, type UserRow } from '../../src/repository/index.js';
import type { ServerKeyRing } from '../../src/crypto/server-keys.js';
import type { ScreenshotStorage } from '../../src/storage/types.js';
import { testServerKeys } from './keys.js';
import type { Backend } from './backends.js';
import { diskStore, type TestStore } from './object-stores.js';

/** A real server on loopback (port 0; 127.0.0.1 unless `host` says ::1) over a real database, with a fake clock and captured logs. */
export interface TestServer {
  readonly baseUrl: string;
  readonly clock: FakeClock;
  readonly repos: Repositories;
  readonly dataDir: string;
  /** Where the disk store keeps its files (empty with another store). */
  readonly storageDir: string;
  readonly databaseUrl: string | undefined;
  /** The screenshot store and the server keys the server runs with. */
  readonly storage: ScreenshotStorage;
  readonly keys: ServerKeyRing;
  /** The store's name: disk or ceph. */
  readonly storeName: TestStore['name'];
  /** Every object key in the store now. */
  storedObjects(): Promise<string[]>;
  /** Files on this machine where the store keeps bytes holding `needle`. */
  storeFilesContaining(needle: Buffer): Promise<string[]>;
  /** Arguments and environment that make the CLI use this server's store and keys. */
  readonly cli: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  readonly app: FastifyInstance;
  /** The server's policy events (a leak check counts their listeners). */
  readonly policyEvents: PolicyEvents;
  /** Every log line written so far (JSON text). */
  logs(): string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  readonly token?: string;
  readonly json?: unknown;
  readonly body?: Buffer | string;
  readonly headers?: Record<string, string>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export async function startTestServer(backend: Backend, overrides: Partial<ServerConfig> = {}, store: TestStore = diskStore): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `wt-server-${backend.name}-`));
  const clock = new FakeClock();
  // overrides.databaseUrl: a second instance on the same PostgreSQL database (the several-instance tests).
  const databaseUrl = overrides.databaseUrl ?? (await backend.databaseUrl());
  const repos = await openRepositories({ databaseUrl, dataDir, now: clock.now() });
  const storageDir = join(dataDir, 'screenshots');
  const opened = await store.open(dataDir);
  const keys = testServerKeys();
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const config = serverConfig({
    dataDir,
    port: 0,
    databaseUrl,
    // High enough for a whole file's logins; the rate-limit tests set their own.
    loginRateLimit: { max: 10_000, windowMs: 60_000 },
    addressLoginFailureLimit: { max: 10_000, windowMs: 60_000 },
    accountLoginBackoff: { freeFailures: 10_000, baseMs: 1_000, maxMs: 60_000 },
    // The test's fetch reuses kept-alive sockets. On a loaded machine the event loop (the test's and the server's:
    // one process) can stall past the server's 10 s keep-alive, and a request then leaves on a socket the server is
    // closing: ECONNRESET (seen in CI previews). Tests that are about these limits set their own.
    keepAliveTimeoutMs: 300_000,
    idleConnectionMs: 300_000,
    ...overrides,
  });
  const policyEvents = new PolicyEvents();
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const app = await buildServer(config, { clock, repos, storage: opened.storage, keys: keys.ring, logger, policyEvents, mailer });
  const address = await app.listen({ host: config.host, port: 0 });

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: Buffer | string | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
    const response = await fetch(`${address}${path}`, { method, headers, body: payload });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: unknown = undefined;
    if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, bytes, json };
  };

  return {
    baseUrl: address,
    clock,
    repos,
    dataDir,
    storageDir,
    databaseUrl,
    app,
    policyEvents,
    storage: opened.storage,
    keys: keys.ring,
    storeName: store.name,
    async storedObjects() {
      const all: string[] = [];
      for await (const key of opened.storage.list()) all.push(key);
      return all.sort();
    },
    storeFilesContaining: (needle) => opened.filesContaining(needle),
    cli: { args: opened.cliArgs, env: { ...opened.cliEnv, WORKTRACE_SERVER_KEYS: keys.text } },
    logs: () => lines.join(''),
    request,
    async close() {
      await app.close();
      await repos.close();
      opened.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The five kinds of caller every route is tried with, and two contracts between them. */
export interface World {
  readonly client: UserRow & { token: string; password: string };
  readonly freelancer: UserRow & { token: string; password: string };
  readonly otherClient: UserRow & { token: string; password: string };
  readonly otherFreelancer: UserRow & { token: string; password: string };
  /** Between client and freelancer. */
  readonly contract: ContractRow;
  /** Between otherClient and otherFreelancer. */
  readonly otherContract: ContractRow;
}

/** How long before the test clock's now the world's contracts started. */
export const WORLD_HEAD_START_MS = 86_400_000;

export async function createWorld(
  server: TestServer,
  options: { segmentSeconds?: number; screenshots?: ScreenshotMode; retentionDays?: number } = {},
): Promise<World> {
  const tag = randomBytes(4).toString('hex');
  const user = async (name: string) => {
    const email = `${name}-${tag}@test.example`;
    const password = `pw-${name}-${randomBytes(6).toString('hex')}`;
    const row = await ensureUser(server.repos, server.clock, { email, password, name });
    const login = await server.request('POST', '/api/v1/auth/token', { json: { email, password } });
    if (login.status !== 200) throw new Error(`login of ${email} failed: ${login.status} ${login.text}`);
    return { ...row, token: login.json.token as string, password };
  };
  const client = await user('client');
  const freelancer = await user('freelancer');
  const otherClient = await user('other-client');
  const otherFreelancer = await user('other-freelancer');
  const terms = {
    segmentSeconds: options.segmentSeconds ?? 600,
    screenshots: options.screenshots ?? ('on' as ScreenshotMode),
    retentionDays: options.retentionDays ?? 30,
    // A day ago: the segments of the last hours lie inside the contracts (time from before a contract is refused).
    startsAt: server.clock.now() - WORLD_HEAD_START_MS,
  };
  const contract = await createContract(server.repos, server.clock, { name: 'Main', clientId: client.id, freelancerId: freelancer.id, ...terms });
  const otherContract = await createContract(server.repos, server.clock, {
    name: 'Other',
    clientId: otherClient.id,
    freelancerId: otherFreelancer.id,
    ...terms,
  });
  return { client, freelancer, otherClient, otherFreelancer, contract, otherContract };
}

/** A real JPEG with a unique random payload, so its bytes can be searched for afterwards (tests/support/jpeg.ts). */
export const fakeJpeg = jpegWithPayload;

export interface SegmentOptions {
  readonly id?: string;
  readonly contractId: string;
  /** Epoch ms; must be aligned to the contract's segment length. */
  readonly startedAt: number;
  readonly lengthSeconds?: number;
  /** Fully tracked minutes from the start (each 60 s, active). */
  readonly minutes?: number;
  readonly memo?: string | null;
  readonly screenshot?: { id: string; takenAt: number } | null;
  readonly policyVersion?: number | null;
}

/** A segment body as the agent uploads it: `minutes` full minutes from the start. */
export function segmentBody(o: SegmentOptions) {
  const minutes = o.minutes ?? 3;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: o.id ?? ulid(),
    contractId: o.contractId,
    startedAt: iso(o.startedAt),
    lengthSeconds: o.lengthSeconds ?? 600,
    trackedSeconds: minutes * 60,
    idleSeconds: 0,
    memo: o.memo ?? null,
    minutes: Array.from({ length: minutes }, (_, i) => ({
      startedAt: iso(o.startedAt + i * 60_000),
      trackedSeconds: 60,
      keyboard: 10 + i,
      mouse: 5 + i,
      active: true,
      idle: false,
    })),
    apps: [{ app: 'code', title: 'main.ts', seconds: minutes * 60 }],
    screenshot: o.screenshot ? { id: o.screenshot.id, takenAt: iso(o.screenshot.takenAt), width: 1280, height: 720, bytes: 300 } : null,
    policyVersion: o.policyVersion === undefined ? 1 : o.policyVersion,
  };
}

/** Floors epoch ms to a segment start. */
export const segmentStart = (ms: number, lengthSeconds = 600): number => Math.floor(ms / (lengthSeconds * 1000)) * lengthSeconds * 1000;

export async function uploadScreenshot(
  server: TestServer,
  token: string,
  o: { id?: string; segmentId: string; capturedAt: number; bytes?: Buffer; contentType?: string; redactedWindows?: string },
): Promise<TestResponse & { id: string; bytes_sent: Buffer }> {
  const id = o.id ?? ulid();
  const bytes = o.bytes ?? fakeJpeg();
  const response = await server.request('PUT', `/api/v1/screenshots/${id}`, {
    token,
    body: bytes,
    headers: {
      'content-type': o.contentType ?? 'image/jpeg',
      'x-worktrace-segment-id': o.segmentId,
      'x-worktrace-captured-at': new Date(o.capturedAt).toISOString(),
      ...(o.redactedWindows === undefined ? {} : { 'x-worktrace-redacted-windows': o.redactedWindows }),
    },
  });
  return { ...response, id, bytes_sent: bytes };
}
