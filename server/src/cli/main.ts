import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { SIGNUP_MODES, type SignupMode } from '../../../src/shared/protocol/api/index.js';
import { MIN_SEGMENT_SECONDS, segmentSecondsSchema } from '../../../src/shared/protocol/index.js';
import { DEFAULT_PORT, serverConfig, type ServerConfig } from '../config.js';
import { DEMO_ACCOUNTS, seedDemo } from '../domain/demo.js';
import { purgeExpiredScreenshots } from '../domain/purge.js';
import { buildServer } from '../http/app.js';
import { createLogger } from '../logger.js';
import { smtpMailer, smtpOptions } from '../mail/invitation-mailer.js';
import { openRepositories, type Repositories } from '../repository/index.js';
import { DiskScreenshotStorage } from '../storage/disk.js';
import { systemClock } from '../support/system-clock.js';
import { defaultDataDir, prepareDataDir } from './data-dir.js';
import { readPassword } from './password-input.js';
import { addUser, disableUser, listUsers } from './users.js';

interface CommonOptions {
  dataDir?: string;
  database?: string;
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
  const storage = new DiskScreenshotStorage(join(dataDir, 'screenshots'));
  const mailer = config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : undefined;
  const app = await buildServer(config, { clock: systemClock, repos, storage, logger, mailer });
  const address = await app.listen({ host: config.host, port: config.port });
  console.log(`worktrace-server listening on ${address}/api/v1 (${repos.dialect}, data in ${dataDir})`);
  console.log(`dashboard: ${address}/ (sign-up: ${config.signup}${mailer ? ', invitations mailed' : ''})`);
  if (demo) {
    console.log(`demo contract "${demo.name}" (${demo.id}), segments of ${demo.segmentSeconds} s; accounts:`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.label.padEnd(10)} ${a.email} / ${a.password}`);
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
      .option('--database <url>', 'a postgres:// URL (default: SQLite in the data directory)', parseDatabaseUrl);
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
