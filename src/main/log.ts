import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * One logger for the agent, with a child per subsystem (`logger.child({ subsystem: 'store' })`).
 * Secrets and screen contents never reach a log line: tokens, passwords and keys are redacted by path, and
 * window titles are only logged at debug level by the code that has them.
 */
const REDACTED_PATHS = [
  'token',
  'password',
  'key',
  'authorization',
  '*.token',
  '*.password',
  '*.key',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'config.headers.Authorization',
  'data',
  '*.data',
];

export type { Logger };

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  // The CLI speaks to people on stdout/stderr itself; structured logs are opt-in (WORKTRACE_LOG_LEVEL=info).
  const level = options.level ?? process.env.WORKTRACE_LOG_LEVEL ?? 'error';
  return pino(
    { level, base: { app: 'worktrace' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    options.destination ?? pino.destination(2),
  );
}
