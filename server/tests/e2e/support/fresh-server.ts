import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { serverConfig } from '../../../src/config.js';
import { purgeExpiredScreenshots } from '../../../src/domain/purge.js';
import { ScreenshotObjects } from '../../../src/domain/screenshot-objects.js';
import { buildServer } from '../../../src/http/app.js';
import { createLogger } from '../../../src/logger.js';
import { openRepositories, type Repositories } from '../../../src/repository/index.js';
import { DiskScreenshotStorage } from '../../../src/storage/disk.js';
import { systemClock } from '../../../src/support/system-clock.js';
import { testKeyRing } from '../../support/keys.js';
import { runServerCommand, type ServerCommandResult } from '../../support/server-process.js';
import { bearerApi, type ApiCall } from './api.js';

/**
 * A server as a self-hoster starts it the first time: an empty SQLite file, no --demo, sign-up by invitation (the
 * default), on the real clock (the agent, another process, has the real clock too). Accounts come from the real
 * `worktrace-server user add`, run against the same data directory.
 */
export interface FreshServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly storageDir: string;
  readonly repos: Repositories;
  /** The built `worktrace-server <args> --data-dir <this server's>`, `stdin` piped in. */
  cli(args: string[], stdin?: string): Promise<ServerCommandResult>;
  /** Runs the retention purge as the server's schedule would `laterMs` from now; how many screenshots went. */
  purgeLater(laterMs: number): Promise<number>;
  readonly api: ApiCall;
  logs(): string;
  close(): Promise<void>;
}

export async function startFreshServer(): Promise<FreshServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-e2e-fresh-'));
  const repos = await openRepositories({ dataDir, now: systemClock.now() });
  const storageDir = join(dataDir, 'screenshots');
  const storage = new DiskScreenshotStorage(storageDir);
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const keys = testKeyRing();
  const app: FastifyInstance = await buildServer(serverConfig({ dataDir, port: 0, sseHeartbeatMs: 5_000 }), { clock: systemClock, repos, storage, keys, logger });
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl,
    dataDir,
    storageDir,
    repos,
    cli: (args, stdin = '') => runServerCommand([...args, '--data-dir', dataDir], { stdin }),
    purgeLater: async (laterMs) =>
      (await purgeExpiredScreenshots({ repos, objects: new ScreenshotObjects(storage, keys), logger, clock: { ...systemClock, now: () => systemClock.now() + laterMs } })) ?? 0,
    api: bearerApi(baseUrl),
    logs: () => lines.join(''),
    async close() {
      await app.close();
      await repos.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
