import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { policySchema } from '../../../../src/shared/protocol/index.js';
import {
  apiErrorSchema,
  contractListSchema,
  diaryQuerySchema,
  diarySchema,
  policyUpdateSchema,
  ulidParamSchema,
} from '../../../../src/shared/protocol/api/index.js';
import { contractForParty } from '../../domain/access.js';
import { contractSummary } from '../../domain/contracts.js';
import { buildDiary } from '../../domain/diary.js';
import { announcePolicy, currentPolicyOf, policyEtag, updatePolicy } from '../../domain/policies.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

/** Contracts, their policy (read by both parties, changed by the client) and the work diary. */
export const contractRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/contracts',
    {
      schema: {
        tags: ['contracts'],
        summary: "The caller's contracts (as client and as freelancer) with their side, policy, state and terms",
        response: { 200: contractListSchema, 401: apiErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const now = ctx.clock.now();
      const contracts = [];
      for (const c of await ctx.repos.contracts.listForUser(caller.id)) contracts.push(await contractSummary(ctx.repos, c, caller, now));
      return { contracts };
    },
  );

  app.get(
    '/contracts/:id/policy',
    {
      schema: {
        tags: ['policy'],
        summary: "The contract's current screenshot policy and state (ETag; If-None-Match answers 304)",
        params: ulidParamSchema,
        response: { 200: policySchema, 304: z.null().describe('not modified'), ...errors },
      },
    },
    async (request, reply) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      const policy = await currentPolicyOf(ctx.repos, contract);
      const etag = policyEtag(policy);
      reply.header('etag', etag).header('cache-control', 'private, no-cache');
      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
        return reply.code(304).send(null);
      }
      return policy;
    },
  );

  app.put(
    '/contracts/:id/policy',
    {
      schema: {
        tags: ['policy'],
        summary: 'Change the policy (the client only); every version is kept with its time',
        params: ulidParamSchema,
        body: policyUpdateSchema,
        response: { 200: policySchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id, 'client');
      const { policy, changed } = await updatePolicy(ctx.repos, ctx.clock, contract, request.body);
      if (changed) {
        await announcePolicy(ctx.policyEvents, ctx.repos.notifications, policy);
        request.log.info({ contractId: contract.id, version: policy.version, screenshots: policy.screenshots }, 'policy changed');
      }
      reply.header('etag', policyEtag(policy));
      return policy;
    },
  );

  app.get(
    '/contracts/:id/diary',
    {
      schema: {
        tags: ['diary'],
        summary:
          'The work diary, a page at a time: segments, screenshots or their placeholders, the totals of the whole window, policy history. ' +
          'Follow nextCursor (as ?cursor=) until it is null',
        params: ulidParamSchema,
        querystring: diaryQuerySchema,
        response: { 200: diarySchema, ...errors },
      },
    },
    async (request) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      const paging = { segments: ctx.config.diaryPageSegments, chars: ctx.config.diaryPageChars };
      return buildDiary(ctx.repos, ctx.clock, paging, contract, request.query);
    },
  );
};
