import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResponse } from '../../../src/shared/protocol/api/index.js';
import { PasswordQueueFullError } from '../auth/passwords.js';
import { hashToken, newToken } from '../auth/tokens.js';
import { ApiError } from '../errors.js';
import type { UserRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import { clientKey } from './client-address.js';
import type { RouteContext } from './context.js';

/** A new bearer token for `user` (sign-in, sign-up, a changed password): the answer holds it once; the database only its hash. */
export async function startSession(ctx: Pick<RouteContext, 'repos' | 'clock' | 'config'>, user: UserRow): Promise<LoginResponse> {
  const token = newToken();
  const now = ctx.clock.now();
  const expiresAt = now + ctx.config.tokenTtlMs;
  await ctx.repos.tokens.create(hashToken(token), user.id, now, expiresAt);
  return { token, expiresAt: toIso(expiresAt), user: { id: user.id, email: user.email, name: user.name } };
}

/** A 429 with its Retry-After, in seconds. */
export const rateLimited = (retryAfterMs: number, why: string, setHeader: (seconds: string) => void): ApiError => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  setHeader(String(seconds));
  return new ApiError(429, 'RATE_LIMITED', `${why}: try again in ${seconds} s`);
};

/**
 * Runs a way in other than sign-in (sign-up, an invitation token, a password change) under sign-in's failure limits
 * (ctx.signInLimits): per client address, and per account where `email` names one. A refused caller gets 429 before
 * anything is checked; an error `isFailure` says is a wrong guess counts against them; a full password queue is a 429
 * too; anything else gives the place back.
 */
export async function underFailureLimit<T>(
  ctx: Pick<RouteContext, 'signInLimits'>,
  request: FastifyRequest,
  reply: FastifyReply,
  email: string | null,
  work: () => Promise<T>,
  isFailure: (error: unknown) => boolean,
): Promise<T> {
  const setRetryAfter = (seconds: string) => void reply.header('retry-after', seconds);
  const address = clientKey(request);
  const admission = email === null ? await ctx.signInLimits.admitAddress(address) : await ctx.signInLimits.admit(address, email);
  if (!admission.admitted) throw rateLimited(admission.retryAfterMs, 'too many failed attempts', setRetryAfter);
  try {
    const result = await work();
    await admission.attempt.succeeded();
    return result;
  } catch (error) {
    if (isFailure(error)) await admission.attempt.failed();
    else await admission.attempt.release();
    if (error instanceof PasswordQueueFullError) throw rateLimited(1000, 'the server is busy checking other passwords', setRetryAfter);
    throw error;
  }
}

/** An error that is a wrong password or a token nobody issued: what guessing produces. */
export const isGuessFailure = (error: unknown): boolean =>
  error instanceof ApiError && (error.code === 'INVALID_CREDENTIALS' || error.code === 'INVITATION_NOT_FOUND');
