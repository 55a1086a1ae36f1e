import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { segmentUploadSchema } from '../../../../src/shared/protocol/index.js';
import { apiErrorSchema, segmentUploadResponseSchema, ulidParamSchema } from '../../../../src/shared/protocol/api/index.js';
import { uploadSegment } from '../../domain/segments.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

/** PUT /segments/{id}: the agent's segment record, idempotent; the highest revision is kept whole. */
export const segmentRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.put(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary:
          "Upload a segment (the contract's freelancer); the same body again changes nothing. With a revision the highest one is kept " +
          'whole (a segment may shrink); the same revision with other content is 409; without one, uploads merge by maximum. ' +
          'A minute the freelancer bills already, in any contract, is 409 TIME_ALREADY_BILLED; time from before the contract 409 ' +
          'TIME_BEFORE_CONTRACT; too many uploads for the contract 429 (Retry-After). The policy version kept is the one in force, from the history. ' +
          "In an approved week a segment's approved minutes no longer change (409 WEEK_APPROVED); minutes it adds after them are kept as a late part " +
          "of it (the week's `late`, approved apart; the answer speaks of the whole segment)",

        params: ulidParamSchema,
        body: segmentUploadSchema,
        response: {
          200: segmentUploadResponseSchema,
          400: apiErrorSchema,
          401: apiErrorSchema,
          403: apiErrorSchema,
          404: apiErrorSchema,
          409: apiErrorSchema,
          422: apiErrorSchema,
          429: apiErrorSchema,
        },
      },
    },
    async (request) =>
      uploadSegment(
        { repos: ctx.repos, clock: ctx.clock, limits: ctx.uploadLimits, futureSlackMs: ctx.config.captureFutureSlackMs },
        callerOf(request),
        request.params.id,
        request.body,
      ),
  );
};
