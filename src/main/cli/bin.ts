#!/usr/bin/env node
import { CommanderError } from 'commander';
import { systemClock } from '../clock/system-clock.js';
import { createLogger } from '../log.js';
import { isCodedError } from '../../shared/errors.js';
import { buildProgram } from './program.js';

/**
 * Entry point of `worktrace`. Every failure ends as one line on stderr and a non-zero exit code:
 * 2 for usage errors, 1 for errors with a code the user can act on, 70 for bugs.
 */
const logger = createLogger();
let requestStop: (signal: string) => void = () => undefined;
const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => requestStop(signal));
// A library promise that rejects where nobody listens (screenshot-desktop can, when the display vanishes mid-call)
// must not end a tracking session: log it and go on; the sensor's own state says what failed.
process.on('unhandledRejection', (reason) => {
  logger.warn({ err: reason }, 'unhandled rejection');
});

const program = buildProgram({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  clock: systemClock,
  logger,
  stopRequested,
});

try {
  await program.parseAsync(process.argv);
  process.exitCode = process.exitCode ?? 0;
} catch (error) {
  process.exitCode = reportError(error);
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its one-line message; --help and --version land here too with code 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  // Our own errors (CodedError) and Node's system errors (ENOENT, EACCES...) are things a person can act on.
  const code = (error as { code?: unknown }).code;
  if (isCodedError(error) || (error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code))) {
    process.stderr.write(`worktrace: ${error.message}\n`);
    logger.debug({ err: error }, 'command failed');
    return 1;
  }
  process.stderr.write(`worktrace: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  logger.error({ err: error }, 'unexpected error');
  return 70;
}
