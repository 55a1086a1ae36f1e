import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  apiErrorSchema,
  loginResponseSchema,
  PASSWORD_MIN_LENGTH,
  passwordChangeRequestSchema,
  passwordChangeResponseSchema,
  signupInfoSchema,
  signupRequestSchema,
} from '../../../../src/shared/protocol/api/index.js';
import { changePassword, signUpOrSignIn } from '../../domain/accounts.js';
import { requireInvitedEmail, usableInvitation } from '../../domain/invitations.js';
import { ApiError } from '../../errors.js';
import { bearerAuthentication, callerOf } from '../authenticate.js';
import { clientKey } from '../client-address.js';
import type { RouteContext } from '../context.js';
import { emailKey } from '../sign-in-backoff.js';
import { isGuessFailure, startSession, underFailureLimit } from '../session.js';

/**
 * Accounts over the API: the sign-up rules (public), sign-up, and a person's password change. Sign-up and the
 * password check share sign-in's limits (per address + email, and failures per address).
 */
export const accountRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const perAddressAndEmail = {
    max: ctx.config.loginRateLimit.max,
    timeWindow: ctx.config.loginRateLimit.windowMs,
    hook: 'preHandler' as const,
  };

  app.get(
    '/auth/signup',
    { schema: { tags: ['auth'], summary: 'Who may create an account here (invite, open or closed) and the password rules', response: { 200: signupInfoSchema } } },
    async () => ({ mode: ctx.config.signup, passwordMinLength: PASSWORD_MIN_LENGTH }),
  );

  app.post(
    '/auth/signup',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Create an account and sign in (under --signup invite, with the invitation token, for the invited email). For an email ' +
          'with an account it signs in with that password instead: the answer never tells which happened',
        body: signupRequestSchema,
        response: { 200: loginResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 410: apiErrorSchema, 429: apiErrorSchema },
      },
      config: {
        rateLimit: {
          ...perAddressAndEmail,
          keyGenerator: (request) => `signup|${clientKey(request)}|${emailKey(String((request.body as { email?: unknown } | undefined)?.email ?? ''))}`,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (ctx.config.signup === 'closed') throw new ApiError(403, 'SIGNUP_CLOSED', 'this server does not take sign-ups: ask its operator for an account');
      const { user, created } = await underFailureLimit(
        ctx,
        request,
        reply,
        body.email,
        async () => {
          if (body.invitation !== undefined) requireInvitedEmail(await usableInvitation(ctx.repos, body.invitation, ctx.clock.now()), body.email);
          else if (ctx.config.signup === 'invite') {
            throw new ApiError(403, 'INVITATION_REQUIRED', 'accounts are made by accepting an invitation here: open the link you were sent');
          }
          return signUpOrSignIn(ctx.repos, ctx.passwords, ctx.clock, { email: body.email, name: body.name, password: body.password });
        },
        isGuessFailure,
      );
      request.log.info({ userId: user.id, created }, created ? 'account created' : 'signed in through sign-up');
      return startSession(ctx, user);
    },
  );

  await app.register(async (plugin) => {
    const authed = plugin.withTypeProvider<ZodTypeProvider>();
    authed.addHook('onRequest', bearerAuthentication(ctx.repos, ctx.clock));
    authed.put(
      '/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: "Change the caller's password: the current one proves it is them; every sign-in of theirs is revoked (sign out everywhere) and the caller gets a new one",
          body: passwordChangeRequestSchema,
          response: { 200: passwordChangeResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 429: apiErrorSchema },
        },
        config: { rateLimit: { ...perAddressAndEmail, keyGenerator: (request) => `password|${clientKey(request)}|${request.caller?.id ?? ''}` } },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const { user, revoked } = await underFailureLimit(ctx, request, reply, caller.email, () => changePassword(ctx.repos, ctx.passwords, caller, request.body), isGuessFailure);
        // As sign-out everywhere does: streams opened with the revoked tokens end now, not at their next heartbeat.
        ctx.policyStreams.endFor(caller.id);
        request.log.info({ userId: caller.id, revoked }, 'password changed; every sign-in revoked, a new one given');
        return { revokedTokens: Math.max(0, revoked - 1), session: await startSession(ctx, user) };
      },
    );
  });
};
