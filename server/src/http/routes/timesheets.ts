import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiErrorSchema, timesheetQuerySchema, ulidParamSchema } from '../../../../src/shared/protocol/api/index.js';
import { contractForParty } from '../../domain/access.js';
import { buildTimesheet, type Timesheet } from '../../domain/timesheet.js';
import { timesheetCsv } from '../../export/csv.js';
import { timesheetAttachment } from '../../export/filename.js';
import { timesheetPdf } from '../../export/pdf.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

const RANGE =
  "whole weeks in the contract's time zone: from a Monday to a Sunday (YYYY-MM-DD, both included), at most 53 weeks; both parties. " +
  "The totals are the week reviews' (GET /contracts/{id}/weeks/{week}) and so the diary's; the amount is billable time at the contract's " +
  'hourly rate, rounded half-up to the minor unit once per week, and the grand total adds the rounded weeks';

interface TimesheetFormat {
  readonly extension: 'csv' | 'pdf';
  readonly contentType: string;
  readonly summary: string;
  render(sheet: Timesheet): string | Buffer | Promise<Buffer>;
}

const FORMATS: readonly TimesheetFormat[] = [
  {
    extension: 'csv',
    contentType: 'text/csv; charset=utf-8; header=present',
    summary: 'The timesheet as RFC 4180 CSV (an attachment): a row per day, a totals row per week with its state and amount, a late row after it for time that arrived after the week\'s approval, a grand total of both',
    render: timesheetCsv,
  },
  {
    extension: 'pdf',
    contentType: 'application/pdf',
    summary:
      'The timesheet as a one-page PDF to sign off (an attachment): contract, parties, period, a row per day (per week beyond six weeks), ' +
      "each week's totals, state and amount, the grand total, and signature lines for the client (approves) and the freelancer (submits)",
    render: timesheetPdf,
  },
];

/** The timesheet downloads: the same weeks as CSV (for a spreadsheet) and as a one-page PDF (to sign off). */
export const timesheetRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  for (const format of FORMATS) {
    app.get(
      `/contracts/:id/timesheet.${format.extension}`,
      {
        schema: {
          tags: ['weeks'],
          summary: `${format.summary}; ${RANGE}`,
          params: ulidParamSchema,
          querystring: timesheetQuerySchema,
          response: { 200: z.any().describe(`the file (${format.contentType})`), ...errors },
        },
      },
      async (request, reply) => {
        const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id);
        const sheet = await buildTimesheet(ctx.repos, ctx.clock, contract, request.query);
        return reply
          .header('content-type', format.contentType)
          .header('content-disposition', timesheetAttachment(contract.name, sheet.from, sheet.to, format.extension))
          .header('x-content-type-options', 'nosniff')
          .send(await format.render(sheet));
      },
    );
  }
};
