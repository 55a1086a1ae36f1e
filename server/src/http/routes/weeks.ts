import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiErrorSchema, bulkDeletionResultSchema, bulkDeletionSchema, ulidParamSchema, weekParamSchema, weekReviewSchema } from '../../../../src/shared/protocol/api/index.js';
import { deleteScreenshotsInRange } from '../../domain/bulk-deletion.js';
import { contractForParty } from '../../domain/access.js';
import { approveLateSegments } from '../../domain/late-segments.js';
import { approveWeek, weekReview } from '../../domain/weeks.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

/** The weekly review: both parties read a week; only the contract's client approves it or deletes its screenshots in bulk. */
export const weekRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/contracts/:id/weeks/:week',
    {
      schema: {
        tags: ['weeks'],
        summary:
          "A week of the contract (Monday to Sunday in the contract's time zone; any date in it names it): tracked, billable, idle and removed time " +
          'per day and in total, its state (open, in_review, approved) and when the server approves it if the client has not',
        params: weekParamSchema,
        response: { 200: weekReviewSchema, ...errors },
      },
    },
    async (request) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      return weekReview(ctx.repos, ctx.clock, contract, request.params.week);
    },
  );

  app.post(
    '/contracts/:id/weeks/:week/approval',
    {
      schema: {
        tags: ['weeks'],
        summary: 'Approve a week that has ended (the client): it is locked from then on. Approving an approved week changes nothing',
        params: weekParamSchema,
        response: { 200: weekReviewSchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id, 'client');
      const review = await approveWeek(ctx, contract, caller, request.params.week);
      request.log.info({ contractId: contract.id, week: review.week }, 'week approved');
      return review;
    },
  );

  app.post(
    '/contracts/:id/weeks/:week/late-approval',
    {
      schema: {
        tags: ['weeks'],
        summary:
          "Approve the late part of an approved week (the client): the segments that arrived after the week's approval and the time approved " +
          'segments added after it, shown apart in `late`, but those the client disputes. 409 NOTHING_TO_APPROVE when none arrived; approving again changes nothing',
        params: weekParamSchema,
        response: { 200: weekReviewSchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id, 'client');
      const review = await approveLateSegments(ctx, contract, caller, request.params.week);
      request.log.info({ contractId: contract.id, week: review.week, lateSegments: review.late.segments }, 'late segments approved');
      return review;
    },
  );

  app.post(
    '/contracts/:id/screenshots/deletion',
    {
      schema: {
        tags: ['screenshots'],
        summary:
          "Delete every screenshot of a day, a week (in the contract's time zone) or the whole contract, for good (the client); the time stays billed. " +
          'Idempotent: a repeat deletes nothing more and counts what is gone; a repeat also finishes a deletion a crash cut short',
        params: ulidParamSchema,
        body: bulkDeletionSchema,
        response: { 200: bulkDeletionResultSchema, ...errors },
      },
    },
    async (request) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id, 'client');
      const result = await deleteScreenshotsInRange(ctx, contract, request.body);
      request.log.info({ contractId: contract.id, scope: request.body.scope, ...result }, 'screenshots deleted in bulk');
      return result;
    },
  );
};
