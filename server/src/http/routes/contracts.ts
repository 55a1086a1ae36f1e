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
  type ContractSummary,
} from '../../../../src/shared/protocol/api/index.js';
import { contractForParty, sideOf } from '../../domain/access.js';
import { buildDiary } from '../../domain/diary.js';
import { announcePolicy, policyEtag, toPolicy, updatePolicy } from '../../domain/policies.js';
import type { ContractRow } from '../../repository/index.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

/** Contracts, their policy (read by both parties, changed by the client) and the work diary. */
export const contractRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const currentPolicy = async (contract: ContractRow) => {
    const version = await ctx.repos.contracts.currentPolicy(contract.id);
    if (!version) throw new Error(`contract ${contract.id} has no policy`);
    return toPolicy(contract, version);
  };

  app.get(
    '/contracts',
    { schema: { tags: ['contracts'], summary: "The caller's contracts with their current policy", response: { 200: contractListSchema, 401: apiErrorSchema } } },
    async (request) => {
      const caller = callerOf(request);
      const contracts: ContractSummary[] = [];
      for (const c of await ctx.repos.contracts.listForUser(caller.id)) {
        contracts.push({
          id: c.id,
          name: c.name,
          client: { id: c.clientId, email: c.clientEmail },
          freelancer: { id: c.freelancerId, email: c.freelancerEmail },
          role: sideOf(c, caller) ?? caller.role,
          policy: await currentPolicy(c),
        });
      }
      return { contracts };
    },
  );

  app.get(
    '/contracts/:id/policy',
    {
      schema: {
        tags: ['policy'],
        summary: "The contract's current screenshot policy (ETag; If-None-Match answers 304)",
        params: ulidParamSchema,
        response: { 200: policySchema, 304: z.null().describe('not modified'), ...errors },
      },
    },
    async (request, reply) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      const policy = await currentPolicy(contract);
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
