import { Command, InvalidArgumentError, Option } from 'commander';
import {
  parseAppNames,
  parseContractName,
  parseIdleDecision,
  parseIdleSeconds,
  parseMemo,
  parsePrivatePattern,
  parseScreenshotMode,
  parseSegmentSeconds,
  parseSince,
} from './parse.js';
import type { CommandContext } from './context.js';

// Each command's module is loaded when it runs: `segments` need not load the sync layer, nor `track --local` axios.

/**
 * The `worktrace` command line: flags are parsed and checked here, then each command gets plain values.
 * Errors from commander (unknown flags, bad values) come out as one line on stderr and exit code 2.
 */
export function buildProgram(context: CommandContext): Command {
  const program = new Command('worktrace')
    .description('Worktrace agent: tracks time for hourly contracts into a local queue')
    .option('--data-dir <dir>', 'where the database and key live (default: WORKTRACE_DATA_DIR or the OS user data directory)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(s),
      // One line that says what was wrong and where to look.
      outputError: (s, write) => write(`worktrace: ${s.replace(/^error: /, '').trimEnd()} (see worktrace --help)\n`),
    });

  const dataDir = (): string | undefined => program.opts<{ dataDir?: string }>().dataDir;

  program
    .command('track')
    .description('track time in the foreground; Ctrl-C or SIGTERM saves the current minute and exits')
    .option('--local', 'personal tracking: nothing is uploaded')
    .option('--contract <id|name>', 'server mode: the contract id (see `worktrace contracts`); local mode: a name (default personal)', parseContractName)
    .addOption(new Option('--screenshots <mode>', 'local mode: on, blurred or off (time only) (default: off)').argParser(parseScreenshotMode))
    .option('--segment-seconds <n>', 'local mode: segment length in seconds (60, 120, ... 600) (default: 600)', parseSegmentSeconds)
    .option('--memo <text>', 'what you are working on', parseMemo)
    .addOption(new Option('--idle <decision>', 'what to do with idle time: keep (flagged idle) or discard').argParser(parseIdleDecision).default('keep'))
    .option('--idle-after <seconds>', 'no input for this long counts as idle', parseIdleSeconds, 300)
    .option('--quota-mb <n>', 'server mode: local screenshot storage quota in MB (default 500)', parseQuotaMb)
    .action(async (options) => {
      await (await import('./commands/track.js')).runTrack(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('segments')
    .description('list the recorded segments')
    .option('--json', 'machine-readable output (the sync protocol shape)')
    .option('--since <iso>', 'only segments starting at or after this time', parseSince)
    .option('--contract <name>', 'only this contract', parseContractName)
    .action(async (options) => {
      await (await import('./commands/segments.js')).runSegments(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('screenshot')
    .description('decrypt one screenshot to a file for its owner to look at')
    .argument('<id>', 'the screenshot id (from `worktrace segments`)')
    .requiredOption('--out <file>', 'where to write the JPEG')
    .action(async (id: string, options: { out: string }) => {
      await (await import('./commands/screenshot.js')).runScreenshot(context, { id, out: options.out, dataDir: dataDir() });
    });

  program
    .command('login')
    .description('sign in to a work-diary server (the sign-in it replaces is ended); the password comes from stdin or WORKTRACE_PASSWORD')
    .requiredOption('--server <url>', 'the server, e.g. https://diary.example.com (plain http only to this machine)')
    .requiredOption('--email <email>', 'your account')
    .action(async (options: { server: string; email: string }) => {
      await (await import('./commands/login.js')).runLogin(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('logout')
    .description('sign out: the server revokes the token, this machine forgets it (recorded time stays queued)')
    .option('--everywhere', 'end every sign-in of this account: other computers and browsers too')
    .action(async (options: { everywhere?: boolean }) => {
      await (await import('./commands/logout.js')).runLogout(context, { dataDir: dataDir(), everywhere: options.everywhere === true });
    });

  program
    .command('contracts')
    .description("the signed-in account's contracts and their screenshot policy")
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await (await import('./commands/contracts.js')).runContracts(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('sync')
    .description('send everything queued to the server now and report what was sent')
    .option('--json', 'machine-readable output')
    .option('--quota-mb <n>', 'local screenshot storage quota in MB (default 500)', parseQuotaMb)
    .option('--retry-parked', 'also try every parked item now (they are retried on their own every few hours) and report each')
    .action(async (options: { json?: boolean; quotaMb?: number; retryParked?: boolean }) => {
      await (await import('./commands/sync.js')).runSync(context, { ...options, dataDir: dataDir() });
    });

  const privateWindows = program
    .command('private')
    .description("your private windows: never in a screenshot, titles never recorded (this device only; the client's list comes with the policy)");
  const ruleOf = (options: { app?: string; title?: string }) => {
    if ((options.app === undefined) === (options.title === undefined)) {
      throw new InvalidArgumentError('give exactly one of --app NAME or --title PATTERN.');
    }
    return options.app !== undefined ? { kind: 'app' as const, pattern: options.app } : { kind: 'title' as const, pattern: options.title! };
  };
  for (const verb of ['add', 'remove'] as const) {
    privateWindows
      .command(verb)
      .description(verb === 'add' ? 'make an application or a window-title pattern private' : 'take a rule out of your list')
      .option('--app <name>', 'an application: WM_CLASS or executable name, e.g. keepassxc (globs: * and ?)', parsePrivatePattern)
      .option('--title <pattern>', 'a window-title glob, case-insensitive, e.g. "*Patient*"', parsePrivatePattern)
      .action(async (options: { app?: string; title?: string }) => {
        let rule;
        try {
          rule = ruleOf(options);
        } catch (error) {
          privateWindows.error(`error: ${(error as Error).message}`, { exitCode: 2, code: 'worktrace.private' });
        }
        await (await import('./commands/private.js')).runPrivate(context, dataDir(), { kind: verb, rule: rule! });
      });
  }
  privateWindows
    .command('list')
    .description('your list and each contract’s (from the cached policies)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await (await import('./commands/private.js')).runPrivate(context, dataDir(), { kind: 'list', json: options.json === true });
    });
  privateWindows
    .command('app-names')
    .description("whether a private window's application name may be recorded (its title never is)")
    .argument('<keep|hide>', 'keep: record the application name; hide (default): record "Private"', parseAppNames)
    .action(async (keep: boolean) => {
      await (await import('./commands/private.js')).runPrivate(context, dataDir(), { kind: 'app-names', keep });
    });

  program
    .command('status')
    .description('sensor backends, queue counts and the data directory')
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      await (await import('./commands/status.js')).runStatus(context, { ...options, dataDir: dataDir() });
    });

  return program;
}

/** Local screenshot storage quota: whole megabytes, at least 10 (a few screenshots), at most 100 GB. */
function parseQuotaMb(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 10 || n > 100_000) throw new InvalidArgumentError('expected whole megabytes between 10 and 100000.');
  return n;
}
