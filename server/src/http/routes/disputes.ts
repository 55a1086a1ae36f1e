import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiErrorSchema,
  disputeListSchema,
  disputeParamSchema,
  disputeRequestSchema,
  disputeResultSchema,
  ulidParamSchema,
} from '../../../../src/shared/protocol/api/index.js';
import { contractForParty } from '../../domain/access.js';
import { disputeSegment, listDisputes, withdrawDispute } from '../../domain/disputes.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

/** Disputes: the contract's client disputes single segments with a note; both parties read them. */
export const disputeRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.put(
    '/contracts/:id/segments/:segmentId/dispute',
    {
      schema: {
        tags: ['weeks'],
        summary:
          "Dispute one segment instead of approving it (the client), with a note the freelancer reads: approving the week approves everything but it. " +
          'The same call replaces the note; both only while the segment\'s week is not approved (409 WEEK_APPROVED), or, for time that arrived ' +
          'after the approval (`late`), until the client approves it',
        params: disputeParamSchema,
        body: disputeRequestSchema,
        response: { 200: disputeResultSchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id, 'client');
      const dispute = await disputeSegment(ctx.repos, ctx.clock, contract, caller, request.params.segmentId, request.body.note);
      // Never the note: it is the parties' words, not the operator's.
      request.log.info({ contractId: contract.id, segmentId: dispute.segmentId }, 'segment disputed');
      return dispute;
    },
  );

  app.delete(
    '/contracts/:id/segments/:segmentId/dispute',
    {
      schema: {
        tags: ['weeks'],
        summary:
          "Withdraw a segment's dispute (the client). In an approved week the segment's time joins the approval now, at the withdrawal's time. " +
          'Withdrawing where no dispute is open changes nothing',
        params: disputeParamSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id, 'client');
      const withdrawn = await withdrawDispute(ctx.repos, ctx.clock, contract, request.params.segmentId);
      if (withdrawn) request.log.info({ contractId: contract.id, segmentId: request.params.segmentId }, 'dispute withdrawn');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/contracts/:id/disputes',
    {
      schema: {
        tags: ['weeks'],
        summary: "The contract's open disputes, newest segment first (both parties): the freelancer's agent shows them with their notes",
        params: ulidParamSchema,
        response: { 200: disputeListSchema, ...errors },
      },
    },
    async (request) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      return listDisputes(ctx.repos, contract);
    },
  );
};
