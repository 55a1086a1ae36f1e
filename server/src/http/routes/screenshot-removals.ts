import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  apiErrorSchema,
  removedScreenshotsQuerySchema,
  removedScreenshotsSchema,
  ulidParamSchema,
} from '../../../../src/shared/protocol/api/index.js';
import { listRemovedScreenshots } from '../../domain/screenshot-removals.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

/** The feed from which the freelancer's agent learns which of its uploaded screenshots are gone here. */
export const screenshotRemovalRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/contracts/:id/screenshots/removed',
    {
      schema: {
        tags: ['screenshots'],
        summary:
          "Screenshots captured in [from, to) that are gone (deleted by either party, or purged), for the contract's freelancer: " +
          'the agent deletes its copies. In (takenAt, id) order; when more is true, ask again with from = the last takenAt and after = its id. ' +
          'removedSince (optional) keeps only those removed since then; asOf is the server clock for the next check',
        params: ulidParamSchema,
        querystring: removedScreenshotsQuerySchema,
        response: { 200: removedScreenshotsSchema, 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const answer = await listRemovedScreenshots(ctx.repos, ctx.clock, callerOf(request), request.params.id, request.query);
      reply.header('cache-control', 'private, no-store');
      return answer;
    },
  );
};
