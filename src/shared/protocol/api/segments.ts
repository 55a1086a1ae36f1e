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
    /** created: first upload; extended: more time or minutes than before; updated: memo or details only; unchanged: a retry. */
    result: z.enum(['created', 'extended', 'updated', 'unchanged']),
  })
  .strict();
export type SegmentUploadResponse = z.infer<typeof segmentUploadResponseSchema>;
