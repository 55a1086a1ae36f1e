import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../log.js';

/** What every command gets from the entry point: streams, environment, clock, logger, and a stop signal. */
export interface CommandContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Resolves when the user asks to stop (SIGINT/SIGTERM). */
  readonly stopRequested: Promise<string>;
}
