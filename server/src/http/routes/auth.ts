import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiErrorSchema, loginRequestSchema, loginResponseSchema, logoutResponseSchema } from '../../../../src/shared/protocol/api/index.js';
import { PasswordQueueFullError } from '../../auth/passwords.js';
import { hashToken } from '../../auth/tokens.js';
import { accountWithPassword } from '../../domain/accounts.js';
import { ApiError } from '../../errors.js';
import type { UserRow } from '../../repository/index.js';
import { bearerAuthentication, bearerToken, callerOf } from '../authenticate.js';
import { clientKey } from '../client-address.js';
import type { RouteContext } from '../context.js';
import { rateLimited, startSession } from '../session.js';
import { emailKey } from '../sign-in-backoff.js';

/**
 * POST /auth/token: email and password for a bearer token. Rate-limited per address and email (every attempt),
 * per address across emails (failed attempts: password spraying), per account from any address (failures in a row:
 * a doubling wait), and by the password queue (a flood of sign-ins waits its turn or is refused, and never holds
 * the threads screenshot uploads need).
 * DELETE /auth/token: the bearer token revokes itself (sign-out).
 * DELETE /auth/tokens: every token of the caller is revoked (sign out everywhere).
 */
export const authRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const limits = ctx.signInLimits;
  app.post(
    '/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in: exchange email and password for a bearer token',
        body: loginRequestSchema,
        response: { 200: loginResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 429: apiErrorSchema },
      },
      config: {
        rateLimit: {
          max: ctx.config.loginRateLimit.max,
          timeWindow: ctx.config.loginRateLimit.windowMs,
          // After body parsing, so the key can include the email: one attacker cannot lock out everyone
          // behind the same address, and one address cannot try many passwords for one account.
          hook: 'preHandler',
          keyGenerator: (request) => `${clientKey(request)}|${emailKey(String((request.body as { email?: unknown } | undefined)?.email ?? ''))}`,
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const address = clientKey(request);
      const setRetryAfter = (seconds: string) => void reply.header('retry-after', seconds);
      // Checked before the password, so a refused caller learns nothing about it.
      const admission = await limits.admit(address, email);
      if (!admission.admitted) {
        const why = admission.limit === 'address' ? 'too many failed sign-ins from this address' : 'too many failed sign-ins for this email';
        throw rateLimited(admission.retryAfterMs, why, setRetryAfter);
      }
      const { attempt } = admission;
      let user: UserRow | undefined;
      try {
        user = await accountWithPassword(ctx.repos, ctx.passwords, email, password);
      } catch (error) {
        await attempt.release(); // the check did not run to its end: not a failure of the caller's
        if (error instanceof PasswordQueueFullError) throw rateLimited(1000, 'the server is busy checking other sign-ins', setRetryAfter);
        throw error;
      }
      if (!user) {
        await attempt.failed();
        if ((await limits.addressFailures(address)) === ctx.config.addressLoginFailureLimit.max) {
          request.log.warn({ address }, 'failed sign-ins from one address reached the limit: its sign-ins are refused for a while');
        }
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
      }
      await attempt.succeeded();
      const session = await startSession(ctx, user);
      request.log.info({ userId: user.id }, 'signed in');
      return session;
    },
  );

  await app.register(async (authed) => {
    authed.addHook('onRequest', bearerAuthentication(ctx.repos, ctx.clock));
    authed.delete(
      '/auth/token',
      {
        schema: {
          tags: ['auth'],
          summary: "Sign out: revoke the token that makes this call (the user's other tokens keep working)",
          response: { 204: logoutResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        // The hook found this token, so it is well formed; a request racing another revocation finds no row.
        const tokenHash = hashToken(bearerToken(request) ?? '');
        await ctx.repos.tokens.revoke(tokenHash, caller.id);
        ctx.policyStreams.endFor(caller.id, tokenHash);
        request.log.info({ userId: caller.id }, 'signed out: token revoked');
        return reply.code(204).send(null);
      },
    );
    authed.delete(
      '/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign out everywhere: revoke every token of the caller, this one included (other browsers, every agent)',
          response: { 204: logoutResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const revoked = await ctx.repos.tokens.revokeAll(caller.id);
        // Streams opened with those tokens end now, not at their next heartbeat's token check.
        ctx.policyStreams.endFor(caller.id);
        request.log.info({ userId: caller.id, revoked }, 'signed out everywhere: every token revoked');
        return reply.code(204).send(null);
      },
    );
  });
};
