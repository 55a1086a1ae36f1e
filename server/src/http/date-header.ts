import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../../src/shared/clock.js';

/**
 * Every answer's Date header reads the server's own clock: the one it judges times by ("in the future", retention).
 * An agent refused for a time compares it with its own clock to tell a wrong clock (wait, and say so) from a wrong
 * record (park it). Node would send the system clock: the same in production, not where the server is given another.
 */
export function dateFromClock(clock: Clock) {
  return (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    reply.header('date', new Date(clock.now()).toUTCString());
    done(null, payload);
  };
}
