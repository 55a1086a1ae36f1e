import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { ulid } from 'ulid';
import type { Clock } from '../../../../src/shared/clock.js';
import { serverConfig } from '../../../src/config.js';
import { DEMO_ACCOUNTS, seedDemo } from '../../../src/domain/demo.js';
import { purgeExpiredScreenshots } from '../../../src/domain/purge.js';
import { buildServer } from '../../../src/http/app.js';
import { createLogger } from '../../../src/logger.js';
import { openRepositories, type ContractRow, type Repositories } from '../../../src/repository/index.js';
import { DiskScreenshotStorage } from '../../../src/storage/disk.js';
import { systemClock } from '../../../src/support/system-clock.js';
import { ScreenshotObjects } from '../../../src/domain/screenshot-objects.js';
import { testKeyRing } from '../../support/keys.js';
import { bearerApi, type ApiCall } from './api.js';

const DAY_MS = 86_400_000;
export const SEGMENT_SECONDS = 600;
const SEGMENT_MS = SEGMENT_SECONDS * 1000;

/**
 * The real server on loopback over a SQLite file, on the real clock (or a fake one the test sets the
 * browser's clock to as well): the browser reads the same time, so "this week" and "purged in N days"
 * mean the same on both sides. The demo accounts and
 * contract are seeded as `--demo` does, with the contract started two days ago so the test can
 * upload the last hour's work as an agent would have.
 */
export interface E2eServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly storageDir: string;
  readonly repos: Repositories;
  readonly contract: ContractRow;
  readonly clientToken: string;
  readonly freelancerToken: string;
  /** Runs the server's retention purge as its hourly schedule would `laterMs` from now; returns how many went. */
  purgeLater(laterMs: number): Promise<number>;
  api: ApiCall;
  close(): Promise<void>;
}

export interface E2eServerOptions {
  /** The server's clock (default the real one; a fake one makes weeks end and approve when the test says). */
  readonly clock?: Clock;
}

