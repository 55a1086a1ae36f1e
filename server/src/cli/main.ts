import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MIN_SEGMENT_SECONDS, segmentSecondsSchema } from '../../../src/shared/protocol/index.js';
import { DEFAULT_PORT, serverConfig, type ServerConfig } from '../config.js';
import { DEMO_ACCOUNTS, seedDemo } from '../domain/demo.js';
import { purgeExpiredScreenshots } from '../domain/purge.js';
import { buildServer } from '../http/app.js';
import { createLogger } from '../logger.js';
import { openRepositories, type Repositories } from '../repository/index.js';
import { DiskScreenshotStorage } from '../storage/disk.js';
import { systemClock } from '../support/system-clock.js';
import { defaultDataDir, prepareDataDir } from './data-dir.js';

interface CommonOptions {
  dataDir?: string;
  database?: string;
}
interface ServeOptions extends CommonOptions {
  port: number;
  host: string;
  demo?: boolean;
  demoSegmentSeconds?: number;
}

const parsePort = (value: string): number => {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) throw new InvalidArgumentError('expected a port number 0-65535');
  return port;
};
const parseSegmentSeconds = (value: string): number => {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || !segmentSecondsSchema.safeParse(seconds).success) {
    throw new InvalidArgumentError(`expected whole minutes dividing an hour, at least ${MIN_SEGMENT_SECONDS} (60, 120, 300, 600, …)`);
  }
  return seconds;
};
const parseDatabaseUrl = (value: string): string => {
  if (!/^postgres(ql)?:\/\/\S+$/.test(value)) throw new InvalidArgumentError('expected a postgres:// URL (leave it out for the embedded SQLite)');
  return value;
};

async function open(options: CommonOptions): Promise<{ repos: Repositories; dataDir: string }> {
  const dataDir = prepareDataDir(options.dataDir ?? defaultDataDir());
  const repos = await openRepositories({ databaseUrl: options.database, dataDir, now: systemClock.now() });
  return { repos, dataDir };
}

async function serve(options: ServeOptions): Promise<number> {
  const logger = createLogger();
  const { repos, dataDir } = await open(options);
  const config: ServerConfig = serverConfig({
    dataDir,
    host: options.host,
    port: options.port,
    databaseUrl: options.database,
    ...(options.demoSegmentSeconds ? { defaultSegmentSeconds: options.demoSegmentSeconds } : {}),
  });
  const demo = options.demo
    ? await seedDemo(repos, systemClock, { segmentSeconds: config.defaultSegmentSeconds, retentionDays: config.defaultRetentionDays })
    : undefined;
  const storage = new DiskScreenshotStorage(join(dataDir, 'screenshots'));
  const app = await buildServer(config, { clock: systemClock, repos, storage, logger });
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(`worktrace-server listening on ${address}/api/v1 (${repos.dialect}, data in ${dataDir})`);
  console.log(`dashboard: ${address}/`);
  if (demo) {
    console.log(`demo contract "${demo.name}" (${demo.id}), segments of ${demo.segmentSeconds} s; accounts:`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email} / ${a.password}`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await repos.close();
  return 0;
}

async function purge(options: CommonOptions): Promise<number> {
  const logger = createLogger();
  const { repos, dataDir } = await open(options);
  try {
    const count = await purgeExpiredScreenshots({ repos, storage: new DiskScreenshotStorage(join(dataDir, 'screenshots')), clock: systemClock, logger });
    console.log(`purged ${count} screenshot(s) past their contract's retention`);
    return 0;
  } finally {
    await repos.close();
  }
}

/** Parses argv and runs one command; returns the exit code (errors are one line on stderr). */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('worktrace-server')
    .description('Worktrace work-diary server: contracts, screenshot policy, uploads, the work diary')
    .exitOverride()
    .showHelpAfterError(false);
  const common = (cmd: Command) =>
    cmd
      .option('--data-dir <dir>', 'data directory (default: WORKTRACE_SERVER_DATA_DIR or the OS data directory)')
      .option('--database <url>', 'a postgres:// URL (default: SQLite in the data directory)', parseDatabaseUrl);
  let run: () => Promise<number> = async () => 0;
  common(program.command('serve', { isDefault: true }).description('run the server'))
    .option('--port <n>', 'port to listen on', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo', 'seed demo accounts and a demo contract (idempotent)')
    .option('--demo-segment-seconds <n>', 'segment length of the demo contract (at least 60)', parseSegmentSeconds)
    .action((options: ServeOptions) => {
      run = () => serve(options);
    });
  common(program.command('purge').description("delete screenshots past their contract's retention, then exit")).action((options: CommonOptions) => {
    run = () => purge(options);
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  try {
    return await run();
  } catch (error) {
    const e = error as Error & { code?: string };
    console.error(`worktrace-server: ${e.message}${e.code ? ` (${e.code})` : ''}`);
    return 1;
  }
}
