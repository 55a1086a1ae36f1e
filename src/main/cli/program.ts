import { Command, Option } from 'commander';
import {
  parseContractName,
  parseIdleDecision,
  parseIdleSeconds,
  parseMemo,
  parseScreenshotMode,
  parseSegmentSeconds,
  parseSince,
} from './parse.js';
import type { CommandContext } from './context.js';
import { runScreenshot } from './commands/screenshot.js';
import { runSegments } from './commands/segments.js';
import { runStatus } from './commands/status.js';
import { runTrack } from './commands/track.js';

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
    .option('--contract <name>', 'what this time is for (local mode)', parseContractName, 'personal')
    .addOption(new Option('--screenshots <mode>', 'on, blurred or off (time only)').argParser(parseScreenshotMode).default('off'))
    .option('--segment-seconds <n>', 'segment length in seconds (60, 120, ... 600)', parseSegmentSeconds, 600)
    .option('--memo <text>', 'what you are working on', parseMemo)
    .addOption(new Option('--idle <decision>', 'what to do with idle time: keep (flagged idle) or discard').argParser(parseIdleDecision).default('keep'))
    .option('--idle-after <seconds>', 'no input for this long counts as idle', parseIdleSeconds, 300)
    .action(async (options) => {
      await runTrack(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('segments')
    .description('list the recorded segments')
    .option('--json', 'machine-readable output (the sync protocol shape)')
    .option('--since <iso>', 'only segments starting at or after this time', parseSince)
    .option('--contract <name>', 'only this contract', parseContractName)
    .action(async (options) => {
      await runSegments(context, { ...options, dataDir: dataDir() });
    });

  program
    .command('screenshot')
    .description('decrypt one screenshot to a file for its owner to look at')
    .argument('<id>', 'the screenshot id (from `worktrace segments`)')
    .requiredOption('--out <file>', 'where to write the JPEG')
    .action(async (id: string, options: { out: string }) => {
      await runScreenshot(context, { id, out: options.out, dataDir: dataDir() });
    });

  program
    .command('status')
    .description('sensor backends, queue counts and the data directory')
    .option('--json', 'machine-readable output')
    .action(async (options) => {
      await runStatus(context, { ...options, dataDir: dataDir() });
    });

  return program;
}
