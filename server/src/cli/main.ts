import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { SIGNUP_MODES, type SignupMode } from '../../../src/shared/protocol/api/index.js';
import { MIN_SEGMENT_SECONDS, segmentSecondsSchema } from '../../../src/shared/protocol/index.js';
import { DEFAULT_PORT, serverConfig, type ServerConfig } from '../config.js';
import { DEMO_ACCOUNTS, seedDemo } from '../domain/demo.js';
import { generateServerKeyLine } from '../crypto/server-keys.js';
import { purgeExpiredScreenshots } from '../domain/purge.js';
import { ScreenshotObjects } from '../domain/screenshot-objects.js';
import { migrateStorage, rewrapKeys } from '../domain/storage-migration.js';
import { buildServer } from '../http/app.js';
import { Lifecycle, shutDownGracefully } from '../http/lifecycle.js';
import { createLogger } from '../logger.js';
import { smtpMailer, smtpOptions } from '../mail/invitation-mailer.js';
import { openRepositories, type Repositories } from '../repository/index.js';
import { systemClock } from '../support/system-clock.js';
import { defaultDataDir, prepareDataDir } from './data-dir.js';
import { readPassword } from './password-input.js';
import { closeStorage, openKeys, openStorage, parseStorage, type StorageFlags } from './storage-options.js';
import { addUser, disableUser, listUsers } from './users.js';