export async function startE2eServer(options: E2eServerOptions = {}): Promise<E2eServer> {
  const clock = options.clock ?? systemClock;
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-e2e-'));
  const repos = await openRepositories({ dataDir, now: clock.now() });
  const twoDaysAgo: Clock = { ...clock, now: () => clock.now() - 2 * DAY_MS };
  const contract = await seedDemo(repos, twoDaysAgo, { segmentSeconds: SEGMENT_SECONDS, retentionDays: 30 });
  const storageDir = join(dataDir, 'screenshots');
  const storage = new DiskScreenshotStorage(storageDir);
  const keys = testKeyRing();
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ level: 'warn', destination: quiet });
  // Two segments a page: the dashboard must follow the diary's pages to show the week whole.
  const config = serverConfig({ dataDir, port: 0, diaryPageSegments: 2 });
  const app: FastifyInstance = await buildServer(config, { clock, repos, storage, keys, logger });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });

  const api = bearerApi(baseUrl);
  const signIn = async (account: (typeof DEMO_ACCOUNTS)[number]) => {
    const response = await fetch(`${baseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    if (response.status !== 200) throw new Error(`sign-in of ${account.email} failed: ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  };

  return {
    baseUrl,
    dataDir,
    storageDir,
    repos,
    contract,
    clientToken: await signIn(DEMO_ACCOUNTS[0]),
    freelancerToken: await signIn(DEMO_ACCOUNTS[1]),
    api,
    purgeLater: async (laterMs) =>
      (await purgeExpiredScreenshots({ repos, objects: new ScreenshotObjects(storage, keys), logger, clock: { ...clock, now: () => clock.now() + laterMs } })) ?? 0,
    async close() {
      await app.close();
      await repos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What one uploaded segment should look like in the diary. */
export interface PlannedSegment {
  readonly memo: string | null;
  readonly app: string;
  /** Tracked minutes from the segment start. */
  readonly minutes: number;
  readonly activeMinutes: number;
  readonly screenshot: boolean;
  /** Private windows the agent painted out of the screenshot (sent with it). */
  readonly redactedWindows?: number;
  /** The agent skipped the screenshot for privacy (no screenshot then). */
  readonly skipped?: 'private-window' | 'private-list-unreadable';
}

export interface UploadedSegment extends PlannedSegment {
  readonly id: string;
  readonly startedAt: number;
  readonly screenshotId: string | null;
  readonly jpeg: Buffer | null;
}

/**
 * Where the uploads start: seven segments before the current one, so the whole plan lies in the
 * past, inside one UTC week (in the first hour of a Monday it moves back into the previous week).
 */
export function planStart(now = Date.now()): number {
  const start = Math.floor(now / SEGMENT_MS) * SEGMENT_MS - 7 * SEGMENT_MS;
  const weekStart = utcWeekStart(now);
  return start >= weekStart ? start : weekStart - 8 * SEGMENT_MS;
}

export function utcWeekStart(at: number): number {
  const day = Math.floor(at / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY_MS;
}

/** A screen-like JPEG (an editor window with a line of text), unique per call, as the agent's capture would be. */
export async function screenJpeg(label: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="800">
    <rect width="1280" height="800" fill="#2b303b"/>
    <rect y="0" width="1280" height="36" fill="#1c1f26"/>
    <rect x="0" y="36" width="240" height="764" fill="#232730"/>
    ${Array.from({ length: 18 }, (_, i) => `<rect x="${280 + (i % 4) * 24}" y="${70 + i * 34}" width="${200 + ((i * 97) % 600)}" height="14" rx="4" fill="${['#8fa1b3', '#b48ead', '#a3be8c', '#ebcb8b'][i % 4]}"/>`).join('')}
    <text x="24" y="24" font-family="sans-serif" font-size="16" fill="#c0c5ce">${label}</text>
  </svg>`;
  // A few random pixels make every image's bytes unique, so its traces on disk can be searched for.
  const noise = Buffer.from(Array.from({ length: 64 * 4 * 3 }, () => Math.floor(Math.random() * 256)));
  return sharp(Buffer.from(svg))
    .composite([{ input: noise, raw: { width: 64, height: 4, channels: 3 }, left: 1200, top: 780 }])
    .jpeg({ quality: 70 })
    .toBuffer();
}

/** Uploads segments (and their screenshots) through the API, in order, the way the agent's outbox does. */
export async function uploadPlan(server: E2eServer, start: number, plan: readonly PlannedSegment[], policyVersion = 1): Promise<UploadedSegment[]> {
  const uploaded: UploadedSegment[] = [];
  for (const [index, p] of plan.entries()) {
    const startedAt = start + index * SEGMENT_MS;
    const id = ulid(startedAt);
    const screenshotId = p.screenshot ? ulid(startedAt + 90_000) : null;
    const takenAt = startedAt + 90_000 + index * 7_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const jpeg = screenshotId ? await screenJpeg(`${p.app} — ${p.memo ?? 'no memo'}`) : null;
    const body = {
      id,
      contractId: server.contract.id,
      startedAt: iso(startedAt),
      lengthSeconds: SEGMENT_SECONDS,
      trackedSeconds: p.minutes * 60,
      idleSeconds: 0,
      memo: p.memo,
      minutes: Array.from({ length: p.minutes }, (_, m) => {
        const active = m < p.activeMinutes;
        return { startedAt: iso(startedAt + m * 60_000), trackedSeconds: 60, keyboard: active ? 40 + m : 0, mouse: active ? 25 + m : 0, active, idle: false };
      }),
      apps: [
        { app: p.app, title: `${p.app} window`, seconds: p.minutes * 45 },
        { app: 'Slack', title: 'team chat', seconds: p.minutes * 15 },
      ],
      screenshot: screenshotId ? { id: screenshotId, takenAt: iso(takenAt), width: 1280, height: 800, bytes: jpeg?.length ?? 1 } : null,
      ...(p.skipped ? { screenshotSkipped: p.skipped } : {}),
      policyVersion,
    };
    const segment = await server.api('PUT', `segments/${id}`, server.freelancerToken, body);
    if (segment.status !== 200) throw new Error(`segment upload failed: ${segment.status} ${JSON.stringify(segment.json)}`);
    if (screenshotId && jpeg) {
      const response = await fetch(`${server.baseUrl}/api/v1/screenshots/${screenshotId}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${server.freelancerToken}`,
          'content-type': 'image/jpeg',
          'x-worktrace-segment-id': id,
          'x-worktrace-captured-at': iso(takenAt),
          ...(p.redactedWindows ? { 'x-worktrace-redacted-windows': String(p.redactedWindows) } : {}),
        },
        body: new Uint8Array(jpeg),
      });
      if (response.status !== 200) throw new Error(`screenshot upload failed: ${response.status} ${await response.text()}`);
    }
    uploaded.push({ ...p, id, startedAt, screenshotId, jpeg });
  }
  return uploaded;
}

/** The working hour the tests start from: five segments with screenshots, one short one without. */
export const WORKING_HOUR: readonly PlannedSegment[] = [
  { memo: 'Invoice export: schema', app: 'Code', minutes: 10, activeMinutes: 8, screenshot: true },
  { memo: 'Invoice export: schema', app: 'Code', minutes: 10, activeMinutes: 10, screenshot: true },
  { memo: 'Reading the API docs', app: 'Firefox', minutes: 10, activeMinutes: 6, screenshot: true },
  { memo: 'Invoice export: tests', app: 'Terminal', minutes: 10, activeMinutes: 9, screenshot: true },
  { memo: 'Invoice export: tests', app: 'Code', minutes: 10, activeMinutes: 7, screenshot: true },
  { memo: null, app: 'Code', minutes: 4, activeMinutes: 3, screenshot: false },
];
