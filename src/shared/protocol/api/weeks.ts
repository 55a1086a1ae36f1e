import { z } from 'zod';
import { recordIdSchema } from '../segment.js';

/**
 * A week of a contract: Monday to Sunday in the contract's time zone, named in addresses by any date in it
 * ("2026-11-26" names the week of Monday 2026-11-23). The server answers with the Monday.
 */
export const weekParamSchema = z
  .object({
    id: recordIdSchema,
    week: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-23'),
  })
  .strict();

const secondsSchema = z.number().int().min(0);

/** The diary totals (src/shared/diary/totals.ts): removed is the tracked time of segments the freelancer stripped of their screenshot. */
export const diaryTotalsSchema = z
  .object({ trackedSeconds: secondsSchema, billableSeconds: secondsSchema, idleSeconds: secondsSchema, removedSeconds: secondsSchema })
  .strict();

/**
 * open: the week is still running; in_review: it ended and waits for the client, at the latest until
 * `autoApprovesAt`; approved: by the client or, once that moment passed, by the server. An approved week is locked.
 */
export const weekStateSchema = z.enum(['open', 'in_review', 'approved']);
export type WeekState = z.infer<typeof weekStateSchema>;

export const weekReviewSchema = z
  .object({
    contractId: z.string(),
    /** The Monday, "YYYY-MM-DD", in the contract's zone. */
    week: z.string(),
    timeZone: z.string(),
    /** The week's first and last instants, [from, to), as UTC times. */
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    state: weekStateSchema,
    /** When the server approves the week if the client has not: known in advance, shown on the week. */
    autoApprovesAt: z.iso.datetime(),
    approval: z.object({ at: z.iso.datetime(), by: z.enum(['client', 'server']) }).strict().nullable(),
    /** Seven days, Monday first, with the totals of the segments starting on each. */
    days: z.array(z.object({ date: z.string(), totals: diaryTotalsSchema }).strict()).length(7),
    totals: diaryTotalsSchema,
  })
  .strict();
export type WeekReview = z.infer<typeof weekReviewSchema>;
