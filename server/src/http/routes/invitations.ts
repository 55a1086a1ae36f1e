import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { apiErrorSchema, contractSummarySchema, invitationSummarySchema, invitationTokenSchema, invitationViewSchema } from '../../../../src/shared/protocol/api/index.js';
import { announceContract, contractSummary } from '../../domain/contracts.js';
import { acceptInvitation, declineInvitation, invitationView, toInvitationSummary, usableInvitation } from '../../domain/invitations.js';
import { bearerAuthentication, callerOf } from '../authenticate.js';
import { clientKey } from '../client-address.js';
import type { RouteContext } from '../context.js';
import { isGuessFailure, underFailureLimit } from '../session.js';

const tokenErrors = { 400: apiErrorSchema, 404: apiErrorSchema, 410: apiErrorSchema, 429: apiErrorSchema };

/**
 * The freelancer's side of an invitation. The token is the authority, so it travels in the body (request lines are
 * logged) and every route is limited per address like sign-in; a token nobody issued counts as a failed guess.
 * Looking and declining need only the token; accepting needs the invited account signed in.
 */
export const invitationRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const perAddress = {
    max: ctx.config.loginRateLimit.max,
    timeWindow: ctx.config.loginRateLimit.windowMs,
    keyGenerator: (request: FastifyRequest) => `invitation|${clientKey(request)}`,
  };

  app.post(
    '/invitations/lookup',
    {
      schema: {
        tags: ['invitations'],
        summary: "What an invitation token offers: the contract, its client, policy and terms, the invited email (never whether it has an account)",
        body: invitationTokenSchema,
        response: { 200: invitationViewSchema, ...tokenErrors },
      },
      config: { rateLimit: perAddress },
    },
    async (request, reply) =>
      underFailureLimit(ctx, request, reply, null, async () => invitationView(ctx.repos, await usableInvitation(ctx.repos, request.body.token, ctx.clock.now()), ctx.clock.now()), isGuessFailure),
  );

  app.post(
    '/invitations/decline',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Decline an invitation (whoever holds its token); the client sees it declined, the contract stays waiting',
        body: invitationTokenSchema,
        response: { 200: invitationSummarySchema, ...tokenErrors },
      },
      config: { rateLimit: perAddress },
    },
    async (request, reply) => {
      const row = await underFailureLimit(ctx, request, reply, null, () => ctx.repos.transaction((tx) => declineInvitation(tx, ctx.clock, request.body.token)), isGuessFailure);
      request.log.info({ contractId: row.contractId, invitationId: row.id }, 'invitation declined');
      return toInvitationSummary(row, ctx.clock.now());
    },
  );

  await app.register(async (plugin) => {
    const authed = plugin.withTypeProvider<ZodTypeProvider>();
    authed.addHook('onRequest', bearerAuthentication(ctx.repos, ctx.clock));
    authed.post(
      '/invitations/accept',
      {
        schema: {
          tags: ['invitations'],
          summary: "Accept an invitation as the signed-in account with the invited email: it becomes the contract's freelancer, and the contract active",
          body: invitationTokenSchema,
          response: { 200: contractSummarySchema, ...tokenErrors, 401: apiErrorSchema, 403: apiErrorSchema, 409: apiErrorSchema },
        },
        config: { rateLimit: perAddress },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const contract = await underFailureLimit(ctx, request, reply, null, () => ctx.repos.transaction((tx) => acceptInvitation(tx, ctx.clock, caller, request.body.token)), isGuessFailure);
        await announceContract(ctx, contract);
        request.log.info({ contractId: contract.id, userId: caller.id }, 'invitation accepted: the contract is active');
        return contractSummary(ctx.repos, contract, caller, ctx.clock.now());
      },
    );
  });
};