interface CommonOptions extends StorageFlags {
  dataDir?: string;
  database?: string;
}
interface MigrateOptions extends CommonOptions {
  to: string;
}
interface ServeOptions extends CommonOptions {
  port: number;
  host: string;
  demo?: boolean;
  demoSegmentSeconds?: number;
  signup: SignupMode;
  smtp?: string;
  mailFrom?: string;
  publicUrl?: string;
  invitationDays: number;
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
const parseSignup = (value: string): SignupMode => {
  if (!(SIGNUP_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${SIGNUP_MODES.join(', ')}`);
  return value as SignupMode;
};
const parseSmtpUrl = (value: string): string => {
  try {
    smtpOptions(value);
  } catch {
    throw new InvalidArgumentError('expected smtp://[user:password@]host[:port] or smtps://…');
  }
  return value;
};
const parsePublicUrl = (value: string): string => {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new InvalidArgumentError('expected the http(s):// address people open the dashboard at, e.g. https://diary.example.com');
  }
  return value.replace(/\/+$/, '');
};
const parseDays = (value: string): number => {
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > 365) throw new InvalidArgumentError('expected a whole number of days from 1 to 365');
  return days;
};
const parseEmail = (value: string): string => {
  if (!z.email().safeParse(value).success) throw new InvalidArgumentError('expected an email address');
  return value.toLowerCase();
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
  const keys = openKeys(options, dataDir);
  const storage = openStorage(options, dataDir);
  const config: ServerConfig = serverConfig({
    dataDir,
    host: options.host,
    port: options.port,
    databaseUrl: options.database,
    signup: options.signup,
    invitationTtlMs: options.invitationDays * 86_400_000,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.smtp ? { smtpUrl: options.smtp } : {}),
    ...(options.mailFrom ? { mailFrom: options.mailFrom } : {}),
    ...(options.demoSegmentSeconds ? { defaultSegmentSeconds: options.demoSegmentSeconds } : {}),
  });
  const demo = options.demo
    ? await seedDemo(repos, systemClock, { segmentSeconds: config.defaultSegmentSeconds, retentionDays: config.defaultRetentionDays })
    : undefined;
  const lifecycle = new Lifecycle();
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const app = await buildServer(config, { clock: systemClock, repos, storage, keys: keys.ring, logger, lifecycle, mailer });
  const address = await app.listen({ host: config.host, port: config.port });
  const where = storage.kind === 'disk' ? `data in ${dataDir}` : `database state only in ${dataDir}, screenshots in ${options.storage}`;
  console.log(`worktrace-server listening on ${address}/api/v1 (${repos.dialect}, ${where}; server keys from ${keys.source})`);
  console.log(`dashboard: ${address}/ (sign-up: ${config.signup}${mailer ? ', invitations mailed' : ''})`);
  if (demo) {
    console.log(`demo contract "${demo.name}" (${demo.id}), segments of ${demo.segmentSeconds} s; accounts:`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.label.padEnd(10)} ${a.email} / ${a.password}`);
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`worktrace-server: ${signal}: not ready any more; policy streams move to other instances in ${config.shutdownDrainMs} ms, then it stops`);
  await shutDownGracefully(app, lifecycle, systemClock, config.shutdownDrainMs);
  await repos.close();
  closeStorage(storage);
  return 0;
}

async function purge(options: CommonOptions): Promise<number> {
  const logger = createLogger();
  const { repos, dataDir } = await open(options);
  const storage = openStorage(options, dataDir);
  try {
    const objects = new ScreenshotObjects(storage, openKeys(options, dataDir).ring);
    const count = await purgeExpiredScreenshots({ repos, objects, clock: systemClock, logger });
    console.log(count === undefined ? 'another server is purging right now: nothing done' : `purged ${count} screenshot(s) past their contract's retention`);
    return 0;
  } finally {
    await repos.close();
    closeStorage(storage);
  }
}

async function storageMigrate(options: MigrateOptions): Promise<number> {
  const logger = createLogger();
  const { repos, dataDir } = await open(options);
  const source = openStorage({ ...options, storage: options.storage ?? 'disk' }, dataDir);
  const target = openStorage({ ...options, storage: options.to }, dataDir);
  try {
    if (source.kind === target.kind && options.to === (options.storage ?? 'disk')) throw new InvalidArgumentError('--to names the store the screenshots are in already');
    await target.check();
    const report = await migrateStorage({ repos, keys: openKeys(options, dataDir).ring, source, target, logger });
    console.log(
      `moved ${report.moved} screenshot(s) to ${options.to} (${report.sealed} sealed on the way), ${report.resumed} found there already from an earlier run, ` +
        `${report.orphansRemoved} unreferenced object(s) removed from the source`,
    );
    if (report.missing.length > 0) {
      console.error(`${report.missing.length} screenshot(s) found in neither store, or not matching their row: ${report.missing.slice(0, 20).join(', ')}`);
      return 1;
    }
    console.log(`now start the servers with --storage ${options.to}`);
    return 0;
  } finally {
    await repos.close();
    closeStorage(source);
    closeStorage(target);
  }
}

async function keysRewrap(options: CommonOptions): Promise<number> {
  const { repos, dataDir } = await open(options);
  try {
    const keys = openKeys(options, dataDir);
    const result = await rewrapKeys(repos, keys.ring);
    console.log(`wrapped ${result.rewrapped} screenshot key(s) again under server key ${keys.ring.current().id}`);
    for (const { keyId, count } of result.inUse) console.log(`  ${keyId ?? '(stored before sealing)'}: ${count} screenshot(s)`);
    const droppable = keys.ring.ids().filter((id) => !result.inUse.some((u) => u.keyId === id));
    if (droppable.length > 0) console.log(`no stored screenshot needs server key(s) ${droppable.join(', ')} any more: remove them from every instance's keys`);
    return 0;
  } finally {
    await repos.close();
  }
}

/** Opens the database for one account command, runs it, prints its lines. */
async function withRepos(options: CommonOptions, work: (repos: Repositories) => Promise<string | string[]>): Promise<number> {
  const { repos } = await open(options);
  try {
    const out = await work(repos);
    for (const line of Array.isArray(out) ? out : [out]) console.log(line);
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
      .option('--database <url>', 'a postgres:// URL (default: SQLite in the data directory)', parseDatabaseUrl)
      .option('--storage <store>', 'where screenshots are: disk (default: <data dir>/screenshots) or s3://bucket[/prefix]', parseStorage)
      .option('--s3-path-style', 'address the bucket as <endpoint>/<bucket> (most self-hosted S3 stores)')
      .option('--key-file <file>', 'server keys, one "<id> <base64>" a line, the current first (default: WORKTRACE_SERVER_KEYS, else <data dir>/server-keys)');
  let run: () => Promise<number> = async () => 0;
  common(program.command('serve', { isDefault: true }).description('run the server'))
    .option('--port <n>', 'port to listen on', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo', 'seed demo accounts and a demo contract (idempotent)')
    .option('--demo-segment-seconds <n>', 'segment length of the demo contract (at least 60)', parseSegmentSeconds)
    .option('--signup <mode>', 'who may create an account: invite (by accepting an invitation), open, closed (user add only)', parseSignup, 'invite')
    .option('--smtp <url>', 'also mail invitations through this SMTP server: smtp://[user:password@]host[:port] or smtps://…', parseSmtpUrl)
    .option('--mail-from <address>', 'the From of invitation mails')
    .option('--public-url <url>', 'the address people open the dashboard at, for links in mails (default: the address a request came in on)', parsePublicUrl)
    .option('--invitation-days <n>', 'days an invitation link works', parseDays, 14)
    .action((options: ServeOptions) => {
      run = () => serve(options);
    });
  const user = program.command('user').description("accounts: the operator's way to let people in");
  common(user.command('add').description('add an account; the password comes from stdin or WORKTRACE_PASSWORD, never the command line'))
    .requiredOption('--email <email>', 'the email the person signs in with', parseEmail)
    .requiredOption('--name <name>', 'the name shown to the other party of a contract')
    .action((options: CommonOptions & { email: string; name: string }) => {
      run = async () => {
        const password = await readPassword(process.env);
        return withRepos(options, (repos) => addUser(repos, { email: options.email, name: options.name, password }));
      };
    });
  common(user.command('list').description('list the accounts')).action((options: CommonOptions) => {
    run = () => withRepos(options, listUsers);
  });
  common(user.command('disable').description('disable an account: it signs in nowhere, and its sign-ins stop at once'))
    .requiredOption('--email <email>', 'the account', parseEmail)
    .action((options: CommonOptions & { email: string }) => {
      run = () => withRepos(options, (repos) => disableUser(repos, options.email));
    });
  common(program.command('purge').description("delete screenshots past their contract's retention, then exit")).action((options: CommonOptions) => {
    run = () => purge(options);
  });
  const storage = program.command('storage').description('where screenshots are stored');
  common(storage.command('migrate').description('move every screenshot to another store: copy, verify, then remove (resumable)'))
    .requiredOption('--to <store>', 'the store to move to: s3://bucket[/prefix] (endpoint, region, credentials from the environment)', parseStorage)
    .action((options: MigrateOptions) => {
      run = () => storageMigrate(options);
    });
  const keys = program.command('keys').description('the server keys that wrap each screenshot key');
  keys
    .command('generate')
    .description('print a new server key line ("<id> <base64>") for a key file or WORKTRACE_SERVER_KEYS')
    .action(() => {
      run = async () => {
        console.log(generateServerKeyLine());
        return 0;
      };
    });
  common(keys.command('rewrap').description('wrap every screenshot key again under the current (first) server key, then say which keys may go')).action(
    (options: CommonOptions) => {
      run = () => keysRewrap(options);
    },
  );
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
