import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../../src/shared/clock.js';
import { hashToken } from '../auth/tokens.js';
import type { Caller } from '../domain/access.js';
import { unauthenticated } from '../errors.js';
import type { Repositories } from '../repository/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user; set by the authentication hook on every route that needs a token. */
    caller: Caller | null;
  }
}

export function installCallerSlot(app: FastifyInstance): void {
  app.decorateRequest('caller', null);
}

/**
 * An onRequest hook: runs before the body is read, so a request without a valid token is turned
 * away before it can make the server parse or store anything.
 */
export function bearerAuthentication(repos: Repositories, clock: Clock) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request);
    if (!token) throw unauthenticated();
    const user = await repos.tokens.findUser(hashToken(token), clock.now());
    if (!user) throw unauthenticated('the token is unknown, expired or revoked: sign in again');
    request.caller = { id: user.id, email: user.email, name: user.name };
  };
}

/** The bearer token the request carries, if its Authorization header is well formed. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer ([A-Za-z0-9_\-.~+/]{16,256}=*)$/.exec(header) : null;
  return match?.[1] ?? null;
}

/** The caller of an authenticated route (the hook guarantees there is one). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthenticated();
  return request.caller;
}
