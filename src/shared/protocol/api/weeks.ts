import { z } from 'zod';
import { recordIdSchema } from '../segment.js';
import { disputeSchema, withdrawnDisputeSchema } from './disputes.js';

/** A calendar date, "YYYY-MM-DD" (the server checks that it exists). */
export const dateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date such as 2026-11-23');

/**
 * A week of a contract: Monday to Sunday in the contract's time zone, named in addresses by any date in it
 * ("2026-11-26" names the week of Monday 2026-11-23). The server answers with the Monday.
 */
export const weekParamSchema = z
  .object({
    id: recordIdSchema,
    week: dateSchema,
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
    /**
     * The week's screenshots and what approval does to them, said in advance: how many are still stored, whether
     * approving deletes them (the contract's setting; once approved, the one in force at the approval) and, if it
     * does, the latest moment they go (the approval's, or the server's approval date while the week waits).
     */
    screenshots: z
      .object({ stored: z.number().int().min(0), deleteOnApproval: z.boolean(), deletedAtLatest: z.iso.datetime().nullable() })
      .strict(),
    /**
     * The segments the client disputes (inside `totals`): approving the week approves everything but these. Each
     * stays unapproved until the client withdraws the dispute.
     */
    disputed: z.object({ totals: diaryTotalsSchema, segments: z.number().int().min(0) }).strict(),
    disputes: z.array(disputeSchema),
    /** Disputes withdrawn after the week's approval: each segment's time was approved at its withdrawal. */
    withdrawn: z.array(withdrawnDisputeSchema),
    /**
     * Segments that reached the server after the week was approved (an agent that was offline): kept, out of
     * `days` and `totals` (what was approved does not change), and approved apart by the client
     * (POST …/late-approval), or by the server's clock `autoApproveDays` after each arrived (local midnight, the setting
     * in force at the arrival). `approval` is the latest such approval once every late segment has one, else null;
     * `autoApprovesAt` the next automatic date while some wait (null when none waits, or only disputed ones).
     */
    late: z
      .object({
        totals: diaryTotalsSchema,
        segments: z.number().int().min(0),
        approval: z.object({ at: z.iso.datetime(), by: z.enum(['client', 'server']) }).strict().nullable(),
        autoApprovesAt: z.iso.datetime().nullable(),
      })
      .strict(),
  })
  .strict();
export type WeekReview = z.infer<typeof weekReviewSchema>;

/**
 * POST /contracts/{id}/screenshots/deletion: every screenshot of a day or a week (in the contract's zone; any
 * date of the week names it) or of the whole contract, deleted for good by the client; the time stays billable.
 */
export const bulkDeletionSchema = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('day'), date: dateSchema }).strict(),
  z.object({ scope: z.literal('week'), date: dateSchema }).strict(),
  z.object({ scope: z.literal('contract') }).strict(),
]);
export type BulkDeletion = z.infer<typeof bulkDeletionSchema>;

export const bulkDeletionResultSchema = z
  .object({
    /** Screenshots this call deleted. */
    deleted: z.number().int().min(0),
    /** Screenshots of the range that were gone already (an earlier call, one by one, retention, the freelancer). */
    alreadyDeleted: z.number().int().min(0),
  })
  .strict();
export type BulkDeletionResult = z.infer<typeof bulkDeletionResultSchema>;
