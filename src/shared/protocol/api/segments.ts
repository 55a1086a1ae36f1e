import { z } from 'zod';

/** What the server answers to PUT /segments/{id}: the stored totals after merging. */
export const segmentUploadResponseSchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    startedAt: z.iso.datetime(),
    trackedSeconds: z.number().int(),
    minutes: z.number().int(),
    billable: z.boolean(),
    /**
     * created: first upload; extended: more time or minutes than before; reduced: a higher revision with
     * less time or fewer minutes (idle discarded, time deleted); updated: memo or details only;
     * unchanged: a retry, or a revision older than the one held (the answer then gives what is held).
     */
    result: z.enum(['created', 'extended', 'reduced', 'updated', 'unchanged']),
    /** The revision the server holds after this upload; null when it only ever got uploads without one. Absent from older servers. */
    revision: z.number().int().min(1).nullable().optional(),
  })
  .strict();
export type SegmentUploadResponse = z.infer<typeof segmentUploadResponseSchema>;
