import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiErrorSchema, loginRequestSchema, loginResponseSchema, logoutResponseSchema } from '../../../../src/shared/protocol/api/index.js';
import { decoyHash, verifyPassword } from '../../auth/passwords.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import { ApiError } from '../../errors.js';
import { toIso } from '../../support/time.js';
import { bearerAuthentication, bearerToken, callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

/**
 * POST /auth/token: email and password for a bearer token. Rate-limited per address and email.
 * DELETE /auth/token: the bearer token revokes itself (sign-out).
 */
export const authRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
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
    async (request) => {
      const { email, password } = request.body;
      const user = await ctx.repos.users.findByEmail(email);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !ok) throw new ApiError(401, 'INVALID_CREDENTIALS', 'wrong email or password');
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
