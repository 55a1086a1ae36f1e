import { z } from 'zod';
import { dateSchema } from './weeks.js';

/** The most weeks one timesheet covers: a year, whichever weekday it starts on. */
export const MAX_TIMESHEET_WEEKS = 53;

/**
 * GET /contracts/{id}/timesheet.csv and .pdf: whole weeks in the contract's time zone, `from` a Monday and
 * `to` a Sunday (both included), at most MAX_TIMESHEET_WEEKS weeks. The server checks the weekdays and the
 * length (400 VALIDATION_FAILED), since only it knows that the dates are real.
 */
export const timesheetQuerySchema = z
  .object({
    from: dateSchema.describe("The first Monday, YYYY-MM-DD, in the contract's time zone"),
    to: dateSchema.describe(`The last Sunday, YYYY-MM-DD (at most ${MAX_TIMESHEET_WEEKS} weeks after from)`),
  })
  .strict();
export type TimesheetQuery = z.infer<typeof timesheetQuerySchema>;
