import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * One logger for the server; subsystems take child loggers. Tokens and passwords never reach the
 * output: the paths below are censored wherever a request, a body or a config object is logged.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  '*.password',
  '*.token',
  '*.passwordHash',
  'body.password',
  'databaseUrl',
  '*.databaseUrl',
  'smtpUrl',
  '*.smtpUrl',
  'link',
  '*.link',
  'invitation',
  'body.invitation',
  'currentPassword',
  'newPassword',
  '*.currentPassword',
  '*.newPassword',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? process.env.WORKTRACE_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'worktrace-server' },
  };
  return options.destination ? pino(config, options.destination as pino.DestinationStream) : pino(config);
}
