import { z } from 'zod';
import { recordIdSchema } from '../segment.js';
import { typedTextSchema } from './text.js';

/** The longest note a dispute holds. */
export const MAX_DISPUTE_NOTE = 2000;

/** The disputes a contract's list gives at most, newest segment first (`more` says when there are others). */
export const MAX_LISTED_DISPUTES = 200;

/** /contracts/{id}/segments/{segmentId}/dispute */
export const disputeParamSchema = z.object({ id: recordIdSchema, segmentId: recordIdSchema }).strict();

/**
 * PUT …/dispute: the client disputes one segment instead of approving it, saying why. The note is text (trimmed,
 * 1 to 2000 characters, no control characters), shown as text wherever it is shown.
 */
export const disputeRequestSchema = z.object({ note: typedTextSchema(MAX_DISPUTE_NOTE, 'a note') }).strict();
export type DisputeRequest = z.infer<typeof disputeRequestSchema>;

/** A segment's dispute in the diary: the client's note and when it was written (a replaced note, when it was replaced). */
export const segmentDisputeSchema = z.object({ note: z.string(), at: z.iso.datetime() }).strict();
export type SegmentDispute = z.infer<typeof segmentDisputeSchema>;

/** An open dispute, with the segment it is about. */
export const disputeSchema = z
  .object({
    segmentId: z.string(),
    /** The segment's start (UTC). */
    startedAt: z.iso.datetime(),
    note: z.string(),
    at: z.iso.datetime(),
  })
  .strict();
export type Dispute = z.infer<typeof disputeSchema>;

/**
 * A dispute the client withdrew after the week was approved: the segment's time joined the approval then, at
 * `withdrawnAt`, not at the week's approval (a dispute withdrawn before the approval is simply approved with the week).
 */
export const withdrawnDisputeSchema = disputeSchema.extend({ withdrawnAt: z.iso.datetime() }).strict();
export type WithdrawnDispute = z.infer<typeof withdrawnDisputeSchema>;

/** PUT …/dispute answers with the dispute as stored. */
export const disputeResultSchema = disputeSchema.extend({ contractId: z.string() }).strict();
export type DisputeResult = z.infer<typeof disputeResultSchema>;

/** GET /contracts/{id}/disputes: the open disputes, newest segment first, at most MAX_LISTED_DISPUTES. */
export const disputeListSchema = z
  .object({
    contractId: z.string(),
    disputes: z.array(disputeSchema).max(MAX_LISTED_DISPUTES),
    /** Older open disputes exist beyond this list (the diary shows every one). */
    more: z.boolean(),
  })
  .strict();
export type DisputeList = z.infer<typeof disputeListSchema>;
