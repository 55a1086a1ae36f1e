import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorSchema, timesheetQuerySchema, ulidParamSchema } from '../../../../src/shared/protocol/api/index.js';
import { contractForParty } from '../../domain/access.js';
import { buildTimesheet } from '../../domain/timesheet.js';
import { timesheetCsv } from '../../export/csv.js';
import { timesheetAttachment } from '../../export/filename.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

const RANGE =
  "whole weeks in the contract's time zone: from a Monday to a Sunday (YYYY-MM-DD, both included), at most 53 weeks; both parties. " +
  "The totals are the week reviews' (GET /contracts/{id}/weeks/{week}) and so the diary's; the amount is billable time at the contract's " +
  'hourly rate, rounded half-up to the minor unit once per week, and the grand total adds the rounded weeks';

/** The timesheet downloads: the same weeks as CSV (for a spreadsheet) and as a one-page PDF (to sign off). */
export const timesheetRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/contracts/:id/timesheet.csv',
    {
      schema: {
        tags: ['weeks'],
        summary: `The timesheet as RFC 4180 CSV (text/csv, an attachment): a row per day, a totals row per week with its state and amount, a grand total; ${RANGE}`,
        params: ulidParamSchema,
        querystring: timesheetQuerySchema,
        response: { 200: z.any().describe('the CSV (text/csv; charset=utf-8)'), ...errors },
      },
    },
    async (request, reply) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
      const sheet = await buildTimesheet(ctx.repos, ctx.clock, contract, request.query);
      return reply
        .header('content-type', 'text/csv; charset=utf-8; header=present')
        .header('content-disposition', timesheetAttachment(contract.name, sheet.from, sheet.to, 'csv'))
        .header('x-content-type-options', 'nosniff')
        .send(timesheetCsv(sheet));
    },
  );
};
