import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiErrorSchema, loginRequestSchema, loginResponseSchema, logoutResponseSchema } from '../../../../src/shared/protocol/api/index.js';
import { decoyHash, verifyPassword } from '../../auth/passwords.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import { ApiError } from '../../errors.js';
import type { UserRow } from '../../repository/index.js';
import { toIso } from '../../support/time.js';
import { bearerAuthentication, bearerToken, callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';
import { AddressFailureLimiter } from '../rate-limit-failures.js';

/** The user with this email and password; undefined when there is none (a decoy hash makes both cases cost the same). */
async function userWithPassword(ctx: RouteContext, email: string, password: string): Promise<UserRow | undefined> {
  const user = await ctx.repos.users.findByEmail(email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  return user && ok ? user : undefined;
}

/**
 * POST /auth/token: email and password for a bearer token. Rate-limited per address and email (every
 * attempt), and per address across emails (failed attempts only: password spraying).
 * DELETE /auth/token: the bearer token revokes itself (sign-out).
 */
export const authRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const failedSignIns = new AddressFailureLimiter(ctx.clock, ctx.config.addressLoginFailureLimit);
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
          keyGenerator: (request) => `${request.ip}|${String((request.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      // Checked before the password, so a refused address learns nothing about it.
      const admission = failedSignIns.admit(request.ip);
      if (!admission.admitted) {
        const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
        reply.header('retry-after', String(seconds));
        throw new ApiError(429, 'RATE_LIMITED', `too many failed sign-ins from this address: try again in ${seconds} s`);
      }
      const { attempt } = admission;
      let user: UserRow | undefined;
      try {
        user = await userWithPassword(ctx, email, password);
      } catch (error) {
        attempt.release(); // the check did not run to its end: not a failure of the caller's
        throw error;
      }
      if (!user) {
        attempt.failed();
        if (failedSignIns.failuresOf(request.ip) === ctx.config.addressLoginFailureLimit.max) {
          request.log.warn({ address: request.ip }, 'failed sign-ins from one address reached the limit: its sign-ins are refused for a while');
        }
        throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
      }
      attempt.release();
      const token = newToken();
      const now = ctx.clock.now();
      const expiresAt = now + ctx.config.tokenTtlMs;
      await ctx.repos.tokens.create(hashToken(token), user.id, now, expiresAt);
      request.log.info({ userId: user.id }, 'signed in');
      return { token, expiresAt: toIso(expiresAt), user: { id: user.id, email: user.email, role: user.role } };
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
        const token = bearerToken(request);
        if (token) await ctx.repos.tokens.revoke(hashToken(token), caller.id);
        request.log.info({ userId: caller.id }, 'signed out: token revoked');
        return reply.code(204).send(null);
      },
    );
  });
};
